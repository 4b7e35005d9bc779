"""What the browser tests do on a page, the way a user does it: by visible labels (roles, field labels, button
texts), in Chinese (zh-hans, the default language). Transition and state labels are computed from the code
(workflows.services.get_process(...).label, the model's state choices) in zh-hans, so a reworded translation
changes the expectation with it.
"""

import re

from django.forms import fields as form_fields
from django.utils import translation
from playwright.sync_api import Page, expect

from workflows.services import get_process

LANGUAGE = "zh-hans"


def zh(text) -> str:
    """A (lazy) translatable text as the UI shows it."""
    with translation.override(LANGUAGE):
        return str(text)


def transition_label(process: str, name: str) -> str:
    """The label of a transition's button, as available_transitions labels it."""
    return zh(get_process(process).label(name))


def state_label(process: str, state: str) -> str:
    model = get_process(process).model
    return zh(dict(model._meta.get_field("state").flatchoices)[state])


def required_message() -> str:
    """Django's "This field is required." in the UI language."""
    return zh(form_fields.Field.default_error_messages["required"])


def escape(text: str) -> str:
    """re.escape, also escaping "/": Playwright hands a pattern to the browser as a JavaScript /…/ literal."""
    return re.escape(text).replace("/", r"\/")


def exactly(text: str) -> re.Pattern:
    """A name or text matching `text` exactly, ignoring surrounding blanks and a required-field star."""
    return re.compile(rf"^\s*{escape(text)}\s*\*?\s*$")


def field_control(page: Page, label: str):
    """The text box, text area or date box labelled `label` (a required field's label carries a star)."""
    return page.get_by_role("textbox", name=exactly(label))


def fill(page: Page, label: str, value: str):
    field_control(page, label).fill(value)


def select(page: Page, label: str):
    """The Material select labelled `label`: a button named by its label (and the chosen options)."""
    return page.get_by_role("button", name=re.compile(rf"^\s*{escape(label)}\s*\*?(\s|$)"))


def choose(page: Page, label: str, option: str):
    """Pick `option` in the Material select labelled `label`; the select then shows it."""
    select(page, label).click()
    page.get_by_role("option", name=exactly(option)).click()
    expect(select(page, label)).to_contain_text(option)


def choose_many(page: Page, label: str, options: list[str]):
    """Tick `options` in the Material multiple select labelled `label`, then close its list."""
    select(page, label).click()
    for option in options:
        box = page.get_by_role("checkbox", name=exactly(option))
        box.click()
        expect(box).to_be_checked()
    page.keyboard.press("Escape")
    for option in options:
        expect(select(page, label)).to_contain_text(option)


def action(page: Page, label: str):
    """The action button (a link in the page's 操作 region) labelled `label`."""
    return page.get_by_role("region", name="操作").get_by_role("link", name=exactly(label))


def start_transition(page: Page, process: str, name: str):
    """Click the transition's button on the object's page and wait for its form."""
    label = transition_label(process, name)
    action(page, label).click()
    expect(page).to_have_url(re.compile(rf"/transitions/{escape(name)}/$"))
    expect(page.get_by_role("heading", level=1, name=exactly(label))).to_be_visible()
    return label


def submit(page: Page, label: str):
    page.get_by_role("button", name=exactly(label)).click()


def state_paragraph(page: Page):
    """"状态: …" at the top of an object's page."""
    return page.get_by_role("main").get_by_role("paragraph").filter(has_text=re.compile(r"^\s*状态\s*[:：]"))


def expect_state(page: Page, process: str, state: str):
    expect(state_paragraph(page)).to_have_text(
        re.compile(rf"^\s*状态\s*[:：]\s*{escape(state_label(process, state))}(\s|$)"))


def expect_done(page: Page, url_path: str, label: str):
    """After a successful form: back on the object's page, with the "“…” done." banner."""
    expect(page).to_have_url(re.compile(rf"{escape(url_path)}$"))
    expect(page.get_by_role("main").get_by_role("status").filter(has_text=label)).to_be_visible()


def open_from_inbox(page: Page, text: str, url: str, state: tuple[str, str] | None = None):
    """On 我的待办 (#inbox), open the one row that mentions `text` (checking it shows `state`, a (process, state)
    pair, when given) and wait for the object page whose path matches the regular expression `url`."""
    row = page.locator("#inbox").get_by_role("row").filter(has_text=text)
    expect(row).to_have_count(1)
    if state:
        expect(row).to_contain_text(state_label(*state))
    row.get_by_role("link", name=text).click()
    expect(page).to_have_url(re.compile(url))


def card(page: Page, title: str):
    """The card whose title (a heading) is `title`."""
    return page.locator(".vf-card").filter(has=page.get_by_role("heading", name=exactly(title)))


def history(page: Page) -> list[dict]:
    """The rows of the page's 办理记录 (history) table, by column title."""
    table = card(page, "办理记录").get_by_role("table")
    expect(table).to_be_visible()
    headers = [h.strip() for h in table.get_by_role("columnheader").all_inner_texts()]
    rows = []
    for row in table.locator("tbody").get_by_role("row").all():
        cells = [c.strip() for c in row.get_by_role("cell").all_inner_texts()]
        rows.append(dict(zip(headers, cells, strict=True)))
    return rows


def history_steps(page: Page) -> list[tuple[str, str]]:
    """(操作, 操作人) of each history row, oldest first."""
    return [(row["操作"], row["操作人"]) for row in history(page)]
