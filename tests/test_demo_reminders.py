"""The demo town's reminders (seed_demo): deadlines due soon and overdue with their reminders planned, the users'
channels, and the escalation the worker delivers. The demo is loaded once for the module (tests/conftest.py
demo_town), each test in its own savepoint: every test of this module uses it."""

import datetime
import io
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from notifications import reminders
from notifications.models import (
    Deadline,
    DeadlineAdjustment,
    Delivery,
    DeliveryAttempt,
    GroupRobot,
    Notification,
    Reminder,
)
from review.models import Decision
from workflows.models import User

from .test_notifications_ui import api_unread, html_of

pytestmark = [pytest.mark.clock, pytest.mark.django_db, pytest.mark.xdist_group("demo-reminders")]

PAGE = "/inbox/messages/"


# --------------------------------------------------------------------------------------------------
# The demo town: deadlines due soon and overdue, with their reminders planned
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def seeded(demo_town):
    """The demo town, loaded once for this module (tests/conftest.py demo_town); each test in its own savepoint."""
    return demo_town


REMINDER_MODELS = (Deadline, Reminder, Delivery, DeliveryAttempt, Notification, DeadlineAdjustment, GroupRobot)


def reminder_counts():
    counts = {model.__name__: model.objects.count() for model in REMINDER_MODELS}
    counts["planned"] = Reminder.objects.filter(status=Reminder.Status.PLANNED).count()
    counts["open"] = Deadline.objects.filter(status=Deadline.Status.OPEN).count()
    return counts


def test_seed_demo_twice_plans_the_same_reminders(seeded):
    before = reminder_counts()
    assert before["Reminder"] > 0 and before["planned"] > 0 and before["GroupRobot"] == 0
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert reminder_counts() == before
    # Every open deadline with someone to tell has its reminders planned for its current due date.
    for deadline in Deadline.objects.filter(status=Deadline.Status.OPEN).select_related("rule"):
        if deadline.rule.responsible_role or deadline.rule.escalate_to:
            assert deadline.reminders.filter(due_date=deadline.due_date).exists(), deadline.kind
        assert not deadline.reminders.filter(status=Reminder.Status.PLANNED).exclude(
            due_date=deadline.due_date).exists(), deadline.kind


def test_demo_users_have_channel_preferences(seeded):
    sifa = User.objects.get(username="sifa")
    assert sorted(sifa.notification_channels) == ["email", "sms"]
    assert (sifa.quiet_hours_start, sifa.quiet_hours_end) == (datetime.time(22), datetime.time(7))
    assert sifa.phone == "13800000001" and sifa.email == "sifa@shiqiao.example"
    assert User.objects.get(username="daduizhang").notification_channels == ["sms"]
    officer = User.objects.get(username="zhifa01")
    assert officer.notification_channels == ["wecom"] and officer.wecom_userid
    assert not User.objects.exclude(email__endswith="@shiqiao.example").exclude(email="").exists()


def test_moved_demo_deadlines_are_replanned(seeded):
    today = timezone.localdate()
    review = Deadline.objects.get(kind="decision.review", status=Deadline.Status.OPEN, due_date__lt=today)
    filing = Deadline.objects.get(kind="case.filing", status=Deadline.Status.OPEN, anchor_date__lt=today)
    for deadline in (review, filing):
        # Recomputed from the earlier anchor by the rule (reanchor), not just moved.
        assert deadline.anchor_date < today
        planned = deadline.reminders.filter(status=Reminder.Status.PLANNED)
        assert planned.exists() and set(planned.values_list("due_date", flat=True)) == {deadline.due_date}
    # The overdue review's escalation is due now; the filing deadline's reminders lie ahead.
    assert review.reminders.filter(stage=Reminder.Stage.OVERDUE, status=Reminder.Status.PLANNED,
                                   send_at__lte=timezone.now()).exists()
    assert filing.reminders.filter(status=Reminder.Status.PLANNED, send_at__gt=timezone.now()).exists()


def test_the_worker_escalates_the_overdue_review_to_the_principal(seeded):
    today = timezone.localdate()
    review = Deadline.objects.get(kind="decision.review", status=Deadline.Status.OPEN, due_date__lt=today)
    decision = Decision.objects.get(pk=review.object_id)
    principal = User.objects.get(username="zhenzhang")
    assert not Notification.objects.filter(recipient=principal, delivery__isnull=False).exists()

    assert reminders.sweep(queue=reminders.deliver) > 0
    escalation = Delivery.objects.get(reminder__deadline=review, reminder__stage=Reminder.Stage.OVERDUE,
                                      recipient=principal, channel="in_app")
    assert escalation.status == Delivery.Status.SENT
    assert escalation.attempts.filter(ok=True).count() == 1
    message = escalation.notification
    assert message.recipient == principal and message.read_at is None
    # What the principal reads: the object (its title), the item, the due date, the basis, a link to it.
    assert decision.title in message.title
    for text in (decision.title, "合法性审查目标期限", review.basis, f"/review/decisions/{decision.pk}/"):
        assert text in message.body, text
    assert message.link.endswith(f"/review/decisions/{decision.pk}/")

    # The judicial office (responsible) is told too, in-app and by its chosen channels (no quiet hours for
    # an escalation); the principal sees the message on 我的消息 and in the API.
    sifa = User.objects.get(username="sifa")
    channels = set(Delivery.objects.filter(reminder__deadline=review, recipient=sifa,
                                           reminder__stage=Reminder.Stage.OVERDUE).values_list("channel", flat=True))
    assert channels == {"in_app", "sms", "email"}
    client = Client()
    client.force_login(principal)
    html = unescape(html_of(client.get(PAGE + "?unread=1")))
    assert decision.title in html and review.basis in html
    assert message.pk in api_unread(principal)

    # A second sweep sends nothing twice.
    sent = Notification.objects.filter(delivery__isnull=False).count()
    reminders.sweep(queue=reminders.deliver)
    assert Notification.objects.filter(delivery__isnull=False).count() == sent

    # The admin sees the delivery with its attempts and the provider's answers.
    client.force_login(User.objects.get(username="admin"))
    html = html_of(client.get(f"/admin/notifications/delivery/{escalation.pk}/change/"))
    assert escalation.attempts.get().answer in unescape(html)
    for page in ("delivery", "deliveryattempt", "reminder"):
        html = unescape(html_of(client.get(f"/admin/notifications/{page}/")))
        assert "decision.review" in html or decision.title[:10] in html, page
    html = html_of(client.get("/admin/notifications/delivery/?status__exact=failed&channel__exact=wecom"))
    assert "WeCom" in html or "wecom" in html


def test_certificate_officers_get_certificate_deadlines(seeded):
    """zhifa15 (expiring) and zhifa16 (expired) carry officer.certificate deadlines once set_certificate opens
    them (cases.services); until then there are none at all and this has nothing to check."""
    if not Deadline.objects.filter(kind="officer.certificate").exists():
        pytest.skip("cases.services.set_certificate does not open officer.certificate deadlines yet")
    for username in ("zhifa15", "zhifa16"):
        certificate = User.objects.get(username=username).certificates.get()
        assert Deadline.objects.filter(kind="officer.certificate", object_id=certificate.pk,
                                       status=Deadline.Status.OPEN).exists(), username
