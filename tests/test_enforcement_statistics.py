"""行政执法统计年报 (issue 16 item 2; DESIGN §12; CONTRACT §9; research/domain-systems.md §4).

A small year of cases is built directly in the database (the flow's own tests cover how a case gets there); the
tables are compared with expectations counted by hand below, cell by cell, through the API's JSON, the XLSX read
back with openpyxl, and the page.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from cases.models import (
    Case,
    InspectionRecord,
    LegalReview,
    OfficerCertificate,
    Party,
    Remedy,
    Village,
    ViolationType,
)
from notifications.models import Deadline
from reports.models import AnnualReport
from workflows import audit

from .clock import LOCAL
from .conftest import client_for, make_user

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

Y = 2025  # the year counted; the clock stands in March of the next year (the report is due 31 January)
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=LOCAL)
URL = f"/api/v1/reports/enforcement-statistics/{Y}/"
D = datetime.date


def day(month, dom, year=Y):
    return D(year, month, dom)


@pytest.fixture
def year_of_cases(clock, settings):
    """The year, counted by hand (the expectations of the tests below name these letters)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.move_to(NOW)
    # --- the brigade on 31 December: o1 certified; o2's certificate expired in June; o3 never certified; o4's
    # revoked in January of the next year (still valid on 31 December); an inactive officer is not in post.
    officers = {name: make_user("enforcement_officer", username=f"stat-{name}") for name in ("o1", "o2", "o3", "o4")}
    OfficerCertificate.objects.create(officer=officers["o1"], number="S-1", issued_on=D(2020, 1, 1),
                                      expires_on=D(2027, 12, 31))
    OfficerCertificate.objects.create(officer=officers["o2"], number="S-2", issued_on=D(2020, 1, 1),
                                      expires_on=day(6, 30))
    OfficerCertificate.objects.create(officer=officers["o4"], number="S-4", issued_on=D(2020, 1, 1),
                                      expires_on=D(2027, 12, 31), revoked_on=D(2026, 1, 15), revoked_reason="调离")
    gone = make_user("enforcement_officer", username="stat-gone", is_active=False)
    OfficerCertificate.objects.create(officer=gone, number="S-5", expires_on=D(2027, 12, 31))

    village = Village.objects.create(name="石桥村", code="001")
    vtype = ViolationType.objects.create(code="WFJS", name="违法建设", legal_basis="城乡规划法第六十五条",
                                         fine_min=Decimal("0"), fine_max=Decimal("100000"),
                                         hearing_threshold=Decimal("10000"))
    reporter = officers["o1"]

    def case(letter, **fields):
        party = Party.objects.create(kind="person", name=f"当事人{letter}")
        return Case.objects.create(source="patrol", description=f"案件{letter}", village=village,
                                   violation_type=vtype, violation_date=D(Y, 1, 1), party=party,
                                   reported_by=reporter, **fields)

    penalty = {"outcome": Case.Outcome.PENALTY, "state": "closed"}
    cases = {
        # A: fine 2,000 + confiscation of illegal gains 3,000 → once, under 没收违法所得; 5,000 yuan
        "A": case("A", **penalty, fine=Decimal("2000"), measures=["fine", "confiscate_gains"],
                  confiscation_value=Decimal("3000"), decided_on=day(3, 15), filed_on=day(1, 5),
                  demand_served_on=day(9, 1), court_applied_on=day(12, 31)),
        # B: fine 10,000, revoked on reconsideration next year → still counted (罚款); filed the year before
        "B": case("B", **penalty, fine=Decimal("10000"), measures=["fine"], decided_on=day(11, 20),
                  filed_on=D(Y - 1, 12, 28)),
        # C: no penalty (不予处罚) → not a penalty; counted as a no-penalty decision
        "C": case("C", outcome=Case.Outcome.NO_PENALTY, state="closed", decided_on=day(5, 1), filed_on=day(4, 1),
                  no_penalty_ground="first_offence"),
        # D: on the spot, fine 50 → simple procedure, 罚款
        "D": case("D", **penalty, procedure=Case.Procedure.SIMPLE, fine=Decimal("50"), measures=["fine"],
                  decided_on=day(7, 7)),
        # E: 31 December, warning → in
        "E": case("E", **penalty, measures=["warning"], decided_on=day(12, 31)),
        # F: 1 January of the next year → out (filed in the year, though)
        "F": case("F", **penalty, fine=Decimal("777"), measures=["fine"], decided_on=D(Y + 1, 1, 1),
                  filed_on=day(12, 15)),
        # G: a report declined (not filed) → out
        "G": case("G", state="not_filed", decline_reason="不属于管辖范围"),
        # H1: 限制开展生产经营活动 + 吊销许可证件 → Art 9 puts 限制开展生产经营活动 first (cases.measures' severity
        # would rank the revocation heavier)
        "H1": case("H1", **penalty, measures=["restrict_business", "revoke_permit"], decided_on=day(2, 2)),
        # H2: warning + other → under the named kind (警告)
        "H2": case("H2", **penalty, measures=["warning", "other"], measures_note="限期拆除", decided_on=day(2, 3)),
        # H3: other alone → 其他
        "H3": case("H3", **penalty, measures=["other"], measures_note="限期拆除", decided_on=day(2, 4)),
        # I: fine 1,234.56 + confiscation of illegal property of no stated value → 没收非法财物; 1,234.56 yuan
        "I": case("I", **penalty, fine=Decimal("1234.56"), measures=["fine", "confiscate_property"],
                  decided_on=day(4, 4)),
        # J: fine 8,000, reduced (减轻), changed to 6,000 by a court → counted at 8,000
        "J": case("J", **penalty, fine=Decimal("6000"), measures=["fine"], decided_on=day(6, 6),
                  mitigation=Case.Mitigation.REDUCED, mitigation_ground="eliminated_harm",
                  demand_served_on=D(Y + 1, 1, 10)),
        # K: decided 3 March with a fine of 500, revoked with a new decision ordered: the case's decision was
        # cleared, the remedy keeps it → counted (罚款, 500)
        "K": case("K", state="investigating", filed_on=D(Y - 1, 11, 1)),
        # T: transferred in the year; T0 the year before
        "T": case("T", state="transferred", transferred_to="县公安局", transferred_on=day(8, 8)),
        "T0": case("T0", state="transferred", transferred_to="县公安局", transferred_on=D(Y - 1, 8, 8)),
    }
    remedy = dict(recorded_by=reporter)
    Remedy.objects.create(case=cases["B"], kind=Remedy.Kind.RECONSIDERATION, filed_on=day(12, 20),
                          outcome=Remedy.Outcome.REVOKED, decided_on=D(Y + 1, 2, 1),
                          previous_fine=Decimal("10000"), previous_decided_on=day(11, 20), **remedy)
    Remedy.objects.create(case=cases["J"], kind=Remedy.Kind.LAWSUIT, filed_on=day(7, 1),
                          outcome=Remedy.Outcome.CHANGED, decided_on=day(11, 30), new_fine=Decimal("6000"),
                          previous_fine=Decimal("8000"), previous_decided_on=day(6, 6), **remedy)
    Remedy.objects.create(case=cases["K"], kind=Remedy.Kind.RECONSIDERATION, filed_on=day(5, 1),
                          outcome=Remedy.Outcome.REVOKED_REDO, decided_on=day(6, 1),
                          previous_fine=Decimal("500"), previous_decided_on=day(3, 3), **remedy)
    # Legal reviews: two in the year, one after it
    for when in (datetime.datetime(Y, 1, 1, 0, 5, tzinfo=LOCAL), datetime.datetime(Y, 12, 31, 23, 55, tzinfo=LOCAL),
                 datetime.datetime(Y + 1, 1, 1, 0, 5, tzinfo=LOCAL)):
        review = LegalReview.objects.create(case=cases["A"], reviewer=reporter, outcome="passed", opinion="同意")
        LegalReview.objects.filter(pk=review.pk).update(created_at=when)
    # Inspections: town time decides the year (00:10 on 1 January is the next year although UTC says 31 December)
    for start in (datetime.datetime(Y, 1, 1, 0, 5, tzinfo=LOCAL), datetime.datetime(Y, 12, 31, 23, 30, tzinfo=LOCAL),
                  datetime.datetime(Y + 1, 1, 1, 0, 10, tzinfo=LOCAL)):
        InspectionRecord.objects.create(case=cases["A"], place="石桥村", started_at=start,
                                        ended_at=start + datetime.timedelta(minutes=20), findings="见笔录",
                                        recorded_by=reporter)
    # Closings recorded in the year: A (closed in July) and B (closed by the revocation — next year: out)
    clock.move_to(datetime.datetime(Y, 7, 1, 10, 0, tzinfo=LOCAL))
    audit.record(cases["A"], transition="close", source="executed", target="closed", user=reporter)
    clock.move_to(datetime.datetime(Y + 1, 2, 1, 10, 0, tzinfo=LOCAL))
    audit.record(cases["B"], transition="record_remedy", source="served", target="closed", user=reporter)
    clock.move_to(NOW)
    return cases


