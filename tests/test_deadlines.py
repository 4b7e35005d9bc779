"""Deadlines opened and closed by the decision flow, computed in working days from the calendar service."""

import pytest

from notifications import calendar
from notifications.models import DeadlineRule, Notification


def create_and_submit(api):
    decision = api["drafter"].post("/api/v1/decisions/", {
        "title": "石桥镇农村人居环境整治三年行动方案", "body": "一、总体要求……", "category": "major_decision",
        "department": "农业农村办",
    }, format="json").json()
    response = api["drafter"].post(f"/api/v1/decisions/{decision['id']}/transitions/submit_for_review/", {},
                                   format="json")
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.django_db
def test_review_deadline_is_seven_working_days_after_submission(api, today):
    decision = create_and_submit(api)
    [deadline] = decision["deadlines"]
    assert deadline["kind"] == "decision.review"
    assert deadline["status"] == "open"
    assert "第26条" in deadline["basis"]
    assert deadline["due_date"] == calendar.add_working_days(today, 7).date.isoformat()
    assert deadline["overdue"] is False


@pytest.mark.django_db
def test_review_outcome_closes_the_deadline(api):
    decision = create_and_submit(api)
    response = api["judicial"].post(f"/api/v1/decisions/{decision['id']}/transitions/return_for_revision/",
                                    {"opinion": "缺少风险评估报告，请补充后重新报送。"}, format="json")
    assert response.status_code == 200
    assert [d["status"] for d in response.json()["deadlines"]] == ["closed"]


@pytest.mark.django_db
def test_a_deadline_reaching_an_unknown_year_is_provisional_and_the_admin_is_told(api, users, today):
    # 60 working days from late November reach into 2027, which chinesecalendar 1.11 does not know.
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
