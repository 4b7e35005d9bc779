"""Issue 17 item 5, in Chromium: the main pages work under the site's Content-Security-Policy (no inline script;
config/settings.py) and nothing on them is blocked (the `browser_user` fixture fails a test whose pages had
anything blocked): the login page, the inbox, a decision's page with its state chart (drawn by a script file, also
after a Turbo visit), the print page of its legality-review opinion, Swagger UI, the admin, and the lockout page
after five wrong passwords.
"""

import re

import pytest
from playwright.sync_api import expect

from review.models import ReviewOpinion

from ..test_ui import make_decision
from .conftest import TIMEOUT_MS
from .ui import NAVIGATION_MS, follow, submit, wait_for_page

pytestmark = [pytest.mark.clock, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_main_pages_run_under_the_policy(browser_user, users, live_server):
    decision = make_decision(users, "review_passed")
    opinion = ReviewOpinion.objects.filter(decision=decision).latest("pk")
    page = browser_user(users["drafter"])  # the login page, then the inbox

    # A decision's page, loaded in full and reached by a Turbo visit: the chart is drawn both times.
    page.goto(f"/review/decisions/{decision.pk}/", timeout=NAVIGATION_MS)
    wait_for_page(page, "opening the decision", rf"/review/decisions/{decision.pk}/$")
    expect(page.locator("#decision-chart canvas")).to_be_visible()
    page.goto("/review/decisions/", timeout=NAVIGATION_MS)
    wait_for_page(page, "opening the decisions", r"/review/decisions/$")
    follow(page, page.get_by_role("main").get_by_role("link", name=decision.title).first,
           rf"/review/decisions/{decision.pk}/$")
    expect(page.locator("#decision-chart canvas")).to_be_visible()

    # The print page: its 打印 button works through the script file (window.print is replaced to see it called).
    page.goto(f"/documents/decisions/{decision.pk}/legality_review_opinion/{opinion.pk}/print/", timeout=NAVIGATION_MS)
    page.evaluate("window.print = () => { document.body.dataset.printed = '1'; }")
    page.get_by_role("button", name="打印").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "1")

    # Swagger UI draws the API from the schema.
    page.goto("/api/v1/docs/", timeout=NAVIGATION_MS)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("lawflow API", timeout=TIMEOUT_MS)
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()

    # The admin, for a staff user.
    users["admin"].is_staff = True
    users["admin"].save(update_fields=["is_staff"])
    admin = browser_user(users["admin"])
    admin.goto("/admin/", timeout=NAVIGATION_MS)
    expect(admin.locator("#site-name")).to_be_visible()


def test_the_lockout_page_in_the_browser(browser_user, users, live_server):
    context = browser_user.browser.new_context(base_url=live_server.url, locale="zh-CN")
    browser_user.watch_csp(context, "someone")
    browser_user.contexts["someone"] = context
    page = context.new_page()
    page.goto("/accounts/login/", timeout=NAVIGATION_MS)
    wait_for_page(page, "opening the login page", r"/accounts/login/$")
    for attempt in range(5):
        page.get_by_label("用户名").fill(users["judicial"].username)
        page.get_by_label("密码").fill(f"wrong-password-{attempt}")
        submit(page, "登录")
    expect(page.locator("[data-page=lockout]")).to_contain_text("请在30分钟后再试")
    expect(page.get_by_text(re.compile("登录已锁定")).first).to_be_visible()
    follow(page, page.get_by_role("link", name="返回登录页"), r"/accounts/login/$")
