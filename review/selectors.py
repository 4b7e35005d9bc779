"""Queries for lists: decisions, meetings, and the inbox (what a user must act on now)."""

from django.db.models import DateTimeField, Exists, OuterRef, Q, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Deadline
from workflows import roles
from workflows.inbox import InboxPart, Window, choice_labels, finished_items, part_from, path_maker

from .models import (
    Decision,
    DecisionState as DS,
    Meeting,
    MeetingState as MS,
    PartyCommitteeReport,
    PreparationRecord,
)

# Which role acts on a decision in which state; the inbox is this map turned into queries (DESIGN §6).
DECISION_INBOX = {
    roles.DRAFTER: ([DS.DRAFT, DS.RETURNED, DS.REVIEW_FAILED], _("Revise and submit for review")),
    roles.JUDICIAL_OFFICE: ([DS.IN_REVIEW], _("Legality review")),
    roles.OFFICE_SECRETARY: ([DS.REVIEW_PASSED, DS.SIGNED], _("Schedule or publish")),
    roles.MEETING_CHAIR: ([DS.SCHEDULED], _("Record the meeting's outcome")),
    roles.PRINCIPAL: ([DS.APPROVED], _("Sign")),
}


# 条例 Art 31: an approved decision that must be reported to the Party committee waits for the office secretary's
# record of the report before the principal can sign it.
RECORD_THE_REPORT = _("Record the report to the Party committee")


def visible_decisions(user):
    """The decisions `user` may see (review.flows.may_see_decision): all but the drafts of other authors, which
    only the principal and the admin see; none for an anonymous user."""
    qs = Decision.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if roles.has_role(user, roles.PRINCIPAL, roles.ADMIN):
        return qs
    return qs.exclude(Q(state=DS.DRAFT) & ~Q(created_by=user))


def decision_list(user, *, state: str | None = None, search: str | None = None):
    """The decisions `user` may see (visible_decisions), newest first, by state and a search in title, number and
    department."""
    qs = visible_decisions(user).select_related("created_by", "meeting")
    if state:
        qs = qs.filter(state=state)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(number__icontains=search) | Q(department__icontains=search))
    return qs.order_by("-id")


def meeting_list(*, state: str | None = None):
    qs = Meeting.objects.select_related("chair").prefetch_related("attendees")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-date", "-id")


def _report_pending():
    """条例 Art 31: an approved decision to report to the Party committee, with no report recorded (a filter)."""
    reported = PartyCommitteeReport.objects.filter(decision=OuterRef("pk"))
    return Q(state=DS.APPROVED, party_committee_report_required=True) & ~Q(Exists(reported))


def _decisions_for(user):
    """The decisions whose state `user` acts on (a queryset without duplicate rows)."""
    held = set(roles.user_roles(user))
    query = Q(pk__in=[])
    for role, (states, _action) in DECISION_INBOX.items():
        if role not in held:
            continue
        if role == roles.DRAFTER:
            query |= Q(state__in=states, created_by=user)
        elif role == roles.MEETING_CHAIR:
            query |= Q(state__in=states, meeting__state=MS.HELD, meeting__chair=user)
        else:
            query |= Q(state__in=states)
    if roles.OFFICE_SECRETARY in held:
        query |= _report_pending()
    return Decision.objects.filter(query)


def _meetings_for(user):
    if not roles.has_role(user, roles.OFFICE_SECRETARY):
        return Meeting.objects.none()
    today = timezone.localdate()
    return Meeting.objects.filter(Q(state=MS.PLANNED, date__lte=today) | Q(state=MS.HELD))


def _action_for(user, decision):
    if (decision.state == DS.APPROVED and decision.party_committee_report_required
            and roles.has_role(user, roles.OFFICE_SECRETARY) and not decision.party_committee_reports.exists()):
        return RECORD_THE_REPORT
    for role, (states, action) in DECISION_INBOX.items():
        if decision.state in states and roles.has_role(user, role):
            return action
    return ""


