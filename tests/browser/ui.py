"""What the browser tests do on a page, the way a user does it: by visible labels (roles, field labels, button
texts), in Chinese (zh-hans, the default language). Transition and state labels are computed from the code
(workflows.services.get_process(...).label, the model's state choices) in zh-hans, so a reworded translation
changes the expectation with it.

Every step waits for what a person waits for before the next one (issue 10, fault 11). viewflow's Material pages
navigate with Turbo 7.3 (viewflow/static/viewflow/js/turbo.es2017-umd.js): a click on a link or a submit button
fetches the next page in the background and then swaps in its <body>. The address changes just before the swap
(PageView.renderPage calls Visit.changeHistory, then renders), and does not change at all for a link to the page
already shown (the side menu's 执法案件 on /cases/cases/, where 综合行政执法 redirects). So "the URL matches" does not
mean "the next page is there": an action taken meanwhile lands on the page being replaced (traced on a loaded
machine: the 登记案件线索 link found on the old <body> while the 执法案件 visit was in flight, detached before the click
could land), and a click whose mousedown hits the old <body> and whose mouseup hits the new one fires no click at
all (UI Events: the two targets share no ancestor), so the page stays where it was, as in fault 11. The page's widgets come to life after the swap, too: the custom elements upgrade on insertion and
MDC attaches a select's handlers in a setTimeout (vf-field-select), so an early click on a select opens nothing.
Hence, one helper for each kind of step:
- `follow` (a link), `submit` (a form's button), `open_menu` (the side menu), `reload`, `log_in`: mark the page
  shown, act, then `wait_for_page`: a page other than the marked one, no Turbo visit in flight (`aria-busy` on
  <html>, Session.visitStarted / visitCompleted), the document loaded, every custom element upgraded, the scripts'
  deferred set-up run; then the expected address. Never "network idle": Turbo's fetches are not navigations.
- `choose` / `choose_many`: the select enabled by its script (MDC gives its anchor tabindex=0), its list open
  (aria-expanded), the pick shown, the list closed again before the next step.
Timeouts are generous but bounded: NAVIGATION_MS for a new page on a busy machine, conftest.TIMEOUT_MS for the rest.
A click is never retried: each waits until the page can take it.
"""

import re
from contextlib import contextmanager

from django.forms import fields as form_fields
from django.utils import translation
from playwright.sync_api import (
    Error as PlaywrightError,
    Locator,
    Page,
    TimeoutError as PlaywrightTimeoutError,
    expect,
)

from workflows.services import get_process

LANGUAGE = "zh-hans"
# How long a person waits for the next page on a busy machine (the live server and Chromium share two cores with
# whatever else runs): well above the ~1-5 s a page takes under load, well below pytest-timeout.
NAVIGATION_MS = 60_000

# Marks the page shown (an expando on its <body>, not an attribute: Turbo's snapshot cache clones attributes).
# A Turbo visit swaps in a new <body>; a full load makes a new document: either way the mark is gone.
_MARK_SHOWN_PAGE = "() => { document.body.lawflowLeft = true; }"
# The next page, ready for a person: not the marked one, no Turbo visit in flight (Turbo sets aria-busy on <html>
# from visit start to completion, redirect included), the document loaded (scripts run, DOMContentLoaded handlers
# done: viewflow defines its custom elements there), and no custom element left un-upgraded.
_NEXT_PAGE_READY = """() => !!document.body && !document.body.lawflowLeft
    && !document.documentElement.hasAttribute('aria-busy')
    && document.readyState === 'complete'
    && !document.querySelector(':not(:defined)')"""
# One turn of the event loop: the set-up the upgraded elements deferred with setTimeout (MDC text fields and
# selects, vf-form's submit handlers) was queued before this and runs first.
_DEFERRED_SETUP_RUN = "() => new Promise(resolve => setTimeout(resolve))"
# What a failure message reports about the page.
_PAGE_STATE = """() => ({
    path: location.pathname + location.search,
    still_the_page_acted_on: !!(document.body && document.body.lawflowLeft),
    turbo_visit_in_flight: document.documentElement.hasAttribute('aria-busy'),
    ready_state: document.readyState,
    undefined_elements: [...document.querySelectorAll(':not(:defined)')].map(e => e.localName),
})"""


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


def _open_select(page: Page, label: str) -> Locator:
    """Open the list of the Material select labelled `label` once its script has enabled it."""
    control = select(page, label)
    # MDCSelectFoundation.init gives an enabled select's anchor tabindex=0 once MDCSelect is attached (in a
    # setTimeout after the element renders); before that a click opens nothing.
    expect(control).to_have_attribute("tabindex", "0")
    control.click()
    expect(control).to_have_attribute("aria-expanded", "true")
    return control