# Hand-counted: general procedure A(没收违法所得) B(罚款) E(警告) H1(限制开展生产经营活动) H2(警告) H3(其他)
# I(没收非法财物) J(罚款) K(罚款) = 9; simple D(罚款) = 1.
GENERAL = {"warning": 2, "criticism": 0, "fine": 3, "confiscate_gains": 1, "confiscate_property": 1,
           "suspend_permit": 0, "lower_qualification": 0, "revoke_permit": 0, "restrict_business": 1,
           "suspend_production": 0, "close_down": 0, "restrict_practice": 0, "detention": 0, "other": 1,
           "total": 9,
           # 5,000 + 10,000 + 1,234.56 + 8,000 + 500 = 24,734.56 yuan
           "amount": "2.47"}
SIMPLE = {**{key: 0 for key in GENERAL}, "fine": 1, "total": 1, "amount": "0.01"}  # 50 yuan → 0.005 → 0.01
TOTAL = {key: GENERAL[key] + SIMPLE[key] for key in GENERAL if key != "amount"} | {"amount": "2.48"}  # 24,784.56
HANDLING = {"filed": 3,  # A, C, F (B and K were filed the year before)
            "closed": 1,  # A (B's revocation was recorded next year)
            "no_penalty": 1,  # C
            "reduced": 1,  # J
            "legal_reviews": 2,
            "transfers": 1,  # T
            "reconsiderations": 2, "reconsiderations_corrected": 1,  # B, K filed; K decided (revoked) in the year
            "lawsuits": 1, "lawsuits_corrected": 1}  # J
