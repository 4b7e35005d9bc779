"""Reminders (DESIGN §5): planned in the database, claimed by a sweep, sent once per recipient and channel.

1. plan_reminders(deadline): when a deadline opens or its due date moves, one Reminder row per stage: before it
   (the rule's offsets, in the rule's unit), on the due day, and escalations on each of the first working days
   after it (capped), all at REMINDER_SEND_TIME.
2. sweep(): beat runs it every minute. It expands due stages into Delivery rows (recipient × channel, unique),
   claims due deliveries with SELECT … FOR UPDATE SKIP LOCKED and a lease, and queues one send task for each.
3. deliver(id): the send task. It holds the delivery's row lock while it sends, so no second worker can send the
   same row; it records every attempt with the provider's answer; failures come back with back-off.

The database is the source of truth: the broker only carries ids. A task lost with Redis, or a worker killed
mid-send, leaves its row claimed; when the lease runs out the next sweep claims and queues it again. On SQLite
(the embedded demo) SELECT … FOR UPDATE does not exist; every write transaction there starts with BEGIN IMMEDIATE
(config.settings), which takes the database's write lock, so two sweeps or two senders run one after the other.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from workflows import roles

from . import calendar
from .channels import IN_APP, PERSONAL_CHANNELS, ROBOT, get_channel
from .channels.base import Answer
from .messages import compose, object_of
from .models import Deadline, DeadlineRule, Delivery, DeliveryAttempt, GroupRobot, RateLimit, Reminder

log = logging.getLogger(__name__)

EXPAND_BATCH = 200
CLAIM_BATCH = 500


# --- 1. planning -----------------------------------------------------------------------------------------


def send_time(day: datetime.date) -> datetime.datetime:
    hour, minute = (int(part) for part in settings.REMINDER_SEND_TIME.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@dataclass(frozen=True)
class Stage:
    stage: str
    offset: int
    send_at: datetime.datetime


def stages_of(deadline: Deadline, rule: DeadlineRule) -> list[Stage]:
    """Every stage of the deadline's reminders, in time order, past ones included."""
    due = deadline.due_date
    stages = []
    for ahead in sorted({n for n in rule.remind_before if n > 0}, reverse=True):
        if rule.unit == DeadlineRule.Unit.WORKING_DAYS:
            at = send_time(calendar.add_working_days(due, -ahead).date)
        elif rule.unit == DeadlineRule.Unit.CALENDAR_DAYS:
            at = send_time(due - datetime.timedelta(days=ahead))
        else:
            at = deadline.due_at - datetime.timedelta(hours=ahead)
        stages.append(Stage(Reminder.Stage.BEFORE, ahead, at))
    stages.append(Stage(Reminder.Stage.DUE, 0, min(send_time(due), deadline.due_at)))
    # Missed: an escalation on each of the next working days, up to the cap (no messages on rest days).
    day = due
    for nth in range(1, settings.REMINDER_ESCALATION_CAP + 1):
        day = calendar.add_working_days(day, 1).date
        stages.append(Stage(Reminder.Stage.OVERDUE, nth, send_time(day)))
    return sorted(stages, key=lambda s: s.send_at)


def plan_reminders(deadline: Deadline, now=None) -> list[Reminder]:
    """(Re)plan the reminders of a deadline for its current due date.

    Stages already in the past are dropped, except the latest due-day or escalation stage, which is sent at once:
    a deadline opened (or corrected) after it was missed still reaches the escalation role. A stage already sent
    for this due date is never planned again.
    """
    now = now or timezone.now()
    deadline.reminders.filter(status=Reminder.Status.PLANNED).exclude(due_date=deadline.due_date).update(
        status=Reminder.Status.CANCELLED)
    rule = deadline.rule
    if deadline.status != Deadline.Status.OPEN or not (rule.responsible_role or rule.escalate_to):
        deadline.reminders.filter(status=Reminder.Status.PLANNED).update(status=Reminder.Status.CANCELLED)
        return []
    stages = stages_of(deadline, rule)
    plan = [s for s in stages if s.send_at > now]
    missed = [s for s in stages if s.send_at <= now and s.stage != Reminder.Stage.BEFORE]
    if missed:
        plan.insert(0, Stage(missed[-1].stage, missed[-1].offset, now))
    existing = {(r.stage, r.offset): r for r in deadline.reminders.filter(due_date=deadline.due_date)}
    planned = []
    for stage in plan:
        reminder = existing.get((stage.stage, stage.offset))
        if reminder is None:
            reminder = Reminder.objects.create(deadline=deadline, stage=stage.stage, offset=stage.offset,
                                               due_date=deadline.due_date, send_at=stage.send_at)
        elif reminder.status == Reminder.Status.EXPANDED:
            continue
        else:
            reminder.status, reminder.send_at = Reminder.Status.PLANNED, stage.send_at
            reminder.save(update_fields=["status", "send_at"])
        planned.append(reminder)
    return planned