def decision_inbox_parts(user, window: Window) -> list[InboxPart]:
    """The decision and meeting rows of `user`'s inbox as InboxParts (workflows.inbox), from plain values: each
    decision with its soonest open deadline and the action of the first of his roles that acts on its state (or
    recording the report to the Party committee, 条例 Art 31); the meetings the office secretary records as held
    or closes (no deadline)."""
    held = set(roles.user_roles(user))
    if not held & (set(DECISION_INBOX) | {roles.OFFICE_SECRETARY}):
        return []
    deadline = Deadline.objects.filter(object_type="review.decision", object_id=OuterRef("pk"),
                                       status=Deadline.Status.OPEN).order_by("due_at", "id")
    decisions = _decisions_for(user).annotate(
        due_at=Subquery(deadline.values("due_at")[:1]), deadline_kind=Subquery(deadline.values("kind")[:1]),
        reported=Exists(PartyCommitteeReport.objects.filter(decision=OuterRef("pk"))))
    labels = choice_labels(DS.choices)
    secretary = roles.OFFICE_SECRETARY in held

    def action(row):
        if row["state"] == DS.APPROVED and row["party_committee_report_required"] and secretary \
                and not row["reported"]:
            return RECORD_THE_REPORT
        return next((a for role, (states, a) in DECISION_INBOX.items() if row["state"] in states and role in held),
                    "")

    def decision_row(row):
        return {"kind": "decision", "id": row["pk"], "number": row["number"], "title": row["title"],
                "state": row["state"], "state_label": labels.get(row["state"], row["state"]),
                "action": str(action(row)), "due_at": row["due_at"], "deadline_kind": row["deadline_kind"]}

    parts = [part_from(decisions, window, ("pk", "number", "title", "state", "party_committee_report_required",
                                           "reported", "deadline_kind"),
                       build=decision_row, finish=_with_paths("review:decisions:detail"))]
    if secretary:
        meeting_labels = choice_labels(MS.choices)
        record, close = str(_("Record the meeting as held")), str(_("Close the meeting"))

        def meeting_row(row):
            return {"kind": "meeting", "id": row["pk"], "number": row["number"],
                    "title": f"{row['title']}（{row['date']}）", "state": row["state"],
                    "state_label": meeting_labels.get(row["state"], row["state"]),
                    "action": record if row["state"] == MS.PLANNED else close, "due_at": None,
                    "deadline_kind": None}

        meetings = _meetings_for(user).annotate(due_at=Value(None, output_field=DateTimeField()))
        parts.append(part_from(meetings, window, ("pk", "number", "title", "date", "state"), build=meeting_row,
                               finish=_with_paths("review:meetings:detail")))
    return [part for part in parts if part.count]


def _with_paths(viewname):
    def finish(rows):
        path = path_maker(viewname)
        for row in rows:
            row["url"] = path(row["id"])
    return finish


def decision_inbox_items(user) -> list[dict]:
    """Inbox rows for decisions and meetings (unsorted; web.inbox merges and sorts)."""
    return finished_items(decision_inbox_parts(user, Window()))


def decision_archive(decision) -> dict:
    """The decision file (决策档案, 条例 Art 33, statute: "及时完整归档"): every record of the decision, gathered
    for the archive page and `GET /api/v1/decisions/{id}/archive/`. Attachments come with the documents issue."""
    from .flows import COMMENT_PERIOD_DAYS

    preparation = list(decision.preparation.select_related("recorded_by"))
    opinions = list(decision.opinions.select_related("reviewer"))
    agenda_items = list(decision.agenda_items.select_related("meeting"))
    # The texts the file refers to, oldest first: each reviewed or deliberated version, then the current text.
    texts, seen = [], {}
    for fingerprint, event in (
        [(o.content_fingerprint, f"review:{o.outcome}") for o in opinions]
        + [(i.content_fingerprint, f"meeting:{i.outcome}") for i in agenda_items]
        + [(decision.content_fingerprint(), "current")]
    ):
        if fingerprint not in seen:
            seen[fingerprint] = {"fingerprint": fingerprint, "events": []}
            texts.append(seen[fingerprint])
        seen[fingerprint]["events"].append(event)
    days = decision.counted_comment_days()
    return {
        "decision": decision,
        "texts": texts,
        "preparation": {kind: [r for r in preparation if r.kind == kind] for kind in PreparationRecord.Kind.values},
        "comment_period_shortened": days is not None and days < COMMENT_PERIOD_DAYS,
        "opinions": opinions,
        "agenda_items": agenda_items,
        "party_committee_reports": list(decision.party_committee_reports.select_related("recorded_by")),
    }


# --- XLSX exports of the lists (web.exports; issue 14 item 6): (header, value) per column ---------------------

DECISION_EXPORT_COLUMNS = [
    (_("Number"), lambda decision: decision.number or ""),
    (_("Title"), "title"),
    (_("Department"), "department"),
    (_("Category"), lambda decision: decision.get_category_display()),
    (_("State"), lambda decision: decision.get_state_display()),
    (_("Drafted by"), lambda decision: str(decision.created_by)),
    (_("Submitted for review at"), "submitted_at"),
]

MEETING_EXPORT_COLUMNS = [
    (_("Date"), "date"),
    (_("Number"), lambda meeting: meeting.number or ""),
    (_("Title"), "title"),
    (_("Chair"), lambda meeting: str(meeting.chair)),
    (_("State"), lambda meeting: meeting.get_state_display()),
    (_("Attendees"), lambda meeting: "、".join(str(user) for user in meeting.attendees.all())),
]
