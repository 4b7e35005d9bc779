"""The enforcement case's documents (issue 14, CONTRACT §6, DESIGN §10): every kind opened as DOCX (python-docx)
and PDF (pypdf) shows the number, the party, the facts, the fine and the rights where they belong; a document
asked for too early is refused with the clerk's reason; numbered documents take their number when the step that
issues them happens (and a decision made again takes a new one); the 现场检查（勘验）笔录 record."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from cases import documents as case_documents
from cases.models import Case, InspectionRecord
from documents import registry, selectors
from documents.rendering import (
    DocumentUnavailable,
    document_context,
    pdf_unavailable_reason,
    render_docx,
    render_pdf,
)
from tests.case_fixtures import (
    add_inquiry,
    assert_refused,
    case_url,
    fire,
    get_case,
    history_names,
    ok,
    today,
    town_fixture,  # noqa: F401 - the fixture `town`
    working_days_ago,
)
from tests.document_helpers import docx_text, pdf_text, squeeze

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

CONTRACT_KINDS = [
    "filing_approval", "inspection_record", "inquiry_record", "correction_order", "penalty_notice",
    "hearing_notice", "hearing_record", "legal_review_opinion", "collective_discussion", "penalty_decision",
    "no_penalty_decision", "on_the_spot_decision", "service_receipt", "payment_demand", "enforcement_application",
    "closing_report",
]
PARTY = "王某某"  # tests.case_fixtures.party()
RIGHTS = ["六十日内", "宝丰县人民政府", "行政复议", "六个月内", "宝丰县人民法院", "行政诉讼"]


def case_of(body) -> Case:
    return Case.objects.get(pk=body["id"])


def number_of(kind_name, case, record=None) -> str:
    issued = selectors.issued(kind_name, case, record)
    return issued.number if issued else ""


def record_of(kind_name, case):
    records = registry.kind(kind_name).records
    rows = list(records(case)) if records else []
    return rows[-1] if rows else None


def open_both(kind_name, case, record=None) -> tuple[str, str]:
    """The document's text as Word and as PDF (both squeezed of whitespace)."""
    text_docx = squeeze(docx_text(render_docx(kind_name, case, record)))
    if pdf_unavailable_reason():  # pragma: no cover - this machine and CI have a CJK font
        pytest.fail(pdf_unavailable_reason())
    return text_docx, pdf_text(render_pdf(kind_name, case, record))


def assert_in_both(kind_name, case, expected, record=None):
    text_docx, text_pdf = open_both(kind_name, case, record)
    for item in expected:
        wanted = squeeze(item)
        assert wanted in text_docx, f"{kind_name} DOCX lacks {item!r}"
        assert wanted in text_pdf, f"{kind_name} PDF lacks {item!r}"
    return text_docx, text_pdf


def year() -> int:
    return today().year


def test_every_case_kind_of_the_contract_is_registered_in_procedure_order():
    assert [k.name for k in registry.kinds_for("cases")] == CONTRACT_KINDS
    numbered = {k.name: k.number_pattern for k in registry.kinds_for("cases") if k.numbered}
    assert numbered == {
        "correction_order": "{town}综执责改字〔{year}〕{seq}号", "penalty_notice": "{town}综执告字〔{year}〕{seq}号",
        "hearing_notice": "{town}综执听字〔{year}〕{seq}号", "penalty_decision": "{town}综执罚决字〔{year}〕{seq}号",
        "no_penalty_decision": "{town}综执不罚字〔{year}〕{seq}号", "payment_demand": "{town}综执催字〔{year}〕{seq}号",
        "enforcement_application": "{town}综执强申字〔{year}〕{seq}号",
    }


@pytest.mark.parametrize("amount, upper", [
    ("5000", "伍仟元整"), ("500", "伍佰元整"), ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"), ("10005", "壹万零伍元整"),
    ("100000", "壹拾万元整"), ("100001000", "壹亿零壹仟元整"), ("1010", "壹仟零壹拾元整"), ("12.05", "壹拾贰元零伍分"),
    ("0.50", "伍角整"), ("0", "零元整"), ("20000000.10", "贰仟万元壹角整"),
])
def test_amounts_in_capital_numerals(amount, upper):
    assert case_documents.rmb_upper(Decimal(amount)) == upper


