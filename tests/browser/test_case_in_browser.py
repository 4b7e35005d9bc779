"""A penalty case from report to closing, driven in Chromium by the brigade (CONTRACT §4-5, DESIGN §3): an officer
registers a report through the "register a report" form, the brigade chief files it choosing two certified
officers, the officer records an inquiry with both, notifies the party of a proposed fine and, the party having
waived statement and hearing, submits the case for decision; the principal decides a penalty; the officer serves
the decision and records its execution; the chief closes the case. The browser-side twin of
tests/test_case_scenarios.py::test_penalty_case_from_report_to_closed.
"""

import re

import pytest
from django.utils.translation import gettext_lazy as _
from playwright.sync_api import expect

from cases.models import Case
from cases.pages import CASE_ACTION_LABELS, officer_label
from workflows.models import AuditEntry

from ..case_fixtures import VALID_ID, days_ago, town_fixture  # noqa: F401 - town_fixture is the `town` fixture
from .ui import (
    action,
    card,
    choose,
    choose_many,
    expect_done,
    expect_state,
    fill,
    follow,
    history_steps,
    open_from_inbox,
    open_menu,
    reload,
    start_transition,
    state_label,
    submit,
    transition_label,
    zh,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PARTY = "李某某"
DESCRIPTION = "群众投诉：当事人在石桥村主干道占道摆摊经营，影响通行，经劝导未改正。"
RECORD = "问：你是否在石桥村主干道摆摊？答：是的，已经摆了一周。"
FACTS = "当事人在石桥村主干道占道经营，经劝导未改正，事实清楚，证据确凿。"
BASIS = "《城市市容和环境卫生管理条例》第三十六条"
SUMMARY = "罚款已缴纳，案件办结。"


def test_penalty_case_from_report_to_closed(browser_user, town):
    officer, chief, principal = town.u["o1"], town.u["chief"], town.u["principal"]

    # --- the officer registers the report ------------------------------------------------------------
    page = browser_user(officer)
    open_menu(page, "综合行政执法", "执法案件", r"/cases/cases/(\?.*)?$")
    follow(page, page.get_by_role("link", name="登记案件线索"), r"/cases/cases/add/$")
    choose(page, "案件来源", zh(Case.Source.COMPLAINT.label))
    choose(page, "村（社区）", "石桥村")
    choose(page, "违法行为类型", "占道经营（ZDJY）")
    fill(page, "违法行为发生日期", days_ago(3).isoformat())
    fill(page, "情况描述", DESCRIPTION)
    fill(page, "当事人姓名或名称", PARTY)
    fill(page, "公民身份号码/统一社会信用代码", VALID_ID)
    fill(page, "联系电话", "13800138000")
    fill(page, "地址", "石桥村三组")
    submit(page, "登记", r"/cases/cases/\d+/$")
    case = Case.objects.get(party__name=PARTY)
    detail = f"/cases/cases/{case.pk}/"
    assert page.url.endswith(detail)
    expect_state(page, "case", "reported")
    party_card = card(page, "当事人")  # masked on the case page (issue 17)
    expect(party_card).to_contain_text(VALID_ID[:6] + "********" + VALID_ID[-4:])
    expect(party_card).not_to_contain_text(VALID_ID)
    # 查看完整信息: the whole number on a page of its own, the read recorded in the audit trail; then back
    follow(page, party_card.get_by_role("button", name="查看完整信息"), rf"{detail}personal-data/$")
    revealed = page.locator("#personal-data")
    expect(revealed).to_contain_text(VALID_ID)
    expect(revealed).to_contain_text("本次查看已记入审计日志")
    assert AuditEntry.objects.filter(transition="read_personal_data", object_id=str(case.pk)).count() == 1
    follow(page, revealed.get_by_role("link", name="返回"), rf"{detail}$")

    # --- the brigade chief files it with two certified officers ---------------------------------------
    page = browser_user(chief)
    open_from_inbox(page, PARTY, r"/cases/cases/\d+/$")
    assert page.url.endswith(detail)
    expect_state(page, "case", "reported")
    label = start_transition(page, "case", "file")
    pair = [town.u["o1"], town.u["o2"]]
    with_certificates = [zh(officer_label(o)) for o in pair]
    choose_many(page, "办案人员", with_certificates)
    fill(page, "备注", "符合立案条件，予以立案。")
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "case", "investigating")
    number = Case.objects.get(pk=case.pk).number
    assert number
    expect(page.get_by_role("row", name=re.compile(r"^案号"))).to_contain_text(number)

    # --- the officer: inquiry with both officers, notice, submission for decision ------------------------
    page = browser_user(officer)
    reload(page)  # the registration page, now filed
    expect_state(page, "case", "investigating")
    follow(page, page.get_by_role("region", name="操作").get_by_role("link", name="制作询问笔录"),
           rf"{detail}inquiries/add/$")
    officers = page.get_by_role("button", name=re.compile(r"^\s*执法人员"))
    for text in with_certificates:  # the case's two officers are proposed
        expect(officers).to_contain_text(text)
    fill(page, "被询问人", PARTY)
    fill(page, "笔录内容", RECORD)
    submit(page, "添加", rf"{detail}$")
    expect(page.get_by_role("main")).to_contain_text(RECORD)
    expect_state(page, "case", "investigating")

    label = start_transition(page, "case", "notify")
    fill(page, "违法事实", FACTS)
    fill(page, "法律依据", BASIS)
    page.get_by_role("spinbutton", name=re.compile(r"^拟罚款金额")).fill("800")
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "case", "notified")

    label = start_transition(page, "case", "submit_decision")
    page.get_by_role("checkbox", name="当事人书面放弃陈述、申辩和听证权利").check()
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "case", "deciding")

    # --- the principal decides the penalty -------------------------------------------------------------
    page = browser_user(principal)
    open_from_inbox(page, PARTY, r"/cases/cases/\d+/$")
    expect_state(page, "case", "deciding")
    label = start_transition(page, "case", "decide")
    choose(page, "结果", zh(Case.Outcome.PENALTY.label))
    page.get_by_role("spinbutton", name=re.compile(r"^罚款金额")).fill("800")
    fill(page, "处罚种类说明", "责令改正")  # an order accompanying the fine, not a kind of penalty (Art 9, 28)
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "case", "decided")

    # --- the officer serves the decision and records its execution -------------------------------------
    page = browser_user(officer)
    reload(page)
    expect_state(page, "case", "decided")
    label = start_transition(page, "case", "serve")
    fill(page, "送达方式", "直接送达")
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "case", "served")

    # 罚缴分离 (Art 67): the party paid at the bank; the officer records the receipt before the execution (the
    # self-check refuses to close a file whose fine the recorded receipts do not cover).
    page.goto(page.url.split(detail)[0] + f"{detail}payments/add/")
    page.get_by_role("spinbutton", name=re.compile(r"^金额")).fill("800")
    fill(page, "缴款凭证号", "NB-0800")
    submit(page, zh(_("Save")), rf"{detail}$")

    label = start_transition(page, "case", "record_execution")
    fill(page, "执行情况", "当事人已缴纳罚款800元")
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "case", "executed")

    # --- the chief records the decision's publicity (Art 48 ¶1) and closes it -----------------------------
    page = browser_user(chief)
    follow(page, page.get_by_role("link", name="我的待办"), r"/inbox/$")
    open_from_inbox(page, PARTY, r"/cases/cases/\d+/$")
    expect_state(page, "case", "executed")
    follow(page, action(page, zh(_("Record publicity"))), rf"{detail}publicity/$")
    fill(page, "公示渠道", "镇政府门户网站")
    submit(page, zh(_("Save")), rf"{detail}$")
    label = start_transition(page, "case", "close")
    fill(page, "结案小结", SUMMARY)
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "case", "closed")
    # no transition is left, and the publicity is recorded already (Art 48)
    expect(page.get_by_role("region", name="操作").get_by_role("link")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text(SUMMARY)
    assert Case.objects.get(pk=case.pk).state == "closed"

    # --- the history lists every step with its user ----------------------------------------------------------
    o1, boss = officer.username, chief.username
    ISSUED = "文书已制发"  # noqa: N806 - docs-core's label of the audit entry issue_document
    assert history_steps(page) == [
        (zh(CASE_ACTION_LABELS["report"]), o1),
        ("查看完整个人信息", o1),  # the officer read the party's full ID number (issue 17)
        (transition_label("case", "file"), boss),
        (zh(CASE_ACTION_LABELS["record_inquiry"]), o1),
        (transition_label("case", "notify"), o1),
        (ISSUED, o1),  # the notice's number (DESIGN §10)
        (transition_label("case", "submit_decision"), o1),
        (transition_label("case", "decide"), principal.username),
        (ISSUED, principal.username),  # the decision's number
        (transition_label("case", "serve"), o1),
        (zh(CASE_ACTION_LABELS["record_payment"]), o1),
        (transition_label("case", "record_execution"), o1),
        (zh(CASE_ACTION_LABELS["record_publicity"]), boss),
        (transition_label("case", "close"), boss),
    ], history_steps(page)
    assert state_label("case", "closed") in page.get_by_role("main").inner_text()