def _expect_closed(control: Locator, options: list[str]):
    """The select's list is closed again and the select shows `options`."""
    expect(control).to_have_attribute("aria-expanded", "false")
    for option in options:
        expect(control).to_contain_text(option)


def choose(page: Page, label: str, option: str):
    """Pick `option` in the Material select labelled `label`; the select then shows it."""
    control = _open_select(page, label)
    page.get_by_role("option", name=exactly(option)).click()
    _expect_closed(control, [option])


def choose_many(page: Page, label: str, options: list[str]):
    """Tick `options` in the Material multiple select labelled `label`, then close its list."""
    control = _open_select(page, label)
    for option in options:
        box = page.get_by_role("checkbox", name=exactly(option))
        box.click()
        expect(box).to_be_checked()
    page.keyboard.press("Escape")
    _expect_closed(control, options)


def _url_pattern(url: str | re.Pattern) -> re.Pattern:
    return url if isinstance(url, re.Pattern) else re.compile(url)


def _page_state(page: Page):
    try:
        return page.evaluate(_PAGE_STATE)
    except PlaywrightError as error:  # e.g. a full load under way: say so rather than hide the timeout
        return f"{page.url} (state unreadable: {error.message.splitlines()[0]})"


def wait_for_page(page: Page, what: str, url: str | re.Pattern | None = None):
    """Wait until the page that `what` (e.g. "clicking 登记") led to is shown and ready for a person (see the module
    docstring), then check that its address matches `url` (a regular expression) when given. Needs the page shown
    before the action marked (`leads_to_page` does both). Raises AssertionError saying what the page looked like if
    no new page is ready within NAVIGATION_MS."""
    try:
        # Playwright re-evaluates the condition in the new document when a full load replaces the page.
        page.wait_for_function(_NEXT_PAGE_READY, timeout=NAVIGATION_MS, polling=100)
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"{what}: no new page ready within {NAVIGATION_MS // 1000} s; the page: {_page_state(page)}") from None
    page.evaluate(_DEFERRED_SETUP_RUN)
    if url is not None:
        expect(page).to_have_url(_url_pattern(url))


@contextmanager
def leads_to_page(page: Page, what: str, url: str | re.Pattern | None = None):
    """`with leads_to_page(page, what, url): <act>`: the action in the block leads to a new page; on leaving the
    block, wait for it as `wait_for_page` does. The page must be ready when the block starts (every helper here
    leaves it so)."""
    page.evaluate(_MARK_SHOWN_PAGE)
    yield
    wait_for_page(page, what, url)


def follow(page: Page, link: Locator, url: str | re.Pattern | None, what: str | None = None):
    """Click `link` and wait for the page it leads to, at `url` (a regular expression; None: any)."""
    with leads_to_page(page, what or f"clicking {link}", url):
        link.click()


def open_menu(page: Page, app: str, item: str, url: str | re.Pattern):
    """Open `item` of the application `app` from the side menu, as a person does: the application first (its page
    shows its own menu), then the item; wait for the item's page at `url`."""
    menu = page.get_by_role("navigation")
    follow(page, menu.get_by_role("link", name=app).first, None, f"opening {app} from the menu")
    follow(page, menu.get_by_role("link", name=item), url, f"opening {item} from the menu")


def reload(page: Page):
    """Reload the page (a full load) and wait until it is ready again."""
    with leads_to_page(page, f"reloading {page.url}", re.compile(rf"^{escape(page.url)}$")):
        page.reload(timeout=NAVIGATION_MS)


def log_in(page: Page, username: str, password: str):
    """Log in through the login page; `/` redirects to the inbox (CONTRACT §4), where this waits."""
    with leads_to_page(page, "opening the login page", r"/accounts/login/$"):
        page.goto("/accounts/login/", timeout=NAVIGATION_MS)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    submit(page, "登录", r"/inbox/$")


def action(page: Page, label: str):
    """The action button (a link in the page's 操作 region) labelled `label`."""
    return page.get_by_role("region", name="操作").get_by_role("link", name=exactly(label))


def start_transition(page: Page, process: str, name: str):
    """Click the transition's button on the object's page and wait for its form."""
    label = transition_label(process, name)
    follow(page, action(page, label), rf"/transitions/{escape(name)}/$", f"clicking {label}")
    expect(page.get_by_role("heading", level=1, name=exactly(label))).to_be_visible()
    return label


def submit(page: Page, label: str, url: str | re.Pattern | None = None):
    """Click the form's button `label` and wait for the page the server answers with: the next page (at `url`, a
    regular expression, when given) or the form again with its errors."""
    follow(page, page.get_by_role("button", name=exactly(label)), url, f"submitting {label}")


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
    follow(page, row.get_by_role("link", name=text), url, f"opening {text} from the inbox")


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
