"""Petitions (信访工作条例 2022; DESIGN §11, CONTRACT §8): each rule tried at its boundary, and the flow end to end
over the API (this file runs on SQLite and, in CI's second pass with DATABASE_URL, on PostgreSQL)."""

import datetime

import pytest
from django.test import Client

from notifications.models import Deadline

from .conftest import client_for, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office():
    return client_for(make_user("petition_office"))


def register(client, received_on, petitioners=None, **extra):
    body = {"channel": "visit", "subject": "宅基地边界纠纷", "content": "邻居占用宅基地。", "received_on": str(received_on),
            "petitioners": petitioners or [{"name": "张三", "phone": "13800000000"}], **extra}
    return client.post("/api/v1/petitions/", body, format="json")


def fire(client, pk, name, status=200, **data):
    response = client.post(f"/api/v1/petitions/{pk}/transitions/{name}/", data, format="json")
    assert response.status_code == status, response.content[:400]
    return response.json()


def deadline(pk, kind):
    return Deadline.objects.filter(object_type="petitions.petition", object_id=str(pk), kind=kind).order_by("-id").first()


def test_registration_is_numbered_and_the_acceptance_notice_is_due_on_day_15(office, clock, today):
    """条例 Art 23: 15 days from receipt; on day 15 the deadline runs, on day 16 it is overdue."""
    petition = register(office, today).json()
    assert petition["number"].endswith("号") and f"〔{today.year}〕" in petition["number"]
    acceptance = deadline(petition["id"], "petition.acceptance")
    assert acceptance.due_date == today + datetime.timedelta(days=15)
    clock.move_to(today + datetime.timedelta(days=15))
    row = next(d for d in office.get(f"/api/v1/petitions/{petition['id']}/").json()["deadlines"]
               if d["kind"] == "petition.acceptance")
    assert row["overdue"] is False
    clock.move_to(today + datetime.timedelta(days=16))
    row = next(d for d in office.get(f"/api/v1/petitions/{petition['id']}/").json()["deadlines"]
               if d["kind"] == "petition.acceptance")
    assert row["overdue"] is True


def test_acceptance_on_day_15_is_in_time_and_on_day_16_late(office, clock, today):
    early, late = register(office, today).json(), register(office, today).json()
    clock.move_to(today + datetime.timedelta(days=15))
    fire(office, early["id"], "accept")
    assert deadline(early["id"], "petition.acceptance").closed_on <= deadline(early["id"], "petition.acceptance").due_date
    clock.move_to(today + datetime.timedelta(days=16))
    fire(office, late["id"], "accept")
    assert deadline(late["id"], "petition.acceptance").closed_on > deadline(late["id"], "petition.acceptance").due_date


def test_a_sixth_representative_is_refused_naming_art_19(office, today):
    five = [{"name": f"代表{i}", "phone": f"1380000000{i}"} for i in range(5)]
    assert register(office, today, five, group_visit=True).status_code == 201
    six = five + [{"name": "代表6", "phone": "13800000006"}]
    response = register(office, today, six, group_visit=True)
    assert response.status_code == 409
    assert "19" in response.content.decode()


def test_a_future_received_date_and_no_petitioner_are_400(office, today):
    assert register(office, today + datetime.timedelta(days=1)).status_code == 400
    body = {"channel": "letter", "subject": "x", "content": "y", "received_on": str(today), "petitioners": []}
    assert office.post("/api/v1/petitions/", body, format="json").status_code == 400


def test_handling_runs_60_days_from_acceptance_and_is_extended_once_by_the_principal(office, today):
    petition = register(office, today).json()
    fire(office, petition["id"], "accept")
    handling = deadline(petition["id"], "petition.handling")
    assert handling.due_date == today + datetime.timedelta(days=60)
    # The office may not tell of an extension that was not approved.
    fire(office, petition["id"], "notify_extension", status=409)
    asked = office.post(f"/api/v1/petitions/{petition['id']}/extension/", {"reason": "情况复杂", "days": 30},
                        format="json")
    assert asked.status_code == 202, asked.content
    adjustment = handling.adjustments.get()
    # Not the office itself: only the principal approves (条例 Art 34).
    assert office.post(f"/api/v1/deadline-adjustments/{adjustment.pk}/approve/", {}, format="json").status_code == 403
    principal = client_for(make_user("principal"))
    assert principal.post(f"/api/v1/deadline-adjustments/{adjustment.pk}/approve/", {}, format="json").status_code == 200
    handling.refresh_from_db()
    assert handling.due_date == today + datetime.timedelta(days=90)
    # Once only.
    again = office.post(f"/api/v1/petitions/{petition['id']}/extension/", {"reason": "仍复杂", "days": 10},
                        format="json")
    assert again.status_code == 409
    # More than 30 days is refused too (a fresh petition).
    other = register(office, today).json()
    fire(office, other["id"], "accept")
    too_long = office.post(f"/api/v1/petitions/{other['id']}/extension/", {"reason": "复杂", "days": 31},
                           format="json")
    assert too_long.status_code in (400, 409)
    # The petitioner is told (延期办理告知书), once.
    fire(office, petition["id"], "notify_extension")
    fire(office, petition["id"], "notify_extension", status=409)


