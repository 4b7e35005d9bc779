"""Issue 18: the reminder sweep and the batch sender cost a bounded number of SQL statements per batch, not per
reminder or per delivery. A regression that reads a recipient, a role or an object once per reminder (an N+1)
adds hundreds of statements to the 200-reminder sweep and fails here.

The reminders are written directly (not planned by a transition): decisions (the judicial office, escalated to
the principal), enforcement certificates (their own officer, escalated to the brigade chief) and annual reports
(the judicial office), some at the "before" stage and some overdue; users with e-mail and SMS besides in-app; a
group robot for the judicial office.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import OfficerCertificate
from notifications.models import Deadline, DeadlineRule, Delivery, GroupRobot, Notification, Reminder
from notifications.reminders import (
    CLAIM_BATCH,
    claim_due_deliveries,
    deliver_batch,
    expand_due_reminders,
    sweep,
)
from reports.models import AnnualReport
from review.models import Decision

from .conftest import make_user

pytestmark = [pytest.mark.clock, pytest.mark.django_db]

_years = itertools.count(1900)


@pytest.fixture
def people(db):
    judicial = [make_user("judicial_office", email=f"j{i}@example.org", phone=f"1380000000{i}",
                          notification_channels=["email", "sms"]) for i in range(2)]
    return {
        "judicial": judicial,
        "principal": make_user("principal"),
        "chief": make_user("brigade_chief"),
        "officers": [make_user("enforcement_officer", notification_channels=["email"], email=f"o{i}@example.org")
                     for i in range(3)],
        "drafter": make_user("drafter"),
        "robot": GroupRobot.objects.create(name="司法所群", kind="wecom", url="wecombot://KEY",
                                           roles=["judicial_office"]),
    }


def due_reminders(people, count: int, now) -> list[Reminder]:
    """`count` due reminders, a third on each kind of object, every other one overdue (an escalation)."""
    rules = {rule.kind: rule for rule in DeadlineRule.objects.filter(
        kind__in=["decision.review", "officer.certificate", "report.rule_of_law_submit"])}
    deadlines = []
    for i in range(count):
        if i % 3 == 0:
            obj = Decision.objects.create(title=f"决策{i}", body="正文", category="major_decision", department="党政办",
                                          created_by=people["drafter"])
            kind, object_type = "decision.review", "review.decision"
        elif i % 3 == 1:
            obj = OfficerCertificate.objects.create(officer=people["officers"][i % 3], number=f"ZF-{next(_years)}",
                                                    expires_on=now.date() + datetime.timedelta(days=30))
            kind, object_type = "officer.certificate", "cases.officercertificate"
        else:
            obj = AnnualReport.objects.create(kind="rule_of_law", year=next(_years))
            kind, object_type = "report.rule_of_law_submit", "reports.annualreport"
        due = timezone.localdate(now) + datetime.timedelta(days=3 if i % 2 else -2)
        deadlines.append(Deadline(object_type=object_type, object_id=obj.pk, rule=rules[kind], kind=kind,
                                  anchor_date=due, due_date=due, due_at=now + datetime.timedelta(days=3),
                                  basis=rules[kind].basis))
    Deadline.objects.bulk_create(deadlines)
    stamp = now - datetime.timedelta(minutes=1)
    return Reminder.objects.bulk_create([
        Reminder(deadline=d, stage="before" if i % 2 else "overdue", offset=3 if i % 2 else 1, due_date=d.due_date,
                 send_at=stamp) for i, d in enumerate(deadlines)])


def swept_statements(people, count: int, now) -> tuple[int, int, int]:
    """(statements other than INSERT, INSERT statements, deliveries queued) of one sweep over `count` due
    reminders."""
    due_reminders(people, count, now)
    queued = []
    with CaptureQueriesContext(connection) as queries:
        assert sweep(now=now, queue_batch=queued.append) > 0
    assert not Reminder.objects.filter(status="planned").exists()  # every due stage expanded, no cap
    inserts = sum(1 for query in queries if query["sql"].lstrip().upper().startswith("INSERT"))
    return len(queries) - inserts, inserts, sum(len(batch) for batch in queued)


def test_a_sweep_costs_the_same_statements_for_10_and_200_due_reminders(people, clock):
    now = timezone.now()
    small, _small_inserts, _small_queued = swept_statements(people, 10, now)
    Delivery.objects.update(status="sent")  # the first sweep's rows are done; the second sweep sees only its own
    large, inserts, queued = swept_statements(people, 200, now)
    # The recipients really are several and of several kinds: users on their channels and the group robot.
    assert queued > 600 and set(Delivery.objects.values_list("channel", flat=True)) == {
        "in_app", "email", "sms", "robot"}
    assert Delivery.objects.filter(recipient=people["principal"]).exists()  # escalations reach the role
    assert Delivery.objects.filter(recipient=people["officers"][1]).exists()  # a certificate reaches its officer
    # 200 reminders: one expansion batch — the same reads as for 10, where one per reminder would be hundreds —
    # and one claim round (its transaction: 4 statements) per CLAIM_BATCH deliveries. The deliveries are one
    # INSERT on PostgreSQL; SQLite caps a statement at 999 parameters, so there it is one INSERT per ~70 rows:
    # per rows written, never per reminder.
    assert large <= small + 4 * (queued // CLAIM_BATCH), (small, large, queued)
    assert inserts <= 1 + queued // 60, (inserts, queued)


def test_two_sweeps_at_once_expand_a_reminder_once(people, clock):
    now = timezone.now()
    due_reminders(people, 30, now)
    expand_due_reminders(now)
    first = Delivery.objects.count()
    assert first > 0
    assert expand_due_reminders(now) == 0  # the stages are expanded: a second sweep finds nothing to do
    assert Delivery.objects.count() == first


def claimed_in_app(people, count: int, now) -> list[int]:
    due_reminders(people, count, now)
    expand_due_reminders(now)
    Delivery.objects.exclude(channel="in_app").update(status="cancelled")
    ids = claim_due_deliveries(now, limit=count * 10)
    assert len(ids) >= count
    return ids[:count]


def test_sending_a_batch_of_in_app_deliveries_costs_the_same_statements_for_10_and_100(people, clock):
    now = timezone.now()
    small_ids = claimed_in_app(people, 10, now)
    with CaptureQueriesContext(connection) as small:
        results = deliver_batch(small_ids, now=now)
    assert set(results.values()) == {"sent"}
    Delivery.objects.filter(status="claimed").update(status="cancelled")
    large_ids = claimed_in_app(people, 100, now)
    with CaptureQueriesContext(connection) as large:
        results = deliver_batch(large_ids, now=now)
    assert set(results.values()) == {"sent"} and len(results) == 100
    assert len(large) <= len(small) + 2, (len(small), len(large))
    assert len(large) <= 20, len(large)
    # Each delivery: one notification to its recipient, one "sent" attempt, the row marked sent.
    for delivery in Delivery.objects.filter(pk__in=large_ids).select_related("notification"):
        assert delivery.status == "sent" and delivery.sent_at == now
        assert delivery.notification.recipient_id == delivery.recipient_id
        assert list(delivery.attempts.values_list("state", flat=True)) == ["sent"]


def test_a_batch_sent_twice_sends_each_delivery_once(people, clock):
    now = timezone.now()
    ids = claimed_in_app(people, 20, now)
    assert set(deliver_batch(ids, now=now).values()) == {"sent"}
    assert set(deliver_batch(ids, now=now).values()) == {"skipped"}  # a task run twice (acks_late, a retry)
    assert Notification.objects.filter(delivery_id__in=ids).count() == 20
