"""The petitions of the demo town (demo.petitions; DESIGN §7, §11): a year of petitions shaped like the town's 2023
report, in every channel and state, reached through the services and the flow, none dated after today; idempotent."""

import datetime

import pytest
from django.utils import timezone

from demo import people, petitions as demo_petitions, villages
from documents.models import IssuedDocument
from notifications.models import Deadline, DeadlineAdjustment
from petitions.models import MAX_GROUP_REPRESENTATIVES, Petition, PetitionState
from workflows.audit import verify_chain
from workflows.models import AuditEntry

from .conftest import client_for

pytestmark = [pytest.mark.clock, pytest.mark.django_db]


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    users, _ = people.seed_users()
    villages.seed_villages()
    created = demo_petitions.seed_petitions(users, timezone.localdate())
    return users, created


def deadlines(petition, kind=None):
    qs = Deadline.objects.filter(object_type="petitions.petition", object_id=str(petition.pk))
    return qs.filter(kind=kind) if kind else qs


def test_a_year_of_petitions_in_every_channel_and_state(seeded):
    users, created = seeded
    today = timezone.localdate()
    assert created == Petition.objects.count() == len(demo_petitions.PETITIONS)
    assert 35 <= created <= 45
    assert set(Petition.objects.values_list("channel", flat=True)) == set(Petition.Channel.values)
    assert set(Petition.objects.values_list("state", flat=True)) == set(PetitionState.values)
    received = sorted(Petition.objects.values_list("received_on", flat=True))
    assert today - datetime.timedelta(days=366) <= received[0] and received[-1] <= today
    # Spread over the year: some in each quarter before today.
    for quarter in range(4):
        start, end = today - datetime.timedelta(days=92 * (quarter + 1)), today - datetime.timedelta(days=92 * quarter)
        assert any(start < day <= end for day in received), quarter
    date_fields = ("received_on", "accepted_on", "forwarded_on", "sent_to_village_on", "escalated_on", "replied_on",
                   "closed_on")
    for petition in Petition.objects.all():
        for name in date_fields:
            value = getattr(petition, name)
            assert value is None or value <= today, (petition.subject, name, value)
        assert petition.number and f"〔{petition.received_on.year}〕" in petition.number
    # No petition of the demo is left past a deadline the office answers for (acceptance, handling).
    assert not Deadline.objects.filter(object_type="petitions.petition", status=Deadline.Status.OPEN,
                                       kind__in=["petition.acceptance", "petition.handling"],
                                       due_date__lt=today).exists()
    assert verify_chain().intact


def test_the_stories_of_the_report(seeded):
    users, _ = seeded
    # A group visit of five representatives (Art 19) whose handling the principal extended by 30 days (Art 34).
    group = Petition.objects.get(group_visit=True, petitioners__name="马德胜")
    assert group.petitioners.count() == MAX_GROUP_REPRESENTATIVES
    handling = deadlines(group, "petition.handling").get()
    assert handling.extended_days == 30 and handling.due_date == group.accepted_on + datetime.timedelta(days=90)
    adjustment = DeadlineAdjustment.objects.get(deadline=handling)
    assert adjustment.status == "approved" and adjustment.requested_by == users["xinfang"]
    assert adjustment.decided_by == users["zhenzhang"]
    assert IssuedDocument.objects.filter(kind="petition_extension_notice", owner_id=group.pk).exists()
    # At the village with the town mediator, the village period running (Art 15).
    at_village = Petition.objects.get(state="at_village", village_mediator=users["tiaojie"])
    assert deadlines(at_village, "petition.village").get().status == Deadline.Status.OPEN
    # One escalated by that mediator (大事不出镇): the history names him.
    escalated = Petition.objects.get(state="handling", village_mediator=users["tiaojie"])
    assert AuditEntry.objects.filter(object_type="petitions.petition", object_id=str(escalated.pk),
                                     transition="escalate_to_town", user=users["tiaojie"]).exists()
    # 复查 and 复核 (Art 35-36): final; its repeat on the same facts was not accepted (Art 36 ¶3).
    final = Petition.objects.get(final=True)
    assert final.state == "reviewed" and list(final.reviews.values_list("round", flat=True)) == [1, 2]
    repeat = final.repeats.get()
    assert repeat.state == "not_accepted" and "第三十六条" in repeat.decline_reason
    assert repeat.received_on > final.reviews.get(round=2).answered_on
    # A review request recorded within the petitioner's 30 days and forwarded to the county.
    pending = Petition.objects.get(state="review_requested")
    review = pending.reviews.get()
    assert review.answered_on is None and review.requested_on <= deadlines(
        pending, "petition.review_request").get().due_date
    # The petition office sees them all, with their documents.
    office = client_for(users["xinfang"])
    assert office.get("/api/v1/petitions/").json()["count"] == Petition.objects.count()
    rows = office.get(f"/api/v1/petitions/{final.pk}/documents/").json()
    assert {r["kind"]: r["available"] for r in rows}["petition_handling_opinion"] is True


def test_a_second_run_creates_nothing(seeded):
    users, _ = seeded
    entries, count = AuditEntry.objects.count(), Petition.objects.count()
    assert demo_petitions.seed_petitions(users, timezone.localdate()) == 0
    assert (AuditEntry.objects.count(), Petition.objects.count()) == (entries, count)