def test_review_window_is_30_days_from_the_answer(office, clock, today):
    petition = register(office, today).json()
    fire(office, petition["id"], "accept")
    fire(office, petition["id"], "reply", opinion="经核查，予以解释。", result="explain")
    window = deadline(petition["id"], "petition.review_request")
    late_day = window.due_date + datetime.timedelta(days=1)
    clock.move_to(late_day)
    refused = fire(office, petition["id"], "request_review", status=409, organ="县信访局")
    assert "35" in str(refused)
    clock.move_to(window.due_date)
    fire(office, petition["id"], "request_review", organ="县信访局")


def test_village_first_then_escalation_by_the_villages_mediator(office, today):
    from cases.models import Village

    village = Village.objects.create(name="石桥村")
    mediator_user = make_user("mediator")
    stranger = client_for(make_user("mediator"))
    mediator = client_for(mediator_user)
    petition = register(office, today).json()
    fire(office, petition["id"], "accept")
    fire(office, petition["id"], "send_to_village", village=village.pk, mediator=mediator_user.pk)
    village_deadline = deadline(petition["id"], "petition.village")
    assert village_deadline.status == Deadline.Status.OPEN
    # Another village's mediator neither sees nor moves it.
    assert stranger.get(f"/api/v1/petitions/{petition['id']}/").status_code == 404
    fire(stranger, petition["id"], "escalate_to_town", status=403, reason="未化解")
    assert mediator.get(f"/api/v1/petitions/{petition['id']}/").status_code == 200
    # The mediator may not reply for the town.
    fire(mediator, petition["id"], "reply", status=403, opinion="x", result="support")
    # The escalation answers with the petition (CONTRACT §5), which the mediator keeps seeing, read only.
    data = fire(mediator, petition["id"], "escalate_to_town", reason="双方分歧大")
    assert data["state"] == "handling" and data["escalation_reason"] == "双方分歧大" and data["number"]
    assert office.get(f"/api/v1/petitions/{petition['id']}/").json()["state"] == "handling"
    assert mediator.get(f"/api/v1/petitions/{petition['id']}/").json()["state"] == "handling"
    assert [p["id"] for p in mediator.get("/api/v1/petitions/").json()["results"]] == [petition["id"]]
    fire(mediator, petition["id"], "reply", status=403, opinion="x", result="support")
    village_deadline.refresh_from_db()
    assert village_deadline.status == Deadline.Status.CLOSED


def test_end_to_end_review_and_re_review_then_a_repeat_is_not_accepted(office, today):
    petition = register(office, today).json()
    fire(office, petition["id"], "accept")
    fire(office, petition["id"], "reply", opinion="不予支持。", result="not_support")
    fire(office, petition["id"], "request_review", organ="县人民政府", request="请求复查")
    data = fire(office, petition["id"], "record_review", answer="维持原意见。", decision="upheld")
    assert data["state"] == "reviewed" and data["final"] is False
    fire(office, petition["id"], "request_review", organ="市人民政府", request="请求复核")
    data = fire(office, petition["id"], "record_review", answer="维持。", decision="upheld")
    assert data["final"] is True and [r["round"] for r in data["reviews"]] == [1, 2]
    # No third round (Art 36 ¶3).
    fire(office, petition["id"], "request_review", status=409, organ="省人民政府")
    # A repeat on the same facts is not accepted; it is declined with the reason.
    repeat = register(office, today, repeat_of=petition["id"]).json()
    assert repeat["repeat_of"]["id"] == petition["id"]
    refused = fire(office, repeat["id"], "accept", status=409)
    assert "36" in str(refused)
    fire(office, repeat["id"], "decline", reason="同一事实已经复核终结（条例第36条第3款）")
    shown = office.get(f"/api/v1/petitions/{petition['id']}/").json()
    assert [r["id"] for r in shown["repeats"]] == [repeat["id"]]
    assert fire(office, petition["id"], "close")["state"] == "closed"


