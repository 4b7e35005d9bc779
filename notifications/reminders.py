"""Reminders (DESIGN §5): planned in the database, claimed by a sweep, sent once per recipient and channel.

1. plan_reminders(deadline): when a deadline opens or its due date moves, one Reminder row per stage: before it
   (the rule's offsets, in the rule's unit), on the due day, and escalations on each of the first working days
   after it (capped), all at REMINDER_SEND_TIME.
2. sweep(): beat runs it every minute (REMINDER_SWEEP_SECONDS). It expands every due stage into Delivery rows
   (recipient × channel, unique) in batches, each batch's recipients and objects read once; claims every due
   delivery with SELECT … FOR UPDATE SKIP LOCKED and a lease; and queues one send task per batch of deliveries
   (deliver_batch: in-app rows written together in one transaction, outside channels one by one through deliver).
3. deliver(id): the send task, in three steps so that no transaction is open during the outside call: a short
   transaction checks the row (deadline open, quiet hours, rate limit) and commits it "sending" with an in-flight
   attempt, so a second worker skips it; the channel sends; a second short transaction records the answer (sent,
   retry with back-off when the message certainly did not leave, failed for good (the admins are told), or,
   when it may have left, asking the provider on the next run or "uncertain").

The database is the source of truth: the broker only carries ids. A task lost with Redis leaves its row claimed; a
worker killed mid-send leaves it "sending" with its attempt in flight; when the lease runs out the next sweep claims
it again. A run that finds an in-flight attempt never sends blindly: it asks the provider by the delivery's key
(in-app, the SMS file, Aliyun, Tencent) and records what it says; where the provider cannot be asked (e-mail, group
robots, WeCom) the delivery becomes "uncertain" and the admins are told, to mark it delivered or send it again.
On SQLite (the embedded demo) SELECT … FOR UPDATE does not exist; every write transaction there starts with BEGIN
IMMEDIATE (config.settings), which takes the database's write lock for the few milliseconds of each step.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from workflows import roles

from . import calendar
from .channels import IN_APP, PERSONAL_CHANNELS, ROBOT, get_channel
from .channels.base import Answer, Lookup
from .channels.in_app import stored_link
from .models import (
    Deadline,
    DeadlineRule,
    Delivery,
    DeliveryAttempt,
    GroupRobot,
    Notification,
    RateLimit,
    Reminder,
)
from .reminder_texts import compose, object_of, objects_of

log = logging.getLogger(__name__)

EXPAND_BATCH = 500  # reminders expanded per transaction (a sweep takes as many batches as are due)
CLAIM_BATCH = 500  # deliveries claimed per transaction
SEND_BATCH = 100  # deliveries per send task
CLAIM_ROUNDS = 1000  # a guard only: 500,000 deliveries in one sweep


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
    """Every stage of the deadline's reminders, in time order, past ones included. The working days are counted on
    one calendar load (calendar.shared_calendar), whatever the number of stages."""
    due = deadline.due_date
    stages = []
    with calendar.shared_calendar():
        for ahead in sorted({n for n in rule.remind_before if n > 0}, reverse=True):
            if rule.unit == DeadlineRule.Unit.WORKING_DAYS:
                at = send_time(calendar.add_working_days(due, -ahead).date)
            elif rule.unit in (DeadlineRule.Unit.CALENDAR_DAYS, DeadlineRule.Unit.MONTHS,
                               DeadlineRule.Unit.FIXED_DATE, DeadlineRule.Unit.GIVEN_DATE):
                # A period in months, up to a yearly date or to the day an order names is reminded in calendar days.
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


def _plan(stages: list[Stage], now) -> list[Stage]:
    """The stages still to send: the future ones, led by the latest missed due-day or escalation stage (sent now)."""
    plan = [s for s in stages if s.send_at > now]
    missed = [s for s in stages if s.send_at <= now and s.stage != Reminder.Stage.BEFORE]
    if missed:
        plan.insert(0, Stage(missed[-1].stage, missed[-1].offset, now))
    return plan


def new_reminders(deadline: Deadline, now=None) -> list[Reminder]:
    """The unsaved Reminder rows of a deadline just opened (saved, with no reminder yet), as plan_reminders would
    plan them; the caller writes them with one bulk_create, those of several deadlines together. Empty when the
    deadline is not open or its rule tells nobody."""
    now = now or timezone.now()
    rule = deadline.rule
    if deadline.status != Deadline.Status.OPEN or not (rule.responsible_role or rule.escalate_to):
        return []
    return [Reminder(deadline=deadline, stage=stage.stage, offset=stage.offset, due_date=deadline.due_date,
                     send_at=stage.send_at) for stage in _plan(stages_of(deadline, rule), now)]


def plan_reminders(deadline: Deadline, now=None) -> list[Reminder]:
    """(Re)plan the reminders of a deadline for its current due date.

    Stages already in the past are dropped, except the latest due-day or escalation stage, which is sent at once:
    a deadline opened (or corrected) after it was missed still reaches the escalation role. A stage already sent
    for this due date is never planned again. The new rows are written with one bulk_create, the replanned ones
    with one bulk_update.
    """
    now = now or timezone.now()
    deadline.reminders.filter(status=Reminder.Status.PLANNED).exclude(due_date=deadline.due_date).update(
        status=Reminder.Status.CANCELLED)
    rule = deadline.rule
    if deadline.status != Deadline.Status.OPEN or not (rule.responsible_role or rule.escalate_to):
        deadline.reminders.filter(status=Reminder.Status.PLANNED).update(status=Reminder.Status.CANCELLED)
        return []
    plan = _plan(stages_of(deadline, rule), now)
    existing = {(r.stage, r.offset): r for r in deadline.reminders.filter(due_date=deadline.due_date)}
    planned, new, replanned = [], [], []
    for stage in plan:
        reminder = existing.get((stage.stage, stage.offset))
        if reminder is None:
            reminder = Reminder(deadline=deadline, stage=stage.stage, offset=stage.offset,
                                due_date=deadline.due_date, send_at=stage.send_at)
            new.append(reminder)
        elif reminder.status == Reminder.Status.EXPANDED:
            continue
        else:
            reminder.status, reminder.send_at = Reminder.Status.PLANNED, stage.send_at
            replanned.append(reminder)
        planned.append(reminder)
    save_new_reminders(new)
    if replanned:
        Reminder.objects.bulk_update(replanned, ["status", "send_at"])
    return planned


def save_new_reminders(rows: list[Reminder]) -> list[Reminder]:
    """Write new Reminder rows in one INSERT (their ids are set on them)."""
    if rows:
        Reminder.objects.bulk_create(rows)
    return rows


def cancel_reminders(deadline_ids) -> None:
    """A closed, cancelled or suspended deadline sends nothing more. `deadline_ids`: ids, or a queryset of them
    (a subquery: two UPDATEs whatever their number)."""
    Reminder.objects.filter(deadline__in=deadline_ids, status=Reminder.Status.PLANNED).update(
        status=Reminder.Status.CANCELLED)
    Delivery.objects.filter(reminder__deadline__in=deadline_ids, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.CANCELLED)


# --- who is told ---------------------------------------------------------------------------------------------


def users_in_role(role: str):
    return list(get_user_model().objects.filter(groups__name=role, is_active=True).distinct())


class Audience:
    """Who holds each role, and the active group robots, read once for a batch of reminders (one query per role,
    one for the robots) instead of once per reminder."""

    def __init__(self):
        self._roles: dict[str, list] = {}
        self._robots: list | None = None

    def in_role(self, role: str) -> list:
        if role not in self._roles:
            self._roles[role] = users_in_role(role)
        return list(self._roles[role])

    def robots(self) -> list:
        if self._robots is None:
            self._robots = list(GroupRobot.objects.filter(active=True))
        return self._robots


def responsible_users(deadline: Deadline, obj, audience: Audience | None = None) -> list:
    """The rule's responsible role; for officers, the officers of this case (or the certificate's holder).

    `audience` (optional) shares the role look-ups of a batch. The case officers are read through `.all()`, so the
    officers prefetched for a batch (reminder_texts.OBJECT_LOADING) cost no query."""
    role = deadline.rule.responsible_role
    if not role:
        return []
    # An object may name its own people for a role (a mediation: its mediators, mediation.models).
    own = obj.deadline_recipients(role) if hasattr(obj, "deadline_recipients") else None
    if own is not None:
        return own
    if role == roles.ENFORCEMENT_OFFICER and obj is not None:
        if hasattr(obj, "officers"):
            return [user for user in obj.officers.all() if user.is_active]
        if hasattr(obj, "officer"):
            return [obj.officer] if obj.officer.is_active else []
    return audience.in_role(role) if audience is not None else users_in_role(role)


def recipients(reminder: Reminder, obj, audience: Audience | None = None) -> tuple[list, list]:
    """(users, group robots) to tell at this stage: the responsible, and on escalation the escalation role too.
    `audience` (optional) shares the role and robot look-ups of a batch."""
    audience = audience or Audience()
    rule = reminder.deadline.rule
    users = responsible_users(reminder.deadline, obj, audience)
    wanted_roles = {rule.responsible_role} - {""}
    if reminder.is_escalation and rule.escalate_to:
        users += audience.in_role(rule.escalate_to)
        wanted_roles.add(rule.escalate_to)
    unique_users = list({user.pk: user for user in users}.values())
    robots = [robot for robot in audience.robots() if wanted_roles & set(robot.roles or [])]
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
    """Turn every due stage into one Delivery per recipient and channel; returns how many Delivery rows it wrote.

    No cap: it works through the whole backlog in batches of EXPAND_BATCH, each its own short transaction, so a
    10,000-reminder morning goes out in one sweep. Exactly once: a batch's stages are locked (SELECT … FOR UPDATE
    SKIP LOCKED; on SQLite the write lock of BEGIN IMMEDIATE) and committed "expanded" together with their rows, so
    a second sweep running at the same time (two beats) takes other stages or none; the unique key of Delivery
    backs this up.
    """
    created = 0
    while True:
        taken, written = _expand_batch(now)
        created += written
        if taken < EXPAND_BATCH:  # the backlog is done (or the rest is locked by a sweep running alongside)
            return created


def _expand_batch(now) -> tuple[int, int]:
    """One batch, one transaction: (stages taken, Delivery rows written). A fixed number of queries per batch:
    the stages, the deadlines' other due stages, the objects (one query per kind, with their people), the users of
    each role named, the robots, one INSERT of the deliveries and one UPDATE per outcome."""
    with transaction.atomic():
        due = list(Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                   .filter(status=Reminder.Status.PLANNED, send_at__lte=now)
                   .select_related("deadline__rule").order_by("send_at", "id")[:EXPAND_BATCH])
        if not due:
            return 0, 0
        # A sweep that catches up (beat was down) sends only each deadline's latest due stage, not a backlog —
        # the latest of all its due stages, also those beyond this batch.
        latest = dict(Reminder.objects.filter(deadline_id__in={r.deadline_id for r in due},
                                              status=Reminder.Status.PLANNED, send_at__lte=now)
                      .order_by("send_at", "id").values_list("deadline_id", "pk"))
        live = [r for r in due if r.deadline.status == Deadline.Status.OPEN and latest.get(r.deadline_id) == r.pk]
        objects = objects_of({r.deadline_id: r.deadline for r in live}.values())
        audience = Audience()
        rows = []
        for reminder in live:
            users, robots = recipients(reminder, objects.get(reminder.deadline_id), audience)
            for user in users:
                for channel in channels_of(user):
                    row = Delivery(reminder=reminder, recipient=user, recipient_key=f"user:{user.pk}",
                                   channel=channel, not_before=now)
                    row.not_before = held_until(row, now) or now
                    rows.append(row)
            rows += [Delivery(reminder=reminder, robot=robot, recipient_key=f"robot:{robot.pk}", channel=ROBOT,
                              not_before=now) for robot in robots]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        live_ids = {r.pk for r in live}
        Reminder.objects.filter(pk__in=live_ids).update(status=Reminder.Status.EXPANDED, expanded_at=now)
        skipped = [r.pk for r in due if r.pk not in live_ids]
        if skipped:
            Reminder.objects.filter(pk__in=skipped).update(status=Reminder.Status.CANCELLED, expanded_at=now)
    return len(due), len(rows)


def claim_due_deliveries(now, limit: int = CLAIM_BATCH) -> list[int]:
    """Claim up to `limit` due rows, and rows whose lease ran out (their worker died mid-send, or their task was
    lost), for one lease; returns their ids. A row left "sending" keeps its in-flight attempt: the sender asks the
    provider about it first."""
    lease = datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    with transaction.atomic():
        # Two ordered reads, not one OR: each walks its partial index (Delivery.Meta) and stops after `limit`
        # rows; an OR of the two had to fetch and sort every due row of the backlog in every round.
        ids = list(Delivery.objects.select_for_update(skip_locked=True)
                   .filter(status=Delivery.Status.PENDING, not_before__lte=now)
                   .order_by("not_before", "id").values_list("pk", flat=True)[:limit])
        if len(ids) < limit:
            ids += list(Delivery.objects.select_for_update(skip_locked=True)
                        .filter(status__in=(Delivery.Status.CLAIMED, Delivery.Status.SENDING), claimed_until__lte=now)
                        .order_by("claimed_until", "id").values_list("pk", flat=True)[:limit - len(ids)])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.CLAIMED, claimed_until=now + lease,
                                                       claims=F("claims") + 1)
    return ids


def queue_with_celery(delivery_ids: list[int]) -> None:
    """Queue one send task for a batch of claimed deliveries (notifications.tasks.send_reminders)."""
    from .tasks import send_reminders

    send_reminders.delay(list(delivery_ids))


def sweep(now=None, queue=None, queue_batch=None) -> int:
    """One sweep: expand every due stage, claim every due delivery (CLAIM_BATCH at a time) and queue them in
    batches of SEND_BATCH, one send task per batch. Returns how many deliveries it queued.

    `queue_batch(ids)` queues a batch (default: queue_with_celery); `queue(id)` instead queues (or, in-process,
    sends) one delivery at a time. Safe to run twice at once (the second finds the rows locked or claimed) and safe
    to repeat. If the broker is down it stops: the claimed rows are claimed again after their lease.
    """
    now = now or timezone.now()
    expand_due_reminders(now)
    queued = 0
    for _round in range(CLAIM_ROUNDS):
        ids = claim_due_deliveries(now)
        for start in range(0, len(ids), SEND_BATCH):
            batch = ids[start:start + SEND_BATCH]
            try:
                if queue is not None:
                    for pk in batch:
                        queue(pk)
                        queued += 1
                else:
                    (queue_batch or queue_with_celery)(batch)
                    queued += len(batch)
            except Exception:  # the broker is down: the rows stay claimed and are claimed again after their lease
                log.exception("could not queue reminder deliveries %s…; they will be claimed again after their lease",
                              batch[:5])
                return queued
        if len(ids) < CLAIM_BATCH:
            break
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
    window = list(DeliveryAttempt.objects.filter(target=target, at__gt=now - datetime.timedelta(minutes=1),
                                                 state__in=DeliveryAttempt.SENDS)
                  .order_by("-at").values_list("at", flat=True)[:limit])
    if len(window) < limit:
        return None
    return window[-1] + datetime.timedelta(minutes=1)


def _no_transaction() -> None:
    """Outside calls (SMTP, HTTP, SDKs) run with no transaction open: on SQLite an open write transaction holds
    the whole database's write lock, and on PostgreSQL a row lock, for as long as the provider takes. (The rule of
    Django's atomic(durable=True): a test case's own wrapping transaction does not count.)"""
    if any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        raise RuntimeError("an outside call inside a database transaction")


def _locked(delivery_id: int, skip_locked: bool):
    return (Delivery.objects.select_for_update(skip_locked=skip_locked, of=("self",))
            .select_related("reminder__deadline__rule", "recipient", "robot").filter(pk=delivery_id).first())


def _start(delivery_id: int, now):
    """Step 1, one short transaction: check the claimed row and commit it as "sending" with an in-flight attempt.

    Returns a result word when there is nothing to send (skipped, cancelled, held, throttled), else
    ("send", delivery, attempt) or, when an earlier run left an attempt in flight, ("ask", delivery, attempt).
    """
    lease = datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    with transaction.atomic():
        delivery = _locked(delivery_id, skip_locked=True)
        if delivery is None or delivery.status != Delivery.Status.CLAIMED:
            return "skipped"  # sent, cancelled, or another worker is sending it right now
        channel = get_channel(delivery.channel)
        in_flight = delivery.attempts.filter(state=DeliveryAttempt.State.IN_FLIGHT).order_by("-at", "-id").first()
        if in_flight is not None:
            # An earlier run started this send and never recorded its outcome (its worker died, or the provider's
            # answer did not come in time): ask before anything else, whatever the deadline or the hour.
            delivery.status, delivery.claimed_until = Delivery.Status.SENDING, now + lease
            delivery.save(update_fields=["status", "claimed_until"])
            return "ask", delivery, in_flight
        if delivery.reminder.deadline.status != Deadline.Status.OPEN:
            delivery.status = Delivery.Status.CANCELLED
            delivery.save(update_fields=["status"])
            return "cancelled"
        hold = held_until(delivery, now)
        if hold:
            _release(delivery, hold, f"held for quiet hours until {timezone.localtime(hold):%Y-%m-%d %H:%M}")
            return "held"
        free_at = _rate_limited_until(channel, delivery, now)
        if free_at:
            _release(delivery, free_at, f"rate limit of {channel.target(delivery)}: waiting until {free_at:%H:%M:%S}")
            return "throttled"
        attempt = DeliveryAttempt.objects.create(
            delivery=delivery, at=now, state=DeliveryAttempt.State.IN_FLIGHT, ok=False,
            target=channel.target(delivery), answer="")
        delivery.status, delivery.claimed_until = Delivery.Status.SENDING, now + lease
        delivery.save(update_fields=["status", "claimed_until"])
        return "send", delivery, attempt


def _send(delivery: Delivery, now) -> Answer:
    """Step 2: the outside call, no transaction open. A bug must not lose the reminder: it is an answer; one in
    composing the message sent nothing (retried), one inside a channel may have struck after the call went out
    (uncertain)."""
    _no_transaction()
    try:
        message = compose(delivery.reminder, object_of(delivery.reminder.deadline), today=timezone.localdate(now))
    except Exception as error:
        log.exception("could not compose delivery %s", delivery.pk)
        return Answer(ok=False, answer=f"{type(error).__name__}: {error}")
    try:
        return get_channel(delivery.channel).send(delivery, message)
    except Exception as error:
        log.exception("channel %s failed on delivery %s", delivery.channel, delivery.pk)
        return Answer(ok=False, answer=f"{type(error).__name__}: {error}", uncertain=True)


def _append(attempt: DeliveryAttempt, text: str) -> str:
    return f"{attempt.answer}\n{text}".strip()[:4000]


def _finish(delivery_id: int, attempt_id: int, answer: Answer, now) -> str:
    """Step 3, one short transaction: the provider's answer on the attempt and the delivery.

    sent; retry (it certainly did not leave: back-off); failed (for good, or too many failures); asking (it may
    have left and the provider can be asked: the attempt stays in flight and the next run asks); uncertain (it
    may have left and the provider cannot be asked: the admins are told; nothing is sent again by itself).
    """
    with transaction.atomic():
        delivery = _locked(delivery_id, skip_locked=False)
        attempt = DeliveryAttempt.objects.select_for_update().get(pk=attempt_id)
        channel = get_channel(delivery.channel)
        attempt.finished_at = now
        if attempt.state != DeliveryAttempt.State.IN_FLIGHT:
            # Too late: the lease ran out and another run settled this attempt meanwhile. A real "sent" still wins.
            attempt.answer = _append(attempt, f"late answer: {answer.answer}")
            if answer.ok:
                attempt.state, attempt.ok = DeliveryAttempt.State.SENT, True
                if delivery.status != Delivery.Status.SENT:
                    _mark_sent(delivery, now, answer.answer)
            attempt.save(update_fields=["answer", "state", "ok", "finished_at"])
            return "sent" if answer.ok else "late"
        attempt.answer = _append(attempt, answer.answer)
        delivery.last_answer = answer.answer[:4000]
        if answer.ok:
            attempt.state, attempt.ok = DeliveryAttempt.State.SENT, True
            attempt.save(update_fields=["state", "ok", "answer", "finished_at"])
            _mark_sent(delivery, now, answer.answer)
            return "sent"
        if answer.uncertain:
            if channel.can_look_up(delivery):
                attempt.answer = _append(attempt, "the message may have left: the provider is asked on the next run")
                attempt.save(update_fields=["answer", "finished_at"])
                _release(delivery, now + retry_delay(delivery.lookups + 1), delivery.last_answer)
                return "asking"
            attempt.state = DeliveryAttempt.State.UNCERTAIN
            attempt.save(update_fields=["state", "answer", "finished_at"])
            _mark_uncertain(delivery, answer.answer)
            return "uncertain"
        attempt.state = DeliveryAttempt.State.FAILED
        attempt.save(update_fields=["state", "answer", "finished_at"])
        return _failed(delivery, now, permanent=answer.permanent)


def _mark_sent(delivery: Delivery, now, answer: str) -> None:
    delivery.status, delivery.sent_at, delivery.claimed_until = Delivery.Status.SENT, now, None
    delivery.last_answer = answer[:4000]
    delivery.save(update_fields=["status", "sent_at", "claimed_until", "last_answer"])


def _failed(delivery: Delivery, now, permanent: bool) -> str:
    """A failure where the message certainly did not leave: retried with back-off, or failed for good."""
    delivery.failures += 1
    if permanent or delivery.failures >= settings.REMINDER_MAX_FAILURES:
        _give_up(delivery)
        return "failed"
    delivery.save(update_fields=["failures"])
    _release(delivery, now + retry_delay(delivery.failures), delivery.last_answer)
    return "retry"


def _give_up(delivery: Delivery) -> None:
    """Failed for good (a permanent failure, or REMINDER_MAX_FAILURES): never tried again; the admins are told."""
    delivery.status, delivery.claimed_until = Delivery.Status.FAILED, None
    delivery.save(update_fields=["status", "failures", "claimed_until", "last_answer"])
    tell_admins_failed(delivery)


def _mark_uncertain(delivery: Delivery, answer: str) -> None:
    delivery.status, delivery.claimed_until = Delivery.Status.UNCERTAIN, None
    delivery.last_answer = answer[:4000]
    delivery.save(update_fields=["status", "claimed_until", "last_answer"])
    tell_admins_uncertain(delivery)


def _ask(delivery: Delivery, attempt: DeliveryAttempt, now) -> str:
    """Recovery of an in-flight attempt: ask the provider by the delivery's key (no transaction open), then
    record what it said. Returns sent, resend (the provider certainly has nothing: send now), asking (no record
    yet: asked again later) or uncertain (the admins are told)."""
    channel = get_channel(delivery.channel)
    if channel.can_look_up(delivery):
        _no_transaction()
        try:
            found = channel.lookup(delivery, attempt.at)
        except Exception as error:
            log.exception("lookup on channel %s failed for delivery %s", delivery.channel, delivery.pk)
            found = Lookup(found=None, answer=f"{type(error).__name__}: {error}")
    else:
        found = None
    with transaction.atomic():
        delivery = _locked(delivery.pk, skip_locked=False)
        attempt = DeliveryAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.state != DeliveryAttempt.State.IN_FLIGHT or delivery.status != Delivery.Status.SENDING:
            return "skipped"  # settled meanwhile (a late answer, an admin)
        if found is None:
            text = (f"{channel.name}: the send of {timezone.localtime(attempt.at):%Y-%m-%d %H:%M:%S} has no recorded "
                    f"outcome and this provider cannot be asked; not sent again")
            attempt.state, attempt.finished_at = DeliveryAttempt.State.UNCERTAIN, now
            attempt.answer = _append(attempt, text)
            attempt.save(update_fields=["state", "finished_at", "answer"])
            _mark_uncertain(delivery, text)
            return "uncertain"
        DeliveryAttempt.objects.create(delivery=delivery, at=now, finished_at=now, state=DeliveryAttempt.State.LOOKUP,
                                       ok=found.found is True, target=attempt.target, answer=found.answer[:4000])
        delivery.last_answer = found.answer[:4000]
        if found.found:
            attempt.state, attempt.ok, attempt.finished_at = DeliveryAttempt.State.SENT, True, now
            attempt.answer = _append(attempt, f"the provider has it: {found.answer}")
            attempt.save(update_fields=["state", "ok", "finished_at", "answer"])
            _mark_sent(delivery, now, found.answer)
            return "sent"
        if found.found is False and found.final:
            # Our own record (in-app, the SMS file) says it never left: failed, and sent now, counted as a failure
            # so that a send that keeps killing its worker stops after REMINDER_MAX_FAILURES.
            attempt.state, attempt.finished_at = DeliveryAttempt.State.FAILED, now
            attempt.answer = _append(attempt, f"never left: {found.answer}")
            attempt.save(update_fields=["state", "finished_at", "answer"])
            delivery.failures += 1
            if delivery.failures >= settings.REMINDER_MAX_FAILURES:
                _give_up(delivery)
                return "failed"
            delivery.status = Delivery.Status.CLAIMED
            delivery.save(update_fields=["status", "failures", "last_answer"])
            return "resend"
        # No record yet, or the provider did not answer. Aliyun's and Tencent's records can lag behind an accepted
        # message (Tencent lists a message only once the carrier's receipt is in), so "not found" is no proof that
        # it never left: ask again with back-off, and after REMINDER_LOOKUP_TRIES asks hand it to the admins
        # rather than risk a second text to the same phone.
        delivery.lookups += 1
        if delivery.lookups < settings.REMINDER_LOOKUP_TRIES:
            delivery.save(update_fields=["lookups"])
            _release(delivery, now + retry_delay(delivery.lookups), found.answer)
            return "asking"
        attempt.state, attempt.finished_at = DeliveryAttempt.State.UNCERTAIN, now
        attempt.answer = _append(attempt, f"still unknown after {delivery.lookups} questions: {found.answer}")
        attempt.save(update_fields=["state", "finished_at", "answer"])
        delivery.save(update_fields=["lookups"])
        _mark_uncertain(delivery, found.answer)
        return "uncertain"


def deliver(delivery_id: int, now=None) -> str:
    """Send one claimed delivery, never twice. Returns what happened: sent, retry, failed, asking, uncertain, held,
    throttled, cancelled, skipped (or late: an answer that came after the lease, recorded on its attempt).

    Three steps, no transaction open during the outside call: (1) a short transaction checks the row and commits
    it "sending" with an in-flight attempt; (2) the channel sends (or, if an earlier run left an attempt in flight,
    the provider is asked about it by the delivery's key); (3) a short transaction records the answer.
    """
    now = now or timezone.now()
    for _round in range(2):  # a second round only after the provider said for certain that nothing left
        started = _start(delivery_id, now)
        if isinstance(started, str):
            return started
        step, delivery, attempt = started
        if step == "ask":
            result = _ask(delivery, attempt, now)
            if result != "resend":
                return result
            continue
        return _finish(delivery.pk, attempt.pk, _send(delivery, now), now)
    return "skipped"


def deliver_batch(delivery_ids, now=None) -> dict[int, str]:
    """Send a batch of claimed deliveries, each never twice. Returns {delivery id: what happened} (deliver's words).

    In-app deliveries, the bulk of any morning, are written together in ONE short transaction: the claimed rows are
    locked (SKIP LOCKED: one another worker is on is left to it), their Notifications bulk-created, a "sent" attempt
    logged for each and the rows marked sent — all or nothing, so each is sent exactly once and a second run finds
    them sent. A fixed number of queries whatever the batch size. Everything else goes through deliver() one by one,
    after that transaction: outside channels (never called inside a transaction, with their quiet hours, rate
    limits, retries, uncertain and give-up handling), and in-app rows an earlier run left half-done (an in-flight
    attempt or a Notification already there: deliver asks first) or that cannot be composed.
    """
    ids = list(dict.fromkeys(int(pk) for pk in delivery_ids))
    results: dict[int, str] = {}
    if ids:
        results.update(_send_in_app_batch(ids, now or timezone.now()))
    for pk in ids:
        if pk not in results:
            results[pk] = deliver(pk, now=now)
    return results


def _send_in_app_batch(ids: list[int], now) -> dict[int, str]:
    """The in-app part of a batch in one transaction; returns the results of the rows it settled (sent, cancelled)."""
    results: dict[int, str] = {}
    channel = get_channel(IN_APP)
    with transaction.atomic():
        rows = list(Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("reminder__deadline__rule")
                    .filter(pk__in=ids, channel=IN_APP, status=Delivery.Status.CLAIMED, recipient__isnull=False))
        if not rows:
            return results
        pks = [row.pk for row in rows]
        half_done = set(DeliveryAttempt.objects.filter(delivery_id__in=pks, state=DeliveryAttempt.State.IN_FLIGHT)
                        .values_list("delivery_id", flat=True))
        half_done |= set(Notification.objects.filter(delivery_id__in=pks).values_list("delivery_id", flat=True))
        rows = [row for row in rows if row.pk not in half_done]
        closed = [row for row in rows if row.reminder.deadline.status != Deadline.Status.OPEN]
        if closed:
            Delivery.objects.filter(pk__in=[row.pk for row in closed]).update(status=Delivery.Status.CANCELLED)
            results.update({row.pk: "cancelled" for row in closed})
        rows = [row for row in rows if row.reminder.deadline.status == Deadline.Status.OPEN]
        objects = objects_of({row.reminder.deadline_id: row.reminder.deadline for row in rows}.values())
        today = timezone.localdate(now)
        messages, notes, sent = {}, [], []
        for row in rows:
            reminder = row.reminder
            if reminder.pk not in messages:
                try:
                    messages[reminder.pk] = compose(reminder, objects.get(reminder.deadline_id), today=today)
                except Exception:  # deliver() records the failure on this row and retries it with back-off
                    log.exception("could not compose reminder %s", reminder.pk)
                    messages[reminder.pk] = None
            message = messages[reminder.pk]
            if message is None:
                continue
            notes.append(Notification(delivery=row, recipient_id=row.recipient_id, title=message.title[:200],
                                      body=message.body, link=stored_link(message.link)))
            sent.append(row)
        if not sent:
            return results
        Notification.objects.bulk_create(notes)
        attempts = []
        for row, note in zip(sent, notes, strict=True):
            answer = f"in-app notification #{note.pk} created"
            attempts.append(DeliveryAttempt(delivery=row, at=now, finished_at=now, state=DeliveryAttempt.State.SENT,
                                            ok=True, target=channel.target(row), answer=answer))
            results[row.pk] = "sent"
        DeliveryAttempt.objects.bulk_create(attempts)
        # One UPDATE for the batch (the notification's number is on each row's attempt).
        Delivery.objects.filter(pk__in=[row.pk for row in sent]).update(
            status=Delivery.Status.SENT, sent_at=now, claimed_until=None, last_answer="in-app notification created")
    return results


# --- admins: uncertain and failed deliveries ---------------------------------------------------------------------


def recipient_label(delivery: Delivery) -> str:
    if delivery.robot_id:
        return str(delivery.robot)
    user = delivery.recipient
    if user is None:
        return delivery.recipient_key
    return user.get_full_name() or user.get_username()


def _tell_admins(delivery: Delivery, what: str, compose_text) -> int:
    """An in-app message to every active admin about this delivery, in the site's language, linking to the
    delivery's admin page; compose_text(params) gives (title, body). Returns how many were told."""
    admins = users_in_role(roles.ADMIN)
    if not admins:
        log.warning("delivery %s is %s and there is no active admin to tell", delivery.pk, what)
        return 0
    link = f"{settings.SITE_URL}{reverse('admin:notifications_delivery_change', args=[delivery.pk])}"
    channel = get_channel(delivery.channel)
    with translation.override(settings.LANGUAGE_CODE):
        params = {"id": delivery.pk, "channel": str(channel.label or channel.name),
                  "recipient": recipient_label(delivery)}
        title, body = compose_text(params)
    Notification.objects.bulk_create([
        Notification(recipient=admin, title=title[:200], body=body, link=stored_link(link)) for admin in admins])
    return len(admins)


def tell_admins_uncertain(delivery: Delivery) -> int:
    """An in-app message to every active admin: this delivery may or may not have reached its recipient and is
    not sent again by itself. Written in the site's language; links to the delivery's admin page. Returns how
    many were told."""
    return _tell_admins(delivery, "uncertain", lambda params: (
        gettext("Reminder #{id} to {recipient} ({channel}): sent or not? Please check").format(**params),
        gettext(
            "The reminder #{id} to {recipient} by {channel} may have been sent, or not: the outcome of the send is "
            "unknown and the provider cannot tell. It will not be sent again by itself. Check with the recipient, "
            "then in the admin site mark it as delivered or send it again.").format(**params)))


def tell_admins_failed(delivery: Delivery) -> int:
    """An in-app message to every active admin (issue 17): this delivery failed for good — a provider down through
    all REMINDER_MAX_FAILURES tries, or a failure no retry cures — with the tries and the provider's last answer.
    The recipient's other channels (in-app always) are deliveries of their own and go out regardless. Returns how
    many were told."""
    return _tell_admins(delivery, "failed", lambda params: (
        gettext("Reminder #{id} to {recipient} ({channel}) could not be sent").format(**params),
        gettext(
            "The reminder #{id} to {recipient} by {channel} could not be sent ({failures} tries) and is not tried "
            "again. The last answer: {answer}. Check the channel's settings and whether its provider can be "
            "reached.").format(failures=delivery.failures, answer=(delivery.last_answer or "-")[:500], **params)))


class NotUncertain(Exception):
    """resolve_uncertain on a delivery that is not (or no longer) uncertain."""


def resolve_uncertain(delivery_id: int, user, send_again: bool, now=None) -> Delivery:
    """An admin's decision on an uncertain delivery: mark it delivered, or send it again (queued for the next
    sweep). Logged as an attempt by that admin. Refuses (NotUncertain) a delivery that is not uncertain."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = _locked(delivery_id, skip_locked=False)
        if delivery is None or delivery.status != Delivery.Status.UNCERTAIN:
            raise NotUncertain(delivery_id)
        who = user.get_username()
        text = (f"{who} had it sent again" if send_again else f"{who} marked it as delivered")
        DeliveryAttempt.objects.create(delivery=delivery, at=now, finished_at=now, state=DeliveryAttempt.State.RESOLVED,
                                       ok=not send_again, target="", answer=text, by=user)
        log.info("delivery %s: %s", delivery.pk, text)
        if send_again:
            delivery.lookups = 0
            delivery.save(update_fields=["lookups"])
            _release(delivery, now, text)
        else:
            _mark_sent(delivery, now, text)
    return delivery