def test_a_negative_amount_has_no_capital_form():
    with pytest.raises(ValueError):
        case_documents.rmb_upper(Decimal("-1"))


def test_a_reported_case_has_no_document_yet_each_with_its_reason(town):
    case = case_of(town.report())
    reasons = {}
    for kind in registry.kinds_for("cases"):
        record = record_of(kind.name, case)
        with pytest.raises(DocumentUnavailable) as refused:
            render_docx(kind.name, case, record)
        reasons[kind.name] = str(refused.value)
        with pytest.raises(DocumentUnavailable):
            render_pdf(kind.name, case, record)
    assert reasons["filing_approval"] == "案件尚未立案。"
    assert reasons["penalty_decision"] == "决定尚未作出。"
    assert reasons["penalty_notice"] == "尚未向当事人告知。"
    assert reasons["payment_demand"] == "尚未送达催告书。"
    assert all(reasons.values())


def test_filing_approval_carries_the_case_number_party_and_officers(town):
    case = case_of(town.investigating())
    assert case.number
    assert_in_both("filing_approval", case, [case.number, PARTY, case.party.id_number, case.party.address,
                                             "占道经营", case.description, "CERT-001", "CERT-002"])


def inspection_window(minutes=40):
    """An inspection that has just ended: at most `minutes` long, within today (the case was filed today) and
    never in the future, whatever the hour the controlled clock starts at (00:05 leaves five minutes)."""
    end = timezone.localtime().replace(second=0, microsecond=0)
    start = max(end - datetime.timedelta(minutes=minutes), end.replace(hour=0, minute=0))
    return start, end


def inspect(town, case_id, **overrides):
    start, end = inspection_window()
    data = {"officers": [town.u["o1"].pk, town.u["o2"].pk], "place": "石桥村主干道东侧",
            "started_at": start.isoformat(), "ended_at": end.isoformat(),
            "party_present": "张三", "witness": "李四（村委会）", "findings": "现场发现当事人占用人行道摆放货架三组。"}
    data.update(overrides)
    return town.api("o1").post(case_url(case_id, "inspections/"), data, format="json")


def test_an_inspection_record_needs_two_certified_officers_and_an_end_after_its_start(town):
    case = town.investigating()
    assert_refused(inspect(town, case["id"], officers=[town.u["o1"].pk]), 409)
    assert_refused(inspect(town, case["id"], officers=[town.u["o1"].pk, town.u["expired"].pk]), 409)
    start, _ = inspection_window()
    assert_refused(inspect(town, case["id"], ended_at=(start - datetime.timedelta(minutes=1)).isoformat()), 400,
                   field="ended_at")
    assert not InspectionRecord.objects.exists()
    rows = ok(inspect(town, case["id"]), 201)
    assert [r["place"] for r in rows] == ["石桥村主干道东侧"]
    assert [o["username"] for o in rows[0]["officers"]] == ["officer-o1", "officer-o2"]
    assert ok(town.api("o1").get(case_url(case["id"], "inspections/"))) == rows
    assert "record_inspection" in history_names(get_case(town.api("o1"), case["id"]))


def test_an_inspection_cannot_be_recorded_before_the_filing(town):
    case = town.report()
    assert_refused(inspect(town, case["id"]), 409)


