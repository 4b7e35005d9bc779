"""The 法治政府建设年度报告 (issue 16 item 1, DESIGN §12, CONTRACT §9): every figure of the generated report — the
JSON and the Word file's text — against a year loaded in the shape of 石桥镇's own report (tests/rule_of_law_loader),
with edge rows just outside the year and rows of other kinds that must not count; the roles, bad input, the page,
the narrative kept per year, and the submission/publication deadlines at their boundary days."""

import datetime
import io

import pytest
from django.test import Client
from docx import Document

from reports import services, tasks
from reports.models import AnnualReport

from .conftest import client_for, make_user
from .rule_of_law_loader import load_year

YEAR = 2023  # a past year whatever instant CI runs the tests at (2026)
URL = f"/api/v1/reports/rule-of-law/{YEAR}/"


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


@pytest.fixture
def loaded(db):
    return load_year(YEAR)


@pytest.fixture
def principal(db):
    return make_user("principal")


def test_every_figure_of_the_report_counts_the_loaded_year(loaded, principal):
    exp = loaded
    body = client_for(principal).get(URL).json()
    figures = {f["key"]: f for f in body["figures"]}
    parts = {key: {p["key"]: p["value"] for p in f["parts"]} for key, f in figures.items()}
    assert all(f["rule"] and f["label"] for f in body["figures"])
    assert figures["meetings"]["value"] == exp.activities["meeting"]
    assert figures["study_sessions"]["value"] == exp.activities["study"]
    assert figures["trainings"]["value"] == exp.activities["training"]
    assert figures["certified_officers"]["value"] == exp.certified
    assert parts["certified_officers"]["brigade"] == exp.brigade
    assert parts["certified_officers"]["rate"] == round(100 * exp.certified / exp.brigade, 1)
    assert figures["first_penalty"]["value"] == 1
    assert figures["first_penalty"]["detail"]["date"] == exp.first_penalty_on.isoformat()
    assert figures["first_penalty"]["detail"]["number"] == exp.first_penalty_number
    assert figures["penalty_decisions"]["value"] == exp.penalties
    assert parts["penalty_decisions"] == {"on_the_spot": exp.on_the_spot, "general": exp.penalties - exp.on_the_spot}
    assert figures["legality_reviews"]["value"] == sum(exp.reviews.values())
    assert parts["legality_reviews"] == exp.reviews
    assert figures["normative_reviews"]["value"] == exp.normative_reviews
    assert figures["advisers"]["value"] == exp.covered
    assert parts["advisers"] == {"villages": exp.villages, "coverage": round(100 * exp.covered / exp.villages, 1)}
    assert figures["legal_literates"]["value"] == exp.literates
    assert figures["campaigns"]["value"] == exp.activities["publicity_town"]
    assert figures["grassroots_publicity"]["value"] == exp.activities["publicity_village"]
    assert figures["petitions"]["value"] == exp.petitions["visit"]
    assert parts["petitions"] == {k: v for k, v in exp.petitions.items() if k != "visit"}
    assert figures["mediations_town"]["value"] == exp.mediations_town
    assert figures["mediations_village"]["value"] == exp.mediations_village
    assert figures["performances"]["value"] == exp.activities["performance"]
    assert figures["lectures"]["value"] == exp.activities["lecture"]
    assert body["title"] == f"宝丰县石桥镇人民政府关于{YEAR}年法治政府建设情况的报告"

    # The Word file: the seed's title, the five items in its order, the figures woven in.
    response = client_for(principal).get(f"/api/v1/reports/rule-of-law/{YEAR}.docx")
    assert response.status_code == 200
    text = docx_text(response.content)
    assert f"宝丰县石桥镇人民政府关于{YEAR}年法治政府建设情况的报告" in text
    headings = [f"一、{YEAR}年度党政主要负责人履行推进法治建设第一责任人职责情况",
                f"二、{YEAR}年度推进法治政府建设的主要举措和成效", f"三、{YEAR}年度推进法治政府建设存在的不足和原因",
                f"四、{YEAR + 1}年度推进法治政府建设的主要安排", "五、其他需要报告的情况"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    rate = f"{100 * exp.certified / exp.brigade:.1f}".rstrip("0").rstrip(".")
    coverage = f"{100 * exp.covered / exp.villages:.1f}".rstrip("0").rstrip(".")
    a = exp.activities
    for sentence in [
        f"{YEAR}年会议研究部署法治建设工作{a['meeting']}次",
        f"组织党委理论中心组学法{a['study']}次，开展专题法律培训{a['training']}次",
        f"年末执法人员{exp.brigade}名，其中{exp.certified}名持有效行政执法证件上岗，持证率{rate}%",
        f"{YEAR}年11月20日，作出本镇首份行政处罚决定（{exp.first_penalty_number}）",
        f"全年作出行政处罚决定{exp.penalties}件，其中当场处罚{exp.on_the_spot}件",
        f"合法性审查{sum(exp.reviews.values())}次（通过{exp.reviews['passed']}次、退回修改{exp.reviews['returned']}次、"
        f"不予通过{exp.reviews['failed']}次），审查规范性文件{exp.normative_reviews}次",
        f"全镇共配备{exp.literates}名法律明白人，{exp.villages}个村中{exp.covered}个村配有法律顾问，覆盖率{coverage}%",
        f"法治集中宣传活动{a['publicity_town']}场，深入村组开展平安法治宣传活动{a['publicity_village']}次",
        f"信访办接待来访事项{exp.petitions['visit']}件（另收到来信{exp.petitions['letter']}件、来电{exp.petitions['phone']}件、"
        f"网上信访{exp.petitions['online']}件、12345热线转办{exp.petitions['hotline']}件）",
        f"镇人民调解委员会（司法所）调解纠纷{exp.mediations_town}起，村人民调解委员会调解纠纷{exp.mediations_village}起",
        f"开展普法戏曲汇演{a['performance']}次，组织法律讲座{a['lecture']}次",
    ]:
        assert sentence in text, sentence
    # The meetings open item 1, the study sessions item 2.
    assert positions[0] < text.index("会议研究部署法治建设工作") < positions[1] < text.index("理论中心组学法") < positions[2]


def test_the_first_penalty_is_reported_only_in_its_own_year(loaded, principal):
    body = client_for(principal).get(f"/api/v1/reports/rule-of-law/{YEAR - 1}/").json()
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["first_penalty"]["value"] == 0
    # The year before sees only its edge rows: one of each activity kind on its 31 December.
    assert figures["meetings"]["value"] == 1 and figures["petitions"]["value"] == 1
    assert figures["legality_reviews"]["value"] == 1 and figures["mediations_village"]["value"] == 1


def test_narrative_kept_per_year_and_in_the_word_file(loaded, principal):
    client = client_for(principal)
    r = client.patch(URL, {"narrative": {"shortcomings": "法治氛围营造需进一步加强。", "plans": "加强普法教育。"}},
                     format="json")
    assert r.status_code == 200, r.content
    client.patch(f"/api/v1/reports/rule-of-law/{YEAR - 1}/", {"narrative": {"shortcomings": "上一年的不足。"}},
                 format="json")
    body = client.get(URL).json()
    assert body["narrative"]["shortcomings"] == "法治氛围营造需进一步加强。"
    assert body["narrative"]["plans"] == "加强普法教育。"
    assert client.get(f"/api/v1/reports/rule-of-law/{YEAR - 1}/").json()["narrative"]["shortcomings"] == "上一年的不足。"
    text = docx_text(client.get(f"/api/v1/reports/rule-of-law/{YEAR}.docx").content)
    assert text.index("三、") < text.index("法治氛围营造需进一步加强。") < text.index("四、") < text.index("加强普法教育。")
    assert "上一年的不足。" not in text


@pytest.mark.django_db
def test_roles_and_bad_input():
    outsider = client_for(make_user("drafter"))
    assert outsider.get(URL).status_code == 403
    assert outsider.get(f"/api/v1/reports/rule-of-law/{YEAR}.docx").status_code == 403
    assert outsider.patch(URL, {"narrative": {"plans": "x"}}, format="json").status_code == 403
    admin = client_for(make_user("admin"))
    assert admin.get(URL).status_code == 200
    assert admin.patch(URL, {"narrative": {"plans": "x"}}, format="json").status_code == 403  # reads only
    office = client_for(make_user("judicial_office"))
    assert office.get(URL).status_code == 200
    for bad in ("1999", "99999", "0"):
        assert office.get(f"/api/v1/reports/rule-of-law/{bad}/").status_code == 400
    assert office.get(f"/api/v1/reports/rule-of-law/{datetime.date.today().year + 5}/").status_code == 400
    assert office.patch(URL, {"narrative": {"nonsense": "x"}}, format="json").status_code == 400
    assert office.patch(URL, {"narrative": "x"}, format="json").status_code == 400
    assert office.patch(URL, {"narrative": {"plans": "字" * 100_001}}, format="json").status_code == 400
    assert office.post(f"/api/v1/reports/rule-of-law/{YEAR}/submission/", {"day": "2023-13-01"},
                       format="json").status_code == 400
    assert office.post(f"/api/v1/reports/rule-of-law/{YEAR}/submission/", {"day": f"{YEAR}-12-31"},
                       format="json").status_code == 400


def _deadline(body, kind):
    return next(d for d in body["deadlines"] if d["kind"] == kind)


@pytest.mark.django_db
@pytest.mark.parametrize("day, late", [("03-01", False), ("03-02", True)])
def test_submission_deadline_due_1_march_closed_on_record(clock, day, late):
    clock.move_to(datetime.datetime(2026, 1, 2, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    tasks.open_last_year()
    tasks.open_last_year()  # idempotent
    user = make_user("judicial_office")
    client = client_for(user)
    body = client.get("/api/v1/reports/rule-of-law/2025/").json()
    assert [d["kind"] for d in body["deadlines"]] == ["report.rule_of_law_submit", "report.rule_of_law_publish"]
    assert _deadline(body, "report.rule_of_law_submit")["due_date"] == "2026-03-01"
    assert _deadline(body, "report.rule_of_law_publish")["due_date"] == "2026-04-01"
    stats = AnnualReport.objects.get(kind="statistics", year=2025)
    assert [d.due_at.date().isoformat() for d in services.deadlines_of_report(stats)] == ["2026-01-31"]

    clock.move_to(datetime.datetime.fromisoformat(f"2026-{day}T10:00:00+08:00"))
    r = client.post("/api/v1/reports/rule-of-law/2025/submission/", {}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["submitted_on"] == f"2026-{day}"
    submit = _deadline(body, "report.rule_of_law_submit")
    assert submit["status"] == "closed"
    from notifications.models import Deadline
    closed = Deadline.objects.get(pk=submit["id"])
    assert (closed.closed_on > closed.due_date) is late
    assert _deadline(body, "report.rule_of_law_publish")["status"] == "open"
    body = client.post("/api/v1/reports/rule-of-law/2025/publication/", {"day": f"2026-{day}"}, format="json").json()
    assert _deadline(body, "report.rule_of_law_publish")["status"] == "closed"
    assert body["published_on"] == f"2026-{day}"


def test_page_shows_figures_rules_narrative_and_deadlines(loaded, principal):
    services.save_narrative(kind="rule_of_law", year=YEAR, user=principal, narrative={"plans": "加强队伍建设"})
    services.open_year("rule_of_law", YEAR)
    web = Client()
    web.force_login(principal)
    html = web.get(f"/reports/rule-of-law/{YEAR}/").content.decode()
    assert f"宝丰县石桥镇人民政府关于{YEAR}年法治政府建设情况的报告" in html
    assert f'data-figure="meetings" data-value="{loaded.activities["meeting"]}"' in html
    assert "活动登记中类型为“会议研究部署法治建设工作”" in html
    assert "加强队伍建设" in html and 'data-lf-counter="' in html
    assert "法治政府建设年度报告报送期限" in html
    assert f"/api/v1/reports/rule-of-law/{YEAR}.docx" in html
    # Saving from the page keeps the text for that year.
    r = web.post(f"/reports/rule-of-law/{YEAR}/", {"action": "save", "duty": "党委书记靠前指挥"})
    assert r.status_code == 302
    assert AnnualReport.objects.get(kind="rule_of_law", year=YEAR).narrative["duty"] == "党委书记靠前指挥"
    outsider = Client()
    outsider.force_login(make_user("drafter"))
    assert outsider.get(f"/reports/rule-of-law/{YEAR}/").status_code == 403
    assert web.get("/reports/rule-of-law/1999/").status_code == 400
