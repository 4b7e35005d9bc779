"""简易程序 on a phone (处罚法 Art 51–53; DESIGN §9): an officer on patrol opens 新建当场处罚 from the home page on
a 390×844 viewport, fills in the one form and decides a 150-yuan fine on the spot; nothing on the form is cut off
or scrolls sideways, and the case page shows the decision's number (the 当场处罚决定书's, printed once the
documents module exists, issue 14)."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case

from ..case_fixtures import VALID_ID, town_fixture  # noqa: F401 - town_fixture is the `town` fixture
from .ui import choose, fill, follow, submit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
PARTY = "钱某某"
FACTS = "当事人在石桥村主干道人行道上摆摊销售水果，占道约3平方米，执法队员当场查实。"
BASIS = "《城市市容和环境卫生管理条例》第三十六条"


def fits_the_phone(page) -> None:
    """Nothing scrolls sideways at 390 px: the document is no wider than the viewport."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width} px wide on a {PHONE['width']} px phone"


def test_officer_decides_on_the_spot_on_a_phone(browser_user, town):
    page = browser_user(town.u["o1"])
    page.set_viewport_size(PHONE)
    follow(page, page.get_by_role("link", name="新建当场处罚"), r"/cases/cases/on-the-spot/$")
    expect(page.get_by_role("heading", level=1, name="当场处罚")).to_be_visible()
    fits_the_phone(page)

    fill(page, "当事人姓名或名称", PARTY)
    fill(page, "公民身份号码/统一社会信用代码", VALID_ID)
    choose(page, "村（社区）", "石桥村")
    choose(page, "违法行为类型", "占道经营（ZDJY）")
    fill(page, "违法地点", "石桥村主干道人行道")
    fill(page, "违法事实", FACTS)
    fill(page, "法律依据", BASIS)
    page.get_by_role("spinbutton", name=re.compile(r"^\s*罚款金额")).fill("150")
    page.get_by_role("checkbox", name=re.compile(r"已向当事人出示执法证件")).check()
    fill(page, "当事人的陈述和申辩", "当事人称刚到，愿意马上收摊。")
    fits_the_phone(page)
    button = page.get_by_role("button", name="当场作出处罚决定")
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible()
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box

    submit(page, "当场作出处罚决定", r"/cases/cases/\d+/$")
    case = Case.objects.get(party__name=PARTY)
    assert case.procedure == "simple" and case.number
    main = page.get_by_role("main")
    expect(main).to_contain_text(case.number)
    expect(main).to_contain_text("当场处罚决定书")
    expect(page.get_by_role("row", name=re.compile(r"^案号"))).to_contain_text(case.number)


def test_the_inbox_and_the_case_list_fit_a_phone(browser_user, town):
    """An officer's 我的待办 and the case list at 390 px: a wide table scrolls inside its card, the page itself never
    sideways (the new user found the inbox 431 px and the case list 745 px wide, columns off-screen)."""
    from .ui import leads_to_page, reload

    town.served("penalty", fine="500")
    town.investigating()
    town.on_the_spot()
    page = browser_user(town.u["o1"])
    page.set_viewport_size(PHONE)
    reload(page)
    expect(page.locator("#inbox")).to_be_visible()
    fits_the_phone(page)
    with leads_to_page(page, "opening the case list", r"/cases/cases/$"):
        page.goto("/cases/cases/")
    expect(page.locator("#cases")).to_be_visible()
    fits_the_phone(page)


CLIPPED_SELECTS = """() => Array.from(document.querySelectorAll('#on-the-spot-form .mdc-select__selected-text'))
    .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > window.innerWidth)
    .map(el => el.textContent.trim())"""
SMALL_HELP = """() => Array.from(document.querySelectorAll('#on-the-spot-form .mdc-text-field-helper-text, #on-the-spot-form .mdc-select-helper-text'))
    .filter(el => el.textContent.trim() && parseFloat(getComputedStyle(el).fontSize) < 13)
    .map(el => el.textContent.trim())"""


def test_the_on_the_spot_selects_and_help_read_whole_on_a_phone(browser_user, town):
    """At 390 px the chosen officer (with the certificate's validity) and the collection ground show whole — not
    cut off — and help text such as the 200 / 3,000-yuan limit is at least 13 px."""
    page = browser_user(town.u["o1"])
    page.set_viewport_size(PHONE)
    follow(page, page.get_by_role("link", name="新建当场处罚"), r"/cases/cases/on-the-spot/$")
    page.get_by_role("checkbox", name=re.compile(r"当场收缴罚款")).first.check()
    choose(page, "当场收缴的情形", "到银行缴纳确有困难（第六十八、六十九条）")
    fits_the_phone(page)
    assert page.evaluate(CLIPPED_SELECTS) == []
    assert page.evaluate(SMALL_HELP) == []