def test_the_inspection_form_on_the_case_page(town, client):
    case = town.investigating()
    client.force_login(town.u["o1"])
    page = client.get(f"/cases/cases/{case['id']}/")
    assert f"/cases/cases/{case['id']}/inspections/add/" in page.content.decode()
    start, _ = inspection_window()
    response = client.post(f"/cases/cases/{case['id']}/inspections/add/", {
        "officers": [town.u["o1"].pk], "place": "石桥村", "started_at": start.strftime("%Y-%m-%d %H:%M"),
        "ended_at": start.strftime("%Y-%m-%d %H:%M"), "findings": "现场有货架",
    })
    assert response.status_code == 409 and "石桥村" in response.content.decode()  # what was typed is kept
    response = client.post(f"/cases/cases/{case['id']}/inspections/add/", {
        "officers": [town.u["o1"].pk, town.u["o2"].pk], "place": "石桥村", "started_at": start.strftime("%Y-%m-%d %H:%M"),
        "ended_at": start.strftime("%Y-%m-%d %H:%M"), "findings": "现场有货架",
    })
    assert response.status_code == 302
    assert "现场有货架" in client.get(f"/cases/cases/{case['id']}/").content.decode()


def test_inspection_and_inquiry_records_one_document_each(town):
    body = town.investigating()
    ok(inspect(town, body["id"]), 201)
    add_inquiry(town.api("o1"), body["id"], town.pair, subject_name="张三", record="问：你是否在此摆摊？\n答：是的。")
    case = case_of(body)
    inspection = registry.kind("inspection_record").records(case)
    assert len(inspection) == 1
    assert_in_both("inspection_record", case, [case.number, PARTY, "石桥村主干道东侧", "李四（村委会）",
                                               "现场发现当事人占用人行道摆放货架三组", "CERT-001"], inspection[0])
    inquiry = registry.kind("inquiry_record").records(case)
    assert_in_both("inquiry_record", case, [case.number, PARTY, "问：你是否在此摆摊？", "答：是的。", "CERT-002",
                                            "以上笔录我已看过，记录属实"], inquiry[0])
    with pytest.raises(DocumentUnavailable):  # an id that is not this case's record
        render_docx("inquiry_record", case, InspectionRecord(pk=inspection[0].pk + 1000))


def test_correction_order_takes_its_number_when_issued(town):
    body = town.investigating()
    due = today() + datetime.timedelta(days=10)
    ok(town.api("o1").post(case_url(body["id"], "correction-orders/"),
                           {"measure": "清理占道货架", "due_on": due.isoformat()}, format="json"), 201)
    case = case_of(body)
    order = case.correction_orders.get()
    number = number_of("correction_order", case, order)
    assert number == f"石综执责改字〔{year()}〕1号"
    assert_in_both("correction_order", case, [number, PARTY, "清理占道货架", case_documents.cn_date(due)], order)
    entry = next(h for h in get_case(town.api("o1"), body["id"])["history"] if h["transition"] == "issue_document")
    assert entry["fields"]["number"] == number


def test_penalty_notice_states_penalty_facts_basis_and_the_statement_right(town):
    body = town.notified("500")
    case = case_of(body)
    number = number_of("penalty_notice", case, record_of("penalty_notice", case))
    assert number == f"石综执告字〔{year()}〕1号"
    assert_in_both("penalty_notice", case, [
        number, PARTY, case.facts, case.legal_basis, "500.00", "伍佰元整", "陈述、申辩", "前以书面或者口头形式提出陈述", "不属于当事人可以申请听证的情形",
    ], record_of("penalty_notice", case))
    history = get_case(town.api("o1"), body["id"])["history"]
    issued = [h for h in history if h["transition"] == "issue_document"]
    assert [h["fields"]["number"] for h in issued] == [number]
    assert history_names({"history": history})[-2:] == ["notify", "issue_document"]


def test_penalty_notice_of_a_hearing_eligible_fine_gives_the_hearing_right_with_its_last_day(town):
    case = case_of(town.notified("20000", violation_type=town.wfjs.code))
    until = case_documents._window_end(case, "case.hearing_request")
    assert until is not None
    assert_in_both("penalty_notice", case, ["要求听证", "五个工作日内", case_documents.cn_date(until), "贰万元整"],
                   record_of("penalty_notice", case))


