"""我的通知设置 (issue 5, item 4): each user edits their own notification preferences at /inbox/preferences/ —
channels, phone, e-mail, WeCom user ID, quiet hours — and `PATCH /api/v1/me/` follows the very same rules
(notifications.preferences.update_preferences): a refusal is shown beside the field, in Chinese, and stores nothing."""

import datetime
import re
from html import unescape

import pytest
from django.test import Client
from django.utils import translation

from cases.models import OfficerCertificate
from notifications import preferences
from notifications.pages.preferences import PREFERENCES_SAVED, PreferencesForm
from workflows.errors import bilingual
from workflows.models import User

from .conftest import client_for, make_user

pytestmark = pytest.mark.django_db

PAGE = "/inbox/preferences/"
ME = "/api/v1/me/"
PHONE_ERROR_ZH = "请输入11位中国大陆手机号码"
TURBO = {"HTTP_X_REQUEST_FRAMEWORK": "Turbo"}


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sifa():
    """A judicial office clerk with SMS and e-mail chosen and overnight quiet hours."""
    return make_user("judicial_office", first_name="芳", last_name="王", phone="13800000001",
                     email="sifa@shiqiao.example", notification_channels=["sms", "email"],
                     quiet_hours_start=datetime.time(22), quiet_hours_end=datetime.time(7),
                     legal_qualification=True)


@pytest.fixture
def me(client, sifa):
    client.force_login(sifa)
    return client


