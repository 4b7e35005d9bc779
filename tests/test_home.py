"""The home page of each role (issue 5): the inbox soonest first with overdue rows red and rows due within three
working days amber, counts by state, the notification bell, and the principal's and brigade chief's overview."""

import datetime
import re

import pytest
from django.utils import timezone

from notifications.calendar import add_working_days
from notifications.models import Deadline, Notification
from web import overview, urgency
from workflows.services import fire_transition

from .case_fixtures import certify, town_fixture  # noqa: F401 - the fixture `town`
from .conftest import make_user
from .test_ui import OPINION, html_of, login, make_decision, make_meeting

pytestmark = [pytest.mark.clock, pytest.mark.django_db]


def set_review_due(decision, due_at):
    Deadline.objects.filter(object_id=decision.pk, object_type="review.decision", kind="decision.review").update(
        due_at=due_at, due_date=timezone.localtime(due_at).date())


def end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


def inbox_rows(html) -> list[tuple[int, str, str]]:
    """(decision id, row class, data-urgency) of each decision row, in page order."""
    return [(int(pk), cls, urgency) for cls, pk, urgency in re.findall(
        r'<tr class="([^"]*)" data-kind="decision" data-id="(\d+)" data-urgency="([^"]*)">', html)]


# --------------------------------------------------------------------------------------------------
# The inbox: red, amber, soonest first
# --------------------------------------------------------------------------------------------------


def test_inbox_shows_overdue_red_due_within_three_working_days_amber_and_later_plain(client, users):
    today = timezone.localdate()
    third = add_working_days(today, 3).date
    fourth = add_working_days(today, 4).date
    late = make_decision(users, title="已逾期的事项")
    on_third = make_decision(users, title="第三个工作日到期的事项")
    on_fourth = make_decision(users, title="第四个工作日到期的事项")
    set_review_due(late, timezone.now() - datetime.timedelta(hours=1))
    set_review_due(on_third, end_of(third))
    set_review_due(on_fourth, end_of(fourth))

    html = html_of(login(client, users["judicial"]).get("/inbox/"))

    rows = inbox_rows(html)
    assert [pk for pk, _cls, _u in rows] == [late.pk, on_third.pk, on_fourth.pk]  # soonest first
    assert rows[0][1:] == ("lf-overdue", "overdue")
    assert rows[1][1:] == ("lf-soon", "soon")
    assert rows[2][1:] == ("", "")
    assert "已逾期" in html and "即将到期" in html
    assert re.search(r'id="inbox-overdue">1 项已逾期<', html)
    assert re.search(r'id="inbox-soon">1 项将在 3 个工作日内到期<', html)
    assert "#fff8e1" in html and "#c62828" in html  # the amber and the red


def test_a_weekend_or_holiday_does_not_count_towards_the_three_working_days():
    friday = datetime.date(2026, 9, 25)  # National Day week follows: 10-01…10-08 off, Sunday 09-28 is worked
    limit = urgency.soon_limit(friday)
    assert limit == datetime.date(2026, 9, 30)  # Mon 28 (make-up), Tue 29, Wed 30
    now = end_of(friday)
    assert urgency.urgency(end_of(datetime.date(2026, 9, 30)), now, limit) == "soon"
    assert urgency.urgency(end_of(datetime.date(2026, 10, 8)), now, limit) == ""
    assert urgency.urgency(now - datetime.timedelta(seconds=1), now, limit) == "overdue"
    assert urgency.urgency(None, now, limit) == ""


def test_object_page_deadlines_card_marks_a_deadline_due_soon(client, users):
    decision = make_decision(users)
    set_review_due(decision, end_of(add_working_days(timezone.localdate(), 1).date))
    html = html_of(login(client, users["judicial"]).get(f"/review/decisions/{decision.pk}/"))
    row = re.search(r'<tr class="([^"]*)" data-kind="decision.review"', html)
    assert row and row.group(1) == "lf-soon"
    assert "即将到期" in html


# --------------------------------------------------------------------------------------------------
# Counts by state
# --------------------------------------------------------------------------------------------------


def test_home_counts_decisions_by_state_with_links_to_the_filtered_list(client, users):
    make_decision(users, "draft", title="草稿一")
    make_decision(users, "in_review", title="审查中一")
    make_decision(users, "in_review", title="审查中二")
    html = html_of(login(client, users["drafter"]).get("/inbox/"))
    card = html[html.index('id="counts-decisions"'):]
    assert re.search(r'href="/review/decisions/\?state=in_review" data-state="in_review">合法性审查中 <b>2</b>', card)
    assert re.search(r'href="/review/decisions/\?state=draft" data-state="draft">草稿 <b>1</b>', card)
    assert 'data-state="published"' not in card  # states with nothing in them are left out
    assert 'id="counts-cases"' not in html  # a drafter does not work on enforcement cases