def test_a_new_notice_takes_a_new_number(town):
    body = town.notified("500")
    case = case_of(body)
    first = number_of("penalty_notice", case, record_of("penalty_notice", case))
    ok(fire(town.api("o1"), body["id"], "notify", facts="经再次调查，事实有变化。", legal_basis="依据第三十六条",
            proposed_fine="800"))
    case.refresh_from_db()
    second = number_of("penalty_notice", case, record_of("penalty_notice", case))
    assert first == f"石综执告字〔{year()}〕1号" and second == f"石综执告字〔{year()}〕2号"
    assert_in_both("penalty_notice", case, [second, "捌佰元整", "经再次调查，事实有变化。"],
                   record_of("penalty_notice", case))


def test_hearing_notice_record_review_and_discussion(town):
    body = town.hearing()
    case = case_of(body)
    number = number_of("hearing_notice", case, record_of("hearing_notice", case))
    assert number == f"石综执听字〔{year()}〕1号"
    assert_in_both("hearing_notice", case, [number, PARTY, case_documents.cn_date(case.hearing_at),
                                            "officer-o3", "申请回避", "不少于七日",
                                            case_documents.cn_date(case.hearing_notice_on)],
                   record_of("hearing_notice", case))
    with pytest.raises(DocumentUnavailable):
        render_docx("hearing_record", case)
    ok(fire(town.api("o1"), body["id"], "finish_hearing", hearing_record="主持人宣布听证开始。当事人陈述申辩。",
            record_signed=True))
    case.refresh_from_db()
    assert_in_both("hearing_record", case, [case.number, PARTY, "主持人宣布听证开始。当事人陈述申辩。", "officer-o3"])
    ok(fire(town.api("judicial"), body["id"], "pass_legal_review", opinion="事实清楚，证据确凿，程序合法，同意处罚。"))
    case.refresh_from_db()
    review = registry.kind("legal_review_opinion").records(case)[0]
    assert_in_both("legal_review_opinion", case, [case.number, PARTY, "事实清楚，证据确凿，程序合法，同意处罚。",
                                                  "judicial"], review)
    ok(fire(town.api("principal"), body["id"], "decide", outcome="penalty", fine="20000",
            collective_discussion="经集体讨论，同意罚款二万元。", collective_discussion_attendees=["镇长", "副镇长"]))
    case.refresh_from_db()
    assert_in_both("collective_discussion", case, [case.number, PARTY, "经集体讨论，同意罚款二万元。", "镇长、副镇长"])


def test_penalty_decision_carries_every_item_of_article_59(town, settings):
    settings.COUNTY_NAME = "石桥县"
    settings.FINE_BANK = "石桥农村商业银行"
    body = town.decided(fine="500")
    case = case_of(body)
    number = number_of("penalty_decision", case, record_of("penalty_decision", case))
    assert number == f"石综执罚决字〔{year()}〕1号"
    context = document_context("penalty_decision", case, record_of("penalty_decision", case))
    assert context["seal"] and context["issuer"] == "石桥镇人民政府"
    assert_in_both("penalty_decision", case, [
        number, PARTY, case.party.address,  # (1)
        case.facts, "证据",  # (2)
        "罚款", case.legal_basis, "500.00", "伍佰元整",  # (3)
        "十五日内", "石桥农村商业银行", "百分之三", "《中华人民共和国行政处罚法》第六十七条第三款",  # (4)
        "《中华人民共和国行政处罚法》第七十二条第一款第一项",
        "六十日内", "石桥县人民政府", "六个月内", "石桥县人民法院", "不停止执行", "第七十三条",  # (5)
        "石桥镇人民政府", case_documents.cn_date(case.decided_on),  # (6)
    ], record_of("penalty_decision", case))


def test_the_decision_lists_the_evidence_and_the_attachments_by_title(town):
    body = town.investigating()
    ok(inspect(town, body["id"]), 201)
    case = case_of(body)
    from documents.models import Attachment  # noqa: PLC0415
    Attachment.objects.create(owner_type="cases", owner_id=case.pk, file="x.jpg", title="现场照片一", category="photo",
                              content_type="image/jpeg", size=1, sha256="0" * 64, uploaded_by=town.u["o1"])
    assert any("现场照片一" in p for p in case_documents.evidence_paragraphs(case))
    assert any("石桥村主干道东侧" in p for p in case_documents.evidence_paragraphs(case))


