"""What becomes of an approved or pending payment plan (处罚法 Art 66 ¶2) when the decision it divides is changed or
revoked by a reconsideration body or a court (issue 13). Kept apart from cases.services so that the flows
(cases.flows `_remedy_outcome`) and the selectors can both use it: it imports only the models and the deadlines.

Local readings (the statutes do not say what becomes of a plan; these are ours, after the articles named):

- **The fine is changed** (变更, 行政复议法 Art 63; 行政诉讼法 Art 77): the plan was approved to let the party pay the
  fine as decided by instalments or later (Art 66 ¶2); the party now owes the changed fine. The plan stays approved
  and its dates stay — the party is not worse off than under the plan (行政复议法 Art 63 ¶2, 行政诉讼法 Art 77 ¶2: no
  change to the applicant's detriment) — but it is cut down to the fine now owed: the amount is taken off the LAST
  due dates first, a due date left with nothing to pay drops out of the schedule and its `case.instalment`
  deadline is cancelled. What was paid before stays paid (cases.payments.payment_status applies payments to the earliest
  due dates).
- **The decision is revoked** (撤销, 行政复议法 Art 64; 行政诉讼法 Art 70) or revoked with an order to decide anew
  (撤销并责令重新作出): the plan belonged to the revoked decision and lapses with it — approved or still pending,
  its status becomes `lapsed` (kept in the history, out of the principal's inbox); its instalment deadlines are
  cancelled; payments already made stay recorded. A new decision has Art 67's own 15 days from its service, and
  the party may apply for a plan on it again (Art 66 ¶2).
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from notifications.deadlines import close_deadlines
from notifications.models import Deadline
from notifications.reminders import cancel_reminders
from workflows import audit

from .models import Case, PaymentPlan

LIVE_PLAN_STATUSES = (PaymentPlan.Status.PENDING, PaymentPlan.Status.APPROVED)


def fit_to_fine(rows: list, fine: Decimal) -> list:
    """Cut a schedule (objects with `due_on` and `amount`, sorted by date) down to `fine`: what is more than the fine
    comes off the last due dates first; a due date left with 0 drops out (local reading of Art 66 ¶2 after a fine
    changed on reconsideration or by a court, see the module). A schedule adding up to the fine or less is kept."""
    excess = sum((row.amount for row in rows), Decimal("0")) - (fine or Decimal("0"))
    if excess <= 0:
        return rows
    kept = list(rows)
    while excess > 0 and kept:
        last = kept[-1]
        cut = min(excess, last.amount)
        last.amount -= cut
        excess -= cut
        if last.amount <= 0:
            kept.pop()
    return kept


def cancel_dropped_instalments(case: Case, due_dates: set) -> int:
    """Cancel the open `case.instalment` deadlines of the due dates no longer in the schedule (the fine was cut
    below what the plan divided); the remaining dates keep their deadlines."""
    ids = list(Deadline.objects.filter(object_type="cases.case", object_id=case.pk, kind="case.instalment",
                                       status__in=[Deadline.Status.OPEN, Deadline.Status.SUSPENDED])
               .exclude(due_date__in=due_dates).values_list("pk", flat=True))
    if ids:
        Deadline.objects.filter(pk__in=ids).update(status=Deadline.Status.CANCELLED, closed_at=timezone.now())
        cancel_reminders(ids)
    return len(ids)


def fit_plan_deadlines_to_fine(case: Case) -> int:
    """After the fine was changed (行政复议法 Art 63, 行政诉讼法 Art 77): cancel the instalment deadlines of the due
    dates the approved plan no longer has once cut down to the fine now owed (fit_to_fine; the schedule itself is
    cases.payments.payment_schedule). Returns how many were cancelled."""
    plan = (PaymentPlan.objects.filter(case=case, status=PaymentPlan.Status.APPROVED)
            .order_by("-decided_on", "-id").first())
    if plan is None:
        return 0
    rows = [SimpleNamespace(due_on=row.due_on, amount=row.amount) for row in plan.instalments.all()]
    before = (case.fine or Decimal("0")) - sum((row.amount for row in rows), Decimal("0"))
    if before > 0:  # paid before the plan, due on Art 67's date (earlier than every instalment)
        rows.insert(0, SimpleNamespace(due_on=None, amount=before))
    kept = {row.due_on for row in fit_to_fine(rows, case.fine) if row.due_on is not None}
    return cancel_dropped_instalments(case, kept)


def lapse_payment_plans(case: Case, user=None, reason: str = "") -> list[int]:
    """The decision was revoked (行政复议法 Art 64, 行政诉讼法 Art 70; plain or with an order to decide anew): its
    pending and approved plans lapse (status `lapsed`, kept), their instalment deadlines are cancelled, the
    payments stay recorded. Audited on the case. Returns the ids of the plans that lapsed."""
    ids = list(PaymentPlan.objects.select_for_update().filter(case=case, status__in=LIVE_PLAN_STATUSES)
               .values_list("pk", flat=True))
    if not ids:
        return []
    PaymentPlan.objects.filter(pk__in=ids).update(status=PaymentPlan.Status.LAPSED)
    close_deadlines(case, "case.instalment", status=Deadline.Status.CANCELLED)
    audit.record(case, transition="lapse_payment_plan", source=case.state, target=case.state, user=user,
                 fields={"plans": ids, "reason": reason})
    return ids
