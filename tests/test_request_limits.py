"""Issue 10, fault 10: a large paste loses nothing.

1.6 MB of text pasted into a case description used to give Django's English RequestDataTooBig page with a
traceback (DEBUG on, as in the demo) and lose the form. Now: a request above DATA_UPLOAD_MAX_MEMORY_SIZE gets a page
in the user's language naming the limit (413), or JSON 400 under /api/; a text just over its field's bound is an
ordinary field error with the rest of the form kept; and the text areas carry `maxlength` and the counter's data
attribute, served with the counter script from lawflow's own static files.
"""

import json
import re
from html import unescape

import pytest
from django.conf import settings

from cases.models import Case
from workflows.text_limits import LONG_TEXT

from .case_fixtures import VALID_ID, days_ago, report_payload, town_fixture  # noqa: F401 - the `town` fixture
from .conftest import client_for
from .test_ui import field_tag, html_of

pytestmark = pytest.mark.django_db

ADD = "/cases/cases/add/"
PASTE = "占道经营" * 400_000  # 1.6 million characters (4.8 MB in UTF-8)


def report_form(town, **overrides) -> dict:
    fields = {
        "source": "complaint", "village": town.village2.pk, "violation_type": "ZDJY",
        "violation_date": days_ago(3).isoformat(), "description": "群众投诉河口村桥头占道摆摊。",
        "party_name": "李某", "party_kind": "person", "party_id_number": VALID_ID, "party_phone": "13800138000",
        "party_address": "河口村一组",
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize("debug", [True, False], ids=["debug-on (demo)", "debug-off"])
def test_a_huge_paste_gets_a_translated_page_naming_the_limit(client, town, settings, debug):
    settings.DEBUG = debug
    client.raise_request_exception = False
    client.force_login(town.u["o1"])
    response = client.post(ADD, report_form(town, description=PASTE))
    assert response.status_code == 413
    html = html_of(response)
    assert "RequestDataTooBig" not in html and "Traceback" not in html
    assert "文字太多" in html  # the page speaks the user's language (Chinese by default)
    assert "2 MB" in html  # and names the limit
    assert "返回" in html  # and tells how to get back to what was typed
    assert not Case.objects.filter(party__name="李某").exists()


def test_the_page_follows_the_users_language(client, town):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(town.u["o1"])
    response = client.post(ADD, report_form(town, description=PASTE))
    assert response.status_code == 413
    assert "larger than the server accepts (2 MB)" in unescape(html_of(response))


def test_the_api_answers_json_400_naming_the_limit(town):
    api = client_for(town.u["o1"])
    response = api.post("/api/v1/cases/", report_payload(description=PASTE), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] and "2 MB" in body["detail"] and "服务器" in body["detail"] and "server" in body["detail"]
    assert not Case.objects.filter(description=PASTE).exists()


def test_a_description_just_over_its_bound_is_a_field_error_and_the_form_keeps_the_rest(client, town):
    client.force_login(town.u["o1"])
    long = "河" * (LONG_TEXT + 1)
    response = client.post(ADD, report_form(town, description=long, party_address="河口村一组七号"))
    assert response.status_code == 400
    html = html_of(response)
    description = field_tag(html, "description")
    assert re.search(r'\berror="[^"]*20000[^"]*"', description), description[:300]
    assert 'value="河口村一组七号"' in field_tag(html, "party_address")
    assert 'value="李某"' in field_tag(html, "party_name")
    assert long in html  # the text itself comes back, to be shortened, not retyped
    assert not Case.objects.filter(party__name="李某").exists()
    # At the bound it is accepted; a line break counts once, as the browser counts it (it posts CR LF).
    exact = "河" * (LONG_TEXT - 2) + "\r\n" + "河"
    response = client.post(ADD, report_form(town, description=exact))
    assert response.status_code == 302, html_of(response)[:2000]


def test_the_api_bounds_the_same_fields(town):
    api = client_for(town.u["o1"])
    response = api.post("/api/v1/cases/", report_payload(description="河" * (LONG_TEXT + 1)), format="json")
    assert response.status_code == 400
    assert "description" in response.json()["fields"]


def test_text_areas_carry_maxlength_and_the_counter_served_offline(client, town):
    client.force_login(town.u["o1"])
    html = html_of(client.get(ADD))
    description = field_tag(html, "description")
    assert 'maxlength="20000"' in description and 'data-lf-counter="20000"' in description
    script = re.search(r'<script src="([^"]*text-counter\.js)"', html)
    assert script and script.group(1).startswith("/static/")
    served = client.get(script.group(1))
    assert served.status_code == 200
    assert "maxLength" in b"".join(served.streaming_content if served.streaming else [served.content]).decode()


def test_limits_are_set_deliberately_and_overridable(monkeypatch):
    import subprocess
    import sys
    from pathlib import Path

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024
    # The largest field filled to its bound, form-encoded (9 bytes a Chinese character), fits under the limit.
    from workflows.text_limits import DOCUMENT_TEXT

    assert DOCUMENT_TEXT * 9 < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    code = ("import django; from django.conf import settings; django.setup(); "
            "print(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent, check=True,
                         capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "DATA_UPLOAD_MAX_MEMORY_SIZE": "5242880"}).stdout
    assert json.loads(out.strip().splitlines()[-1]) == 5242880