def test_an_officer_counts_only_own_cases_the_chief_counts_all(client, town):
    town.report("o1")
    town.investigating(officers=[town.u["o1"].pk, town.u["o2"].pk])
    town.investigating(officers=[town.u["o2"].pk, town.u["o3"].pk])
    officer_html = html_of(login(client, town.u["o1"]).get("/inbox/"))
    card = officer_html[officer_html.index('id="counts-cases"'):]
    assert "我的案件" in card
    assert re.search(r'data-state="investigating">调查中 <b>1</b>', card)
    assert 'data-state="reported"' not in card  # the report is not assigned to anyone yet
    chief_html = html_of(login(client, town.u["chief"]).get("/inbox/"))
    card = chief_html[chief_html.index('id="counts-cases"'):]
    assert re.search(r'data-state="investigating">调查中 <b>2</b>', card)
    assert re.search(r'data-state="reported">已登记 <b>1</b>', card)


# --------------------------------------------------------------------------------------------------
# The bell
# --------------------------------------------------------------------------------------------------


def test_bell_shows_the_unread_count_on_every_page_and_empties_when_read(client, users):
    user = users["principal"]
    for i in range(3):
        Notification.objects.create(recipient=user, title=f"【期限提醒】第{i}条", body="…")
    Notification.objects.create(recipient=users["judicial"], title="别人的消息")
    login(client, user)
    for page in ("/inbox/", "/review/decisions/", "/review/meetings/"):
        html = html_of(client.get(page))
        bell = re.search(r'<a id="notification-bell"[^>]*>.*?</a>', html, re.S).group(0)
        assert 'href="/inbox/messages/?unread=1"' in bell and 'data-unread="3"' in bell, page
        assert '<span class="lf-bell__badge">3</span>' in bell
        assert 'aria-label="我的消息，3 条未读"' in bell
    response = client.post("/inbox/messages/read-all/", follow=True)
    assert response.status_code == 200
    bell = re.search(r'<a id="notification-bell"[^>]*>.*?</a>', html_of(client.get("/inbox/")), re.S).group(0)
    assert 'data-unread="0"' in bell and "lf-bell__badge" not in bell


def test_the_bell_is_not_shown_to_anonymous_visitors(client):
    assert 'id="notification-bell"' not in html_of(client.get("/accounts/login/"))


# --------------------------------------------------------------------------------------------------
# The meeting page names the judicial office among the attendees
# --------------------------------------------------------------------------------------------------


def test_meeting_page_shows_attendance_with_roles_and_whether_the_judicial_office_attends(client, users):
    with_office = make_meeting(users)
    from review import services

    without = services.create_meeting(user=users["secretary"], title="没有司法所参会的会议",
                                      date=with_office.date, chair=users["chair"],
                                      attendees=[users["chair"], users["principal"]])
    login(client, users["secretary"])
    html = html_of(client.get(f"/review/meetings/{with_office.pk}/"))
    attendance = html[html.index('id="attendance"'):html.index("</td>", html.index('id="attendance"'))]
    assert f'data-attendee="{users["judicial"].username}">{users["judicial"]}（司法所）' in attendance
    assert "司法所列席会议" in attendance
    html = html_of(client.get(f"/review/meetings/{without.pk}/"))
    assert re.search(r'class="lf-overdue" id="judicial-attendance">参会人员中没有司法所', html)


# --------------------------------------------------------------------------------------------------
# The overview: principal and brigade chief only
# --------------------------------------------------------------------------------------------------


def test_only_the_principal_and_the_brigade_chief_see_the_overview(client, users):
    chief = make_user("brigade_chief")
    for user, sees in ((users["principal"], True), (chief, True), (users["judicial"], False),
                       (users["drafter"], False), (users["officer"], False), (users["admin"], False)):
        html = html_of(login(client, user).get("/inbox/"))
        assert ('id="overview"' in html) is sees, user


