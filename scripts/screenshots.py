"""Screenshots of each demo role's home page, for the docs: run `make demo` (or any server on the demo data),
then `.venv/bin/python scripts/screenshots.py [BASE_URL] [OUT_DIR]`.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright, as the browser tests do; downloads nothing.
"""

import pathlib
import sys

from playwright.sync_api import sync_playwright

ROLES = {  # demo login → what the picture shows
    "sifa": "judicial_office",
    "zhangsan": "drafter",
    "dangzhengban": "office_secretary",
    "shuji": "meeting_chair",
    "zhenzhang": "principal",
    "daduizhang": "brigade_chief",
    "zhifa01": "enforcement_officer",
}
PASSWORD = "lawflow-demo"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def main(base: str = "http://127.0.0.1:8000", out: str = "docs/screenshots") -> None:
    folder = pathlib.Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for username, role in ROLES.items():
            context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(f"{base}/inbox/")
            page.wait_for_load_state("networkidle")
            target = folder / f"home-{role}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
