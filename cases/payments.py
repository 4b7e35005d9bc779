"""What an enforcement case's party owes and when (处罚法 Art 66–67, 72–73): the payment deadline, the schedule of
due dates (Art 67's, or an approved plan's, Art 66 ¶2), the payments recorded from the bank's receipts (罚缴分离,
Art 67), the balance and the Art 72 surcharge with its Art 73 ¶3 pause. Plain reads over the models and deadlines:
the flow's guards (cases.flows) and the selectors (cases.selectors, which re-export these) both use them."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from notifications.models import Deadline

from .models import PAYABLE_STATES, Case, Payment, PaymentPlan
from .payment_plans import fit_to_fine

# 处罚法 Art 72: 3% of the fine per day overdue, never more than the fine itself.
SURCHARGE_RATE = Decimal("0.03")


def payment_deadline(case):
    """The payment deadline (case.payment), open or suspended (issue 12 D4: a suspended one — e.g. left from before
    the fix — still bears the surcharge), or closed by the demand for payment (issue 13: the surcharge runs on
    after the demand; a paid case is executed and owes none); a cancelled (replaced) one does not count. Its due
    date is the last day to pay, already moved past a rest day
    (民法典 Art 203, notifications.deadlines.compute_due) or by a correction of the service date. Art 67's 15 days
    are fixed by statute and neither suspended nor extended (notifications.adjustments), so no later change wipes
    the Art 72 surcharge that has accrued; a deferral or instalments are Art 66 ¶2 payment plans (issue 13)."""
    return Deadline.objects.filter(object_type="cases.case", object_id=case.pk, kind="case.payment").exclude(
        status=Deadline.Status.CANCELLED).order_by("-id").first()


def remedy_paused_days(case, start: datetime.date, end: datetime.date) -> int:
    """Art 73 ¶3 (statute): 当事人申请行政复议或者提起行政诉讼的，加处罚款的数额在行政复议或者行政诉讼期间不予计算.
    The days from `start` through `end` (both included) on which a reconsideration or lawsuit was pending: from its
    filing day through its decision day, both included (on both days the remedy is under way), or through `end`
    while it is still pending. Overlapping remedies count a day once."""
    if end < start:
        return 0
    paused = set()
    for filed_on, decided_on in case.remedies.values_list("filed_on", "decided_on"):
        first, last = max(filed_on, start), min(decided_on or end, end)
        paused.update(first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    return len(paused)


def surcharge_paused_days(case, today: datetime.date | None = None) -> int:
    """The days of the overdue period — from the day after the first due date still or once unpaid (Art 67's date,
    or a plan's first date, Art 66 ¶2) through `today` — on which the surcharge did not run because a remedy was
    pending (Art 73 ¶3, remedy_paused_days). 0 when nothing is overdue or no remedy was filed."""
    status = payment_status(case, today)
    if status is None or not status["schedule"]:
        return 0
    today = today or timezone.localdate()
    first_late = min(tranche.due_on for tranche in status["schedule"]) + datetime.timedelta(days=1)
    return remedy_paused_days(case, first_late, today)


def payment_due_date(case) -> datetime.date | None:
    """Art 67's last day to pay: the latest case.payment deadline's due date, whatever its status now (it closes
    when the fine is paid, and is cancelled when an approved plan supersedes it: the date still tells when the
    money was due)."""
    return (Deadline.objects.filter(object_type="cases.case", object_id=case.pk, kind="case.payment")
            .order_by("-id").values_list("due_date", flat=True).first())


def approved_plan(case):
    """The approved Art 66 ¶2 plan whose due dates govern the payment, if any (the latest approved)."""
    return (PaymentPlan.objects.filter(case=case, status=PaymentPlan.Status.APPROVED)
            .prefetch_related("instalments").order_by("-decided_on", "-id").first())


def pending_plan(case):
    return PaymentPlan.objects.filter(case=case, status=PaymentPlan.Status.PENDING).order_by("-id").first()


@dataclass
class Tranche:
    """One amount of the fine due on one day: the whole fine on Art 67's date, or one due date of a plan."""

    due_on: datetime.date
    amount: Decimal
    paid: Decimal = Decimal("0")
    cleared_on: datetime.date | None = None  # the date of the payment that completed it
    surcharge: Decimal = Decimal("0")
    overdue_days: int = 0


def payment_schedule(case) -> list[Tranche]:
    """What is due when. Without an approved plan, the whole fine on the payment deadline's date (Art 67). With
    one, the plan's due dates and amounts (Art 66 ¶2); what the party had paid before applying (the plan covers
    the fine still unpaid) stays due on Art 67's date."""
    plan = approved_plan(case)
    original = payment_due_date(case)
    if plan is None:
        return [Tranche(original, case.fine)] if original else []
    rows = [Tranche(row.due_on, row.amount) for row in plan.instalments.all()]
    before = case.fine - sum((row.amount for row in rows), Decimal("0"))
    if before > 0 and original:
        rows.insert(0, Tranche(original, before))
    # A fine lowered on reconsideration or by a court after the plan was approved: the schedule is cut down to the
    # fine now owed, from the last due dates (local reading of Art 66 ¶2, cases.payment_plans).
    return fit_to_fine(sorted(rows, key=lambda row: row.due_on), case.fine)


def payment_status(case, today: datetime.date | None = None, paused_days: int | None = None) -> dict | None:
    """The fine, what was paid, what is still owed, and the Art 72 surcharge as of `today`; None for a case with no
    fine to pay (no penalty, no fine, or not served yet).

    How a payment is applied (local reading; the statute does not say): each payment, in the order paid, goes to the
    fine first, and to the surcharge only once the fine is paid in full; within the fine, to the earliest due date
    first. The surcharge (Art 72: 每日按罚款数额的百分之三加处罚款, at most the fine; a discretionary measure, 可以)
    runs from the day after a due date until the day the amount due on it is paid, on that amount: the whole fine
    without a plan (Art 72's base), the instalment's amount with an approved plan (Art 66 ¶2 — taking the
    instalment as the base is our local reading of Art 72). So it stops growing once the fine is paid in full. It
    is counted while the case is being paid (PAYABLE_STATES); after execution only the days before the payments
    recorded count. `paused_days`: days not counted (Art 73 ¶3, a pending reconsideration or lawsuit); None (the
    default) reads them from the case's remedies for each due date's own overdue days (remedy_paused_days)."""
    if case.outcome != Case.Outcome.PENALTY or not case.fine or case.served_on is None:
        return None
    today = today or timezone.localdate()
    payments = list(Payment.objects.filter(case=case, paid_on__lte=today).order_by("paid_on", "id"))
    schedule = payment_schedule(case)
    remaining = list(schedule)
    paid_total = Decimal("0")
    for payment in payments:
        amount = payment.amount
        paid_total += amount
        while amount > 0 and remaining:
            tranche = remaining[0]
            share = min(amount, tranche.amount - tranche.paid)
            tranche.paid += share
            amount -= share
            if tranche.paid >= tranche.amount:
                tranche.cleared_on = payment.paid_on
                remaining.pop(0)
    payable = case.state in PAYABLE_STATES
    for tranche in schedule:
        end = tranche.cleared_on or (today if payable else None)
        if end is None:
            continue
        if paused_days is None:
            paused = remedy_paused_days(case, tranche.due_on + datetime.timedelta(days=1), end)
        else:
            paused = max(paused_days, 0)
        days = max((end - tranche.due_on).days - paused, 0)
        tranche.overdue_days = days
        tranche.surcharge = tranche.amount * SURCHARGE_RATE * days
    surcharge = min(sum((t.surcharge for t in schedule), Decimal("0")), case.fine).quantize(Decimal("0.01"))
    paid_on_fine = min(paid_total, case.fine)
    surcharge_paid = paid_total - paid_on_fine
    balance = case.fine - paid_on_fine
    surcharge_owed = max(surcharge - surcharge_paid, Decimal("0"))
    unpaid = [t for t in schedule if t.cleared_on is None]
    late = [t for t in unpaid if t.overdue_days > 0 and payable]
    plan = approved_plan(case) or pending_plan(case)
    return {
        "fine": case.fine, "paid": paid_total, "paid_on_fine": paid_on_fine, "balance": balance,
        "surcharge": surcharge, "surcharge_paid": surcharge_paid, "surcharge_owed": surcharge_owed,
        "total_owed": balance + surcharge_owed,
        "next_due_on": unpaid[0].due_on if unpaid and balance > 0 else None,
        "overdue_days": late[0].overdue_days if late else 0,
        "plan": plan,
        "schedule": schedule,
        "payments": payments,
    }


def payment_overdue_days(case, today: datetime.date | None = None, paused_days: int | None = None) -> int:
    """Days the earliest unpaid amount is overdue: counted from the day AFTER its due date (Art 67: pay within 15
    days of service, or by a plan's date, Art 66 ¶2; Art 72: the surcharge runs for each day of delay), so 0 on
    the due date itself; 0 when nothing is owed or the case is not being paid.

    `paused_days`: days on which the surcharge does not run (Art 73 ¶3: 当事人申请行政复议或者提起行政诉讼的，加处
    罚款的数额在行政复议或者行政诉讼期间不予计算); None reads them from the case's remedy records.
    """
    status = payment_status(case, today, paused_days)
    return status["overdue_days"] if status else 0


def late_payment_surcharge(case, today: datetime.date | None = None, paused_days: int | None = None
                           ) -> Decimal | None:
    """Art 72 (statute): 3% of the amount overdue for each day, from the day after the (rolled-over) due date,
    never more than the fine (see payment_status); None when none has accrued or the case is not being paid.
    `paused_days`: see payment_overdue_days (Art 73 ¶3)."""
    if case.state not in PAYABLE_STATES:
        return None
    status = payment_status(case, today, paused_days)
    if status is None or status["surcharge"] <= 0:
        return None
    return status["surcharge"]