def html_of(response, status=200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.content.decode("utf-8")


def field_tag(html, name) -> str:
    """The viewflow Material field element of form field `name` (vf-field-…), entities decoded."""
    match = re.search(r'<vf-field-[a-z-]+\b[^>]*\bname="%s"[^>]*>' % re.escape(name), html)
    assert match, f"no field {name!r} in the page"
    return unescape(match.group(0))


def attr(tag, name) -> str | None:
    match = re.search(r'\b%s="([^"]*)"' % re.escape(name), tag)
    return match.group(1) if match else None


def error_beside(html, name) -> str:
    return attr(field_tag(html, name), "error") or ""


def shown(message) -> str:
    """A message as the Chinese page shows it (English until the catalogue translates it)."""
    with translation.override("zh-hans"):
        return str(message)


def stored(user) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (user.phone, user.email, user.wecom_userid, user.notification_channels, user.quiet_hours_start,
            user.quiet_hours_end)


def form_data(**changes) -> dict:
    """The page's form as the browser posts it, from the fixture user's values, with `changes`."""
    data = {"notification_channels": ["sms", "email"], "phone": "13800000001", "email": "sifa@shiqiao.example",
            "wecom_userid": "", "quiet_hours_start": "22:00", "quiet_hours_end": "07:00"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def me_api(user) -> dict:
    response = client_for(user).get(ME)
    assert response.status_code == 200, response.content
    return response.json()


# --------------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------------


def test_the_page_shows_my_current_values_and_who_i_am(me, sifa):
    html = html_of(me.get(PAGE))
    assert attr(field_tag(html, "phone"), "value") == "13800000001"
    assert attr(field_tag(html, "email"), "value") == "sifa@shiqiao.example"
    assert attr(field_tag(html, "quiet_hours_start"), "value") == "22:00"
    assert attr(field_tag(html, "quiet_hours_end"), "value") == "07:00"
    channels = field_tag(html, "notification_channels")
    assert sorted(attr(channels, "value").split(",")) == ["email", "sms"]
    assert '"value": "wecom"' in channels  # offered, not chosen
    assert '"value": "in_app"' not in channels  # always on: not a choice
    assert "免打扰开始时间" in html and "手机号码" in html  # labels in Chinese
    # Read-only: who I am, my roles, my qualification.
    profile = html[html.index('id="profile"'):]
    assert sifa.username in profile and "王芳" in profile
    assert "司法所" in profile  # the role's label
    assert "法律职业资格" in profile
    # The help texts say in-app is always on, and what quiet hours hold back (escalations are not held).
    assert attr(channels, "help-text") == shown(PreferencesForm.base_fields["notification_channels"].help_text)
    assert attr(field_tag(html, "quiet_hours_start"), "help-text") == \
        shown(PreferencesForm.base_fields["quiet_hours_start"].help_text)


def test_an_officer_sees_their_enforcement_certificate(client):
    officer = make_user("enforcement_officer")
    OfficerCertificate.objects.create(officer=officer, number="ZF-2026-001", expires_on=datetime.date(2099, 12, 31))
    client.force_login(officer)
    html = html_of(client.get(PAGE))
    profile = html[html.index('id="profile"'):]
    assert "ZF-2026-001" in profile and "2099-12-31" in profile
    assert "执法队员" in profile


def test_a_valid_change_is_saved_and_shown_on_reload_and_in_the_api(me, sifa):
    response = me.post(PAGE, form_data(notification_channels=["wecom", "email"], phone="13912345678",
                                       email="wang.fang@shiqiao.example", wecom_userid="WangFang",
                                       quiet_hours_start="21:30", quiet_hours_end="06:45"))
    assert response.status_code == 302 and response["Location"] == PAGE
    html = html_of(me.get(PAGE))
    assert re.search(r'class="lf-banner lf-banner--success"[^>]*>%s<' % re.escape(shown(PREFERENCES_SAVED)), html)
    assert attr(field_tag(html, "phone"), "value") == "13912345678"
    assert attr(field_tag(html, "wecom_userid"), "value") == "WangFang"
    assert attr(field_tag(html, "quiet_hours_start"), "value") == "21:30"
    assert sorted(attr(field_tag(html, "notification_channels"), "value").split(",")) == ["email", "wecom"]
    data = me_api(sifa)
    assert (data["phone"], data["email"], data["wecom_userid"]) == \
        ("13912345678", "wang.fang@shiqiao.example", "WangFang")
    assert sorted(data["notification_channels"]) == ["email", "wecom"]
    assert (data["quiet_hours_start"], data["quiet_hours_end"]) == ("21:30:00", "06:45:00")
    # The banner is shown once.
    assert shown(PREFERENCES_SAVED) not in html_of(me.get(PAGE))


def test_clearing_everything_leaves_in_app_only(me, sifa):
    response = me.post(PAGE, form_data(notification_channels=None, phone="", email="", quiet_hours_start="",
                                       quiet_hours_end=""))
    assert response.status_code == 302
    assert stored(sifa) == ("", "", "", [], None, None)
    html = html_of(me.get(PAGE))
    assert attr(field_tag(html, "notification_channels"), "value") in (None, "")
    assert attr(field_tag(html, "quiet_hours_start"), "value") in (None, "")


@pytest.mark.parametrize("headers,status", [({}, 400), (TURBO, 422)])
def test_a_bad_phone_is_refused_beside_the_field_in_chinese(me, sifa, headers, status):
    before = stored(sifa)
    response = me.post(PAGE, form_data(phone="1380013800", email="new@shiqiao.example"), **headers)
    html = html_of(response, status)
    assert PHONE_ERROR_ZH in error_beside(html, "phone")
    assert attr(field_tag(html, "phone"), "value") == "1380013800"  # what was typed stays, to correct it
    assert error_beside(html, "email") == ""
    assert 'class="lf-banner lf-banner--error"' in html and 'class="lf-banner lf-banner--success"' not in html
    assert stored(sifa) == before  # the valid e-mail was not saved either
    assert me_api(sifa)["email"] == "sifa@shiqiao.example"


def test_sms_without_a_phone_is_refused(me, sifa):
    before = stored(sifa)
    html = html_of(me.post(PAGE, form_data(notification_channels=["sms"], phone="")), 400)
    assert shown(preferences.SMS_NEEDS_PHONE) in error_beside(html, "phone")
    assert stored(sifa) == before


@pytest.mark.parametrize("channel,contact,message", [
    ("email", "email", preferences.EMAIL_NEEDS_ADDRESS),
    ("wecom", "wecom_userid", preferences.WECOM_NEEDS_USERID),
])
def test_a_channel_without_its_contact_is_refused(me, sifa, channel, contact, message):
    before = stored(sifa)
    html = html_of(me.post(PAGE, form_data(notification_channels=[channel], **{contact: ""})), 400)
    assert shown(message) in error_beside(html, contact)
    assert stored(sifa) == before


@pytest.mark.parametrize("start,end,missing", [("22:00", "", "quiet_hours_end"), ("", "07:00", "quiet_hours_start")])
def test_quiet_hours_with_only_one_end_are_refused(me, sifa, start, end, missing):
    before = stored(sifa)
    html = html_of(me.post(PAGE, form_data(quiet_hours_start=start, quiet_hours_end=end)), 400)
    assert shown(preferences.QUIET_HOURS_BOTH) in error_beside(html, missing)
    assert stored(sifa) == before


def test_quiet_hours_that_start_and_end_together_are_refused(me, sifa):
    html = html_of(me.post(PAGE, form_data(quiet_hours_start="08:00", quiet_hours_end="08:00")), 400)
    assert shown(preferences.QUIET_HOURS_SAME) in error_beside(html, "quiet_hours_end")
    assert stored(sifa)[4:] == (datetime.time(22), datetime.time(7))


def test_overnight_quiet_hours_are_accepted(client):
    user = make_user("drafter")
    client.force_login(user)
    response = client.post(PAGE, {"quiet_hours_start": "23:00", "quiet_hours_end": "06:30"})
    assert response.status_code == 302
    assert stored(user)[4:] == (datetime.time(23), datetime.time(6, 30))
    html = html_of(client.get(PAGE))
    assert attr(field_tag(html, "quiet_hours_start"), "value") == "23:00"
    assert attr(field_tag(html, "quiet_hours_end"), "value") == "06:30"
    assert me_api(user)["quiet_hours_end"] == "06:30:00"


def test_an_unparseable_time_is_refused_beside_the_field(me, sifa):
    html = html_of(me.post(PAGE, form_data(quiet_hours_start="25:00")), 400)
    assert error_beside(html, "quiet_hours_start")
    assert stored(sifa)[4] == datetime.time(22)


def test_i_can_only_edit_my_own_preferences(me, sifa):
    other = make_user("judicial_office", username="lisi-other", phone="13700000002", notification_channels=["sms"])
    # No user id in the URL: none is accepted, and a posted id or username changes nothing about whose it is.
    assert me.get(f"{PAGE}{other.pk}/").status_code == 404
    assert me.post(f"{PAGE}{other.pk}/", form_data(phone="13911112222")).status_code == 404
    response = me.post(PAGE, {**form_data(phone="13911112222"), "id": other.pk, "user": other.pk,
                              "username": other.username})
    assert response.status_code == 302
    assert stored(other)[0] == "13700000002" and User.objects.get(pk=other.pk).username == other.username
    assert stored(sifa)[0] == "13911112222"
    html = html_of(me.get(PAGE))
    assert attr(field_tag(html, "phone"), "value") == "13911112222"
    assert other.username not in html


def test_login_is_required(sifa):
    anonymous = Client()
    before = stored(sifa)
    for response in (anonymous.get(PAGE), anonymous.post(PAGE, form_data(phone="13911112222"))):
        assert response.status_code == 302
        assert response["Location"].startswith(f"/accounts/login/?next={PAGE}")
    assert stored(sifa) == before


def test_the_messages_page_links_to_the_preferences(me):
    html = html_of(me.get("/inbox/messages/"))
    assert re.search(r'<a [^>]*id="preferences-link"[^>]*href="%s"' % PAGE, html)


# --------------------------------------------------------------------------------------------------
# PATCH /api/v1/me/: the same rules, as JSON {"error", "detail", "fields"}
# --------------------------------------------------------------------------------------------------


def refused(response, field) -> str:
    assert response.status_code == 400, (response.status_code, response.content[:500])
    data = response.json()
    assert data["error"] == "invalid" and data["detail"], data
    assert field in data["fields"], data
    return " ".join(data["fields"][field])


def test_the_api_refuses_a_bad_phone_with_the_pages_message(me, sifa):
    api = client_for(sifa)
    message = refused(api.patch(ME, {"phone": "1380013800", "email": "new@shiqiao.example"}, format="json"), "phone")
    assert PHONE_ERROR_ZH in message and "Enter an 11-digit mainland mobile number." in message
    page = html_of(me.post(PAGE, form_data(phone="1380013800")), 400)
    # one rule, one message: the page shows its reader's half of what the API says in both languages
    assert error_beside(page, "phone") == message.split(" / ")[0] and PHONE_ERROR_ZH in error_beside(page, "phone")
    assert me_api(sifa)["email"] == "sifa@shiqiao.example"


def test_the_api_refuses_sms_without_a_phone(sifa):
    user = make_user("drafter")
    api = client_for(user)
    message = refused(api.patch(ME, {"notification_channels": ["sms"]}, format="json"), "notification_channels")
    assert bilingual(preferences.SMS_NEEDS_PHONE) in message
    assert me_api(user)["notification_channels"] == []
    # Clearing the phone of someone who chose SMS is refused beside the phone.
    refused(client_for(sifa).patch(ME, {"phone": ""}, format="json"), "phone")
    assert stored(sifa)[0] == "13800000001"
    # Phone and SMS together are fine.
    response = api.patch(ME, {"notification_channels": ["sms"], "phone": "13812345678"}, format="json")
    assert response.status_code == 200 and response.json()["notification_channels"] == ["sms"]


@pytest.mark.parametrize("body,field,message", [
    ({"notification_channels": ["email"]}, "notification_channels", preferences.EMAIL_NEEDS_ADDRESS),
    ({"notification_channels": ["wecom"]}, "notification_channels", preferences.WECOM_NEEDS_USERID),
    ({"wecom_userid": "王芳"}, "wecom_userid", preferences.WECOM_USERID_FORMAT),
    ({"email": "not-an-email"}, "email", preferences.EMAIL_FORMAT),
    ({"quiet_hours_start": "22:00"}, "quiet_hours_end", preferences.QUIET_HOURS_BOTH),
    ({"quiet_hours_start": "22:00", "quiet_hours_end": None}, "quiet_hours_end", preferences.QUIET_HOURS_BOTH),
    ({"quiet_hours_start": "07:00", "quiet_hours_end": "07:00"}, "quiet_hours_end", preferences.QUIET_HOURS_SAME),
])
def test_the_api_follows_the_same_rules(body, field, message):
    user = make_user("drafter")
    before = stored(user)
    assert bilingual(message) in refused(client_for(user).patch(ME, body, format="json"), field)
    assert stored(user) == before


def test_the_api_names_an_unknown_channel(sifa):
    message = refused(client_for(sifa).patch(ME, {"notification_channels": ["sms", "pigeon"]}, format="json"),
                      "notification_channels")
    assert "pigeon" in message
    assert stored(sifa)[3] == ["sms", "email"]


def test_the_api_accepts_overnight_quiet_hours_and_clearing_both(sifa):
    api = client_for(sifa)
    response = api.patch(ME, {"quiet_hours_start": "23:30", "quiet_hours_end": "05:00"}, format="json")
    assert response.status_code == 200
    assert (response.json()["quiet_hours_start"], response.json()["quiet_hours_end"]) == ("23:30:00", "05:00:00")
    # Changing one end of existing quiet hours is fine: the other is still there.
    assert api.patch(ME, {"quiet_hours_end": "06:00"}, format="json").status_code == 200
    assert stored(sifa)[4:] == (datetime.time(23, 30), datetime.time(6))
    response = api.patch(ME, {"quiet_hours_start": None, "quiet_hours_end": None}, format="json")
    assert response.status_code == 200 and response.json()["quiet_hours_start"] is None
    html = html_of(_logged_in(sifa).get(PAGE))
    assert attr(field_tag(html, "quiet_hours_start"), "value") in (None, "")


def test_an_unrelated_api_change_is_not_blocked_by_an_older_choice():
    """Backwards compatible: someone who chose SMS before phones were required can still rename themselves."""
    user = make_user("drafter", notification_channels=["sms"])
    response = client_for(user).patch(ME, {"first_name": "涛", "last_name": "吴"}, format="json")
    assert response.status_code == 200 and response.json()["first_name"] == "涛"
    assert User.objects.get(pk=user.pk).display_name == "吴涛"


def test_the_page_shows_a_change_made_through_the_api(sifa):
    response = client_for(sifa).patch(ME, {"phone": "13698765432", "notification_channels": ["sms"]}, format="json")
    assert response.status_code == 200
    html = html_of(_logged_in(sifa).get(PAGE))
    assert attr(field_tag(html, "phone"), "value") == "13698765432"
    assert attr(field_tag(html, "notification_channels"), "value") == "sms"


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
