"""A petition (信访) registered, accepted and answered in Chromium by the petition office (CONTRACT §8, DESIGN §11):
the office opens 信访 from the menu, registers a visit from the registration form, accepts it — the 受理告知书 is
issued with its number (信访工作条例 Art 23) — and answers it with a handling opinion — the 信访事项处理意见书 is listed
with its number (Art 32–35); the page, in Chinese, shows the petition 已答复. The browser-side twin of
tests/test_petition_documents.py::test_acceptance_notice_and_handling_opinion.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Village
from documents.models import IssuedDocument
from petitions.models import Petition

from ..conftest import make_user
from .ui import (
    card,
    choose,
    escape,
    expect_done,
    expect_state,
    fill,
    follow,
    history_steps,
    start_transition,
    state_label,
    submit,
    transition_label,
    zh,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUBJECT = "邻居翻建房屋占用宅基地"
CONTENT = "石桥村村民来访反映：邻居翻建房屋时向东扩出约半米，占用其宅基地。"
PETITIONERS = "郭长顺，13937561208"
OPINION = "经镇自然资源所现场测量，邻居翻建房屋超出原审批范围约0.5米，已责令其拆除越界部分，恢复原状。"


def documents_row(page, kind):
    return page.locator("#documents").locator(f'tr[data-document="{kind}"]')


def test_the_office_registers_accepts_and_answers_a_petition(browser_user):
    office = make_user("petition_office", username="xinfang", last_name="王", first_name="芳")
    Village.objects.create(name="石桥村", code="01")
    today = timezone.localdate()

    # --- registration, from the menu and the list's button ------------------------------------------------------
    page = browser_user(office)
    menu = page.get_by_role("navigation")
    follow(page, menu.get_by_role("link", name=zh(Petition._meta.app_config.verbose_name)).first,
           r"/petitions/petitions/(\?.*)?$", "opening 信访 from the menu")
    follow(page, page.get_by_role("link", name="登记信访"), r"/petitions/petitions/add/$")
    choose(page, "信访形式", zh(Petition.Channel.VISIT.label))
    fill(page, "信访人", PETITIONERS)
    choose(page, "村（社区）", "石桥村")
    fill(page, "信访事项", SUBJECT)
    fill(page, "主要内容", CONTENT)
    fill(page, "接收日期", today.isoformat())
    submit(page, "登记", r"/petitions/petitions/\d+/$")
    petition = Petition.objects.get(subject=SUBJECT)
    detail = f"/petitions/petitions/{petition.pk}/"
    assert page.url.endswith(detail)
    expect_state(page, "petition", "received")
    expect(page.locator("#petition-number")).to_have_text(petition.number)
    # The phone is masked on the page (personal data, issue 17); the full value only through 查看完整信息.
    expect(page.locator("#petitioners")).to_contain_text("郭长顺 139****1208")

    # --- acceptance: the 受理告知书, numbered (Art 23) -------------------------------------------------------------
    label = start_transition(page, "petition", "accept")
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "petition", "accepted")
    notice = IssuedDocument.objects.get(kind="petition_acceptance_notice", owner_id=petition.pk)
    row = documents_row(page, "petition_acceptance_notice")
    expect(row).to_contain_text("信访事项受理告知书")
    expect(row.locator("[data-number]")).to_have_text(notice.number)
    expect(row.locator('a[data-format="docx"]')).to_be_visible()

    # --- the answer: the 信访事项处理意见书 (Art 32–35) -----------------------------------------------------------
    label = start_transition(page, "petition", "reply")
    fill(page, "处理意见", OPINION)
    choose(page, "处理结果", zh(Petition.Result.SUPPORT.label))
    submit(page, label)
    expect_done(page, detail, label)
    expect_state(page, "petition", "replied")
    assert state_label("petition", "replied") == "已答复"
    expect(page.locator("#petition-opinion")).to_contain_text(OPINION)
    opinion = IssuedDocument.objects.get(kind="petition_handling_opinion", owner_id=petition.pk)
    row = documents_row(page, "petition_handling_opinion")
    expect(row).to_contain_text("信访事项处理意见书")
    expect(row.locator("[data-number]")).to_have_text(opinion.number)
    assert opinion.number != notice.number
    # The petitioner's 30 days to ask for a review run (Art 35), shown among the deadlines.
    expect(card(page, "办理期限")).to_contain_text(re.compile(escape("信访人请求复查（复核）期限")))

    # --- the history: each step by the office, the documents issued ----------------------------------------------
    me = "王芳"  # the history names the user as 姓名 (last name first)
    steps = history_steps(page)
    issued = "文书已制发"  # docs-core's label of the audit entry issue_document
    assert steps == [("登记信访事项", me), (transition_label("petition", "accept"), me), (issued, me),
                     (transition_label("petition", "reply"), me), (issued, me)], steps
    assert Petition.objects.get(pk=petition.pk).state == "replied"
