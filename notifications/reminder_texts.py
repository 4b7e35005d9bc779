"""Reminder messages (DESIGN §5): what is due, on which object (number and title), by when, on what legal basis,
with a link to it. Written in the site's language — Chinese unless LANGUAGE_CODE says otherwise."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, gettext_lazy as _

from workflows import roles

from .channels.base import Message
from .models import Reminder


@dataclass(frozen=True)
class ObjectRef:
    kind_label: str
    number: str
    title: str
    path: str

    def __str__(self):
        name = f"「{self.title}」" if self.title else ""
        return f"{self.kind_label}{self.number or ''}{name}"


# object_type → (label, how to read number, title and page path off the object). One row per kind of object
# that carries deadlines.
OBJECT_KINDS = {
    "review.decision": (_("major decision"), lambda o: (o.number, o.title, o.page_path())),
    "cases.case": (_("enforcement case"), lambda o: (o.number, o.title, o.page_path())),
    "cases.correctionorder": (_("correction order"), lambda o: (o.number, o.title, o.page_path())),
    "cases.officercertificate": (_("enforcement certificate"),
                                 lambda o: (o.number, str(o.officer), reverse("cases:officers:index"))),
    "petitions.petition": (_("petition"), lambda o: (o.number, o.subject, o.page_path())),
}


def object_of(deadline):
    """The case, decision or certificate the deadline belongs to (None if it is gone)."""
    try:
        model = apps.get_model(deadline.object_type)
    except (LookupError, ValueError):
        return None
    return model.objects.filter(pk=deadline.object_id).first()


# What a reminder reads off each kind of object (its number and title, who answers for it), loaded together with
# the objects so that a sweep batch or a send batch costs a few queries per kind of object, not per reminder.
# object_type → (select_related, prefetch_related).
OBJECT_LOADING = {
    "cases.case": (("violation_type", "party"), ("officers",)),
    "cases.correctionorder": (("case__violation_type", "case__party"), ("case__officers",)),
    "cases.officercertificate": (("officer",), ()),
    "petitions.petition": (("village_mediator",), ()),
    "mediation.mediation": (("committee",), ("parties", "mediators__user", "committee__mediators__user")),
}


def objects_of(deadlines) -> dict:
    """The objects of many deadlines at once: {deadline id: object or None (gone)}, one query per kind of object
    (and its OBJECT_LOADING prefetches)."""
    deadlines = list(deadlines)
    wanted: dict[str, set] = {}
    for deadline in deadlines:
        wanted.setdefault(deadline.object_type, set()).add(deadline.object_id)
    found = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        select, prefetch = OBJECT_LOADING.get(object_type, ((), ()))
        query = model.objects.filter(pk__in=ids)
        if select:
            query = query.select_related(*select)
        if prefetch:
            query = query.prefetch_related(*prefetch)
        found.update({(object_type, obj.pk): obj for obj in query})
    return {deadline.pk: found.get((deadline.object_type, deadline.object_id)) for deadline in deadlines}


def describe(deadline, obj=None) -> ObjectRef:
    obj = obj if obj is not None else object_of(deadline)
    label, read = OBJECT_KINDS.get(deadline.object_type, (deadline.object_type, None))
    if obj is None or read is None:
        return ObjectRef(str(label), "", f"#{deadline.object_id}", "/")
    number, title, path = read(obj)
    return ObjectRef(str(label), number or "", title or "", path)


TITLES = {
    Reminder.Stage.BEFORE: _("[Reminder] {item} of {object} ends on {due}"),
    Reminder.Stage.DUE: _("[Due today] {item} of {object} ends today"),
    Reminder.Stage.OVERDUE: _("[Overdue] {item} of {object} ended on {due}, {days} days ago"),
}
SMS_TEXT = _("{object}: {item} ends on {due}. Please see to it in lawflow.")
SMS_TEXT_OVERDUE = _("{object}: {item} ended on {due} and is overdue. Please see to it at once.")


def role_label(role: str) -> str:
    return str(roles.ROLE_LABELS.get(role, role))


def compose(reminder: Reminder, obj=None, today=None) -> Message:
    deadline, rule = reminder.deadline, reminder.deadline.rule
    with translation.override(settings.LANGUAGE_CODE):
        ref = describe(deadline, obj)
        today = today or timezone.localdate()
        due = formats.date_format(deadline.due_date, "DATE_FORMAT")
        due_at = formats.date_format(timezone.localtime(deadline.due_at), "DATETIME_FORMAT")
        link = f"{settings.SITE_URL}{ref.path}"
        values = {"item": rule.name, "object": str(ref), "due": due, "days": (today - deadline.due_date).days}
        title = str(TITLES[reminder.stage]).format(**values)
        lines = [
            gettext("Object: {object}").format(**values),
            gettext("Item: {item}").format(**values),
            gettext("Due: {due_at}").format(due_at=due_at),
            gettext("Legal basis: {basis}").format(basis=deadline.basis),
        ]
        if rule.responsible_role:
            lines.append(gettext("Responsible: {role}").format(role=role_label(rule.responsible_role)))
        if reminder.is_escalation and rule.escalate_to:
            lines.append(gettext("Escalated to: {role}").format(role=role_label(rule.escalate_to)))
        if deadline.provisional:
            lines.append(gettext("Computed on a provisional holiday calendar."))
        lines.append(gettext("Open: {link}").format(link=link))
        short = {"object": ref.number or ref.title[:20], "item": rule.name, "due": due}
        sms_text = str(SMS_TEXT_OVERDUE if reminder.is_escalation else SMS_TEXT).format(**short)
    return Message(title=title[:200], body="\n".join(lines), link=link, escalation=reminder.is_escalation,
                   sms_params=short, sms_text=sms_text)
