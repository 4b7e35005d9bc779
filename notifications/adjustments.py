"""Suspension (中止), resumption and extension (延期) of a deadline (DESIGN §4).

A change is asked for with a reason and takes effect only on the approval of the rule's escalation role
(`DeadlineRule.escalate_to`); a holder of that role who asks is taken to approve at once. Who may ask: the rule's
responsible role (for `enforcement_officer`, only the officers of that case, or the holder of that certificate)
and the escalation role.

- suspend: while suspended the period does not run (`suspended_on`); its reminders are cancelled.
- resume: the days that were left on the day of suspension — in the rule's unit, working days counted by the
  calendar service — are counted again from the day of resumption; reminders are planned anew. The resumption
  records on its request how many days the period stood still, so that a later correction of the business
  date (deadlines.reanchor) keeps them.
- extend: the due date moves by `days` units of the rule (`extended_days` adds them up). Issue 12: an extension
  is never approved by the one who asked for it (no self-approval: a holder of the approving role who asks waits
  for another holder); it is approved by the rule's `extension_approver` (blank: the escalation role); its length
  per request and the number of extensions are bounded by the rule (`max_extension_days`, `max_extensions`;
  without them 1..365 days, any number). 行政处罚法 Art 60 grants no extension itself ("法律、法规、规章另有规定的，
  从其规定"): case.decision's comes from a sector rule (规章), labelled as such on the rule (`extension_rule`), e.g.
  市场监督管理行政处罚程序规定 Art 64 "经批准可以延长三十日" — hence its local defaults, 30 days once, approved by
  the agency head (principal). The brigade chief may ask, not approve.

Each request and each decision is one transaction that locks the deadline row, and each is audited on the object
the deadline belongs to (the case, the decision, the certificate), so it shows in that object's history.
Issue 12 (DESIGN §8), a period a statute fixes (`DeadlineRule.statutory`) changes only where a source allows it
and only as that source says:
- without a named source (`extension_rule` blank: case.payment — Art 67; deferral and instalments are the payment
  plans of Art 66 ¶2 (issue 13) —, case.service — Art 61/85 —, case.hearing_request — Art 64 —,
  mediation.confirmation — 人民调解法 Art 33) it is neither suspended nor extended: 409 naming the article, whatever
  the rule's escalation role says.
- with one (case.decision: Art 60 "规章另有规定的，从其规定", the sector rule labelled local), every change —
  suspension, resumption and extension — is decided by the rule's `extension_approver` (the principal), never
  by the escalation role; a suspension or an extension is never approved by the one who asked for it.
- the ceiling counts suspensions too (our choice, local practice): a suspension is one of the `max_extensions`
  changes, and on resumption the period stands still for at most `max_extension_days` — the due date moves no
  further than one extension could have moved it.
- an extension is asked for and approved only while the period runs (due date not past): an extension after the
  period ran out would cure the missed deadline after the fact.
Periods the law gives a party (no escalation role, e.g. case.statement_window) are never adjusted; nor is a
certificate's expiry, which the issuing authority sets (renew the certificate instead).
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows import audit, roles
from workflows.errors import (
    InvalidInput,
    Message,
    NotFound,
    NotPermitted,
    RuleViolation,
    StateConflict,
    bilingual,
)

from . import calendar
from .deadlines import alert_admins_of_provisional_year, end_of_day, extend_date
from .models import Deadline, DeadlineAdjustment, DeadlineRule
from .reminder_texts import describe, object_of
from .reminders import cancel_reminders, plan_reminders
from .services import notify_users

Action = DeadlineAdjustment.Action
MAX_EXTENSION_DAYS = 365
NOT_ADJUSTABLE_KINDS = {
    # 处罚法 Art 42: a certificate is valid until the date the issuing authority printed on it.
    "officer.certificate": _("A certificate's expiry is set by the issuing authority and cannot be suspended or "
                             "extended here; record the renewed certificate instead (Art 42)."),
}

STATUTORY_FIXED = _("“{name}” is fixed by statute ({basis}) and no source allows suspending or extending it: it "
                    "cannot be changed here.")
STATUTORY_ENDED = _("“{name}” ended on {due}: a period fixed by statute ({basis}) is extended only before it ends.")
NO_SELF_SUSPENSION = _("A suspension of a period fixed by statute is approved by someone other than the person who "
                       "asked for it: the {role} decides on this request.")
UNKNOWN_ACTION = _("Choose suspend, resume or extend.")
INPUT_INVALID = _("Some fields are missing or invalid.")
REASON_REQUIRED = _("Give the reason for the request.")
DAYS_RANGE = _("An extension is a whole number of days from 1 to {max}.")
TOO_MANY_EXTENSIONS = _("“{name}” may be extended {max} time(s) ({source}); it has been extended {count} time(s) "
                        "already.")
EXTENSION_TOO_LONG = _("“{name}” may be extended by at most {max} days at a time ({source}).")
NO_SELF_APPROVAL = _("An extension is approved by someone other than the person who asked for it: the {role} "
                     "decides on this request.")
NO_ESCALATION = _("“{name}” is a period the law gives the party ({basis}); no one approves changes to it, so it "
                  "is neither suspended nor extended.")
MAY_NOT_REQUEST = _("Only those responsible for “{name}” or the {role} may ask to suspend or extend it.")
MAY_NOT_DECIDE = _("Only the {role} decides on requests to change “{name}”.")
NOT_RUNNING = _("“{name}” is {status}: only a running deadline can be suspended or extended.")
NOT_SUSPENDED = _("“{name}” is {status}, not suspended: there is nothing to resume.")
ALREADY_ENDED = _("“{name}” ended on {due}: a period that has run out cannot be suspended; ask for an extension "
                  "instead.")
ALREADY_PENDING = _("A request to change “{name}” ({action}) awaits a decision already.")
ALREADY_DECIDED = _("This request is {status} already.")
NO_SUCH_DEADLINE = _("No such deadline.")
REQUEST_TITLE = _("Approval needed: {action} of “{name}” on {object}")
REQUEST_BODY = _("{user} asks: {reason}")
APPROVED_TITLE = _("Approved: {action} of “{name}” on {object}")
REJECTED_TITLE = _("Rejected: {action} of “{name}” on {object}")
DECISION_BODY = _("Decided by {user}. {note}")

def object_label(deadline, obj=None) -> str:
    """The object as messages name it: kind, number and title (notifications.reminder_texts.describe)."""
    return str(describe(deadline, obj))


def deadline_link(deadline) -> str:
    try:
        return reverse("inbox:deadline", args=[deadline.pk])
    except NoReverseMatch:  # pragma: no cover - the UI is always mounted in this project
        return ""


def is_responsible(deadline, user, obj=None) -> bool:
    """The rule's responsible role; for enforcement officers only those on the case (or holding the certificate);
    where the object names its own people for the role (`deadline_recipients(role)`, as notifications.reminders
    asks: a petition's village mediator), only those."""
    role = deadline.rule.responsible_role
    if not role or not roles.has_role(user, role):
        return False
    obj = obj if obj is not None else object_of(deadline)
    own = obj.deadline_recipients(role) if hasattr(obj, "deadline_recipients") else None
    if own is not None:
        return any(person.pk == user.pk for person in own)
    if role == roles.ENFORCEMENT_OFFICER:
        if obj is None:
            return False
        if hasattr(obj, "officers"):
            return obj.officers.filter(pk=user.pk).exists()
        if hasattr(obj, "officer_id"):
            return obj.officer_id == user.pk
    return True


def approver_role(deadline, action=None) -> str:
    """Who decides on a change: the rule's `extension_approver` for an extension (e.g. the principal for Art 60),
    else (and for suspensions) the escalation role."""
    rule = deadline.rule
    if rule.statutory:
        # Issue 12 (DESIGN §8): a statutory period changes only as its source says — the approver it names.
        return rule.extension_approver
    if action == Action.EXTEND and rule.extension_approver:
        return rule.extension_approver
    return rule.escalate_to


def may_decide(deadline, user, action=None) -> bool:
    role = approver_role(deadline, action)
    return bool(role) and roles.has_role(user, role)


def adjustable(deadline) -> bool:
    rule = deadline.rule
    if rule.statutory:
        return bool(rule.extension_rule and rule.extension_approver) and deadline.kind not in NOT_ADJUSTABLE_KINDS
    return bool(rule.escalate_to) and deadline.kind not in NOT_ADJUSTABLE_KINDS


def _self_approvable(rule, action) -> bool:
    """May the approver who asks have it at once? Never an extension; never a statutory period's suspension."""
    return action == Action.RESUME or (action == Action.SUSPEND and not rule.statutory)


def decidable_by(user) -> Q:
    """The requests `user` decides on (a filter on DeadlineAdjustment): a suspension or resumption when he holds
    the rule's escalation role; an extension when he holds its approving role and did not ask for it himself."""
    held = sorted(roles.user_roles(user))
    statutory = Q(deadline__rule__statutory=True)
    extension = ~statutory & Q(action=Action.EXTEND) & (
        Q(deadline__rule__extension_approver__in=held)
        | Q(deadline__rule__extension_approver="", deadline__rule__escalate_to__in=held))
    by_source = statutory & Q(deadline__rule__extension_approver__in=held) & (
        Q(action=Action.RESUME) | ~Q(requested_by=user))
    return ((~statutory & ~Q(action=Action.EXTEND) & Q(deadline__rule__escalate_to__in=held))
            | (extension & ~Q(requested_by=user)) | by_source)


def may_request(deadline, user, obj=None) -> bool:
    if not adjustable(deadline) or not getattr(user, "is_authenticated", False):
        return False
    escalation = deadline.rule.escalate_to  # asks (for a statutory period: never decides, see approver_role)
    return (may_decide(deadline, user) or may_decide(deadline, user, Action.EXTEND)
            or bool(escalation) and roles.has_role(user, escalation) or is_responsible(deadline, user, obj))


def may_view(deadline, user, obj=None) -> bool:
    """Those who may see the object the deadline is on (and whoever may act on the deadline)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if may_request(deadline, user, obj) or may_decide(deadline, user) or is_responsible(deadline, user, obj):
        return True
    if deadline.object_type == "cases.case":
        return roles.may("case.view", user)
    if deadline.object_type == "cases.officercertificate":
        obj = obj if obj is not None else object_of(deadline)
        return roles.may("certificate.edit", user) or (obj is not None and obj.officer_id == user.pk)
    if deadline.object_type in ("review.decision", "review.meeting"):
        return True  # decisions and meetings are open to every user of the town (review.api)
    if deadline.object_type == "petitions.petition":
        # Petitions carry personal data (workflows.roles "petition.view", petitions.selectors.visible_petitions):
        # the petition office, the principal, the judicial office and the admin see every one; a mediator only
        # the petition sent to him at the village.
        if roles.has_role(user, roles.PETITION_OFFICE, roles.PRINCIPAL, roles.JUDICIAL_OFFICE, roles.ADMIN):
            return True
        obj = obj if obj is not None else object_of(deadline)
        return roles.has_role(user, roles.MEDIATOR) and getattr(obj, "village_mediator_id", None) == user.pk
    return roles.has_role(user, roles.ADMIN)


def pending_request(deadline):
    return deadline.adjustments.filter(status=DeadlineAdjustment.Status.REQUESTED).select_related(
        "requested_by").first()


def possible_actions(deadline, today=None) -> list[str]:
    """What could be asked of the deadline now, whoever asks (none while a request is pending)."""
    if not adjustable(deadline) or pending_request(deadline) is not None:
        return []
    today = today or timezone.localdate()
    if deadline.status == Deadline.Status.OPEN:
        if deadline.due_date < today:
            actions = [] if deadline.rule.statutory else [Action.EXTEND]
        else:
            actions = [Action.SUSPEND, Action.EXTEND]
        if _changes_used_up(deadline):  # what _check_extension would refuse is not offered
            actions = [a for a in actions if a != Action.EXTEND and not (a == Action.SUSPEND and deadline.rule.statutory)]
        return actions
    if deadline.status == Deadline.Status.SUSPENDED:
        return [Action.RESUME]
    return []


def available_actions(deadline, user, obj=None) -> list[str]:
    """The changes `user` may ask for on this deadline now."""
    if not may_request(deadline, user, obj):
        return []
    return possible_actions(deadline)


# --- arithmetic ----------------------------------------------------------------------------------------------


def units_between(rule: DeadlineRule, start: datetime.date, end: datetime.date) -> int:
    """Units of the rule from `start` (excluded) to `end` (included): working days or calendar days."""
    if rule.unit == DeadlineRule.Unit.WORKING_DAYS:
        return calendar.working_days_between(start, end)
    return max(0, (end - start).days)


def days_left(deadline, on: datetime.date) -> int:
    """What is left of the period on day `on` (that day counted as spent), in the rule's unit."""
    return units_between(deadline.rule, on, deadline.due_date)


# --- validation ---------------------------------------------------------------------------------------------


def _name(deadline):
    return deadline.rule.name or deadline.kind


def _role_label(role):
    return roles.ROLE_LABELS.get(role, role)


def _check_adjustable(deadline):
    if deadline.kind in NOT_ADJUSTABLE_KINDS:
        raise RuleViolation(NOT_ADJUSTABLE_KINDS[deadline.kind], rule=deadline.kind)
    rule = deadline.rule
    if rule.statutory:
        # Issue 12 (DESIGN §8): only a named source (extension_rule) and its approver change a statutory period,
        # whatever the escalation role says (e.g. Art 67's 15 days, Art 61's 7 working days, Art 64's 5).
        if not (rule.extension_rule and rule.extension_approver):
            raise RuleViolation(Message(STATUTORY_FIXED, name=_name(deadline), basis=rule.local_rule or rule.basis),
                                rule=rule.local_rule or rule.basis)
        return
    if not deadline.rule.escalate_to:
        raise RuleViolation(Message(NO_ESCALATION, name=_name(deadline), basis=deadline.basis), rule=deadline.kind)


def _check_state(deadline, action, today):
    status = deadline.get_status_display()
    if action == Action.RESUME:
        if deadline.status != Deadline.Status.SUSPENDED:
            raise StateConflict(Message(NOT_SUSPENDED, name=_name(deadline), status=status), rule="state")
        return
    if deadline.status != Deadline.Status.OPEN:
        raise StateConflict(Message(NOT_RUNNING, name=_name(deadline), status=status), rule="state")
    if action == Action.SUSPEND and deadline.due_date < today:
        raise RuleViolation(Message(ALREADY_ENDED, name=_name(deadline), due=deadline.due_date), rule="suspension")
    if action == Action.EXTEND and deadline.rule.statutory and deadline.due_date < today:
        # Issue 12 D8: Art 60's period is extended only while it runs (市场监管程序规定 Art 64: 经批准可以延长 —
        # asked and approved before the 90 days end); otherwise a missed deadline would be cured after the fact.
        raise RuleViolation(Message(STATUTORY_ENDED, name=_name(deadline), due=deadline.due_date,
                                    basis=deadline.rule.local_rule or deadline.rule.basis), rule="extension")


def _clean_days(action, days, errors):
    """A whole number of days, 1..365 (the rule's own ceiling is a legal rule: 409, see _check_extension)."""
    if action != Action.EXTEND:
        return None
    message = bilingual(Message(DAYS_RANGE, max=MAX_EXTENSION_DAYS))
    if isinstance(days, str) and days.strip().isdigit():
        days = int(days.strip())
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        errors["days"] = [message]
        return None
    return days


def extension_source(rule) -> str:
    return rule.extension_rule or rule.local_rule or rule.basis


def _changes_used_up(deadline) -> bool:
    """True when the rule's `max_extensions` changes were approved already (counted as _check_extension does)."""
    rule = deadline.rule
    if rule.max_extensions is None:
        return False
    counted = [Action.EXTEND, Action.SUSPEND] if rule.statutory else [Action.EXTEND]
    return deadline.adjustments.filter(action__in=counted, status=DeadlineAdjustment.Status.APPROVED).count() \
        >= rule.max_extensions


def _check_extension(deadline, days):
    """The rule's ceiling on one extension and on their number (issue 12; for case.decision a sector rule's,
    configurable): 409 naming the source."""
    rule = deadline.rule
    if days is not None and rule.max_extension_days is not None and days > rule.max_extension_days:
        raise RuleViolation(Message(EXTENSION_TOO_LONG, name=_name(deadline), max=rule.max_extension_days,
                                    source=extension_source(rule)), rule="extension")
    if rule.max_extensions is not None:
        # A statutory period's suspensions count as changes too (issue 12, DESIGN §8; local practice).
        counted = [Action.EXTEND, Action.SUSPEND] if rule.statutory else [Action.EXTEND]
        count = deadline.adjustments.filter(action__in=counted, status=DeadlineAdjustment.Status.APPROVED).count()
        if count >= rule.max_extensions:
            raise RuleViolation(Message(TOO_MANY_EXTENSIONS, name=_name(deadline), max=rule.max_extensions,
                                        count=count, source=extension_source(rule)), rule="extension")


def _lock(deadline_pk) -> Deadline:
    deadline = Deadline.objects.select_for_update().filter(pk=deadline_pk).first()
    if deadline is None:
        raise NotFound(NO_SUCH_DEADLINE)
    deadline.rule = DeadlineRule.objects.get(pk=deadline.rule_id)
    return deadline


def _audit(obj, deadline, transition, user, fields, comment="", client_ip=None):
    target = obj if obj is not None else deadline
    state = getattr(obj, "state", "") if obj is not None else ""
    audit.record(target, transition=transition, source=state, target=state, user=user, comment=comment,
                 client_ip=client_ip, fields={"deadline": deadline.pk, "kind": deadline.kind, **fields})


# --- the two services ---------------------------------------------------------------------------------------


def request_adjustment(deadline, *, action, reason, days=None, user, client_ip=None) -> DeadlineAdjustment:
    """Ask to suspend, resume or extend `deadline`; approved at once when the asker holds the escalation role.

    Refusals: 400 unknown action, no reason, days outside 1..365 for an extension; 403 neither responsible nor
    the escalation role; 409 a party's period or a certificate's expiry, a deadline not in a state for it, or a
    request already pending.
    """
    if action not in Action.values:
        raise InvalidInput(UNKNOWN_ACTION, fields={"action": [bilingual(UNKNOWN_ACTION)]})
    with transaction.atomic():
        deadline = _lock(deadline.pk)
        _check_adjustable(deadline)
        obj = object_of(deadline)
        if not may_request(deadline, user, obj):
            raise NotPermitted(Message(MAY_NOT_REQUEST, name=_name(deadline),
                                       role=_role_label(deadline.rule.escalate_to)), rule="roles")
        errors = {}
        reason = (reason or "").strip() if isinstance(reason, str) else ""
        if not reason:
            errors["reason"] = [bilingual(REASON_REQUIRED)]
        days = _clean_days(action, days, errors)
        if errors:
            raise InvalidInput(INPUT_INVALID, fields=errors)
        today = timezone.localdate()
        _check_state(deadline, action, today)
        if action == Action.EXTEND or (action == Action.SUSPEND and deadline.rule.statutory):
            _check_extension(deadline, days)
        pending = pending_request(deadline)
        if pending is not None:
            raise StateConflict(Message(ALREADY_PENDING, name=_name(deadline), action=pending.get_action_display()),
                                rule="state")
        adjustment = DeadlineAdjustment.objects.create(deadline=deadline, action=action, days=days, reason=reason,
                                                       requested_by=user)
        _audit(obj, deadline, f"request_deadline_{action}", user,
               {"adjustment": adjustment.pk, "days": days, "reason": reason, "due_date": deadline.due_date},
               comment=reason, client_ip=client_ip)
        # A suspension asked by its approver takes effect at once; an extension never does (no self-approval).
        if _self_approvable(deadline.rule, action) and may_decide(deadline, user, action):
            _decide(deadline, adjustment, approve=True, user=user, note="", obj=obj, today=today,
                    client_ip=client_ip)
        else:
            what = Message(REQUEST_TITLE, action=adjustment.get_action_display(), name=_name(deadline),
                           object=object_label(deadline, obj))
            approvers = [u for u in _users_in_role(approver_role(deadline, action)) if u.pk != user.pk]
            notify_users(approvers, str(what), str(Message(REQUEST_BODY, user=user, reason=reason)),
                         link=deadline_link(deadline))
    return adjustment


def decide_adjustment(adjustment, *, approve: bool, user, note: str = "", client_ip=None) -> DeadlineAdjustment:
    """Approve (and apply) or reject a pending request. Only the rule's escalation role decides (403); only a
    pending request (409); an approval must still fit the deadline's state (409)."""
    with transaction.atomic():
        deadline = _lock(DeadlineAdjustment.objects.filter(pk=adjustment.pk).values_list(
            "deadline_id", flat=True).first() or 0)
        adjustment = DeadlineAdjustment.objects.select_for_update().get(pk=adjustment.pk)
        role = approver_role(deadline, adjustment.action)
        if not may_decide(deadline, user, adjustment.action):
            raise NotPermitted(Message(MAY_NOT_DECIDE, name=_name(deadline),
                                       role=_role_label(role or roles.ADMIN)), rule="roles")
        if adjustment.status != DeadlineAdjustment.Status.REQUESTED:
            raise StateConflict(Message(ALREADY_DECIDED, status=adjustment.get_status_display()), rule="state")
        if adjustment.action == Action.EXTEND and adjustment.requested_by_id == user.pk:
            raise NotPermitted(Message(NO_SELF_APPROVAL, role=_role_label(role)), rule="no_self_approval")
        if (adjustment.action == Action.SUSPEND and deadline.rule.statutory
                and adjustment.requested_by_id == user.pk):
            raise NotPermitted(Message(NO_SELF_SUSPENSION, role=_role_label(role)), rule="no_self_approval")
        today = timezone.localdate()
        if approve:
            _check_adjustable(deadline)
            _check_state(deadline, adjustment.action, today)
            if adjustment.action == Action.EXTEND or (adjustment.action == Action.SUSPEND
                                                      and deadline.rule.statutory):
                _check_extension(deadline, adjustment.days)
        _decide(deadline, adjustment, approve=approve, user=user, note=(note or "").strip(), obj=object_of(deadline),
                today=today, client_ip=client_ip)
    return adjustment


def _users_in_role(role):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(groups__name=role, is_active=True).distinct())