def test_no_penalty_decision_names_its_ground_with_the_article(town):
    case = case_of(town.decided("no_penalty", fine=None))
    assert case.outcome == "no_penalty"
    number = number_of("no_penalty_decision", case, record_of("no_penalty_decision", case))
    assert number == f"石综执不罚字〔{year()}〕1号"
    assert not number_of("penalty_decision", case, record_of("penalty_decision", case))
    assert_in_both("no_penalty_decision", case, [number, PARTY, "第33条第1款",
                                                 "已对当事人进行批评教育", "六十日内", "行政诉讼"],
                   record_of("no_penalty_decision", case))
    with pytest.raises(DocumentUnavailable):
        render_docx("penalty_decision", case, record_of("penalty_decision", case))


def test_on_the_spot_decision_carries_the_spot_number(town):
    case = case_of(town.on_the_spot())
    assert case.number
    assert_in_both("on_the_spot_decision", case, [case.number, PARTY, case.facts, "100.00", "壹佰元整",
                                                  "NO.0000001", "石桥村主干道人行道", *RIGHTS])
    with pytest.raises(DocumentUnavailable):
        render_docx("penalty_decision", case, record_of("penalty_decision", case))
    with pytest.raises(DocumentUnavailable):
        render_docx("filing_approval", case)


def test_service_receipts_one_per_document_served(town):
    body = town.served()
    case = case_of(body)
    receipts = registry.kind("service_receipt").records(case)
    assert [r.kind for r in receipts] == ["penalty_notice", "decision"]
    assert all(isinstance(r.pk, int) for r in receipts)
    decision_number = number_of("penalty_decision", case, record_of("penalty_decision", case))
    assert_in_both("service_receipt", case, ["行政处罚决定书", decision_number, PARTY, "直接送达",
                                             case_documents.cn_date(case.served_on)], receipts[1])
    notice_number = number_of("penalty_notice", case, record_of("penalty_notice", case))
    assert_in_both("service_receipt", case, ["行政处罚事先告知书", notice_number], receipts[0])


def test_payment_demand_and_court_application(town):
    body = town.court_enforcement()
    case = case_of(body)
    demand = number_of("payment_demand", case, record_of("payment_demand", case))
    application = number_of("enforcement_application", case, record_of("enforcement_application", case))
    assert demand.startswith("石综执催字〔") and application.startswith("石综执强申字〔")
    assert_in_both("payment_demand", case, [demand, PARTY, case_documents.money(case.demand_amount),
                                            case_documents.rmb_upper(case.demand_amount), "陈述和申辩",
                                            number_of("penalty_decision", case, record_of("penalty_decision", case))],
                   record_of("payment_demand", case))
    assert_in_both("enforcement_application", case, [application, PARTY, "石桥区人民法院", case.legal_basis,
                                                     "第五十五条"], record_of("enforcement_application", case))
    receipts = registry.kind("service_receipt").records(case)
    assert [r.kind for r in receipts] == ["penalty_notice", "decision", "payment_demand"]


def test_closing_report_of_an_executed_case(town):
    case = case_of(town.executed())
    assert_in_both("closing_report", case, [case.number, PARTY, "罚款已缴纳", "500.00"])


