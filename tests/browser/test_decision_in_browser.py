"""A major decision from legality review to signature, driven in Chromium by the people who do it (CONTRACT §4-5,
DESIGN §2): the judicial office passes the review (after a refused attempt without an opinion), the office
secretary creates today's joint meeting, schedules the decision onto it and records the meeting as held, the
meeting chair approves, the principal signs. Each step is checked on the page the user sees; the decision's
history lists every step with its user at the end.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from review import services
from review.models import Decision, Meeting, ReviewOpinion
from web.history import ACTION_LABELS
from workflows.services import fire_transition

from ..test_ui import BODY, OPINION, TITLE, make_decision
from .ui import (
    card,
    choose,
    choose_many,
    expect_done,
    expect_state,
    field_control,
    fill,
    follow,
    history_steps,
    open_from_inbox,
    open_menu,
    required_message,
    start_transition,
    state_label,
    submit,
    transition_label,
    zh,
)

pytestmark = [pytest.mark.clock, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EXPERT_REPORT = "专家论证报告：垃圾分类设施选址合理，收费标准符合上位法。"
MEETING_TITLE = "石桥镇2026年第12次党政联席会议"
URGENCY = "汛期前须完成垃圾收运体系调整，提请本次会议审议。"
MINUTES = "会议由镇长主持，司法所列席。会议逐项审议议题：石桥镇农村生活垃圾分类管理办法。"
APPROVAL = "同意该办法，由党政办印发实施。"


@pytest.fixture
def decision(users):
    """A major decision in legality review, created and submitted through the services the API uses: the
    drafter records the expert argumentation it requires (D5) before submitting."""
    draft = make_decision(users, "draft", expert_argumentation_required=True)
    services.add_preparation_record(decision_pk=draft.pk, user=users["drafter"], kind="expert_argumentation",
                                    summary=EXPERT_REPORT)
    fire_transition("decision", draft.pk, "submit_for_review", users["drafter"], {"comment": "请审查。"})
    decision = Decision.objects.get(pk=draft.pk)
    assert decision.state == "in_review"
    return decision


def test_decision_from_review_to_signature(browser_user, users, decision):
    detail = f"/review/decisions/{decision.pk}/"

    # --- the judicial office: inbox → decision → pass review --------------------------------------------
    page = browser_user(users["judicial"])
    open_from_inbox(page, TITLE, rf"{detail}$", ("decision", "in_review"))
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect_state(page, "decision", "in_review")
    expect(page.get_by_text(BODY)).to_be_visible()
    expect(card(page, "前期程序记录")).to_contain_text(EXPERT_REPORT)

    label = start_transition(page, "decision", "pass_review")
    opinion = field_control(page, "书面审查意见")
    # Negative: an opinion of blanks passes the browser's own `required` check, and the server refuses it:
    # the error stands beside the field, in Chinese, and nothing changes.
    opinion.fill("   ")
    submit(page, label)
    field = page.locator("vf-field-textarea", has=opinion)
    expect(field).to_contain_text(required_message())
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/transitions/pass_review/$"))
    expect(page.get_by_role("main").get_by_text(f"状态: {state_label('decision', 'in_review')}")).to_be_visible()
    assert Decision.objects.get(pk=decision.pk).state == "in_review"
    assert not ReviewOpinion.objects.filter(decision=decision).exists()

    fill(page, "书面审查意见", OPINION)
    for finding in ("符合法定权限", "程序完备合法", "内容合法"):
        choose(page, finding, "是")
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "decision", "review_passed")
    expect(card(page, "合法性审查意见")).to_contain_text(OPINION)

    # --- the office secretary: a joint meeting today, the decision onto it, the meeting held ---------------
    page = browser_user(users["secretary"])
    open_menu(page, "重大行政决策", "党政联席会议", r"/review/meetings/$")
    follow(page, page.get_by_role("link", name="新建党政联席会议"), r"/review/meetings/add/$")
    today = timezone.localdate()
    fill(page, "标题", MEETING_TITLE)
    fill(page, "日期", today.isoformat())
    choose(page, "会议主持人", f"{users['chair'].username}（会议主持人）")
    choose_many(page, "参会人员", [f"{users[name].username}（{role}）" for name, role in (
        ("judicial", "司法所"), ("chair", "会议主持人"), ("principal", "镇长（行政机关负责人）"))])
    submit(page, "创建", r"/review/meetings/\d+/$")
    meeting = Meeting.objects.get(title=MEETING_TITLE)
    assert page.url.endswith(f"/review/meetings/{meeting.pk}/")
    expect(page.get_by_role("heading", level=1, name=MEETING_TITLE)).to_be_visible()
    expect_state(page, "meeting", "planned")

    follow(page, page.get_by_role("link", name="我的待办"), r"/inbox/$")
    open_from_inbox(page, TITLE, rf"{detail}$", ("decision", "review_passed"))
    label = start_transition(page, "decision", "schedule")
    choose(page, "党政联席会议", f"{MEETING_TITLE}（{today.isoformat()}）")
    fill(page, "紧急理由", URGENCY)  # the meeting is today: fewer than 7 working days after the submission (D7)
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "decision", "scheduled")

    meeting_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="党政联席会议", exact=True))
    follow(page, meeting_row.get_by_role("link", name=str(meeting)), rf"/review/meetings/{meeting.pk}/$")
    agenda = page.locator("#agenda")
    expect(agenda.get_by_role("row").filter(has_text=TITLE)).to_contain_text(state_label("decision", "scheduled"))
    label = start_transition(page, "meeting", "hold")
    fill(page, "会议纪要", MINUTES)
    submit(page, label)
    expect_done(page, f"/review/meetings/{meeting.pk}/", label)
    expect_state(page, "meeting", "held")
    expect(card(page, "会议纪要")).to_contain_text(MINUTES)

    # --- the meeting chair approves ------------------------------------------------------------------------
    page = browser_user(users["chair"])
    open_from_inbox(page, TITLE, rf"{detail}$", ("decision", "scheduled"))
    label = start_transition(page, "decision", "approve")
    fill(page, "备注", APPROVAL)
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "decision", "approved")

    # --- the principal signs ------------------------------------------------------------------------------
    page = browser_user(users["principal"])
    open_from_inbox(page, TITLE, rf"{detail}$", ("decision", "approved"))
    label = start_transition(page, "decision", "sign")
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "decision", "signed")
    number = Decision.objects.get(pk=decision.pk).number
    assert number
    expect(page.get_by_role("row", name=re.compile(r"^文号"))).to_contain_text(number)

    # --- the history lists every step with its user ----------------------------------------------------------
    steps = history_steps(page)
    drafter = users["drafter"].username
    assert steps == [
        (zh(ACTION_LABELS["create"]), drafter),
        (zh(ACTION_LABELS["record_preparation"]), drafter),
        (transition_label("decision", "submit_for_review"), drafter),
        # the 合法性审查意见书 and the 决定正文 are issued in the step that gives them (documents.services)
        (zh(ACTION_LABELS["issue_document"]), users["judicial"].username),
        (transition_label("decision", "pass_review"), users["judicial"].username),
        (transition_label("decision", "schedule"), users["secretary"].username),
        (transition_label("decision", "approve"), users["chair"].username),
        (zh(ACTION_LABELS["issue_document"]), users["principal"].username),
        (transition_label("decision", "sign"), users["principal"].username),
    ], steps