def test_overview_counts_reviews_review_time_overdue_rate_and_certificates(client, users, clock):
    # The opinions are given "now": on a working day, so that the passed review's four working days are four (on
    # a holiday such as 1 October the opinion day itself is no working day and three are counted; found by the
    # CI clock pass). A Wednesday in an ordinary week, 10:00 local.
    clock.move_to(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    now = timezone.now()
    # three legality reviews: passed, returned, failed
    passed = make_decision(users, "in_review", title="通过的事项")
    returned = make_decision(users, "in_review", title="退回的事项")
    failed = make_decision(users, "in_review", title="不通过的事项")
    # the passed one took four working days from submission to opinion
    submitted = timezone.make_aware(datetime.datetime.combine(
        add_working_days(timezone.localdate(), -4).date, datetime.time(10)))
    Deadline.objects.filter(object_id=passed.pk, kind="decision.review").update(opened_at=submitted)
    fire_transition("decision", passed.pk, "pass_review", users["judicial"], {"opinion": OPINION, "authority_ok": True, "procedure_ok": True, "content_ok": True})
    fire_transition("decision", returned.pk, "return_for_revision", users["judicial"], {"opinion": "请补充风险评估。", "procedure_ok": False})
    fire_transition("decision", failed.pk, "fail_review", users["judicial"], {"opinion": "超越法定职权。", "authority_ok": False})
    # overdue: the passed review was met late (its due time moved before the opinion), the other two on time;
    # one review still open and past due
    Deadline.objects.filter(object_id=passed.pk, kind="decision.review").update(
        due_at=now - datetime.timedelta(days=1))
    still_open = make_decision(users, "in_review", title="逾期未审的事项")
    set_review_due(still_open, now - datetime.timedelta(hours=2))
    # officers: one expiring within 30 days, one valid for long, one expired
    expiring = make_user("enforcement_officer", username="zhifa-expiring")
    certify(expiring, "CERT-SOON", expires_on=timezone.localdate() + datetime.timedelta(days=10))
    certify(make_user("enforcement_officer", username="zhifa-valid"), "CERT-LONG")
    expired = make_user("enforcement_officer", username="zhifa-expired")
    certify(expired, "CERT-OLD", issued_on=timezone.localdate() - datetime.timedelta(days=800),
            expires_on=timezone.localdate() - datetime.timedelta(days=3))

    data = overview.overview(now)
    assert data["reviews"]["decisions"] == [1, 1, 1]
    assert data["review_time"]["count"] == 3
    assert data["review_time"]["average"] == round(4 / 3, 1)  # 4, 0 and 0 working days
    due = Deadline.objects.filter(kind="decision.review", due_at__lt=now).count()
    assert due >= 2
    assert data["overdue"]["late"] == 2  # met late + still open past due; the expired certificate is listed apart
    assert data["overdue"]["due"] == due
    # soonest first; an officer holding no certificate at all (the users fixture's) comes last
    assert [(row.officer.username, row.status) for row in data["certificates"]] == [
        ("zhifa-expired", "expired"), ("zhifa-expiring", "expiring"), (users["officer"].username, "none")]

    html = html_of(login(client, users["principal"]).get("/inbox/"))
    assert re.search(r'id="kpi-review-time">\s*<div class="lf-kpi__value">1\.3</div>', html)
    assert f"{data['overdue']['rate']}%" in html
    assert f"{data['overdue']['due']} 个到期期限中有 2 个逾期" in html
    certificates = html[html.index('id="certificates"'):]
    assert 'data-officer="zhifa-expired" data-status="expired"' in certificates
    assert 'data-officer="zhifa-expiring" data-status="expiring"' in certificates
    assert "zhifa-valid" not in certificates
    # the charts are inline SVG drawn on the server, with no script and nothing from outside
    for chart in ("chart-overdue", "chart-reviews"):
        card = html[html.index(f'id="{chart}"'):]
        svg = card[card.index("<svg"):card.index("</svg>")]
        assert 'role="img"' in svg and "<script" not in svg
        assert not re.search(r'(?:href|src)="https?://', svg)
    reviews_svg = html[html.index('id="chart-reviews"'):]
    assert "重大行政决策合法性审查" in reviews_svg[:reviews_svg.index("</svg>")]


def test_overview_draws_cases_per_month_by_state(client, town):
    town.report("o1")
    town.report("o1")
    town.investigating()
    data = overview.overview()
    assert data["cases_total"] == 3
    assert data["cases_chart"]
    by_state = dict(overview.cases_per_month(overview.month_starts(timezone.localdate())))
    assert by_state["已登记"][-1] == 2 and by_state["调查中"][-1] == 1  # this month, by today's state
    assert sum(by_state["已登记"][:-1]) == 0
    html = html_of(login(client, town.u["chief"]).get("/inbox/"))
    card = html[html.index('id="chart-cases"'):]
    svg = card[card.index("<svg"):card.index("</svg>")]
    assert "已登记" in svg and "调查中" in svg
    assert timezone.localdate().strftime("%Y-%m") in svg


def test_overview_on_an_empty_town_shows_dashes_not_errors(client, users):
    certify(users["officer"], "CERT-ONLY")
    html = html_of(login(client, users["principal"]).get("/inbox/"))
    assert 'id="overview"' in html
    assert re.search(r'id="kpi-overdue">\s*<div class="lf-kpi__value">—</div>', html)
    assert "每名执法队员均持有有效证件" in html


# --------------------------------------------------------------------------------------------------
# Chinese first: the browser's Accept-Language does not switch the interface, the user's own choice does
# --------------------------------------------------------------------------------------------------


def test_an_english_browser_still_gets_chinese_until_the_user_chooses_english(client, users):
    login(client, users["judicial"])
    response = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "<h1 class=\"vf-card__title\">我的待办</h1>" in html_of(response)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/inbox/"})
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    html = html_of(client.get("/inbox/"))
    assert "<h1 class=\"vf-card__title\">My inbox</h1>" in html
    assert 'name="language" value="zh-hans"' in html  # the switch back offers 中文

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/inbox/"})
    assert "<h1 class=\"vf-card__title\">我的待办</h1>" in html_of(client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en"))


def test_the_operator_can_make_english_the_default(client, users, settings):
    settings.LANGUAGE_CODE = "en"
    login(client, users["judicial"])
    assert "<h1 class=\"vf-card__title\">My inbox</h1>" in html_of(client.get("/inbox/"))
    client.cookies["django_language"] = "klingon"  # an unknown choice falls back to the default
    assert "<h1 class=\"vf-card__title\">My inbox</h1>" in html_of(client.get("/inbox/"))