def test_a_decision_made_again_after_revocation_takes_a_new_number(town):
    body = town.served()
    old = number_of("penalty_decision", case_of(body), record_of("penalty_decision", case_of(body)))
    remedy = ok(fire(town.api("o1"), body["id"], "record_remedy", kind="reconsideration", body="本县人民政府"))
    remedy_id = remedy["remedies"][0]["id"]
    ok(fire(town.api("o1"), body["id"], "record_remedy", remedy=remedy_id, outcome="revoked_redo",
            note="事实不清，撤销并责令重新作出"))
    case = case_of(body)
    assert case.state == "investigating"
    with pytest.raises(DocumentUnavailable):
        render_docx("penalty_decision", case, record_of("penalty_decision", case))
    ok(fire(town.api("o1"), body["id"], "notify", facts="重新调查后查明的事实。", legal_basis="依据第三十六条",
            proposed_fine="300"))
    ok(fire(town.api("o1"), body["id"], "submit_decision", waiver=True))
    ok(fire(town.api("principal"), body["id"], "decide", outcome="penalty", fine="300"))
    case.refresh_from_db()
    new = number_of("penalty_decision", case, record_of("penalty_decision", case))
    assert old == f"石综执罚决字〔{year()}〕1号" and new == f"石综执罚决字〔{year()}〕2号"
    text_docx, _ = assert_in_both("penalty_decision", case, [new, "叁佰元整", "重新调查后查明的事实。", "撤销并责令重新作出"],
                                  record_of("penalty_decision", case))
    assert old not in text_docx
    numbers = [h["fields"]["number"] for h in get_case(town.api("o1"), body["id"])["history"]
               if h["transition"] == "issue_document" and h["fields"]["kind"] == "penalty_decision"]
    assert numbers == [old, new]


def test_documents_are_issued_with_the_business_date(town):
    notified_on = working_days_ago(10)
    case = case_of(town.notified("500", notified_on=notified_on))
    issued = selectors.issued("penalty_notice", case, record_of("penalty_notice", case))
    assert issued.issued_on == notified_on
    assert document_context("penalty_notice", case, record_of("penalty_notice", case))["date"] == \
        case_documents.cn_date(notified_on)


def test_county_name_defaults_to_this_county():
    """石桥镇 is in 宝丰县 (its 2023 report): the remedies name the real county bodies by default."""
    assert settings.COUNTY_NAME == "宝丰县"
    assert case_documents.county_government() == "宝丰县人民政府"
    assert case_documents.county_court() == "宝丰县人民法院"


def test_the_api_lists_the_case_documents_and_answers_409_until_available(town):
    body = town.deciding()
    listing = ok(town.api("o1").get(f"/api/v1/cases/{body['id']}/documents/"))
    rows = {row["kind"]: row for row in listing}
    assert set(rows) == set(CONTRACT_KINDS)
    decision = rows["penalty_decision"]
    assert decision["available"] is False and not decision["number"] and decision["reason"] == "决定尚未作出。"
    refused = town.api("o1").get(decision["urls"]["docx"])
    assert refused.status_code == 409 and refused.json()["detail"] == "决定尚未作出。"
    assert rows["penalty_notice"]["available"] and rows["penalty_notice"]["number"] == f"石综执告字〔{year()}〕1号"
    ok(fire(town.api("principal"), body["id"], "decide", outcome="penalty", fine="500"))
    rows = {row["kind"]: row for row in ok(town.api("o1").get(f"/api/v1/cases/{body['id']}/documents/"))}
    decision = rows["penalty_decision"]
    assert decision["available"] and decision["number"] == f"石综执罚决字〔{year()}〕1号"
    response = town.api("o1").get(decision["urls"]["docx"])
    assert response.status_code == 200
    text = squeeze(docx_text(b"".join(response.streaming_content) if response.streaming else response.content))
    assert decision["number"] in text and PARTY in text and "伍佰元整" in text


def _attach(case, user, title, category, document_kind=""):
    from documents.models import Attachment  # noqa: PLC0415
    return Attachment.objects.create(owner_type="cases", owner_id=case.pk, file="x.jpg", title=title,
                                     category=category, document_kind=document_kind, content_type="image/jpeg",
                                     size=1, sha256="0" * 64, uploaded_by=user)


