"""The document machinery (DESIGN §10, CONTRACT §6): issue() numbers once, gap-free per year, in the admin's
pattern; DOCX, print page and PDF carry the envelope and the kind's context; no Chinese font → no PDF."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from docx import Document

from documents import registry, rendering, selectors, services
from documents.models import IssuedDocument
from review.models import Decision
from workflows.models import AuditEntry, NumberPattern
from workflows.numbering import check_pattern, next_number

from .conftest import make_user
from .document_helpers import docx_text, pdf_text, squeeze

pytestmark = pytest.mark.django_db

KIND = "test_notice"
DAY = datetime.date(2026, 11, 30)


def _context(decision, record):
    return {
        "fields": [{"label": "当事人", "value": "张三 & <李四>"}, {"label": "地点", "value": "石桥镇幸福村"}],
        "sections": [
            {"heading": "一、事实", "paragraphs": ["经查，当事人在河道内倾倒垃圾。\n第二行事实。"]},
            {"heading": "", "paragraphs": [f"决定事项：{decision.title}"]},
        ],
        "rights": "如不服本决定，可以在六十日内申请行政复议。",
        "signatures": ["当事人（签名）：", "执法人员（签名）："],
        "seal": True,
        "footnote": "本文书一式两份。",
    }


def _unavailable(decision, record):
    return None if decision.department != "尚未" else "该文书要等决定起草后才能生成。"


@pytest.fixture
def test_kind():
    kind = registry.DocumentKind(
        name=KIND, owner="decisions", title="测试通知书", context=_context, unavailable=_unavailable,
        numbered=True, number_pattern="{town}测通〔{year}〕{seq}号",
    )
    registry.register(kind)
    yield kind
    registry._kinds.pop(KIND, None)


@pytest.fixture
def decision(db):
    drafter = make_user("drafter")
    return Decision.objects.create(title="关于修缮幸福村道路的决定", body="正文。", category="major_decision",
                                   department="农业农村办", created_by=drafter)


def issue(decision, *, on=DAY, user=None, record=None):
    with transaction.atomic():
        return services.issue(KIND, decision, record=record, user=user, on=on)


def test_issue_numbers_once_and_writes_the_audit_entry(test_kind, decision):
    user = make_user("admin")
    assert selectors.issued(KIND, decision) is None
    first = issue(decision, user=user)
    again = issue(decision, on=DAY + datetime.timedelta(days=3))
    assert first.number == "石测通〔2026〕1号"
    assert again.pk == first.pk and again.number == first.number and again.issued_on == DAY
    assert selectors.issued(KIND, decision) == first
    entries = AuditEntry.objects.filter(object_type="review.decision", object_id=str(decision.pk),
                                        transition="issue_document")
    assert [e.fields for e in entries] == [{"kind": KIND, "number": "石测通〔2026〕1号", "record_id": 0}]
    assert entries[0].username == user.username


def test_numbers_are_gap_free_per_year_and_restart_each_year(test_kind, decision):
    drafter = decision.created_by
    others = [Decision.objects.create(title=f"决定{i}", body="x", category="major_decision", department="d",
                                      created_by=drafter) for i in range(3)]
    with pytest.raises(RuntimeError):  # a rolled-back issue gives its number back
        with transaction.atomic():
            services.issue(KIND, others[0], on=DAY)
            raise RuntimeError("the step failed")
    assert IssuedDocument.objects.count() == 0
    numbers = [issue(d).number for d in (decision, others[0])]
    numbers.append(issue(others[1], on=datetime.date(2027, 1, 4)).number)
    assert numbers == ["石测通〔2026〕1号", "石测通〔2026〕2号", "石测通〔2027〕1号"]


# serialized_rollback: the flush after a transactional test would drop the roles the migrations load.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_issue_refuses_to_run_outside_a_transaction(test_kind, decision):
    with pytest.raises(RuntimeError):
        services.issue(KIND, decision, on=DAY)


def test_the_admin_pattern_replaces_the_default_for_documents_and_other_series(test_kind, decision):
    NumberPattern.objects.create(scope="doc:" + KIND, pattern="{town_name}测〔{year}〕第{seq}号")
    NumberPattern.objects.create(scope="decision", pattern="{town}府发〔{year}〕{seq}号")
    assert issue(decision).number == "石桥镇测〔2026〕第1号"
    with transaction.atomic():
        assert next_number("decision", 2026, "{town}政〔{year}〕{seq}号") == "石府发〔2026〕1号"
        assert next_number("meeting", 2026, "{year}年第{seq}次党政联席会议") == "2026年第1次党政联席会议"


@pytest.mark.parametrize("pattern, ok", [
    ("{town}罚〔{year}〕{seq}号", True),
    ("{year}-{seq}", True),
    ("{town}罚〔2026〕{seq}号", False),  # no {year}: the same number next year
    ("{town}罚〔{year}〕号", False),  # no {seq}
    ("{town}罚〔{year}〕{seq}号{who}", False),
    ("{town}罚〔{year}〕{seq号", False),
])
def test_a_pattern_needs_year_and_seq(pattern, ok):
    if ok:
        check_pattern(pattern)
        NumberPattern(scope="x", pattern=pattern).full_clean()
    else:
        with pytest.raises(ValidationError):
            NumberPattern(scope="x", pattern=pattern).full_clean()


def test_the_context_carries_the_envelope_and_the_kind_data(test_kind, decision, settings):
    settings.TOWN_NAME = "石桥镇"
    before = rendering.document_context(KIND, decision)
    assert (before["number"], before["date"], before["title"]) == ("", "", "测试通知书")
    issue(decision)
    context = rendering.document_context(KIND, decision)
    assert context["issuer"] == "石桥镇人民政府" and context["town"] == "石桥镇"
    assert context["number"] == "石测通〔2026〕1号" and context["date"] == "2026年11月30日"
    assert context["owner_label"] == f"#{decision.pk}"
    # a text with a line break becomes two paragraphs
    assert context["sections"][0]["paragraphs"] == ["经查，当事人在河道内倾倒垃圾。", "第二行事实。"]


def test_the_docx_carries_number_title_issuer_fields_sections_and_rights(test_kind, decision):
    issue(decision)
    data = rendering.render_docx(KIND, decision)
    text = docx_text(data)
    for expected in ("石桥镇人民政府", "石测通〔2026〕1号", "测试通知书", "当事人", "张三 & <李四>", "石桥镇幸福村",
                     "一、事实", "经查，当事人在河道内倾倒垃圾。", "第二行事实。", "决定事项：关于修缮幸福村道路的决定",
                     "如不服本决定，可以在六十日内申请行政复议。", "执法人员（签名）：", "石桥镇人民政府（印章）",
                     "2026年11月30日", "本文书一式两份。"):
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text
    section = Document(io.BytesIO(data)).sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_the_print_page_is_standalone_and_escapes_the_data(test_kind, decision):
    html = rendering.render_html(KIND, decision)
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert "张三 &amp; &lt;李四&gt;" in html and "<nav" not in html and "<form" not in html
    assert "size: A4" in html and "FangSong" in html
    assert "测试通知书" in html and "执法人员（签名）：" in html


def test_the_pdf_carries_the_same_text(test_kind, decision):
    issue(decision)
    text = pdf_text(rendering.render_pdf(KIND, decision))
    for expected in ("石桥镇人民政府", "石测通〔2026〕1号", "测试通知书", "石桥镇幸福村", "经查，当事人在河道内倾倒垃圾。",
                     "如不服本决定，可以在六十日内申请行政复议。", "2026年11月30日"):
        assert squeeze(expected) in text, expected


def test_without_a_chinese_font_there_is_no_pdf_but_a_reason(test_kind, decision, monkeypatch):
    assert rendering.pdf_unavailable_reason() is None
    monkeypatch.setattr(rendering, "cjk_font_family", lambda: None)
    reason = rendering.pdf_unavailable_reason()
    assert reason and "中文字体" in reason
    with pytest.raises(rendering.DocumentUnavailable) as refused:
        rendering.render_pdf(KIND, decision)
    assert refused.value.reason == reason
    assert rendering.render_docx(KIND, decision)  # Word still works


def test_an_unavailable_document_is_refused_with_its_reason(test_kind, decision):
    decision.department = "尚未"
    decision.save()
    for render in (rendering.document_context, rendering.render_docx, rendering.render_html, rendering.render_pdf):
        with pytest.raises(rendering.DocumentUnavailable) as refused:
            render(KIND, decision)
        assert refused.value.reason == "该文书要等决定起草后才能生成。"


def test_an_issued_document_reads_as_it_was_issued(test_kind, decision, settings):
    """The content is frozen at issue (in settings.LANGUAGE_CODE, lazy texts as Chinese): a change of the data
    afterwards changes neither the Word file, the print page nor the PDF; the envelope still gives the number."""
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    def lazy_context(decision, record):
        return {**_context(decision, record), "signatures": [gettext_lazy("Party (signature):")]}

    registry.register(registry.DocumentKind(
        name=KIND, owner="decisions", title="测试通知书", context=lazy_context, unavailable=_unavailable,
        numbered=True, number_pattern="{town}测通〔{year}〕{seq}号"))
    with translation.override("en"):
        issued = issue(decision)
    assert issued.snapshot["signatures"] == ["当事人（签名）："]  # LANGUAGE_CODE, not the clerk's browser
    Decision.objects.filter(pk=decision.pk).update(title="改过的标题")
    decision.refresh_from_db()
    context = rendering.document_context(KIND, decision)
    assert context["number"] == "石测通〔2026〕1号" and context["date"] == "2026年11月30日"
    for text in (docx_text(rendering.render_docx(KIND, decision)), rendering.render_html(KIND, decision),
                 pdf_text(rendering.render_pdf(KIND, decision))):
        assert "关于修缮幸福村道路的决定" in text and "改过的标题" not in text


def test_a_kind_may_stay_live_after_issue(decision):
    registry.register(registry.DocumentKind(
        name=KIND, owner="decisions", title="测试通知书", context=_context, unavailable=_unavailable,
        numbered=True, number_pattern="{town}测通〔{year}〕{seq}号", extra={"frozen": False}))
    try:
        assert issue(decision).snapshot is None
        Decision.objects.filter(pk=decision.pk).update(title="改过的标题")
        decision.refresh_from_db()
        assert "改过的标题" in docx_text(rendering.render_docx(KIND, decision))
    finally:
        registry._kinds.pop(KIND, None)


def _page_texts(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return ["".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


CLOSING = ("石桥镇人民政府", "（印章）", "2026年11月30日", "—")


def _body_left(page: str) -> str:
    """A page's text without the issuer, seal, date and the page number ("— 2 —")."""
    import re

    for text in CLOSING:
        page = page.replace(text, "")
    return re.sub(r"\d+", "", page)


