"""Deadlines opened and closed by the decision flow, computed in working days from the calendar service."""

import datetime

import pytest

from notifications import calendar
from notifications.models import DeadlineRule, Notification
from tests.local_rules import set_review_target

pytestmark = pytest.mark.clock  # deadlines count from today


def create_and_submit(api):
    decision = api["drafter"].post("/api/v1/decisions/", {
        "title": "石桥镇农村人居环境整治三年行动方案", "body": "一、总体要求……", "category": "major_decision",
        "department": "农业农村办",
        "public_participation_required": False, "participation_exemption_ground": "涉及国家秘密，依法不予公开（保守国家秘密法第2条）。",
    }, format="json").json()
    response = api["drafter"].post(f"/api/v1/decisions/{decision['id']}/transitions/submit_for_review/", {},
                                   format="json")
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.django_db
def test_review_target_is_fifteen_working_days_after_submission_a_local_default(api, today):
    # Issue 12: 条例 Art 26's 7 working days are the reviewer's minimum time, not his deadline; the review's own
    # target is local practice, 15 working days by default, and says so.
    decision = create_and_submit(api)
    [deadline] = decision["deadlines"]
    assert deadline["kind"] == "decision.review"
    assert deadline["status"] == "open"
    assert "第26条" in deadline["basis"] and "本地做法" in deadline["basis"]
    assert deadline["due_date"] == calendar.add_working_days(today, 15).date.isoformat()
    assert deadline["overdue"] is False


@pytest.mark.django_db
def test_review_outcome_closes_the_deadline(api):
    decision = create_and_submit(api)
    response = api["judicial"].post(f"/api/v1/decisions/{decision['id']}/transitions/return_for_revision/",
                                    {"opinion": "缺少风险评估报告，请补充后重新报送。", "procedure_ok": False}, format="json")
    assert response.status_code == 200
    assert [d["status"] for d in response.json()["deadlines"]] == ["closed"]


@pytest.mark.django_db
def test_a_deadline_reaching_an_unknown_year_is_provisional_and_the_admin_is_told(api, users, clock):
    # 60 working days from late November reach into 2027, which chinesecalendar 1.11 does not know.
    today = clock.move_to(datetime.date(2026, 11, 20)).date()
    DeadlineRule.objects.filter(kind="decision.review").update(length=60)
    decision = create_and_submit(api)
    [deadline] = decision["deadlines"]
    due = calendar.add_working_days(today, 60)
    assert deadline["due_date"] == due.date.isoformat()
    assert due.date.year >= 2027 and due.provisional
    assert deadline["provisional"] is True
    assert Notification.objects.filter(recipient=users["admin"], title__contains=str(due.date.year)).count() == 1
    create_and_submit(api)  # a second provisional deadline does not repeat the alert
    assert Notification.objects.filter(recipient=users["admin"], title__contains=str(due.date.year)).count() == 1


@pytest.mark.django_db
def test_submission_tells_the_judicial_office(api, users):
    decision = create_and_submit(api)
    titles = list(Notification.objects.filter(recipient=users["judicial"]).values_list("title", flat=True))
    assert any(decision["title"] in t for t in titles)
    response = api["judicial"].get("/api/v1/notifications/")
    assert response.status_code == 200
    assert response.json()["results"][0]["read"] is False


# --- Deadlines on the 2026 State Council notice (国办发明电〔2025〕x号) and on a year the library does not know ---

@pytest.mark.parametrize("kind,anchor,due", [
    # Spring Festival 2026: 02-15…02-23 rest; Saturdays 02-14 and 02-28 are make-up working days.
    ("case.service", "2026-02-13", "2026-03-02"),
    # A start on a rest day (Sunday 02-15) counts from the next working day: not one day late.
    ("case.service", "2026-02-15", "2026-03-03"),
    # National Day 2026: 10-01…10-07 rest, 10-10 (Saturday) a make-up working day.
    ("case.service", "2026-10-03", "2026-10-15"),
    # Art 67: fifteen calendar days, the start day excluded (民法典 Art 201), holidays not skipped.
    ("case.payment", "2026-09-30", "2026-10-15"),
])
def test_rule_due_dates_follow_the_2026_notice(db, kind, anchor, due):
    from datetime import date

    from notifications.deadlines import compute_due

    result = compute_due(DeadlineRule.objects.get(kind=kind), date.fromisoformat(anchor))
    assert (result.date.isoformat(), result.provisional) == (due, False)


def test_a_deadline_in_2027_is_provisional_until_the_notice_is_loaded(db):
    from datetime import date

    from notifications.deadlines import compute_due
    from notifications.models import CalendarDay, CalendarYear

    rule = DeadlineRule.objects.get(kind="case.service")  # 7 working days (Art 61, 85)
    # 2027-01-01 (Friday) is New Year's Day by the statutory rules; Monday-Friday less that day is assumed.
    first = compute_due(rule, date(2026, 12, 30))
    assert (first.date, first.provisional) == (date(2027, 1, 11), True)
    # The admin loads the 2027 notice: say Saturday 2027-01-09 is a make-up working day, and marks 2027 official.
    CalendarDay.objects.create(date=date(2027, 1, 9), kind="workday", note="2027年节假日安排通知")
    CalendarYear.objects.create(year=2027, notice="国办发明电〔2026〕x号")
    second = compute_due(rule, date(2026, 12, 30))
    assert (second.date, second.provisional) == (date(2027, 1, 9), False)