def test_an_issued_decision_reads_as_it_was_issued_and_a_live_document_follows_the_data(town):
    """A numbered document, once issued, is what the party received: a photo uploaded afterwards, the signed copy
    of a document and facts rewritten later never change its reprint. A document that is not issued (the closing
    report) is built from today's data."""
    case = case_of(town.decided(fine="500"))
    record = record_of("penalty_decision", case)
    original = case.facts
    ok(fire(town.api("o1"), case.pk, "serve", method="直接送达"))
    ok(fire(town.api("o1"), case.pk, "record_execution", detail="罚款已缴纳"))
    _attach(case, town.u["o1"], "事后补拍照片", "photo")
    _attach(case, town.u["o1"], "决定书签收件", "signed_document", "penalty_decision")
    Case.objects.filter(pk=case.pk).update(facts="事后改写的事实。")
    case.refresh_from_db()
    for text in open_both("penalty_decision", case, record):
        assert squeeze(original) in text and number_of("penalty_decision", case, record) in text
        assert "事后改写的事实" not in text and "事后补拍照片" not in text and "签收件" not in text
    for text in open_both("closing_report", case):
        assert "事后改写的事实" in text and squeeze(original) not in text


def test_a_decision_lists_evidence_uploaded_before_it_but_never_a_signed_or_served_copy(town):
    body = town.deciding()
    case = case_of(body)
    _attach(case, town.u["o1"], "现场照片甲", "photo")
    _attach(case, town.u["o1"], "告知书签收件", "signed_document", "penalty_notice")
    _attach(case, town.u["o1"], "告知书送达凭证", "service_proof")
    ok(fire(town.api("principal"), body["id"], "decide", outcome="penalty", fine="500"))
    case.refresh_from_db()
    record = record_of("penalty_decision", case)
    assert selectors.issued("penalty_decision", case, record).snapshot  # frozen at issue
    text_docx, text_pdf = open_both("penalty_decision", case, record)
    for text in (text_docx, text_pdf):
        assert "现场照片甲" in text
        assert "签收件" not in text and "送达凭证" not in text


def test_an_issued_document_without_a_snapshot_never_cites_later_uploads(town):
    """Documents issued before snapshots were kept are built live, but their evidence stops at the issue."""
    case = case_of(town.decided(fine="500"))
    record = record_of("penalty_decision", case)
    issued = selectors.issued("penalty_decision", case, record)
    issued.snapshot = None
    issued.save(update_fields=["snapshot"])
    _attach(case, town.u["o1"], "事后补拍照片", "photo")
    assert not any("事后补拍照片" in p for p in case_documents.evidence_paragraphs(case, "penalty_decision", record))
    assert any("事后补拍照片" in p for p in case_documents.evidence_paragraphs(case))


def test_the_last_page_of_a_penalty_decision_always_has_body_text_with_the_seal(town):
    """GB/T 9704: the issuer (seal) and the date never stand alone on the last page. The real 行政处罚决定书 as
    issued, with facts of growing length, so that its end crosses a page break."""
    import io  # noqa: PLC0415

    from pypdf import PdfReader  # noqa: PLC0415

    case = case_of(town.decided(fine="500"))
    record = record_of("penalty_decision", case)
    issued = selectors.issued("penalty_decision", case, record)
    date_text = case_documents.cn_date(case.decided_on)
    pages_seen = set()
    for lines in range(8, 22, 2):
        issued.snapshot["sections"][0]["paragraphs"] = [f"事实第{n}段：" + "当事人在道路旁堆放建筑垃圾。" * 6
                                                        for n in range(lines)]
        issued.save(update_fields=["snapshot"])
        pages = ["".join((p.extract_text() or "").split())
                 for p in PdfReader(io.BytesIO(render_pdf("penalty_decision", case, record))).pages]
        pages_seen.add(len(pages))
        last = pages[-1]
        assert date_text in last
        rest = last.replace("石桥镇人民政府（印章）", "").replace(date_text, "").replace(f"—{len(pages)}—", "")
        assert len(rest) > 20, f"{lines} paragraphs: the last page holds only {last!r}"
        assert all(f"—{n}—" in page for n, page in enumerate(pages, 1))
    assert max(pages_seen) > 1