@pytest.mark.parametrize("rights", [True, False])
def test_the_seal_and_date_never_stand_alone_and_headings_keep_their_text(rights):
    """GB/T 9704: the issuer (seal) and the date stay on a page with body text; a heading is never the last line
    of a page; every page is numbered "— n —". The body grows a paragraph at a time across the page break, so one
    length puts the closing block exactly where it would fall alone."""
    from django.template.loader import render_to_string

    seen_pages = set()
    for count in range(14, 30):
        sections = [{"heading": f"标题{n}号", "paragraphs": [f"段落{n}号甲" + "事实陈述。" * 20]} for n in range(count)]
        doc = {"issuer": "石桥镇人民政府", "number": "石测通〔2026〕1号", "title": "测试决定书", "fields": [],
               "sections": sections, "rights": "权利告知" + "如不服本决定可申请复议。" * 6 if rights else "",
               "signatures": [], "seal": True, "date": "2026年11月30日", "footnote": ""}
        pages = _page_texts(rendering.html_to_pdf(render_to_string("documents/print.html", {"doc": doc})))
        seen_pages.add(len(pages))
        assert _body_left(pages[-1]), f"{count} sections: the last page holds only the issuer and date"
        for index, page in enumerate(pages, 1):
            assert f"—{index}—" in page, f"page {index} has no page number"
            for n in range(count):
                if f"标题{n}号" in page:
                    assert f"段落{n}号甲" in page, f"{count} sections: heading {n} alone at the foot of page {index}"
    assert len(seen_pages) > 1  # the lengths did cross a page break