def test_forward_and_close(office, today):
    petition = register(office, today).json()
    data = fire(office, petition["id"], "forward", to="县自然资源局")
    assert data["state"] == "forwarded" and data["forwarded_to"] == "县自然资源局"
    assert deadline(petition["id"], "petition.acceptance").status == Deadline.Status.CLOSED


def test_only_those_with_the_role_see_petitions(office, today):
    petition = register(office, today).json()
    officer = client_for(make_user("enforcement_officer"))
    assert officer.get("/api/v1/petitions/").status_code == 403
    assert officer.get(f"/api/v1/petitions/{petition['id']}/").status_code == 403
    assert register(officer, today).status_code == 403
    for role in ("principal", "judicial_office"):
        assert client_for(make_user(role)).get(f"/api/v1/petitions/{petition['id']}/").status_code == 200
    assert fire(client_for(make_user("principal")), petition["id"], "accept", status=403)


def test_mediation_outcome_is_recorded_in_the_history(office, today):
    from petitions.models import Petition
    from petitions.services import record_mediation_outcome

    petition = Petition.objects.get(pk=register(office, today).json()["id"])
    user = make_user("mediator")
    record_mediation_outcome(petition, agreed=True, summary="双方达成协议", user=user)
    history = office.get(f"/api/v1/petitions/{petition.pk}/").json()["history"]
    assert history[-1]["transition"] == "mediation_outcome" and history[-1]["comment"] == "双方达成协议"
    petition.refresh_from_db()
    assert petition.state == "received"


def test_inbox_shows_the_office_its_petitions(office, today):
    petition = register(office, today).json()
    rows = office.get("/api/v1/inbox/").json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    assert any(r["kind"] == "petition" and r["id"] == petition["id"] for r in rows)


def test_village_escalation_and_closing_take_their_business_dates(office, today):
    """Each step is dated on the day it happened (a letter entered later): not in the future, not before the step
    it follows; the village period (条例 Art 15, local practice) runs from the day it was sent there."""
    from cases.models import Village

    village = Village.objects.create(name="石桥村")

    def day(n):
        return str(today - datetime.timedelta(days=n))

    petition = register(office, today - datetime.timedelta(days=20)).json()
    fire(office, petition["id"], "accept", accepted_on=day(18))
    fire(office, petition["id"], "send_to_village", status=400, village=village.pk, sent_on=day(19))
    fire(office, petition["id"], "send_to_village", village=village.pk, sent_on=day(17))
    assert deadline(petition["id"], "petition.village").anchor_date == today - datetime.timedelta(days=17)
    fire(office, petition["id"], "escalate_to_town", status=400, reason="未化解", escalated_on=day(18))
    fire(office, petition["id"], "escalate_to_town", reason="未化解", escalated_on=day(10))
    assert deadline(petition["id"], "petition.village").closed_on == today - datetime.timedelta(days=10)
    fire(office, petition["id"], "reply", opinion="予以解释。", result="explain", replied_on=day(5))
    tomorrow = str(today + datetime.timedelta(days=1))
    fire(office, petition["id"], "close", status=400, closed_on=day(6))
    fire(office, petition["id"], "close", status=400, closed_on=tomorrow)
    data = fire(office, petition["id"], "close", closed_on=day(1))
    assert data["state"] == "closed" and data["closed_on"] == day(1)