def cancel_reminders(deadline_ids) -> None:
    """A closed, cancelled or suspended deadline sends nothing more."""
    Reminder.objects.filter(deadline__in=deadline_ids, status=Reminder.Status.PLANNED).update(
        status=Reminder.Status.CANCELLED)
    Delivery.objects.filter(reminder__deadline__in=deadline_ids, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.CANCELLED)


# --- who is told ---------------------------------------------------------------------------------------------


def users_in_role(role: str):
    return list(get_user_model().objects.filter(groups__name=role, is_active=True).distinct())


def responsible_users(deadline: Deadline, obj) -> list:
    """The rule's responsible role; for officers, the officers of this case (or the certificate's holder)."""
    role = deadline.rule.responsible_role
    if not role:
        return []
    if role == roles.ENFORCEMENT_OFFICER and obj is not None:
        if hasattr(obj, "officers"):
            return list(obj.officers.filter(is_active=True))
        if hasattr(obj, "officer"):
            return [obj.officer] if obj.officer.is_active else []
    return users_in_role(role)


def recipients(reminder: Reminder, obj) -> tuple[list, list]:
    """(users, group robots) to tell at this stage: the responsible, and on escalation the escalation role too."""
    rule = reminder.deadline.rule
    users = responsible_users(reminder.deadline, obj)
    wanted_roles = {rule.responsible_role} - {""}
    if reminder.is_escalation and rule.escalate_to:
        users += users_in_role(rule.escalate_to)
        wanted_roles.add(rule.escalate_to)
    unique_users = list({user.pk: user for user in users}.values())
    robots = [robot for robot in GroupRobot.objects.filter(active=True) if wanted_roles & set(robot.roles or [])]
    return unique_users, robots


def channels_of(user) -> list[str]:
    """In-app always; the outside channels the user chose."""
    chosen = [c for c in (user.notification_channels or []) if c in PERSONAL_CHANNELS]
    return [IN_APP] + list(dict.fromkeys(chosen))


def quiet_until(user, now) -> datetime.datetime | None:
    """The end of the user's quiet hours if `now` falls in them (an overnight span such as 22:00–07:00 too)."""
    start, end = user.quiet_hours_start, user.quiet_hours_end
    if start is None or end is None or start == end:
        return None
    local = timezone.localtime(now)
    moment = local.time()
    if start < end:
        inside, end_day = start <= moment < end, local.date()
    else:
        inside = moment >= start or moment < end
        end_day = local.date() if moment < end else local.date() + datetime.timedelta(days=1)
    if not inside:
        return None
    return timezone.make_aware(datetime.datetime.combine(end_day, end))


def held_until(delivery: Delivery, now) -> datetime.datetime | None:
    """Interrupting channels (SMS, WeCom) wait out the recipient's quiet hours; escalations do not wait."""
    if delivery.recipient is None or delivery.reminder.is_escalation:
        return None
    if not get_channel(delivery.channel).interrupting:
        return None
    return quiet_until(delivery.recipient, now)


# --- 2. the sweep --------------------------------------------------------------------------------------------


def expand_due_reminders(now) -> int:
    """Turn due stages into one Delivery per recipient and channel (the unique key makes this idempotent)."""
    created = 0
    with transaction.atomic():
        due = list(Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                   .filter(status=Reminder.Status.PLANNED, send_at__lte=now)
                   .select_related("deadline__rule").order_by("send_at", "id")[:EXPAND_BATCH])
        # A sweep that catches up (beat was down) sends only each deadline's latest due stage, not a backlog.
        latest = {}
        for reminder in due:
            latest[reminder.deadline_id] = reminder
        for reminder in due:
            reminder.status, reminder.expanded_at = Reminder.Status.EXPANDED, now
            if reminder.deadline.status != Deadline.Status.OPEN or latest[reminder.deadline_id] is not reminder:
                reminder.status = Reminder.Status.CANCELLED
                reminder.save(update_fields=["status", "expanded_at"])
                continue
            users, robots = recipients(reminder, object_of(reminder.deadline))
            rows = []
            for user in users:
                for channel in channels_of(user):
                    row = Delivery(reminder=reminder, recipient=user, recipient_key=f"user:{user.pk}",
                                   channel=channel, not_before=now)
                    row.not_before = held_until(row, now) or now
                    rows.append(row)
            rows += [Delivery(reminder=reminder, robot=robot, recipient_key=f"robot:{robot.pk}", channel=ROBOT,
                              not_before=now) for robot in robots]
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
            created += len(rows)
            reminder.save(update_fields=["status", "expanded_at"])
    return created


