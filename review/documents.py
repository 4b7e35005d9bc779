"""Documents and attachments of major decisions and joint meetings (DESIGN §10, CONTRACT §6): registered with
the document machinery (documents.registry) when the app is ready."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents import registry
from workflows import roles

from .flows import may_see_decision
from .models import Decision, Meeting, ReviewOpinion


def may_view(user, obj) -> bool:
    """Meetings are open to every signed-in user of the town's system (as their pages are)."""
    return bool(getattr(user, "is_authenticated", False))


def may_view_decision(user, decision) -> bool:
    """Decisions too, but a draft only to its author, the principal and the admin (review.flows.may_see_decision)."""
    return may_see_decision(user, decision)


def may_attach_decision(user, decision) -> bool:
    return roles.may("decision.attach", user) and may_see_decision(user, decision)


def may_attach_meeting(user, meeting) -> bool:
    return roles.may("meeting.attach", user)


# --- the documents --------------------------------------------------------------------------------------------

REVIEW_BASIS = _("《重大行政决策程序暂行条例》第二十五条至第二十八条")
NO_OPINION_YET = _("The judicial office has not given its legality review opinion yet.")
NOT_SIGNED_YET = _("The decision text is produced once the principal has signed the decision.")
NOT_HELD_YET = _("The minutes are produced once the meeting has been recorded as held.")
CHECK_ANSWERS = {True: _("Yes"), False: _("No"), None: _("Not answered")}


def _day(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localdate(value)
    return f"{value.year}年{value.month}月{value.day}日"


def _opinions(decision):
    return decision.opinions.select_related("reviewer").order_by("created_at", "id")


def _opinion_unavailable(decision, opinion):
    return None if opinion is not None else NO_OPINION_YET


def _opinion_label(opinion: ReviewOpinion) -> str:
    return f"{opinion.get_outcome_display()} · {_day(opinion.created_at)}"


def _opinion_context(decision, opinion: ReviewOpinion) -> dict:
    """合法性审查意见书 (条例 Art 25-28): the decision, the drafting department, the three checks of Art 27 with
    their notes, the opinion, its basis, the reviewer and the date. Further keys: `decision_title`,
    `department`, `outcome`, `reviewer`."""
    checks = [
        (_("Within the statutory authority of the town"), opinion.authority_ok, opinion.authority_note),
        (_("Procedure complete (public participation, expert argumentation, risk assessment as required)"),
         opinion.procedure_ok, opinion.procedure_note),
        (_("Content lawful"), opinion.content_ok, opinion.content_note),
    ]
    return {
        "fields": [
            {"label": _("Decision matter"), "value": decision.title},
            {"label": _("Drafting department"), "value": decision.department},
            {"label": _("Submitted for review on"), "value": _day(decision.submitted_at)},
            {"label": _("Reviewing body"), "value": _("Judicial office")},
            {"label": _("Conclusion"), "value": opinion.get_outcome_display()},
        ],
        "sections": [
            {"heading": _("I. Review of legality"),
             "paragraphs": [f"{label}：{CHECK_ANSWERS[ok]}{'。' + note if note else ''}" for label, ok, note in checks]},
            {"heading": _("II. Review opinion"), "paragraphs": [opinion.opinion]},
            {"heading": _("III. Basis"), "paragraphs": [REVIEW_BASIS]},
        ],
        "signatures": [f"{_('Legality reviewer')}：{opinion.reviewer}", f"{_('Review date')}：{_day(opinion.created_at)}"],
        "seal": True,
        "decision_title": decision.title, "department": decision.department,
        "outcome": opinion.get_outcome_display(), "reviewer": str(opinion.reviewer),
    }


def _decision_text_unavailable(decision, record):
    return None if decision.signed_at is not None else NOT_SIGNED_YET


def _decision_text_context(decision, record) -> dict:
    """决定正文 (条例 Art 31-32): the signed decision under its own title (`doc_title`: the document is headed
    with the decision's title, GB/T 9704 §7.3.1; lists keep the kind's title), its number, issuer and signing
    date. No 签发人 line: GB/T 9704 §7.2.6 puts 签发人 in the header of 上行文 only, and a town decision
    published to the public is 下行文. Further keys: `decision_title`, `signed_by` (for a replacement
    template)."""
    return {
        "doc_title": decision.title,
        "fields": [],
        "sections": [{"heading": "", "paragraphs": [decision.body]}],
        "signatures": [],
        "seal": True,
        "date": _day(decision.signed_at),
        "decision_title": decision.title, "signed_by": str(decision.signed_by or ""),
    }


def _minutes_unavailable(meeting, record):
    return None if meeting.held_at is not None else NOT_HELD_YET


def _minutes_context(meeting, record) -> dict:
    """会议纪要 (条例 Art 30: the meeting's deliberation and each item's outcome recorded): number, title, date,
    chair, attendees, the agenda items with their outcomes, the minutes. Further key: `items` (list of
    {"title", "outcome", "comment", "dissent"})."""
    items = [{"title": item.decision.title, "outcome": item.get_outcome_display(), "comment": item.comment,
              "dissent": item.dissent}
             for item in meeting.agenda_items.select_related("decision").order_by("order", "id")]
    lines = []
    for index, item in enumerate(items, 1):
        line = f"{index}. {item['title']}：{item['outcome']}"
        if item["comment"]:
            line += f"。{item['comment']}"
        if item["dissent"]:
            line += f"（{_('Dissenting opinions')}：{item['dissent']}）"
        lines.append(line)
    return {
        "fields": [
            {"label": _("Meeting"), "value": meeting.title},
            {"label": _("Meeting number"), "value": meeting.number or ""},
            {"label": _("Date"), "value": _day(meeting.date)},
            {"label": _("Chair"), "value": str(meeting.chair)},
            {"label": _("Attendees"), "value": "、".join(str(u) for u in meeting.attendees.all())},
        ],
        "sections": [
            {"heading": _("I. Items and outcomes"), "paragraphs": lines or [_("No items on the agenda.")]},
            {"heading": _("II. Minutes"), "paragraphs": [meeting.minutes]},
        ],
        "seal": False,
        "date": _day(meeting.date),
        "items": items,
    }


def register() -> None:
    registry.register_owner(registry.Owner(
        name="decisions", model=Decision, may_view=may_view_decision, may_attach=may_attach_decision,
        label=lambda d: d.number or f"#{d.pk}",
        url=lambda d: reverse("review:decisions:detail", args=[d.pk]),
    ))
    registry.register_owner(registry.Owner(
        name="meetings", model=Meeting, may_view=may_view, may_attach=may_attach_meeting,
        label=lambda m: m.number or f"#{m.pk}",
        url=lambda m: reverse("review:meetings:detail", args=[m.pk]),
    ))
    registry.register(registry.DocumentKind(
        name="legality_review_opinion", owner="decisions", title=_("Legality review opinion"),
        context=_opinion_context, unavailable=_opinion_unavailable, records=_opinions,
        numbered=True, number_pattern="{town}司法审〔{year}〕{seq}号", order=10,
        extra={"record_label": _opinion_label},
    ))
    registry.register(registry.DocumentKind(
        name="decision_text", owner="decisions", title=_("Decision text"),
        context=_decision_text_context, unavailable=_decision_text_unavailable,
        number_of=lambda decision, record: decision.number, order=20,
    ))
    registry.register(registry.DocumentKind(
        name="minutes", owner="meetings", title=_("Meeting minutes"),
        context=_minutes_context, unavailable=_minutes_unavailable,
        number_of=lambda meeting, record: meeting.number, order=10,
    ))
