"""Queries for case lists, officers and their certificates, and the case half of the inbox; values the case page
and the API show."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Case as SqlCase,
    CharField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from notifications.models import Deadline, DeadlineRule
from workflows import roles
from workflows.errors import Message
from workflows.inbox import (
    InboxPart,
    Window,
    choice_labels as state_labels,
    finished_items,
    part_from,
    path_maker,
)

from . import measures as penalty_measures
from .flows import (
    demand_period_end,
    fine_still_owed,  # the one rule "a fine is still owed" (also for pages and API)
    first_unpaid_due_date,
    hearing_grounds,
    remedy_periods_end,
)
from .models import (
    Case,
    CaseState as CS,
    CorrectionOrder,
    FirstOffenceExemption,
    OfficerCertificate,
    PaymentPlan,
    Publication,
    Remedy,
)
from .party_rules import age_band, discovered_on, limitation_expired, limitation_start, limitation_years
from .payments import (  # noqa: F401 (re-exported: what the party owes, for pages, API and services)
    SURCHARGE_RATE,
    Tranche,
    approved_plan,
    late_payment_surcharge,
    payment_deadline,
    payment_due_date,
    payment_overdue_days,
    payment_schedule,
    payment_status,
    pending_plan,
    remedy_paused_days,
    surcharge_paused_days,
)
from .self_check import vetoes as self_check_vetoes

LIMITATION_WARNING = _("The violation was discovered beyond the {years}-year limitation period (Art 36): filing "
                       "needs an override reason.")
HEARING_RIGHT = _("The party may request a hearing (Art 63): {grounds}.")
NO_HEARING_RIGHT = _("The party has no right to a hearing for this penalty (Art 63): no fine or confiscation "
                     "reaches {threshold} yuan, the threshold for {kind}, and no measure that entitles to a hearing "
                     "(such as an order to suspend production, a revocation or a heavy other penalty) is proposed.")
NO_HEARING_NO_PENALTY = _("The party has no right to a hearing: the notice proposes no penalty (Art 63).")


# Which role acts on a case in which state (DESIGN §6: the inbox is a query).
CASE_INBOX = {
    roles.BRIGADE_CHIEF: ([CS.REPORTED], _("File, decline or transfer")),
    roles.ENFORCEMENT_OFFICER: ([CS.INVESTIGATING, CS.MEDIATING, CS.NOTIFIED, CS.HEARING, CS.DECIDED, CS.SERVED],
                                _("Advance the case")),
    roles.JUDICIAL_OFFICE: ([CS.LEGAL_REVIEW], pgettext_lazy("inbox action", "Legal review")),
    roles.PRINCIPAL: ([CS.DECIDING], _("Decide")),
}
CHIEF_CLOSES = ([CS.EXECUTED], _("Close the case"))
# 案卷评查 (DESIGN §10): a case the close guard refuses for a self-check veto is not offered as "close" but as what
# it needs first.
CLOSE_NEEDS_CORRECTION = _("Correct the case file before closing (self-check veto)")
# 简易程序: the chief records the filing of an on-the-spot decision (处罚法 Art 52); its officer hands the fine
# collected on the spot over to the agency (Art 71). These rows override the action the state alone would give.
SPOT_FILING_ACTION = _("On-the-spot decision awaiting filing")
HANDOVER_ACTION = _("Hand over the fine collected on the spot")


def spot_filing_pending():
    return Q(procedure=Case.Procedure.SIMPLE, spot_filed_on__isnull=True, state__in=[CS.SERVED, CS.EXECUTED])


# Art 71 ¶1: cash collected on the spot is handed over whatever becomes of the decision (revoked: closed, or back to
# investigating) — the flow's record_handover accepts these states.
HANDOVER_STATES = (CS.EXECUTED, CS.CLOSED, CS.INVESTIGATING)


def handover_pending():
    return Q(collected_on_spot=True, handed_over_on__isnull=True, state__in=HANDOVER_STATES)


# Execution (issue 13): the rows say what is due now rather than "advance the case".
OVERDUE_DEMAND = _("Overdue, unpaid: serve a demand")  # 逾期未缴待催告
MAY_APPLY_TO_COURT = _("May apply to the court for enforcement")  # 可申请法院强制执行
COURT_RESULT = _("Record the court's result")
PAID_AFTER_DEMAND = _("Paid after the demand: record the execution")  # 催告后已缴清，待登记执行
REMEDY_OUTCOME = _("Record the outcome of the reconsideration or lawsuit")  # 复议/诉讼结果待登记


def case_list(*, state=None, village=None, officer=None, violation_type=None, search=None):
    qs = Case.objects.select_related("village", "violation_type", "party").prefetch_related("officers")
    if state:
        qs = qs.filter(state=state)
    if village:
        qs = qs.filter(village_id=village)
    if officer:
        qs = qs.filter(officers__id=officer)
    if violation_type:
        qs = qs.filter(violation_type__code=violation_type)
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(party__name__icontains=search)
                       | Q(description__icontains=search))
    return qs.distinct().order_by("-id")


def officer_list():
    return (get_user_model().objects.filter(groups__name=roles.ENFORCEMENT_OFFICER, is_active=True)
            .prefetch_related(Prefetch("certificates", queryset=OfficerCertificate.objects.order_by("-expires_on")))
            .distinct().order_by("username"))


def _own_cases(user):
    """The ids of the cases `user` is an officer of, as a subquery (no join: one row per case, no DISTINCT)."""
    return Case.officers.through.objects.filter(user=user).values("case_id")


def cases_for_inbox(user):
    """(the cases whose state row `user` acts on, [(states, action)] of his roles), as one filter that joins
    nothing (each case once). The officer's own cases are read first, as ids (one short query: his open inbox
    cases only), so that the filter is an OR of indexed conditions (a case's state, its id), not a scan of every
    case through a subquery."""
    held = roles.user_roles(user)
    query = Q(pk__in=[])
    actions = []
    own = _own_cases(user)
    own_arms = []
    for role, (states, action) in CASE_INBOX.items():
        if role not in held:
            continue
        if role == roles.ENFORCEMENT_OFFICER:
            own_arms.append(Q(state__in=states))
        elif role == roles.JUDICIAL_OFFICE:
            query |= Q(state__in=states) & ~Q(pk__in=own)  # recusal (Art 58)
        else:
            query |= Q(state__in=states)
        actions.append((states, action))
    if roles.BRIGADE_CHIEF in held:
        query |= (Q(state__in=CHIEF_CLOSES[0]) | Q(state=CS.SERVED, outcome=Case.Outcome.NO_PENALTY)
                  | spot_filing_pending())
        actions.append((CHIEF_CLOSES[0] + [CS.SERVED], CHIEF_CLOSES[1]))
        # 行政强制法 Art 54: once the demand's 10 working days have passed, the chief applies to the court.
        query |= Q(state=CS.DEMANDED, pk__in=_demand_period_passed()) | Q(state=CS.COURT_ENFORCEMENT)
    if roles.ENFORCEMENT_OFFICER in held:
        own_arms += [handover_pending(),
                     Q(pk__in=Remedy.objects.filter(outcome=Remedy.Outcome.PENDING).values("case_id")),
                     # A demanded fine paid in full: the officer records the execution (Art 67; 行政强制法 Art 54).
                     Q(state=CS.DEMANDED, pk__in=_demanded_paid_in_full())]
    if own_arms:
        mine = Q(pk__in=[])
        for arm in own_arms:
            mine |= arm
        query |= Q(pk__in=list(Case.objects.filter(pk__in=own).filter(mine).values_list("pk", flat=True)))
    return Case.objects.filter(query), actions


def spot_action(case, held) -> str | None:
    """The on-the-spot duty this user's roles act on for `case` (Art 52 filing, Art 71 hand-over), if any."""
    if (roles.BRIGADE_CHIEF in held and case.procedure == Case.Procedure.SIMPLE and case.spot_filed_on is None
            and case.state in (CS.SERVED, CS.EXECUTED)):
        return str(SPOT_FILING_ACTION)
    if (roles.ENFORCEMENT_OFFICER in held and case.collected_on_spot and case.handed_over_on is None
            and case.state in HANDOVER_STATES):
        return str(HANDOVER_ACTION)
    return None


SERVE_DECISION = _("Serve the decision")  # 送达决定书


def service_action(case, held) -> str | None:
    """A decided case (a penalty or no penalty alike) waits for its service (处罚法 Art 61: 送达决定书)."""
    if roles.ENFORCEMENT_OFFICER in held and case.state == CS.DECIDED:
        return str(SERVE_DECISION)
    return None


def _case_action(case, held, actions) -> str:
    """The action of a case's state row, read from the case object (the rules themselves)."""
    return (spot_action(case, held) or execution_action(case, held) or service_action(case, held)
            or next((str(a) for states, a in actions if case.state in states), ""))


def _soonest_case_deadline(column: str, answered: list[str]):
    """The soonest open deadline of the case (OuterRef pk) that someone in the town answers for: party windows
    (statement, hearing request) have no responsible role, nobody is late on them: `answered` are the kinds
    of rule that have one (_answered_kinds). `column` of it, or NULL."""
    return Subquery(Deadline.objects.filter(object_type="cases.case", object_id=OuterRef("pk"),
                                            status=Deadline.Status.OPEN, rule_id__in=answered)
                    .order_by("due_at", "id").values(column)[:1])


def _answered_kinds() -> list[str]:
    """The kinds of deadline rule that someone in the town answers for (a responsible role): read once a request,
    so that the soonest-deadline subquery filters on a list rather than joining the rules once per row."""
    return list(DeadlineRule.objects.exclude(responsible_role="").values_list("kind", flat=True))


NO_TIME = Value(None, output_field=DateTimeField())
NO_TEXT = Value(None, output_field=CharField())
CASE_ROW_FIELDS = ("pk", "number", "state", "violation_type__name", "party__name")


def _case_item(row, labels, action, rank=0) -> dict:
    return {"kind": "case", "id": row["pk"], "number": row["number"],
            "title": f"{row['violation_type__name']} · {row['party__name']}", "state": row["state"],
            "state_label": labels.get(row["state"], row["state"]), "action": str(action),
            "due_at": row["due_at"], "deadline_kind": row.get("deadline_kind"), "_rank": rank}


def _finish_case_rows(rows: list[dict]) -> None:
    case_path = path_maker("cases:cases:detail")
    for row in rows:
        row["url"] = case_path(row["id"])


def case_inbox_parts(user, window: Window) -> list[InboxPart]:
    """The case rows of `user`'s inbox, as InboxParts (workflows.inbox): the state rows (each case whose state he
    acts on, with its soonest open deadline), the follow-ups beside them (a case may have more than one row, one per
    action: a 逾期未改正 is not hidden behind the case's 备案 row) and the payment plans awaiting approval. Rows are
    built from plain values; the rules that need the whole case (the close guard's self-check vetoes, an unpaid
    fine past its due day, a demanded case) run on the case objects of the rows shown only — and, for the few
    demanded cases, on all of them first, since a demanded case with nothing to do yet has no row."""
    held = roles.user_roles(user)
    parts = [_case_state_part(user, held, window)]
    if roles.BRIGADE_CHIEF in held:
        parts += chief_follow_up_parts(window)
    if roles.ENFORCEMENT_OFFICER in held:
        parts.append(officer_follow_up_part(user, window))
    parts.append(payment_plan_part(user, window))
    return [part for part in parts if part.count]


def _case_state_part(user, held, window: Window) -> InboxPart:
    if not held & set(CASE_INBOX):
        return InboxPart(0, [])
    cases, actions = cases_for_inbox(user)
    chief, officer = roles.BRIGADE_CHIEF in held, roles.ENFORCEMENT_OFFICER in held
    demanded = {}
    if chief or officer:
        # A demanded case has a row only when someone may act (the court, or recording the execution): decided
        # by the rules themselves, on the few demanded cases.
        dropped = []
        for case in cases.filter(state=CS.DEMANDED):
            action = _case_action(case, held, actions)
            if action:
                demanded[case.pk] = action
            else:
                dropped.append(case.pk)
        if dropped:
            cases = cases.exclude(pk__in=dropped)
    answered = _answered_kinds()
    due = _soonest_case_deadline("due_at", answered)
    if chief:  # Art 52 sets no period for the filing; the case's open deadline is the officer's
        due = SqlCase(When(spot_filing_pending(), then=NO_TIME), default=due)
    fields = CASE_ROW_FIELDS + ("procedure", "spot_filed_on", "collected_on_spot", "handed_over_on", "outcome",
                                "fine", "executed_on")
    # The deadline's kind is read for the rows shown only (finish): in the sorted query it would be computed for
    # every candidate.
    cases = cases.annotate(due_at=due)
    if officer:
        cases = cases.annotate(pending_remedy=Exists(Remedy.objects.filter(case=OuterRef("pk"),
                                                                          outcome=Remedy.Outcome.PENDING)))
        fields += ("pending_remedy",)
    labels = state_labels(CS.choices)
    close = str(CHIEF_CLOSES[1])

    def build(row):
        state, check = row["state"], False
        if (chief and row["procedure"] == Case.Procedure.SIMPLE and row["spot_filed_on"] is None
                and state in (CS.SERVED, CS.EXECUTED)):
            action = SPOT_FILING_ACTION
        elif officer and row["collected_on_spot"] and row["handed_over_on"] is None and state in HANDOVER_STATES:
            action = HANDOVER_ACTION
        elif officer and row["pending_remedy"]:
            action = REMEDY_OUTCOME
        elif chief and state == CS.COURT_ENFORCEMENT:
            action = COURT_RESULT
        elif state == CS.DEMANDED:
            action = demanded.get(row["pk"], "")
        elif officer and state == CS.SERVED and row["outcome"] == Case.Outcome.PENALTY and row["fine"] \
                and row["executed_on"] is None:
            check = True  # a fine perhaps unpaid past its due day (execution_action): decided when shown
            action = None
        else:
            action = None
        if action is None:
            action = (SERVE_DECISION if officer and state == CS.DECIDED
                      else next((a for states, a in actions if state in states), ""))
        item = _case_item(row, labels, action)
        item["_check"] = check or str(action) == close
        return item

    def finish(rows):
        checked = [row for row in rows if row.pop("_check", False)]
        if checked:
            objects = Case.objects.select_related("violation_type", "party").in_bulk([row["id"] for row in checked])
            for row in checked:
                case = objects[row["id"]]
                if row["state"] == CS.SERVED and row["action"] != str(SPOT_FILING_ACTION):
                    row["action"] = _case_action(case, held, actions)
                if row["action"] == close and self_check_vetoes(case):
                    row["action"] = str(CLOSE_NEEDS_CORRECTION)
        due = [row["id"] for row in rows if row["due_at"] is not None]
        kinds = {}
        for object_id, kind in (Deadline.objects.filter(object_type="cases.case", object_id__in=due,
                                                        status=Deadline.Status.OPEN, rule_id__in=answered)
                                .order_by("-due_at", "-id").values_list("object_id", "kind") if due else []):
            kinds[object_id] = kind  # the soonest last, so it stays
        for row in rows:
            row["deadline_kind"] = kinds.get(row["id"]) if row["due_at"] is not None else None
        _finish_case_rows(rows)

    return part_from(cases.select_related(None), window, fields, build=build, finish=finish)


OVERDUE_CORRECTION = _("Not corrected by the deadline")
TRANSFER_RECEIPT = _("Transfer awaits its receipt")
WITHDRAWAL_DUE = _("Withdraw the published decision")  # 公示待撤回
CHECK_CORRECTION = _("Check the correction")  # 复查整改情况


def _follow_up_part(cases, window: Window, action, rank: int, due=NO_TIME, kind=NO_TEXT) -> InboxPart:
    labels = state_labels(CS.choices)
    return part_from(cases.annotate(due_at=due, deadline_kind=kind), window, CASE_ROW_FIELDS + ("deadline_kind",),
                     build=lambda row: _case_item(row, labels, action, rank), finish=_finish_case_rows)


def chief_follow_up_parts(window: Window) -> list[InboxPart]:
    """The brigade chief's rows beside the states: a correction order found not corrected (处罚法 Art 28) until the
    chief acknowledges it or the case is decided after it (逾期未改正); a transfer without its receipt (Art 27; 国务院令
    第310号 Art 8: 移送待回执); a published decision to withdraw (处罚法 Art 48 ¶2: `case.publicity_withdrawal` open;
    the chief is its responsible role) — also on a closed case, which has no state row. (The publicity due after a
    decision shows as that case's soonest deadline on its state row, as every case deadline does.)"""
    # An order issued on or after the decision (an on-the-spot case: Art 51-52, decided first) is not answered by
    # it: the chief is told until he acknowledges it.
    not_corrected = CorrectionOrder.objects.filter(
        Q(case__decided_on__isnull=True) | Q(case__decided_on__lte=F("issued_on")),
        status=CorrectionOrder.Status.NOT_CORRECTED, acknowledged_on__isnull=True)
    overdue = (Case.objects.filter(pk__in=not_corrected.values("case_id"))
               .exclude(state__in=[CS.CLOSED, CS.TRANSFERRED]))
    waiting = Case.objects.filter(state=CS.TRANSFERRED, transfer_received_on__isnull=True)
    withdrawals = Deadline.objects.filter(object_type="cases.case", status=Deadline.Status.OPEN,
                                          kind="case.publicity_withdrawal")
    latest = withdrawals.filter(object_id=OuterRef("pk")).order_by("-due_at", "-id")
    withdraw = Case.objects.filter(pk__in=withdrawals.values("object_id"))
    return [_follow_up_part(overdue, window, OVERDUE_CORRECTION, 1),
            _follow_up_part(waiting, window, TRANSFER_RECEIPT, 2),
            _follow_up_part(withdraw, window, WITHDRAWAL_DUE, 3, Subquery(latest.values("due_at")[:1]),
                            Subquery(latest.values("kind")[:1]))]


def officer_follow_up_part(user, window: Window) -> InboxPart:
    """The case officers' rows for their correction orders (处罚法 Art 28 ¶1) that reached their due day
    unchecked (local practice: the officer checks the correction on or after the day the order names), on a
    case still open — one row per case, with the deadline of its earliest unchecked order."""
    due_orders = CorrectionOrder.objects.filter(status=CorrectionOrder.Status.OPEN, due_on__lte=timezone.localdate())
    cases = (Case.objects.filter(pk__in=due_orders.filter(case__in=_own_cases(user)).values("case_id"))
             .exclude(state__in=[CS.CLOSED, CS.TRANSFERRED, CS.NOT_FILED]))
    earliest = due_orders.filter(case=OuterRef(OuterRef("pk"))).order_by("due_on", "id").values("pk")[:1]
    deadline = Deadline.objects.filter(object_type="cases.correctionorder", object_id=Subquery(earliest),
                                       status=Deadline.Status.OPEN).order_by("-due_at", "-id")
    return _follow_up_part(cases, window, CHECK_CORRECTION, 4, Subquery(deadline.values("due_at")[:1]),
                           Subquery(deadline.values("kind")[:1]))


PLAN_ACTION = _("Deferral / instalments awaiting approval")


def payment_plan_part(user, window: Window) -> InboxPart:
    """The principal's rows (Art 66 ¶2, ACTION_ROLES "case.payment_plan.approve"): applications to defer or pay
    in instalments awaiting the agency's approval, each due by the case's payment deadline (payments.
    payment_deadline: the latest case.payment not cancelled); none he recorded."""
    if not roles.may("case.payment_plan.approve", user):
        return InboxPart(0, [])
    deadline = (Deadline.objects.filter(object_type="cases.case", object_id=OuterRef("case_id"), kind="case.payment")
                .exclude(status=Deadline.Status.CANCELLED).order_by("-id"))
    plans = (PaymentPlan.objects.filter(status=PaymentPlan.Status.PENDING).exclude(requested_by=user)
             .annotate(due_at=Subquery(deadline.values("due_at")[:1]),
                       deadline_kind=Subquery(deadline.values("kind")[:1])))
    kinds, statuses = state_labels(PaymentPlan.Kind.choices), state_labels(PaymentPlan.Status.choices)

    def build(row):
        return {"kind": "payment_plan", "id": row["pk"], "number": row["case__number"],
                "title": f"{row['case__violation_type__name']} · {row['case__party__name']}（{kinds[row['kind']]}）",
                "state": row["status"], "state_label": statuses.get(row["status"], row["status"]),
                "action": str(PLAN_ACTION), "due_at": row["due_at"], "deadline_kind": row["deadline_kind"],
                "_case": row["case_id"]}

    def finish(rows):
        for row in rows:
            row["url"] = reverse("cases:cases:plan_decision", args=[row.pop("_case"), row["id"]])

    return part_from(plans, window, ("pk", "case_id", "case__number", "case__violation_type__name",
                                     "case__party__name", "kind", "status", "deadline_kind"), build=build,
                     finish=finish)


def case_inbox_items(user) -> list[dict]:
    """All the case rows of `user`'s inbox (case_inbox_parts, every row finished), unsorted."""
    return finished_items(case_inbox_parts(user, Window()))


def correction_orders_of(case):
    """The case's correction orders (Art 28), oldest first, with who issued and checked them."""
    return case.correction_orders.select_related("issued_by", "checked_by", "acknowledged_by").order_by(
        "issued_on", "id")


def first_offence_list(active_only=True):
    """The published 首违不罚 list (Art 33 ¶1): entries with their violation type and its legal basis."""
    qs = FirstOffenceExemption.objects.select_related("violation_type").order_by("violation_type__code", "id")
    return qs.filter(active=True) if active_only else qs


PUBLICITY_STATES = ("due", "published", "withdrawn")


def publicity_withdrawal_due(case) -> bool:
    """Whether the case's published decision must be withdrawn now: its `case.publicity_withdrawal` deadline is
    open (the decision was changed or revoked, 处罚法 Art 48 ¶2)."""
    return Deadline.objects.filter(object_type="cases.case", object_id=case.pk, kind="case.publicity_withdrawal",
                                   status=Deadline.Status.OPEN).exists()


def public_penalties():
    """What /public/penalties/ shows (处罚法 Art 48): (published, withdrawn) — the Publications in force, newest
    first, and the withdrawn ones with their reasons (Art 48 ¶2), newest withdrawal first. Snapshots only: nothing
    is read from the live case or party."""
    published = Publication.objects.filter(withdrawn_on__isnull=True).order_by("-published_on", "-id")
    withdrawn = Publication.objects.filter(withdrawn_on__isnull=False).order_by("-withdrawn_on", "-id")
    return list(published), list(withdrawn)


def publicity_rows(state=None) -> list[dict]:
    """The managing list of /api/v1/publicity/, newest first: one row per publication (state `published` or
    `withdrawn`) and one per case whose publicity deadline is open with nothing published (state `due`). Each row:
    `due_on` (the case's latest `case.publicity` due date), `late` (published after it, or still unpublished past
    it), `withdrawal_due_on` (Art 48 ¶2's deadline, when one was opened) and `withdrawal_late` (withdrawn after it,
    or still not withdrawn past it). `state` filters."""
    latest = {}
    for deadline in (Deadline.objects.filter(object_type="cases.case",
                                             kind__in=["case.publicity", "case.publicity_withdrawal"])
                     .exclude(status=Deadline.Status.CANCELLED).order_by("opened_at", "id")):
        latest[(deadline.object_id, deadline.kind)] = deadline  # the last opened of each kind wins
    today = timezone.localdate()

    def late(deadline, done_on):
        if deadline is None:
            return False
        return (done_on or today) > deadline.due_date

    rows = []
    if state in (None, "published", "withdrawn"):
        publications = Publication.objects.select_related("case").order_by("-published_on", "-id")
        if state:
            publications = publications.filter(withdrawn_on__isnull=(state == "published"))
        for publication in publications:
            due = latest.get((publication.case_id, "case.publicity"))
            withdrawal = latest.get((publication.case_id, "case.publicity_withdrawal"))
            if withdrawal and withdrawal.anchor_date < publication.published_on:
                withdrawal = None  # opened for an earlier publication of the case
            rows.append({"publication": publication, "case": publication.case,
                         "state": "withdrawn" if publication.withdrawn_on else "published",
                         "due_on": due.due_date if due else None,
                         "late": bool(due and publication.published_on > due.due_date),
                         "withdrawal_due_on": withdrawal.due_date if withdrawal else None,
                         "withdrawal_late": late(withdrawal, publication.withdrawn_on)})
    if state in (None, "due"):
        due = {object_id: deadline for (object_id, kind), deadline in latest.items()
               if kind == "case.publicity" and deadline.status == Deadline.Status.OPEN}
        for case in Case.objects.filter(pk__in=due).order_by("-decided_on", "-id"):
            rows.append({"publication": None, "case": case, "state": "due", "due_on": due[case.pk].due_date,
                         "late": late(due[case.pk], None), "withdrawal_due_on": None, "withdrawal_late": False})
    return rows


def _demand_period_passed():
    """Ids of the cases whose demand period (行政强制法 Art 54, 69) ended before today."""
    return Deadline.objects.filter(object_type="cases.case", kind="case.demand_period",
                                   due_date__lt=timezone.localdate()).values("object_id")


def _demanded_paid_in_full():
    """Ids of the demanded cases whose recorded payments cover the fine (Art 67: 罚缴分离 receipts)."""
    return (Case.objects.filter(state=CS.DEMANDED, fine__isnull=False)
            .annotate(paid=Sum("payments__amount")).filter(paid__gte=F("fine")).values("pk"))


def execution_action(case, held) -> str | None:
    """The inbox action of a case in execution, for a user holding `held` roles; None for the usual one."""
    if roles.ENFORCEMENT_OFFICER in held and case.remedies.filter(outcome=Remedy.Outcome.PENDING).exists():
        return str(REMEDY_OUTCOME)
    if roles.BRIGADE_CHIEF in held and case.state == CS.COURT_ENFORCEMENT:
        return str(COURT_RESULT)
    if case.state == CS.DEMANDED:
        owed = fine_still_owed(case)
        if roles.ENFORCEMENT_OFFICER in held and not owed:
            return str(PAID_AFTER_DEMAND)
        if roles.BRIGADE_CHIEF in held and owed:
            possible = court_application_possible_from(case)
            if possible is not None and possible <= timezone.localdate():
                return str(MAY_APPLY_TO_COURT)
        return None
    if roles.ENFORCEMENT_OFFICER in held and case.state == CS.SERVED and fine_still_owed(case):
        due = first_unpaid_due_date(case)  # Art 67's date or a plan's (Art 66 ¶2)
        if due is not None and due < timezone.localdate():
            return str(OVERDUE_DEMAND)
    return None


def limitation_warning(case) -> str | None:
    """C3 (Art 36): a report discovered (registered) after the limitation period; filing needs an override reason.
    Shown from registration on (the answer to the report already carries it)."""
    if case.state == CS.REPORTED and limitation_expired(case):
        return str(Message(LIMITATION_WARNING, years=limitation_years(case)))
    return None


def limitation_summary(case) -> dict:
    """C3 (Art 36) as the API shows it."""
    return {"years": limitation_years(case), "from": limitation_start(case), "discovered_on": discovered_on(case),
            "expired": limitation_expired(case),
            # The violation type may suggest 5 years; only the case's recorded harm applies them (Art 36).
            "type_suggests_years": case.violation_type.limitation_years}


def party_age_band(case) -> str | None:
    return age_band(case)


AGE_LABELS = {
    "under_fourteen": _("under fourteen at the violation: no penalty (Art 30)"),
    "minor": _("fourteen to under eighteen at the violation: a penalty is lighter or reduced (Art 30)"),
    "adult": _("adult at the violation"),
}


def party_age_label(case):
    band = age_band(case)
    return AGE_LABELS[band] if band else None


def proposed_outcome(case) -> str | None:
    """Art 33, 44: a notice with neither fine nor measures announces that no penalty is intended."""
    if case.notified_on is None:
        return None
    if case.proposed_fine is None and not case.proposed_measures:
        return Case.Outcome.NO_PENALTY.value
    return Case.Outcome.PENALTY.value


def remedies_of(case):
    return case.remedies.select_related("recorded_by").order_by("filed_on", "id")


def pending_remedies(case):
    return case.remedies.filter(outcome=Remedy.Outcome.PENDING).order_by("filed_on", "id")


def court_application_possible_from(case) -> datetime.date | None:
    """The first day the agency may apply to the court (行政强制法 Art 53-54, 69, statute): the latest of the day
    after the demand's 10 working days, the day after the remedy periods (remedy_periods_end: 行政复议法 Art 20,
    行政诉讼法 Art 45, 46, 85) and the day after the first unpaid amount fell due (Art 53: 逾期不履行). None before a
    demand, when nothing is owed, or while a reconsideration or lawsuit is pending (court_application_blocker says
    which)."""
    return court_application_status(case)["possible_from"]


def court_application_status(case) -> dict:
    """When and why (not) the court may be applied to, as the case page shows it: `possible_from` (a date or
    None), `pending` (the pending remedy's kind label, or None) and `reason` (a short text: the period that ends
    last)."""
    status = {"possible_from": None, "pending": None, "reason": None}
    if case.demand_served_on is None or case.served_on is None or not fine_still_owed(case):
        return status
    pending = case.remedies.filter(outcome=Remedy.Outcome.PENDING).order_by("filed_on", "id").first()
    if pending is not None:
        status["pending"] = str(pending.get_kind_display())
        status["reason"] = str(Message(COURT_PENDING_REMEDY, kind=pending.get_kind_display()))
        return status
    one = datetime.timedelta(days=1)
    candidates = [(demand_period_end(case) + one, COURT_AFTER_DEMAND),
                  (remedy_periods_end(case) + one, COURT_AFTER_REMEDIES)]
    due = first_unpaid_due_date(case)
    if due is not None:
        candidates.append((due + one, COURT_AFTER_DUE))
    day, why = max(candidates, key=lambda pair: pair[0])
    status["possible_from"], status["reason"] = day, str(Message(why, day=day))
    return status


COURT_PENDING_REMEDY = _("A {kind} is pending: the court is not applied to until it is decided (行政强制法 Art 53).")
COURT_AFTER_DEMAND = _("The court may be applied to from {day}, once the demand's term has passed (行政强制法 Art 54, "
                       "69).")
COURT_AFTER_REMEDIES = _("The court may be applied to from {day}, once the party's time to seek reconsideration, sue "
                         "or appeal has passed (行政强制法 Art 53).")
COURT_AFTER_DUE = _("The court may be applied to from {day}, once the next amount is overdue (行政强制法 Art 53).")


# --------------------------------------------------------------------------------------------------
# Certificates (Art 42): which one an officer holds and whether it is valid
# --------------------------------------------------------------------------------------------------


EXPIRING_DAYS = 30  # a certificate that expires within this many days is shown in amber


@dataclass
class CertificateStatus:
    officer: object
    certificate: OfficerCertificate | None
    status: str  # valid, expiring, expired, revoked, not_yet_valid, none
    days_left: int | None = None

    @property
    def valid(self) -> bool:
        return self.status in ("valid", "expiring")

    @property
    def label(self):
        cert = self.certificate
        if cert is None:
            return _("no enforcement certificate")
        if self.status == "revoked":
            return format_lazy(_("revoked on {date}"), date=cert.revoked_on.isoformat())
        if self.status == "expired":
            return format_lazy(_("expired on {date}"), date=cert.expires_on.isoformat())
        if self.status == "not_yet_valid":
            return format_lazy(_("valid from {date}"), date=cert.issued_on.isoformat())
        if self.status == "expiring":
            return format_lazy(_("valid until {date}, expires in {days} days"), date=cert.expires_on.isoformat(),
                               days=self.days_left)
        return format_lazy(_("valid until {date}"), date=cert.expires_on.isoformat())

    @property
    def status_label(self):
        return {
            "valid": _("Valid"), "expiring": _("Expiring soon"), "expired": _("Expired"), "revoked": _("Revoked"),
            "not_yet_valid": _("Not yet valid"), "none": _("No certificate"),
        }[self.status]


def certificate_status(officer, today: datetime.date | None = None) -> CertificateStatus:
    """The certificate valid today, else the latest one (as /api/v1/officers/ shows it), and its status."""
    today = today or timezone.localdate()
    certificates = sorted(officer.certificates.all(), key=lambda c: (c.expires_on, c.pk), reverse=True)
    certificate = next((c for c in certificates if c.valid_on(today)), certificates[0] if certificates else None)
    if certificate is None:
        return CertificateStatus(officer, None, "none")
    days_left = (certificate.expires_on - today).days
    if certificate.valid_on(today):
        status = "expiring" if days_left <= EXPIRING_DAYS else "valid"
    elif certificate.revoked_on and certificate.revoked_on <= today:
        status = "revoked"
    elif certificate.issued_on and today < certificate.issued_on:
        status = "not_yet_valid"
    else:
        status = "expired"
    return CertificateStatus(officer, certificate, status, days_left)


def hearing_right(case) -> str | None:
    """Art 63, in a clerk's words: does the notified penalty entitle the party to a hearing, and why (or why not).
    None before the notice."""
    if case.notified_on is None:
        return None
    codes = list(case.proposed_measures or [])
    grounds = hearing_grounds(case, case.proposed_fine, codes, case.proposed_other_heavy,
                              case.proposed_confiscation_value)
    if grounds:
        return str(Message(HEARING_RIGHT, grounds="、".join(grounds)))
    if not codes:
        return str(NO_HEARING_NO_PENALTY)
    threshold = case.violation_type.hearing_threshold_for(case.party.kind)
    return str(Message(NO_HEARING_RIGHT, threshold=f"{threshold:,.2f}", kind=case.party.get_kind_display()))


def measure_labels(codes) -> str:
    return penalty_measures.labels(codes)


# --- XLSX exports of the lists (web.exports; issue 14 item 6): (header, value) per column ---------------------

def _officer_names(case) -> str:
    return "、".join(str(officer) for officer in case.officers.all())


CASE_EXPORT_COLUMNS = [
    (_("Case number"), lambda case: case.number or ""),
    (_("Violation type"), "violation_type.name"),
    (_("Party"), "party.name"),
    (_("ID number"), lambda case: case.party.masked_id_number or ""),
    (_("Village"), "village.name"),
    (_("State"), lambda case: case.get_state_display()),
    (_("Officers"), _officer_names),
    (_("Registered on"), lambda case: timezone.localdate(case.reported_at) if case.reported_at else None),
    (_("Filed on"), "filed_on"),
    (_("Fine (yuan)"), "fine"),
    (_("Decided on"), "decided_on"),
    (_("Self-check score"), "self_check_score"),
]


def officer_export_columns(today=None) -> list:
    """The officer list's columns; the certificate as of `today`."""
    def status(officer):
        return certificate_status(officer, today)
    return [
        (_("Officer"), lambda officer: str(officer)),
        (_("Username"), "username"),
        (_("Phone"), lambda officer: getattr(officer, "phone", "") or ""),
        (_("Certificate number"), lambda officer: getattr(status(officer).certificate, "number", "") or ""),
        (_("Expires on"), lambda officer: getattr(status(officer).certificate, "expires_on", None)),
        (_("Validity"), lambda officer: str(status(officer).status_label)),
    ]
