"""Changes to the deadline table (DESIGN §4): what a statute fixes is not changed here.

Issue 12, finding 3: a rule whose length a statute fixes (`DeadlineRule.statutory`, e.g. 行政处罚法 Art 64's
5 working days to ask for a hearing) keeps its `length` and `unit`; only the reminders and the escalation role
of such a rule are local practice. A local rule (`statutory` false, labelled "本地做法，可配置") may change all four.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from workflows.errors import InvalidInput, Message, RuleViolation, bilingual

from .deadlines import next_yearly_date
from .models import DeadlineRule

STATUTORY_FIELDS = ("length", "unit", "fixed_date")
STATUTORY_RULE = _("The length of “{name}” is fixed by statute ({source}): it cannot be changed here. Only its "
                   "reminders and escalation are local practice.")
FIXED_DATE_REQUIRED = _("A yearly date is written MM-DD, e.g. 03-01.")


def check_change(rule: DeadlineRule, changes: dict) -> None:
    """409 when a statutory rule's length or unit would change (naming the article); 400 for a yearly-date unit
    without a valid MM-DD date. Setting a statutory rule's length to the value it has is no change."""
    if rule.statutory and any(field in changes and changes[field] != getattr(rule, field)
                              for field in STATUTORY_FIELDS):
        raise RuleViolation(Message(STATUTORY_RULE, name=rule.name, source=rule.local_rule or rule.basis),
                            rule=rule.local_rule or rule.basis)
    unit = changes.get("unit", rule.unit)
    if unit == DeadlineRule.Unit.FIXED_DATE:
        try:
            next_yearly_date(datetime.date(2000, 1, 1), changes.get("fixed_date", rule.fixed_date))
        except ValueError:
            raise InvalidInput(FIXED_DATE_REQUIRED, fields={"fixed_date": [bilingual(FIXED_DATE_REQUIRED)]}) from None
