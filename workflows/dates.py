"""One date rule per business date, in one place: the flows, the services and the date correction all call
`check_business_date`.

A business date is refused (400, API `rule` "date …", the field named) when it
- lies after today (a record says what happened, not what is planned);
- lies more than EARLIEST_YEARS_BACK years back: local practice — four times the longest limitation period of
  处罚法 Art 36 (5 years); anything older is a typing error (1900-01-01), not a record;
- lies before the event it follows (table ORDER below; each pair names the article where the statute fixes the
  order, "local practice" where it does not);
- when a recorded date is corrected: lies after an event recorded as following it.

Case:     violation → report registered → filing → inquiries → notice → hearing request → decision →
          service → execution; mediation after filing; publicity after the decision. On the spot (简易程序,
          Art 51–53): violation → decision (served and, when collected, executed the same day) → its filing with
          the agency (备案); collection → hand-over of the money (Art 71).
Decision: submission → review → meeting → signing → publication. Submission, review, meeting and signing
          take today's date in their transitions (no date is typed), so only the publication date is checked
          here; it follows the signing.
"""

import datetime
from dataclasses import dataclass
from typing import Callable

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput, Message, bilingual

EARLIEST_YEARS_BACK = 20

LOCAL_PRACTICE = _("local practice")
# Local-practice bases that say what the practice is (a lazy text, not an article code; rule code "date").
ORDER_FOLLOWS_REPORT = _("local practice: an order follows the report it concerns")
ORDER_FOLLOWS_FILING = _("local practice: an order in a filed case follows its filing")
DATE_IN_FUTURE = _("The {field} {day} lies in the future (today is {today}).")
DATE_TOO_OLD = _("The {field} {day} lies more than {years} years back (the earliest possible date is {earliest}).")
DATE_BEFORE = _("The {field} {day} cannot be before the {event} ({other}); {basis}.")
DATE_AFTER = _("The {field} {day} cannot be after the {event} ({other}); {basis}.")


