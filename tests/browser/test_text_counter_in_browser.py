"""Issue 10, fault 10, in Chromium: a bounded text area stops at its limit and shows how much is used.

viewflow builds the real <textarea> inside <vf-field-textarea> without passing `maxlength` on; lawflow's own
static script (workflows/static/lawflow/text-counter.js) sets it and shows "n / limit" under the field. A paste
longer than the limit is cut at the limit by the browser, so the form is never refused for its size.
"""

import pytest
from playwright.sync_api import expect

from workflows.text_limits import LONG_TEXT

from ..case_fixtures import town_fixture  # noqa: F401 - town_fixture is the `town` fixture

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_description_stops_at_its_limit_and_counts(browser_user, town):
    page = browser_user(town.u["o1"])
    page.goto("/cases/cases/add/")
    area = page.locator('vf-field-textarea[name="description"] textarea')
    expect(area).to_have_attribute("maxlength", str(LONG_TEXT))
    counter = page.locator('vf-field-textarea[name="description"] .lf-counter')
    expect(counter).to_have_text(f"0 / {LONG_TEXT}")
    area.click()
    page.keyboard.insert_text("占道经营" * 5_001)  # 20,004 characters pasted at once
    expect(counter).to_have_text(f"{LONG_TEXT} / {LONG_TEXT}")
    assert len(area.input_value()) == LONG_TEXT