def claim_due_deliveries(now, limit: int = CLAIM_BATCH) -> list[int]:
    """Claim due rows, and rows whose lease ran out (their worker died or their task was lost), for one lease."""
    lease = datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    with transaction.atomic():
        due = (Delivery.objects.select_for_update(skip_locked=True)
               .filter(Q(status=Delivery.Status.PENDING, not_before__lte=now)
                       | Q(status=Delivery.Status.CLAIMED, claimed_until__lte=now))
               .order_by("not_before", "id")
               .values_list("pk", flat=True)[:limit])
        ids = list(due)
        Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.CLAIMED, claimed_until=now + lease,
                                                   claims=F("claims") + 1)
    return ids


def queue_with_celery(delivery_id: int) -> None:
    from .tasks import send_reminder

    send_reminder.delay(delivery_id)


def sweep(now=None, queue=None) -> int:
    """One sweep: expand due stages, claim due deliveries, queue one send task each. Returns how many it queued.

    Safe to run twice at once (the second finds the rows locked or claimed) and safe to repeat.
    """
    now = now or timezone.now()
    queue = queue or queue_with_celery
    expand_due_reminders(now)
    queued = 0
    for pk in claim_due_deliveries(now):
        try:
            queue(pk)
        except Exception:  # the broker is down: the row stays claimed and is claimed again after its lease
            log.exception("could not queue reminder delivery %s; it will be claimed again after its lease", pk)
            break
        queued += 1
    return queued


# --- 3. sending ------------------------------------------------------------------------------------------------


def retry_delay(failures: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(60 * 2 ** (failures - 1), 3600))


def _release(delivery: Delivery, until, answer: str) -> None:
    delivery.status, delivery.not_before, delivery.claimed_until = Delivery.Status.PENDING, until, None
    delivery.last_answer = answer
    delivery.save(update_fields=["status", "not_before", "claimed_until", "last_answer"])


def _rate_limited_until(channel, delivery, now) -> datetime.datetime | None:
    """The moment a slot frees up when the target has had its per-minute share; the target's row is locked."""
    limit = channel.per_minute(delivery)
    if not limit:
        return None
    target = channel.target(delivery)
    RateLimit.objects.get_or_create(key=target)
    RateLimit.objects.select_for_update().get(key=target)
    window = list(DeliveryAttempt.objects.filter(target=target, at__gt=now - datetime.timedelta(minutes=1))
                  .order_by("-at").values_list("at", flat=True)[:limit])
    if len(window) < limit:
        return None
    return window[-1] + datetime.timedelta(minutes=1)


def deliver(delivery_id: int, now=None) -> str:
    """Send one claimed delivery. Returns what happened: sent, failed, retry, held, throttled, cancelled, skipped."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("reminder__deadline__rule", "recipient", "robot").filter(pk=delivery_id).first())
        if delivery is None or delivery.status != Delivery.Status.CLAIMED:
            return "skipped"  # sent or cancelled already, or another worker holds it right now
        deadline = delivery.reminder.deadline
        if deadline.status != Deadline.Status.OPEN:
            delivery.status = Delivery.Status.CANCELLED
            delivery.save(update_fields=["status"])
            return "cancelled"
        hold = held_until(delivery, now)
        if hold:
            _release(delivery, hold, f"held for quiet hours until {timezone.localtime(hold):%Y-%m-%d %H:%M}")
            return "held"
        channel = get_channel(delivery.channel)
        free_at = _rate_limited_until(channel, delivery, now)
        if free_at:
            _release(delivery, free_at, f"rate limit of {channel.target(delivery)}: waiting until {free_at:%H:%M:%S}")
            return "throttled"
        if channel.already_delivered(delivery):
            answer = Answer(ok=True, answer="already delivered (key found at the provider); not sent again")
        else:
            try:
                answer = channel.send(delivery, compose(delivery.reminder, object_of(deadline),
                                                        today=timezone.localdate(now)))
            except Exception as error:  # a bug in a channel must not lose the reminder: log it as a failure
                log.exception("channel %s failed on delivery %s", delivery.channel, delivery.pk)
                answer = Answer(ok=False, answer=f"{type(error).__name__}: {error}")
        DeliveryAttempt.objects.create(delivery=delivery, at=now, ok=answer.ok, target=channel.target(delivery),
                                       answer=answer.answer[:4000])
        delivery.last_answer = answer.answer[:4000]
        if answer.ok:
            delivery.status, delivery.sent_at, delivery.claimed_until = Delivery.Status.SENT, now, None
            delivery.save(update_fields=["status", "sent_at", "claimed_until", "last_answer"])
            return "sent"
        delivery.failures += 1
        if answer.permanent or delivery.failures >= settings.REMINDER_MAX_FAILURES:
            delivery.status, delivery.claimed_until = Delivery.Status.FAILED, None
            delivery.save(update_fields=["status", "failures", "claimed_until", "last_answer"])
            return "failed"
        delivery.save(update_fields=["failures"])
        _release(delivery, now + retry_delay(delivery.failures), delivery.last_answer)
        return "retry"