def test_the_village_period_and_the_extension_are_seen_by_those_who_see_the_petition(office, today):
    """The deadline pages of a petition (notifications.adjustments.may_view): the petition office, the principal
    and the judicial office see its deadlines and the extension asked for (条例 Art 34); the village mediator it
    was sent to sees and may ask to change the village period (条例 Art 15, local practice) — no other mediator,
    nor a role that may not see petitions."""
    from cases.models import Village

    village = Village.objects.create(name="石桥村")
    mediator_user = make_user("mediator")
    petition = register(office, today).json()
    fire(office, petition["id"], "accept")
    fire(office, petition["id"], "send_to_village", village=village.pk, mediator=mediator_user.pk)
    asked = office.post(f"/api/v1/petitions/{petition['id']}/extension/", {"reason": "情况复杂", "days": 30},
                        format="json")
    assert asked.status_code == 202
    handling, village_period = deadline(petition["id"], "petition.handling"), deadline(petition["id"],
                                                                                         "petition.village")
    principal_user = make_user("principal")
    principal, judicial = client_for(principal_user), client_for(make_user("judicial_office"))
    for client in (office, principal, judicial):
        shown = client.get(f"/api/v1/deadlines/{handling.pk}/")
        assert shown.status_code == 200 and shown.json()["kind"] == "petition.handling"
    browser = Client()
    browser.force_login(principal_user)
    page = browser.get(f"/inbox/deadlines/{handling.pk}/")
    assert page.status_code == 200 and "情况复杂" in page.content.decode()
    assert f'href="/petitions/petitions/{petition["id"]}/"' in page.content.decode()  # back to the petition
    mediator, stranger = client_for(mediator_user), client_for(make_user("mediator"))
    # Its reminders go to that mediator, not to every mediator of the town.
    from notifications.reminders import recipients
    from petitions.models import Petition

    reminder = village_period.reminders.order_by("send_at").first()
    assert recipients(reminder, Petition.objects.get(pk=petition["id"]))[0] == [mediator_user]
    assert mediator.get(f"/api/v1/deadlines/{village_period.pk}/").status_code == 200
    assert mediator.get(f"/api/v1/deadlines/{handling.pk}/").status_code == 200
    assert "extend" in mediator.get(f"/api/v1/deadlines/{village_period.pk}/").json()["available_adjustments"]
    for pk in (village_period.pk, handling.pk):
        assert stranger.get(f"/api/v1/deadlines/{pk}/").status_code == 403
        assert client_for(make_user("enforcement_officer")).get(f"/api/v1/deadlines/{pk}/").status_code == 403
    refused = stranger.post(f"/api/v1/deadlines/{village_period.pk}/adjustments/",
                            {"action": "extend", "reason": "x", "days": 2}, format="json")
    assert refused.status_code == 403


def inbox_row(client, pk):
    rows = client.get("/api/v1/inbox/").json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    return next(r for r in rows if r["kind"] == "petition" and r["id"] == pk)


def extend_handling(office, pk):
    """The office asks for the one extension of 条例 Art 34; the principal approves it."""
    asked = office.post(f"/api/v1/petitions/{pk}/extension/", {"reason": "情况复杂", "days": 30}, format="json")
    assert asked.status_code == 202
    adjustment = deadline(pk, "petition.handling").adjustments.get()
    approved = client_for(make_user("principal")).post(f"/api/v1/deadline-adjustments/{adjustment.pk}/approve/",
                                                       {}, format="json")
    assert approved.status_code == 200, approved.content[:300]


def test_after_an_approved_extension_the_inbox_asks_to_tell_the_petitioner_then_goes_back(office, today):
    """条例 Art 34: the extension is told to the petitioner with its reason (延期办理告知书)."""
    pk = register(office, today).json()["id"]
    fire(office, pk, "accept")
    usual = inbox_row(office, pk)["action"]
    extend_handling(office, pk)
    told = inbox_row(office, pk)["action"]
    assert told != usual and ("延期" in told or "extension" in told)
    fire(office, pk, "notify_extension")
    assert inbox_row(office, pk)["action"] == usual


def test_the_extension_is_not_offered_while_asked_for_nor_after_the_one_allowed(office, today):
    """条例 Art 34 allows one extension of the handling period: the petition page stops offering 申请延期 once it is
    asked for, and after the principal approved it; the API lists it no longer."""
    user = make_user("petition_office")
    office = client_for(user)
    browser = Client()
    browser.force_login(user)
    pk = register(office, today).json()["id"]
    fire(office, pk, "accept")
    handling = deadline(pk, "petition.handling")

    def offered():
        html = browser.get(f"/petitions/petitions/{pk}/").content.decode()
        row = html[html.index(f'data-deadline="{handling.pk}"'):]
        row = row[:row.index("</tr>")]
        return 'data-adjust="extend"' in row

    assert offered()
    asked = office.post(f"/api/v1/petitions/{pk}/extension/", {"reason": "情况复杂", "days": 30}, format="json")
    assert asked.status_code == 202
    assert not offered()
    adjustment = handling.adjustments.get()
    assert client_for(make_user("principal")).post(f"/api/v1/deadline-adjustments/{adjustment.pk}/approve/", {},
                                                   format="json").status_code == 200
    assert not offered()
    assert "extend" not in office.get(f"/api/v1/deadlines/{handling.pk}/").json()["available_adjustments"]