# --- suspension (中止) and extension (延期) as decisions show them; corrections keep what was granted --------------


def _travel(monkeypatch, day, hour=10):
    import datetime

    from django.utils import timezone

    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _review_deadline(decision):
    from notifications.models import Deadline

    return Deadline.objects.get(object_type="review.decision", object_id=decision["id"], kind="decision.review")


@pytest.mark.django_db
def test_a_suspended_review_deadline_shows_suspended_and_is_never_overdue(api, users):
    import datetime

    from django.utils import timezone

    decision = create_and_submit(api)
    review = _review_deadline(decision)
    response = api["principal"].post(f"/api/v1/deadlines/{review.pk}/adjustments/",
                                     {"action": "suspend", "reason": "等待上级部门复函"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "approved"
    type(review).objects.filter(pk=review.pk).update(due_at=timezone.now() - datetime.timedelta(days=3))
    [shown] = api["judicial"].get(f"/api/v1/decisions/{decision['id']}/").json()["deadlines"]
    assert (shown["status"], shown["overdue"], shown["id"]) == ("suspended", False, review.pk)
    assert shown["suspended_on"] == timezone.localdate().isoformat()
    items = api["judicial"].get("/api/v1/inbox/").json()["results"]
    assert not any(item["overdue"] for item in items)


@pytest.mark.django_db
def test_an_extension_of_a_working_day_deadline_counts_working_days(monkeypatch, api):
    """decision.review submitted Thursday 2026-09-24 is due Monday 2026-10-12 (Mid-Autumn 09-25 and National Day
    10-01…10-07 are rest days, Saturday 10-10 a make-up workday). Five more working days end on Monday 10-19,
    not on Saturday 10-17 as calendar days would."""
    import datetime

    set_review_target(7)  # a town whose local review target is 7 working days (tests/local_rules.py)

    _travel(monkeypatch, datetime.date(2026, 9, 24))
    decision = create_and_submit(api)
    review = _review_deadline(decision)
    assert review.due_date == datetime.date(2026, 10, 12)
    # The judicial office asks; the principal approves (issue 12: never the one who asked).
    response = api["judicial"].post(f"/api/v1/deadlines/{review.pk}/adjustments/",
                                    {"action": "extend", "days": 5, "reason": "材料较多，需延长审查"}, format="json")
    assert response.status_code == 201, response.json()
    approved = api["principal"].post(f"/api/v1/deadline-adjustments/{response.json()['id']}/approve/", {},
                                     format="json")
    assert approved.status_code == 200, approved.json()
    review.refresh_from_db()
    assert (review.due_date, review.extended_days) == (datetime.date(2026, 10, 19), 5)
    [shown] = api["drafter"].get(f"/api/v1/decisions/{decision['id']}/").json()["deadlines"]
    assert (shown["due_date"], shown["extended_days"]) == ("2026-10-19", 5)


@pytest.mark.django_db
def test_reanchor_keeps_extensions_and_resumed_suspensions(monkeypatch, api, users):
    """A corrected business date recomputes the deadline from the rule, then adds back what was granted: the
    extension and the working days the period stood still (recorded on the approved resumption)."""
    import datetime

    set_review_target(7)  # a town whose local review target is 7 working days (tests/local_rules.py)

    from notifications import adjustments
    from notifications.deadlines import reanchor

    _travel(monkeypatch, datetime.date(2026, 9, 24))
    review = _review_deadline(create_and_submit(api))
    asked = adjustments.request_adjustment(review, action="extend", days=2, reason="延长", user=users["judicial"])
    adjustments.decide_adjustment(asked, approve=True, user=users["principal"])  # issue 12: no self-approval
    _travel(monkeypatch, datetime.date(2026, 9, 28))
    adjustments.request_adjustment(review, action="suspend", reason="中止", user=users["principal"])
    _travel(monkeypatch, datetime.date(2026, 10, 9))
    adjustments.request_adjustment(review, action="resume", reason="恢复", user=users["principal"])
    review.refresh_from_db()
    stood_still = calendar.working_days_between(datetime.date(2026, 9, 28), datetime.date(2026, 10, 9))
    assert stood_still == 4  # 09-29, 09-30, 10-08, 10-09
    assert review.due_date == calendar.add_working_days(datetime.date(2026, 10, 12), 2 + stood_still).date
    reanchor(review, datetime.date(2026, 9, 23))
    review.refresh_from_db()
    base = calendar.add_working_days(datetime.date(2026, 9, 23), 7).date
    assert review.due_date == calendar.add_working_days(base, 2 + stood_still).date
