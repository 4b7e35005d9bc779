"""我的消息 (DESIGN §5): the user's in-app messages in the web UI — only their own, newest first, unread marked,
an unread filter, mark one and all as read (POST, CSRF) with the same effect as the API; the admin pages of the
reminder machinery. The demo town's reminders are in test_demo_reminders.py."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from notifications.admin import mask_url
from notifications.models import (
    GroupRobot,
    Notification,
)

from .conftest import client_for, make_user

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

PAGE = "/inbox/messages/"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode("utf-8")


def rows(html) -> list[tuple[int, bool]]:
    """(id, read) of each message row on the page, in page order."""
    return [(int(pk), read == "1") for pk, read in
            re.findall(r'<tr class="[^"]*" data-id="(\d+)" data-read="([01])"', html)]


def note(user, title, body="", link="", read=False):
    return Notification.objects.create(recipient=user, title=title, body=body, link=link,
                                       read_at=timezone.now() if read else None)


def api_unread(user) -> list[int]:
    response = client_for(user).get("/api/v1/notifications/?unread=1")
    assert response.status_code == 200
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def people():
    return {"me": make_user("judicial_office"), "other": make_user("judicial_office")}


@pytest.fixture
def me(client, people):
    client.force_login(people["me"])
    return client


# --------------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------------


def test_lists_only_my_messages_newest_first_with_unread_marked(me, people):
    old = note(people["me"], "旧消息", read=True)
    new = note(people["me"], "新消息：合法性审查期限", body="对象：重大行政决策\n法律依据：条例第26条",
               link=f"{settings.SITE_URL}/review/decisions/7/")
    theirs = note(people["other"], "别人的消息")
    html = html_of(me.get(PAGE))
    assert rows(html) == [(new.pk, False), (old.pk, True)]
    assert "别人的消息" not in html and f'data-id="{theirs.pk}"' not in html
    # The body keeps its line breaks; the reminder's absolute link is shown as a path on this server.
    assert "对象：重大行政决策<br>法律依据：条例第26条" in html
    assert 'href="/review/decisions/7/"' in html
    assert "1 条未读" in unescape(html) or "1 unread" in html
    # Mark-as-read forms for the unread message only, each with a CSRF token.
    assert f'action="/inbox/messages/{new.pk}/read/"' in html
    assert f'action="/inbox/messages/{old.pk}/read/"' not in html
    assert 'action="/inbox/messages/read-all/"' in html
    assert html.count('name="csrfmiddlewaretoken"') >= 2


def test_unread_filter(me, people):
    read = note(people["me"], "已读", read=True)
    unread = note(people["me"], "未读")
    assert rows(html_of(me.get(PAGE + "?unread=1"))) == [(unread.pk, False)]
    assert {pk for pk, _ in rows(html_of(me.get(PAGE)))} == {read.pk, unread.pk}


def test_mark_one_as_read_changes_page_and_api(me, people):
    first, second = note(people["me"], "第一条"), note(people["me"], "第二条")
    assert sorted(api_unread(people["me"])) == [first.pk, second.pk]
    response = me.post(f"{PAGE}{first.pk}/read/", {"next": PAGE + "?unread=1"})
    assert response.status_code == 302 and response["Location"] == PAGE + "?unread=1"
    assert rows(html_of(me.get(PAGE + "?unread=1"))) == [(second.pk, False)]
    assert dict(rows(html_of(me.get(PAGE)))) == {first.pk: True, second.pk: False}
    assert api_unread(people["me"]) == [second.pk]
    # Marking it again changes nothing.
    read_at = Notification.objects.get(pk=first.pk).read_at
    assert me.post(f"{PAGE}{first.pk}/read/").status_code == 302
    assert Notification.objects.get(pk=first.pk).read_at == read_at


def test_mark_all_as_read_changes_page_and_api(me, people):
    mine = [note(people["me"], f"消息{i}") for i in range(3)]
    theirs = note(people["other"], "别人的")
    response = me.post(PAGE + "read-all/", {"next": PAGE}, follow=True)
    html = html_of(response)
    assert all(read for _, read in rows(html)) and len(rows(html)) == 3
    assert "3" in html and 'action="/inbox/messages/read-all/"' not in html  # nothing left to mark
    assert rows(html_of(me.get(PAGE + "?unread=1"))) == []
    assert api_unread(people["me"]) == []
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert api_unread(people["other"]) == [theirs.pk]


def test_another_users_message_cannot_be_marked(me, people):
    theirs = note(people["other"], "别人的")
    response = me.post(f"{PAGE}{theirs.pk}/read/")
    assert response.status_code == 404
    assert me.post(f"{PAGE}999999999/read/").status_code == 404
    assert me.post(f"{PAGE}{2**63}/read/").status_code == 404  # beyond the database's integers: not found
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert api_unread(people["other"]) == [theirs.pk]


def test_next_never_leaves_the_messages_page(me, people):
    mine = note(people["me"], "我的")
    for target in ("https://evil.example/", "//evil.example/", "/admin/", "/inbox/"):
        response = me.post(f"{PAGE}{mine.pk}/read/", {"next": target})
        assert response["Location"] == PAGE, target


def test_marking_needs_post_and_csrf(people):
    mine = note(people["me"], "我的")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["me"])
    assert strict.get(f"{PAGE}{mine.pk}/read/").status_code == 405
    assert strict.get(PAGE + "read-all/").status_code == 405
    assert strict.post(f"{PAGE}{mine.pk}/read/").status_code == 403
    assert strict.post(PAGE + "read-all/").status_code == 403
    assert Notification.objects.get(pk=mine.pk).read_at is None
    # With the token from the page the same form works.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html_of(strict.get(PAGE))).group(1)
    assert strict.post(f"{PAGE}{mine.pk}/read/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert Notification.objects.get(pk=mine.pk).read_at is not None


def test_anonymous_is_sent_to_login(client, people):
    mine = note(people["me"], "我的")
    for response in (client.get(PAGE), client.post(f"{PAGE}{mine.pk}/read/"), client.post(PAGE + "read-all/")):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/inbox/messages/")
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_paginated(me, people):
    notes = [note(people["me"], f"消息{i:02d}") for i in range(45)]
    first = rows(html_of(me.get(PAGE)))
    assert [pk for pk, _ in first] == [n.pk for n in reversed(notes)][:20]
    third = rows(html_of(me.get(PAGE + "?page=3")))
    assert [pk for pk, _ in third] == [n.pk for n in reversed(notes)][40:]
    assert [pk for pk, _ in rows(html_of(me.get(PAGE + "?page=99")))] == [pk for pk, _ in third]
    html = html_of(me.get(PAGE + "?unread=1&page=2"))
    assert "unread=1" in unescape(html) and "page=3" in unescape(html)  # the pager keeps the filter


def test_only_local_or_web_links_are_rendered(me, people):
    note(people["me"], "脚本", link="javascript:alert(1)")
    note(people["me"], "网页", link="https://gov.example/notice")
    html = html_of(me.get(PAGE))
    assert "javascript:" not in html
    assert 'href="https://gov.example/notice"' in html


def test_inbox_shows_the_unread_count_with_a_link(me, people):
    note(people["me"], "一"), note(people["me"], "二"), note(people["me"], "三", read=True)
    html = unescape(html_of(me.get("/inbox/")))
    assert 'href="/inbox/messages/?unread=1"' in html
    assert "2 条未读" in html or "2 unread" in html
    Notification.objects.filter(recipient=people["me"]).update(read_at=timezone.now())
    html = html_of(me.get("/inbox/"))
    assert 'href="/inbox/messages/"' in html and "unread=1" not in html


# --------------------------------------------------------------------------------------------------
# Admin
# --------------------------------------------------------------------------------------------------


def test_admin_pages_of_the_reminder_machinery(client):
    admin = make_user("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    robot = GroupRobot.objects.create(name="执法大队工作群", kind=GroupRobot.Kind.WECOM,
                                      url="wecombot://0123456789abcdef-secret", roles=["brigade_chief"])
    html = html_of(client.get("/admin/notifications/grouprobot/"))
    assert "执法大队工作群" in html and "wecombot://0123…" in html and "0123456789abcdef-secret" not in html
    for model in ("reminder", "delivery", "deliveryattempt", "deadlineadjustment", "notification", "deadlinerule"):
        html_of(client.get(f"/admin/notifications/{model}/"))
    # Read only: nothing to add.
    for model in ("reminder", "delivery", "deliveryattempt", "deadlineadjustment"):
        assert client.get(f"/admin/notifications/{model}/add/").status_code == 403, model

    # A robot is added with an apprise URL of its kind; a URL of another platform is refused.
    form = {"name": "党政办群", "kind": "dingtalk", "url": "wecombot://abc", "roles": ["office_secretary"],
            "per_minute": "20", "active": "on"}
    response = client.post("/admin/notifications/grouprobot/add/", form)
    assert response.status_code == 200 and GroupRobot.objects.count() == 1
    response = client.post("/admin/notifications/grouprobot/add/", {**form, "url": "dingtalk://SECRET@TOKEN/"})
    assert response.status_code == 302
    added = GroupRobot.objects.get(name="党政办群")
    assert added.roles == ["office_secretary"] and added.kind == "dingtalk"
    assert "wecombot://" in html_of(client.get(f"/admin/notifications/grouprobot/{robot.pk}/change/"))
    assert mask_url("feishu://tok") == "feishu://tok…" and mask_url("") == ""
