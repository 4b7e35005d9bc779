"""The history card of every object page: the object's audit entries (workflows.audit), each named as its
process labels the transition, or by ACTION_LABELS for recorded actions that are not transitions."""

from django.utils.translation import gettext_lazy as _

from workflows.audit import history_of

# Audit entries that are not transitions (review.services records them).
ACTION_LABELS = {
    "create": _("Created"),
    "edit": _("Content edited"),
    "record_preparation": _("Preparation recorded"),
    # notifications.adjustments and cases.services.correct_business_date, on decisions and cases alike
    "request_deadline_suspend": _("Suspension of a deadline requested"),
    "request_deadline_resume": _("Resumption of a deadline requested"),
    "request_deadline_extend": _("Extension of a deadline requested"),
    "approve_deadline_suspend": _("Deadline suspended"),
    "approve_deadline_resume": _("Deadline resumed"),
    "approve_deadline_extend": _("Deadline extended"),
    "reject_deadline_suspend": _("Suspension of a deadline rejected"),
    "reject_deadline_resume": _("Resumption of a deadline rejected"),
    "reject_deadline_extend": _("Extension of a deadline rejected"),
    "correct_business_date": _("Business date corrected"),
    "issue_document": _("Document issued"),  # documents.services.issue: a document (文书) got its number
    # documents.attachments, on cases, decisions and meetings alike
    "attach": _("Attachment uploaded"),
    # workflows.personal_data: a party's, petitioner's or mediation party's full ID number or phone was read
    "read_personal_data": _("Full personal data viewed"),
    # documents.files.record_read: a document (its print view, Word or PDF file) or the case file was handed out
    "read_document": _("Document viewed or downloaded"),
}


def state_labels(model) -> dict:
    return {str(value): label for value, label in model._meta.get_field("state").choices}


def history_rows(process, obj, action_labels=None) -> list[dict]:
    """The audit entries of `obj`; `action_labels` names the process's recorded actions that are not transitions."""
    labels = state_labels(process.model)
    transitions = set(process.flow.transition_names())
    action_labels = {**ACTION_LABELS, **(action_labels or {})}
    rows = []
    for entry in history_of(obj):
        if entry.transition in transitions:
            action = process.label(entry.transition)
        else:
            action = action_labels.get(entry.transition, entry.transition)
        rows.append({
            "at": entry.at, "user": entry.user or entry.username, "action": action,
            "source": labels.get(entry.source, entry.source), "target": labels.get(entry.target, entry.target),
            "comment": entry.comment, "sequence": entry.sequence,
            "transition": entry.transition, "fields": entry.fields,
        })
    return rows
