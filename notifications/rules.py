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
# Issue 12 D6/D7 (DESIGN §8): who may change a statutory period and by how much is its source's, not local
# configuration: case.decision's approver (principal) and ceiling (30 days, once) come from the sector rule named in
# `extension_rule`; a party window (Art 64) has no escalation role. Our choice: the ceiling is read-only too (it is
# data from deadline_rules.json, labelled local there, and can never be cleared to "unlimited" here).
STATUTORY_SOURCE_FIELDS = ("escalate_to", "extension_approver", "max_extension_days", "max_extensions",
                           "extension_rule", "rolls_over_rest_day", "statutory")
READ_ONLY_FIELD = _("“{field}” of “{name}” cannot be changed here ({source}).")
STATUTORY_RULE = _("The length of “{name}” is fixed by statute ({source}): it cannot be changed here. Only its "
                   "reminders and escalation are local practice.")
FIXED_DATE_REQUIRED = _("A yearly date is written MM-DD, e.g. 03-01.")


def check_read_only(rule: DeadlineRule, data, current: dict, read_only) -> None:
    """Issue 12 D16: a field the API does not change, sent with another value, is refused rather than ignored:
    409 naming the article for a statutory rule's fields (D6), else 400 naming the field."""
    if not hasattr(data, "keys"):
        return
    source = rule.local_rule or rule.basis
    changed = [f for f in data.keys() if (f in read_only or (rule.statutory and f in STATUTORY_SOURCE_FIELDS))
               and f in current and data[f] != current[f]]
    if not changed:
        return
    statutory = [f for f in changed if rule.statutory and f in (*STATUTORY_SOURCE_FIELDS, "basis", "local_rule")]
    if statutory:
        raise RuleViolation(Message(READ_ONLY_FIELD, field=statutory[0], name=rule.name, source=source), rule=source)
    errors = {f: [bilingual(Message(READ_ONLY_FIELD, field=f, name=rule.name, source=source))] for f in changed}
    raise InvalidInput(Message(READ_ONLY_FIELD, field=changed[0], name=rule.name, source=source), fields=errors)


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