def _decide(deadline, adjustment, *, approve, user, note, obj, today, client_ip):
    adjustment.status = DeadlineAdjustment.Status.APPROVED if approve else DeadlineAdjustment.Status.REJECTED
    adjustment.decided_by, adjustment.decided_at, adjustment.decision_note = user, timezone.now(), note
    old_due = deadline.due_date
    fields = {"adjustment": adjustment.pk, "reason": adjustment.reason, "note": note}
    if approve:
        fields.update(_apply(deadline, adjustment, today))
    adjustment.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "days"])
    verdict = "approve" if approve else "reject"
    fields.update({"days": adjustment.days, "due_date": old_due, "new_due_date": deadline.due_date,
                   "status": deadline.status})
    _audit(obj, deadline, f"{verdict}_deadline_{adjustment.action}", user, fields, comment=note, client_ip=client_ip)
    if adjustment.requested_by_id != user.pk:
        title = Message(APPROVED_TITLE if approve else REJECTED_TITLE, action=adjustment.get_action_display(),
                        name=_name(deadline), object=object_label(deadline, obj))
        notify_users([adjustment.requested_by], str(title), str(Message(DECISION_BODY, user=user, note=note)),
                     link=deadline_link(deadline))


def _apply(deadline, adjustment, today) -> dict:
    """Make an approved change take effect; returns what to add to the audit entry."""
    rule = deadline.rule
    if adjustment.action == Action.SUSPEND:
        left = days_left(deadline, today)
        deadline.status, deadline.suspended_on = Deadline.Status.SUSPENDED, today
        deadline.save(update_fields=["status", "suspended_on"])
        cancel_reminders([deadline.pk])
        return {"suspended_on": today, "days_left": left, "unit": rule.unit}
    if adjustment.action == Action.RESUME:
        suspended_on = deadline.suspended_on or today
        left = days_left(deadline, suspended_on)
        result = extend_date(rule, today, left)
        if rule.statutory and rule.max_extension_days is not None:
            # Issue 12 (DESIGN §8, local practice): a statutory period stands still no longer than one extension
            # could move it (case.decision: 30 days, the sector rule's ceiling).
            ceiling = extend_date(rule, deadline.due_date, rule.max_extension_days)
            if result.date > ceiling.date:
                result = ceiling
        # How long the period stood still, in the rule's unit, as granted — the ceiling above may have cut it — so
        # that reanchor() after a date correction and a calendar change (recompute_due) add exactly that again. Without
        # the ceiling it is the units from suspended_on to today.
        adjustment.days = units_between(rule, deadline.due_date, result.date)
        deadline.status, deadline.suspended_on = Deadline.Status.OPEN, None
        _move(deadline, result)
        return {"suspended_on": suspended_on, "resumed_on": today, "days_left": left, "unit": rule.unit}
    result = extend_date(rule, deadline.due_date, adjustment.days)
    deadline.extended_days += adjustment.days
    _move(deadline, result)
    return {"extended_days": deadline.extended_days, "unit": rule.unit}


def _move(deadline, result: calendar.CalendarResult) -> None:
    if result.provisional:
        alert_admins_of_provisional_year(result.date.year)
    deadline.due_date, deadline.due_at = result.date, end_of_day(result.date)
    deadline.provisional = deadline.provisional or result.provisional
    deadline.calendar_version = calendar.calendar_version()
    deadline.save(update_fields=["status", "suspended_on", "due_date", "due_at", "extended_days", "provisional",
                                 "calendar_version"])
    plan_reminders(deadline)
