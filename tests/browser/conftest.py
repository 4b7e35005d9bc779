"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live server.

- Chromium is /usr/bin/chromium (Debian's package); Playwright never downloads a browser here. Without it these
  tests skip, except under CI=true, where they fail (as tests/test_celery_reminders.py does for Redis).
- The live server runs in a thread of this process and needs a transactional database: the SQLite test
  database is a file (config/settings.py, DATABASES TEST NAME), so the server thread sees what the test wrote;
  on PostgreSQL it is an ordinary database. `serialized_rollback` puts back the roles and deadline rules the
  migrations load, which the flush after each transactional test removes.
- Every user logs in through the real login page in a browser context of their own (`browser_user`).
- Every step waits for what a person waits for (the next page shown and its scripts ready, a select enabled), never
  for "network idle" or a fixed sleep: tests/browser/ui.py says how. Timeouts: TIMEOUT_MS, ui.NAVIGATION_MS and
  SCENARIO_TIMEOUT_S (pytest-timeout) below.
- A failing test leaves a full-page screenshot of every open page in test-artifacts/screenshots/ (where
  .ci/run collects artifacts); the paths are printed with the failure and recorded as junit properties.
- Every page runs under the site's Content-Security-Policy (config/settings.py): Chromium reports what the policy
  blocked on the console, and a test whose pages had anything blocked fails at teardown (`browser_user`).
"""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this (the test) thread for as long as it is started, so
# Django sees "a running event loop" and refuses every ORM call made here (fixtures, assertions) with
# SynchronousOnlyOperation. Nothing here is asynchronous: the browser only talks to the live server thread,
# and the test thread's ORM calls never overlap with a coroutine. The `chromium` fixture allows them
# (DJANGO_ALLOW_ASYNC_UNSAFE, read by Django at each call) only while Playwright runs, so the rest of the
# suite keeps Django's check.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "pw-for-tests-123"  # tests/conftest.py make_user
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# Playwright's default wait for expect() and actions on a page already shown (a new page gets ui.NAVIGATION_MS):
# a page here answers within a second or two when the machine is idle, several times that when it is busy.
TIMEOUT_MS = 30_000
# pytest-timeout for a whole scenario (the suite's default is 300 s): some forty page changes, each a few seconds on
# a busy machine, each bounded by ui.NAVIGATION_MS.
SCENARIO_TIMEOUT_S = 900


def _missing_browser(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI=true the browser tests must run (.ci/run installs Debian's chromium)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, launched headless through Playwright (module scope: Playwright's event loop lives only
    as long as the module's tests, and is gone before the rest of the suite runs)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _missing_browser(f"{CHROMIUM} is missing (install Debian's chromium package)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError as error:  # pragma: no cover - the test extra installs it
        _missing_browser(f"the playwright package is not installed ({error})")
    from django.db import connections

    # Django keeps database connections in a thread-critical asgiref Local: plain thread-local storage, but a
    # separate (context-variable) storage while an event loop runs in the thread. Once Playwright's loop runs,
    # the test thread would therefore get fresh connections without what pytest-django set up on the old ones
    # (e.g. the serialized contents `serialized_rollback` restores from). Keep using the same connections.
    opened = {alias: connections[alias] for alias in connections}
    expect.set_options(timeout=TIMEOUT_MS)
    async_unsafe_before = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    manager = sync_playwright()
    playwright = manager.start()
    for alias, connection in opened.items():
        connections[alias] = connection
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - whatever stops Chromium from starting
        manager.__exit__(None, None, None)
        _restore_async_check(async_unsafe_before)
        _missing_browser(f"{CHROMIUM} did not start: {error}")
    yield browser
    browser.close()
    manager.__exit__(None, None, None)
    _restore_async_check(async_unsafe_before)


def _restore_async_check(before):
    if before is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = before


def pytest_collection_modifyitems(items):
    """Every browser scenario gets SCENARIO_TIMEOUT_S (an explicit marker on a test wins)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(SCENARIO_TIMEOUT_S))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item: the `browser_user` teardown reads whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _failed(item) -> bool:
    return any(getattr(getattr(item, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:150]


class BrowserUsers:
    """One browser context per user, each logged in through /accounts/login/. Remembers the pages it opened so
    that a failing test can photograph them."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.contexts = {}  # username -> BrowserContext
        self.last = None  # the page that acted last (the one a failure most likely shows)
        self.csp_violations = []  # what Chromium said the Content-Security-Policy blocked, with user and page

    def watch_csp(self, context, who: str):
        """Record every Content-Security-Policy violation Chromium reports on the console of `context`'s pages."""
        def on_console(message):
            if "Content Security Policy" in message.text:
                page = message.page.url if message.page else "?"
                self.csp_violations.append(f"{who} on {page}: {message.text}")
        context.on("console", on_console)

    def __call__(self, user):
        """The page of `user`, logged in (a new context the first time)."""
        from .ui import log_in

        username = user.username
        if username in self.contexts:
            page = self.contexts[username].pages[-1]
        else:
            context = self.browser.new_context(
                base_url=self.base_url, locale="zh-CN", timezone_id="Asia/Shanghai",
                viewport={"width": 1280, "height": 900},
            )
            context.set_default_timeout(TIMEOUT_MS)
            self.watch_csp(context, username)
            self.contexts[username] = context
            page = context.new_page()
            log_in(page, username, PASSWORD)
        self.last = page
        return page

    def screenshots(self, name: str) -> list[tuple[Path, str]]:
        """Photograph every open page: the last-used one as <name>.png, the others as <name>--<user>.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        saved = []
        for username, context in self.contexts.items():
            for i, page in enumerate(context.pages):
                if page is self.last:
                    path = SCREENSHOTS / f"{name}.png"
                else:
                    path = SCREENSHOTS / f"{name}--{_file_name(username)}{f'-{i + 1}' if i else ''}.png"
                try:
                    page.screenshot(path=str(path), full_page=True, timeout=TIMEOUT_MS)
                except Exception as error:  # noqa: BLE001 - a screenshot must not hide the test's failure
                    print(f"could not photograph {page.url} of {username}: {error}")
                    continue
                saved.append((path, f"{username}: {page.url}"))
        return saved

    def close(self):
        for context in self.contexts.values():
            context.close()
        self.contexts.clear()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Test users need no strong hash (the production hasher costs ~0.4 s a user and a login); autouse, so it
    is in place before any fixture creates a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser_user(request, chromium, live_server):
    """browser_user(user) -> that user's logged-in Page. On failure, screenshots of every open page."""
    users = BrowserUsers(chromium, live_server.url)
    yield users
    try:
        if _failed(request.node):
            saved = users.screenshots(_file_name(request.node.name))
            if saved:
                lines = [f"{path.relative_to(ROOT)}  ({what})" for path, what in saved]
                for path, _what in saved:
                    request.node.user_properties.append(("screenshot", str(path.relative_to(ROOT))))
                request.node.add_report_section("teardown", "screenshots", "\n".join(lines))
    finally:
        users.close()
    if users.csp_violations and not _failed(request.node):
        pytest.fail("the Content-Security-Policy blocked:\n" + "\n".join(users.csp_violations), pytrace=False)