def _day(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _inquiries(case, before_notice=False):
    if case.pk is None:
        return []
    days = [_day(held_at) for held_at in case.inquiries.values_list("held_at", flat=True)]
    if before_notice and case.notified_on:
        days = [d for d in days if d <= case.notified_on]
    return days


def _mediation(case):
    if case.pk is None:
        return None
    # The model through Django's app registry: workflows sits below the apps and imports none of them.
    MediationAgreement = apps.get_model("cases", "MediationAgreement")
    return MediationAgreement.objects.filter(case=case).values_list("concluded_on", flat=True).first()


@dataclass(frozen=True)
class Event:
    label: object  # a lazy translatable label
    read: Callable  # obj → the date recorded for the event, or None


# How an article is cited in a message: "处罚法第54条" in Chinese, "处罚法 Art 54" in English. The API's `rule`
# code keeps the English form ("date 处罚法 Art 54"); a page shows the message only.
ARTICLE = _("{law} Art {articles}")


class Citation:
    """An article code such as "处罚法 Art 44, 62", rendered in whichever language renders the message."""

    def __init__(self, code: str):
        self.code = code

    def __str__(self):
        law, sep, articles = self.code.partition(" Art ")
        if not sep:
            return str(self.code)
        from django.utils.translation import get_language

        if (get_language() or "").startswith("zh"):
            articles = articles.replace(", ", "、")
        return str(ARTICLE).format(law=law, articles=articles)


@dataclass(frozen=True)
class Follows:
    earlier: str  # the event key it follows
    basis: object  # the article fixing the order, or LOCAL_PRACTICE


CASE_EVENTS = {
    "violation_date": Event(_("date of the violation"), lambda c: c.violation_date),
    "reported_on": Event(_("registration of the report"), lambda c: _day(c.reported_at)),
    "filed_on": Event(_("filing date"), lambda c: c.filed_on),
    # For a successor check the first inquiry counts; for the notice the latest inquiry before it.
    "inquiry": Event(_("first inquiry"), lambda c: min(_inquiries(c), default=None)),
    "last_inquiry": Event(_("latest inquiry before the notice"),
                          lambda c: max(_inquiries(c, before_notice=True), default=None)),
    "concluded_on": Event(_("mediation agreement"), _mediation),
    "notified_on": Event(_("notice date"), lambda c: c.notified_on),
    "hearing_requested_on": Event(_("hearing request"), lambda c: c.hearing_requested_on),
    "decided_on": Event(_("decision date"), lambda c: c.decided_on),
    "published_on": Event(_("publication of the decision"), lambda c: c.published_on),
    "served_on": Event(_("service date"), lambda c: c.served_on),
    "executed_on": Event(_("execution date"), lambda c: c.executed_on),
    # Execution (issue 13): a payment and an application for a payment plan are dated after the service; nothing
    # recorded on the case follows them, so they read as None.
    "paid_on": Event(_("payment date"), lambda c: None),
    "plan_applied_on": Event(_("date of the application to defer or pay in instalments"), lambda c: None),
    "violation_ended_on": Event(_("end of the continuing violation"), lambda c: c.violation_ended_on),
    "filing_revoked_on": Event(_("revocation of the filing"), lambda c: c.filing_revoked_on),
    "spot_filed_on": Event(_("filing date of the on-the-spot decision"), lambda c: c.spot_filed_on),
    "handed_over_on": Event(_("hand-over date of the fine collected on the spot"), lambda c: c.handed_over_on),
    "transferred_on": Event(_("transfer date"), lambda c: c.transferred_on),
    "transfer_received_on": Event(_("receipt of the transfer"), lambda c: c.transfer_received_on),
    "demand_served_on": Event(_("service of the demand"), lambda c: c.demand_served_on),
    "court_applied_on": Event(_("application to the court"), lambda c: c.court_applied_on),
    "court_decided_on": Event(_("court's decision"), lambda c: c.court_decided_on),
    # A reconsideration or lawsuit filed against the decision (its own record; checked before it exists).
    "remedy_filed_on": Event(_("filing of the reconsideration or lawsuit"), lambda c: None),
    "remedy_decided_on": Event(_("outcome of the reconsideration or lawsuit"), lambda c: None),
}

CASE_ORDER = {
    "violation_date": [],
    # 处罚法 Art 54: a case is filed once the violation is found; the record cannot file what was not reported.
    "filed_on": [Follows("violation_date", "处罚法 Art 54"), Follows("reported_on", "处罚法 Art 54")],
    # Art 54-55: investigation (inquiries) begins with the filing.
    "inquiry": [Follows("filed_on", "处罚法 Art 54-55")],
    "concluded_on": [Follows("filed_on", LOCAL_PRACTICE)],
    # Art 44: the party is told the facts the investigation found, so after the filing and the inquiries.
    "notified_on": [Follows("filed_on", "处罚法 Art 44"), Follows("last_inquiry", "处罚法 Art 44")],
    "hearing_requested_on": [Follows("notified_on", "处罚法 Art 64")],
    "decided_on": [Follows("violation_date", "处罚法 Art 51, 57"), Follows("notified_on", "处罚法 Art 44, 62"),
                   Follows("hearing_requested_on", "处罚法 Art 64")],
    "published_on": [Follows("decided_on", "处罚法 Art 48")],
    "served_on": [Follows("decided_on", "处罚法 Art 61")],
    "executed_on": [Follows("served_on", "处罚法 Art 67")],
    # Art 67: the fine is paid once the decision is served (and not before it is made, Art 61).
    "paid_on": [Follows("decided_on", "处罚法 Art 61"), Follows("served_on", "处罚法 Art 67")],
    # Art 66 ¶2: the party applies to defer or pay in instalments a fine the served decision imposes.
    "plan_applied_on": [Follows("served_on", "处罚法 Art 66")],
    # Art 36 ¶2: a continuing or repeated act ends on or after the day it began.
    "violation_ended_on": [Follows("violation_date", "处罚法 Art 36")],
    # 撤销立案 revokes a filing (local practice), so after it and after a mediation agreement it ends.
    "filing_revoked_on": [Follows("filed_on", LOCAL_PRACTICE), Follows("concluded_on", LOCAL_PRACTICE)],
    # 简易程序: the decision is filed with the agency after it was made (Art 52); collected money is handed over
    # after it was collected on the spot (the execution date, Art 71).
    "spot_filed_on": [Follows("decided_on", "处罚法 Art 52")],
    "handed_over_on": [Follows("executed_on", "处罚法 Art 71")],
    # 处罚法 Art 27; 国务院令第310号 Art 8: the receiving body acknowledges a transfer of a case already reported.
    "transferred_on": [Follows("reported_on", "处罚法 Art 27"), Follows("filed_on", "处罚法 Art 27")],
    "transfer_received_on": [Follows("reported_on", "处罚法 Art 27"), Follows("filed_on", "处罚法 Art 27"),
                             Follows("transferred_on", "国务院令第310号 Art 8")],
    # 行政强制法 Art 54: the demand follows the decision's service (and the payment period, a rule of its own).
    "demand_served_on": [Follows("served_on", "行政强制法 Art 54")],
    # 行政强制法 Art 53-54: the application follows the demand; the court decides on an application.
    "court_applied_on": [Follows("demand_served_on", "行政强制法 Art 54")],
    "court_decided_on": [Follows("court_applied_on", "行政强制法 Art 57")],
    # 行政复议法 Art 20, 行政诉讼法 Art 46: a remedy is sought against a decision once made.
    "remedy_filed_on": [Follows("decided_on", "行政复议法 Art 20")],
    "remedy_decided_on": [Follows("decided_on", "行政复议法 Art 20")],
}

# 责令改正 (处罚法 Art 28 ¶1): an order is issued in a case (after its report and its filing, when it has one:
# local practice — Art 28 says nothing of the order's date), and checked after it was issued (local practice: the
# check records what was found on that day).
CORRECTION_EVENTS = {
    "filed_on": Event(_("filing date"), lambda o: o.case.filed_on),
    "reported_on": Event(_("registration of the report"), lambda o: _day(o.case.reported_at)),
    "issued_on": Event(_("issue of the correction order"), lambda o: o.issued_on),
    "checked_on": Event(_("check of the correction"), lambda o: o.checked_on),
}

CORRECTION_ORDER = {
    "issued_on": [Follows("reported_on", ORDER_FOLLOWS_REPORT), Follows("filed_on", ORDER_FOLLOWS_FILING)],
    "checked_on": [Follows("issued_on", LOCAL_PRACTICE)],
}

DECISION_EVENTS = {
    "signed_on": Event(_("signing"), lambda d: _day(d.signed_at)),
    "published_on": Event(_("publication date"), lambda d: d.published_on),
}

DECISION_ORDER = {
    # 条例 Art 32: the decision is published after it is made (signed).
    "published_on": [Follows("signed_on", "重大行政决策程序暂行条例 Art 32")],
}

RULES = {
    "cases.case": (CASE_EVENTS, CASE_ORDER),
    "review.decision": (DECISION_EVENTS, DECISION_ORDER),
    "cases.correctionorder": (CORRECTION_EVENTS, CORRECTION_ORDER),
}


def date_label(model: str, field: str):
    """The translatable label of a business date of `model` ("cases.case")."""
    return RULES[model][0][field].label


def earliest_date(today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year - EARLIEST_YEARS_BACK)
    except ValueError:  # 29 February
        return today.replace(year=today.year - EARLIEST_YEARS_BACK, day=28)


def _cited(basis):
    return Citation(basis) if isinstance(basis, str) else basis


def _refuse(input_name, message, basis):
    rule = "date" if basis is None or not isinstance(basis, str) else f"date {basis}"  # local practice: "date"
    raise InvalidInput(message, rule=rule, fields={input_name: [bilingual(message)]})


def check_business_date(obj, field: str, value, *, today: datetime.date | None = None, correcting: bool = False,
                        input_name: str | None = None) -> None:
    """Refuse `value` for business date `field` of `obj` (a Case or a Decision, saved or not) unless it lies
    between the latest event it follows and today, and not more than EARLIEST_YEARS_BACK years back. With
    `correcting`, a recorded date is being replaced: it may also not lie after an event recorded as following
    it. Raises InvalidInput (400) with rule "date [article]" and `fields[input_name or field]`; returns None."""
    events, order = RULES[obj._meta.label_lower]
    value = _day(value)
    today = today or timezone.localdate()
    label = events[field].label
    name = input_name or field
    if value > today:
        _refuse(name, Message(DATE_IN_FUTURE, field=label, day=value, today=today), None)
    earliest = earliest_date(today)
    if value < earliest:
        _refuse(name, Message(DATE_TOO_OLD, field=label, day=value, years=EARLIEST_YEARS_BACK, earliest=earliest),
                None)
    for rule in order.get(field, ()):
        other = events[rule.earlier].read(obj)
        if other is not None and value < other:
            _refuse(name, Message(DATE_BEFORE, field=label, day=value, event=events[rule.earlier].label,
                                  other=other, basis=_cited(rule.basis)), rule.basis)
    if correcting:
        for later, rules in order.items():
            for rule in rules:
                if rule.earlier != field:
                    continue
                other = events[later].read(obj)
                if other is not None and value > other:
                    _refuse(name, Message(DATE_AFTER, field=label, day=value, event=events[later].label,
                                          other=other, basis=_cited(rule.basis)), rule.basis)