BODY = {"in_post": 4, "certified": 2, "rate": "50.0"}  # o1, o4 of o1–o4


def table(data, key):
    return next(t for t in data["tables"] if t["key"] == key)


def row(tbl, key):
    found = next(r for r in tbl["rows"] if r["key"] == key)
    return dict(zip([c["key"] for c in tbl["columns"]], found["values"], strict=True))


def test_tables_match_the_hand_count(year_of_cases):
    principal = make_user("principal")
    response = client_for(principal).get(URL)
    assert response.status_code == 200, response.content[:500]
    data = response.json()
    assert data["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    penalties = table(data, "penalties")
    assert row(penalties, "general") == GENERAL
    assert row(penalties, "simple") == SIMPLE
    assert row(penalties, "total") == TOTAL
    assert row(table(data, "handling"), "brigade") == HANDLING
    assert row(table(data, "body"), "brigade") == BODY
    assert row(table(data, "compulsion"), "brigade") == {"demands": 1, "court_applications": 1}
    assert row(table(data, "other_acts"), "brigade") == {"inspections": 2}
    # Permits are not invented: every cell empty, the note says why
    permits = table(data, "permits")
    assert set(row(permits, "brigade").values()) == {None}
    assert "许可" in permits["note"]
    # Every column says how it is counted; the columns are the forms' (research §4), 其他, 合计, 罚没金额
    assert all(column["rule"] for t in data["tables"] for column in t["columns"])
    labels = [c["label"] for c in penalties["columns"]]
    assert labels[:3] == ["警告", "通报批评", "罚款"] and labels[-1].startswith("罚没金额")
    # The report is due on 31 January of the next year
    assert data["report"]["due_date"] == "2026-01-31"
    assert data["report"]["published_on"] is None


def test_heaviest_kind_follows_article_9_not_the_hearing_severity():
    from cases import measures
    from reports.statistics import heaviest_kind

    # 行政处罚法 Art 9 lists 限制开展生产经营活动 before 吊销许可证件, and 没收非法财物 before 没收违法所得
    assert heaviest_kind(["revoke_permit", "restrict_business"]) == "restrict_business"
    assert measures.severity("revoke_permit") > measures.severity("restrict_business")  # the brigade's reading
    assert heaviest_kind(["confiscate_gains", "confiscate_property"]) == "confiscate_property"
    assert heaviest_kind(["close_down", "restrict_practice"]) == "restrict_practice"
    assert heaviest_kind(["other", "fine"]) == "fine"
    assert heaviest_kind(["other"]) == "other"


def test_xlsx_cells(year_of_cases):
    client = client_for(make_user("judicial_office"))
    assert client.put(f"{URL}narrative/", {"explanation": "=HYPERLINK(\"http://x\")全年执法情况良好"},
                      format="json").status_code == 200
    response = client.get(f"/api/v1/reports/enforcement-statistics/{Y}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["执法主体", "行政处罚（宗）", "案件办理", "行政许可", "行政强制", "其他行政执法行为",
                               "情况说明", "统计口径"]
    sheet = book["行政处罚（宗）"]
    header = [cell.value for cell in sheet[2]]
    assert header[:4] == ["项目", "警告", "通报批评", "罚款"]
    rows = {sheet.cell(row=r, column=1).value: [c.value for c in sheet[r]][1:] for r in (3, 4, 5)}
    keys = list(GENERAL)
    general = dict(zip(keys, rows["普通程序"], strict=True))
    total = dict(zip(keys, rows["合计"], strict=True))
    assert {k: v for k, v in general.items() if k != "amount"} == {k: v for k, v in GENERAL.items() if k != "amount"}
    assert Decimal(str(general["amount"])) == Decimal("2.47")
    assert Decimal(str(total["amount"])) == Decimal("2.48") and total["total"] == 10
    assert [c.value for c in book["执法主体"][3]] == ["综合行政执法大队", 4, 2, 50.0]
    assert book["行政许可"].cell(row=3, column=2).value == "—"
    narrative = book["情况说明"]
    assert narrative.cell(row=1, column=1).value == "情况说明"
    cell = narrative.cell(row=1, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")  # kept as text, not a formula
    rules = [c.value for c in book["统计口径"]["A"]]
    assert any("行政处罚法" in (text or "") and "第九条" in (text or "") for text in rules)


def test_roles_and_bad_input(year_of_cases):
    officer = client_for(make_user("enforcement_officer"))
    assert officer.get(URL).status_code == 403
    assert officer.get(f"/api/v1/reports/enforcement-statistics/{Y}.xlsx").status_code == 403
    admin = client_for(make_user("admin"))
    assert admin.get(URL).status_code == 200
    # the admin may read but not write (report.edit: principal, judicial office)
    assert admin.put(f"{URL}narrative/", {"explanation": "x"}, format="json").status_code == 403
    assert admin.post(f"{URL}publication/", {}, format="json").status_code == 403
    judicial = client_for(make_user("judicial_office"))
    for bad in ("abc", "1999", "2027", "99999999", "-1"):
        response = judicial.get(f"/api/v1/reports/enforcement-statistics/{bad}/")
        assert response.status_code == 400, (bad, response.status_code)
        assert response.json()["error"] == "invalid"
    assert judicial.get("/api/v1/reports/enforcement-statistics/x.xlsx").status_code == 400
    bad_part = judicial.put(f"{URL}narrative/", {"plans": "x"}, format="json")
    assert bad_part.status_code == 400 and "plans" in bad_part.json()["fields"]
    assert judicial.put(f"{URL}narrative/", ["x"], format="json").status_code == 400
    assert judicial.post(f"{URL}publication/", {"published_on": "31/01/2026"}, format="json").status_code == 400
    # published before the year ended, or ahead of today: 400
    assert judicial.post(f"{URL}publication/", {"published_on": "2025-12-31"}, format="json").status_code == 400
    assert judicial.post(f"{URL}publication/", {"published_on": "2026-03-11"}, format="json").status_code == 400
    assert not AnnualReport.objects.filter(kind="statistics", year=Y, published_on__isnull=False).exists()


def test_narrative_and_publication_close_the_deadline(year_of_cases):
    judicial = client_for(make_user("judicial_office"))
    data = judicial.put(f"{URL}narrative/", {"explanation": "本年度执法总体平稳。"}, format="json").json()
    assert data["report"]["narrative"] == {"explanation": "本年度执法总体平稳。"}
    assert data["report"]["deadline_status"] == Deadline.Status.OPEN
    data = judicial.post(f"{URL}publication/", {"published_on": "2026-01-30"}, format="json").json()
    assert data["report"]["published_on"] == "2026-01-30"
    report = AnnualReport.objects.get(kind="statistics", year=Y)
    deadline = Deadline.objects.get(kind="report.statistics_publish", object_id=report.pk)
    assert deadline.status != Deadline.Status.OPEN and deadline.closed_on == D(2026, 1, 30)


def test_page(year_of_cases, client):
    judicial = make_user("judicial_office")
    client.force_login(judicial)
    response = client.get(f"/reports/statistics/{Y}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "行政处罚（宗）" in html and "没收违法所得" in html and "2026-01-31" in html
    assert 'data-row="total"' in html and "2.48" in html
    assert f"/reports/statistics/{Y}.xlsx" in html
    response = client.post(f"/reports/statistics/{Y}/narrative/", {"explanation": "页面填写的情况说明"})
    assert response.status_code == 302
    assert "页面填写的情况说明" in client.get(f"/reports/statistics/{Y}/").content.decode()
    response = client.post(f"/reports/statistics/{Y}/publication/", {"published_on": "2026-01-29"})
    assert response.status_code == 302
    assert "2026-01-29" in client.get(f"/reports/statistics/{Y}/").content.decode()
    xlsx = client.get(f"/reports/statistics/{Y}.xlsx")
    assert xlsx.status_code == 200 and openpyxl.load_workbook(io.BytesIO(xlsx.content))["情况说明"].cell(
        row=1, column=2).value == "页面填写的情况说明"
    assert client.get("/reports/statistics/1999/").status_code == 400
    client.force_login(make_user("enforcement_officer"))
    assert client.get(f"/reports/statistics/{Y}/").status_code == 403
    assert client.get(f"/reports/statistics/{Y}.xlsx").status_code == 403
