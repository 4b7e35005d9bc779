"""Queries for case lists, officers and their certificates, and the case half of the inbox; values the case page
and the API show."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from notifications.models import Deadline
from workflows import roles
from workflows.errors import Message

from . import measures as penalty_measures
from .flows import (
    demand_period_end,
    fine_still_owed,  # the one rule "a fine is still owed" (also for pages and API)
    hearing_grounds,
)
from .models import Case, CaseState as CS, OfficerCertificate, Remedy
from .party_rules import age_band, discovered_on, limitation_expired, limitation_start, limitation_years

LIMITATION_WARNING = _("The violation was discovered beyond the {years}-year limitation period (Art 36): filing "
                       "needs an override reason.")
HEARING_RIGHT = _("The party may request a hearing (Art 63): {grounds}.")
NO_HEARING_RIGHT = _("The party has no right to a hearing for this penalty (Art 63): no fine or confiscation "
                     "reaches {threshold} yuan, the threshold for {kind}, and no measure that entitles to a hearing "
                     "(such as an order to suspend production, a revocation or a heavy other penalty) is proposed.")
NO_HEARING_NO_PENALTY = _("The party has no right to a hearing: the notice proposes no penalty (Art 63).")

# 处罚法 Art 72: 3% of the fine per day overdue, never more than the fine itself.
SURCHARGE_RATE = Decimal("0.03")

# Which role acts on a case in which state (DESIGN §6: the inbox is a query).
CASE_INBOX = {
    roles.BRIGADE_CHIEF: ([CS.REPORTED], _("File, decline or transfer")),
    roles.ENFORCEMENT_OFFICER: ([CS.INVESTIGATING, CS.MEDIATING, CS.NOTIFIED, CS.HEARING, CS.DECIDED, CS.SERVED],
                                _("Advance the case")),
    roles.JUDICIAL_OFFICE: ([CS.LEGAL_REVIEW], pgettext_lazy("inbox action", "Legal review")),
    roles.PRINCIPAL: ([CS.DECIDING], _("Decide")),
}
CHIEF_CLOSES = ([CS.EXECUTED], _("Close the case"))
# Execution (issue 13): the rows say what is due now rather than "advance the case".
OVERDUE_DEMAND = _("Overdue, unpaid: serve a demand")  # 逾期未缴待催告
MAY_APPLY_TO_COURT = _("May apply to the court for enforcement")  # 可申请法院强制执行
COURT_RESULT = _("Record the court's result")
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


def cases_for_inbox(user):
    held = roles.user_roles(user)
    query = Q(pk__in=[])
    actions = []
    for role, (states, action) in CASE_INBOX.items():
        if role not in held:
            continue
        if role == roles.ENFORCEMENT_OFFICER:
            query |= Q(state__in=states, officers=user)
        elif role == roles.JUDICIAL_OFFICE:
            own_cases = Case.objects.filter(officers=user).values("pk")
            query |= Q(state__in=states) & ~Q(pk__in=own_cases)  # recusal (Art 58)
        else:
            query |= Q(state__in=states)
        actions.append((states, action))
    if roles.BRIGADE_CHIEF in held:
        query |= Q(state__in=CHIEF_CLOSES[0]) | Q(state=CS.SERVED, outcome=Case.Outcome.NO_PENALTY)
        actions.append((CHIEF_CLOSES[0] + [CS.SERVED], CHIEF_CLOSES[1]))
        # 行政强制法 Art 54: once the demand's 10 working days have passed, the chief applies to the court.
        query |= Q(state=CS.DEMANDED, pk__in=_demand_period_passed()) | Q(state=CS.COURT_ENFORCEMENT)
    if roles.ENFORCEMENT_OFFICER in held:
        query |= Q(officers=user, remedies__outcome=Remedy.Outcome.PENDING)
    cases = Case.objects.filter(query).select_related("violation_type", "party").distinct()
    return cases, actions


def case_inbox_items(user) -> list[dict]:
    """Inbox rows for cases, each with its soonest open deadline."""
    cases, actions = cases_for_inbox(user)
    cases = list(cases)
    soonest = {}
    # Party windows (statement, hearing request) have no responsible role: nobody in the town is late on them.
    for deadline in Deadline.objects.filter(object_type="cases.case", object_id__in=[c.pk for c in cases],
                                            status=Deadline.Status.OPEN).exclude(rule__responsible_role="").order_by("due_at"):
        soonest.setdefault(deadline.object_id, deadline)
    now = timezone.now()
    items = []
    held = roles.user_roles(user)
    for case in cases:
        deadline = soonest.get(case.pk)
        action = execution_action(case, held) or next((str(a) for states, a in actions if case.state in states), "")
        items.append({
            "kind": "case", "id": case.pk, "number": case.number, "title": case.title,
            "state": case.state, "state_label": str(case.get_state_display()), "action": action,
            "due_at": deadline.due_at if deadline else None, "deadline_kind": deadline.kind if deadline else None,
            "overdue": bool(deadline and deadline.due_at < now), "url": case.page_path(),
        })
    return items


def _demand_period_passed():
    """Ids of the cases whose demand period (行政强制法 Art 54, 69) ended before today."""
    return Deadline.objects.filter(object_type="cases.case", kind="case.demand_period",
                                   due_date__lt=timezone.localdate()).values("object_id")


def execution_action(case, held) -> str | None:
    """The inbox action of a case in execution, for a user holding `held` roles; None for the usual one."""
    if roles.ENFORCEMENT_OFFICER in held and case.remedies.filter(outcome=Remedy.Outcome.PENDING).exists():
        return str(REMEDY_OUTCOME)
    if roles.BRIGADE_CHIEF in held and case.state == CS.COURT_ENFORCEMENT:
        return str(COURT_RESULT)
    if roles.BRIGADE_CHIEF in held and case.state == CS.DEMANDED:
        return str(MAY_APPLY_TO_COURT)
    if roles.ENFORCEMENT_OFFICER in held and case.state == CS.SERVED and fine_still_owed(case):
        deadline = payment_deadline(case)
        if deadline is not None and deadline.due_date < timezone.localdate():
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


def surcharge_paused_days(case, today: datetime.date | None = None) -> int:
    """Art 73 ¶3 (statute): 当事人申请行政复议或者提起行政诉讼的，加处罚款的数额在行政复议或者行政诉讼期间不予计算.
    The days of the overdue period (from the day after the payment due date through `today`) on which a
    reconsideration or lawsuit was pending: from its filing day through its decision day, both included (on both
    days the remedy is under way), or through `today` while it is still pending. Overlapping remedies count a day
    once. 0 when nothing is overdue or no remedy was filed."""
    deadline = payment_deadline(case)
    if deadline is None:
        return 0
    today = today or timezone.localdate()
    first_late = deadline.due_date + datetime.timedelta(days=1)
    if today < first_late:
        return 0
    paused = set()
    for filed_on, decided_on in case.remedies.values_list("filed_on", "decided_on"):
        start, end = max(filed_on, first_late), min(decided_on or today, today)
        paused.update(start + datetime.timedelta(days=n) for n in range((end - start).days + 1))
    return len(paused)


def payment_overdue_days(case, today: datetime.date | None = None, paused_days: int | None = None) -> int:
    """Days the fine is overdue: counted from the day AFTER the payment due date (Art 67: pay within 15 days of
    service; Art 72: the surcharge runs for each day of delay), so 0 on the due date itself; 0 when not served,
    or once paid (executed) or the case has left execution.

    `paused_days`: days on which the surcharge does not run (Art 73 ¶3); None (the default) reads them from the
    case's reconsiderations and lawsuits (surcharge_paused_days).
    """
    if not fine_still_owed(case):
        return 0
    deadline = payment_deadline(case)
    if deadline is None:
        return 0
    today = today or timezone.localdate()
    if paused_days is None:
        paused_days = surcharge_paused_days(case, today)
    late = (today - deadline.due_date).days - max(paused_days, 0)
    return max(late, 0)


def late_payment_surcharge(case, today: datetime.date | None = None, paused_days: int | None = None
                           ) -> Decimal | None:
    """Art 72 (statute): 3% of the fine for each day overdue, from the day after the (rolled-over) due date, never
    more than the fine; None when nothing is owed. `paused_days`: see payment_overdue_days (Art 73 ¶3: the days a
    reconsideration or lawsuit is pending; read from the case when not given)."""
    days = payment_overdue_days(case, today, paused_days)
    if days <= 0:
        return None
    return min(case.fine * SURCHARGE_RATE * days, case.fine).quantize(Decimal("0.01"))


def remedies_of(case):
    return case.remedies.select_related("recorded_by").order_by("filed_on", "id")


def pending_remedies(case):
    return case.remedies.filter(outcome=Remedy.Outcome.PENDING).order_by("filed_on", "id")


def court_application_possible_from(case) -> datetime.date | None:
    """The first day the agency may apply to the court after the demand (行政强制法 Art 54, 69); None before a
    demand."""
    if case.demand_served_on is None:
        return None
    return demand_period_end(case) + datetime.timedelta(days=1)


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
