"""Business actions on decisions and meetings other than transitions (those go through
workflows.services.fire_transition). Called by the API, the UI, the admin and the demo town
(demo.decisions) alike."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows import audit, roles
from workflows.errors import InvalidInput, Message, NotFound, NotPermitted, RuleViolation
from workflows.services import require, state_label

from .flows import NOT_THE_AUTHOR, drafter_acts_only_as_author, may_see_decision
from .models import (
    EDITABLE_DECISION_STATES,
    Decision,
    DecisionState,
    Meeting,
    PartyCommitteeReport,
    PreparationRecord,
)

CONTENT_FIELDS = ("title", "body", "category", "department", "public_participation_required",
                  "participation_exemption_ground", "expert_argumentation_required", "risk_assessment_required",
                  "participation_urgency_reason", "party_committee_report_required")
# 条例 Art 14 (statute): public participation is the rule; without it the legal ground is recorded.
A14_GROUND_REQUIRED = _(
    "Public participation can be turned off only for a matter withheld from disclosure by law: record that "
    "legal ground (条例 Art 14)."
)
# 条例 Art 31: the report to the Party committee comes before issuance, so not once the decision is signed.
A31_TOO_LATE = _("The report to the Party committee is recorded before signing; now the decision is “{state}”.")
A31_NOT_REQUIRED = _("This decision is not marked as needing a report to the Party committee.")
# 条例 Art 31 (statute) leaves which matters are reported to "按照规定" (local practice); lifting the mark is local
# practice too: it needs a recorded reason, and once the joint meeting has approved the decision it is refused.
A31_UNMARK_REASON = _("Record why this decision need not be reported to the Party committee (条例 Art 31).")
A31_UNMARK_AFTER_APPROVAL = _(
    "The joint meeting has approved this decision as one reported to the Party committee: the mark can no longer "
    "be lifted; record the report before signing (条例 Art 31)."
)
A31_UNMARK_ELSEWHERE = _(
    "The mark “must be reported to the Party committee” is lifted only under “Report to the Party committee”, "
    "with the reason (条例 Art 31)."
)
A31_DATE_IN_FUTURE = _("The report date cannot lie in the future.")
A31_OPEN_STATES = (DecisionState.DRAFT, DecisionState.IN_REVIEW, DecisionState.RETURNED,
                   DecisionState.REVIEW_PASSED, DecisionState.REVIEW_FAILED, DecisionState.SCHEDULED,
                   DecisionState.APPROVED)
D3_NOT_EDITABLE = _("The content can be edited only in draft, returned or review failed; now it is “{state}”.")
MEETING_IN_PAST = _("A joint meeting must be dated today or later.")
CHAIR_NOT_USER = _("The chair must be an active user.")
PREPARATION_DATES = _("The end of the period cannot be before its start.")



def _require_participation_ground(decision):
    """条例 Art 14 (statute): "shall" hold public participation unless the law withholds the matter from
    disclosure; off without a recorded ground is invalid input (400, the field named)."""
    if not decision.public_participation_required and not decision.participation_exemption_ground.strip():
        raise InvalidInput(A14_GROUND_REQUIRED,
                           fields={"participation_exemption_ground": [str(A14_GROUND_REQUIRED)]})


def _locked_decision(pk, user, *, action=None) -> Decision:
    """The decision `pk` locked for update, if `user` may see it (else NotFound, 404: a draft of another author is
    not shown, review.flows.may_see_decision); with `action`, a user who holds it only as a drafter must be the
    author (NotPermitted, 403)."""
    decision = Decision.objects.select_for_update().filter(pk=pk).first()
    if decision is None or not may_see_decision(user, decision):
        raise NotFound(_("No such decision."))
    if action is not None and not drafter_acts_only_as_author(user, decision, roles.ACTION_ROLES[action]):
        raise NotPermitted(NOT_THE_AUTHOR, rule="roles")
    return decision


@transaction.atomic
def create_decision(*, user, title, body, category, department, client_ip=None, **flags) -> Decision:
    require("decision.create", user)
    decision = Decision(
        title=title, body=body, category=category, department=department, created_by=user,
        **{k: v for k, v in flags.items() if k in CONTENT_FIELDS},
    )
    _require_participation_ground(decision)
    decision.save()
    audit.record(decision, transition="create", target=decision.state, user=user,
                 fields={"title": title, "category": category, "department": department}, client_ip=client_ip)
    return decision


@transaction.atomic
def update_decision(*, pk, user, changes: dict, client_ip=None) -> Decision:
    """D3: content changes only in draft, returned, review_failed — checked under the row lock."""
    require("decision.edit", user)
    decision = _locked_decision(pk, user, action="decision.edit")
    if decision.state not in EDITABLE_DECISION_STATES:
        raise RuleViolation(Message(D3_NOT_EDITABLE, state=state_label(decision)), rule="D3")
    changed = {}
    for field, value in changes.items():
        if field in CONTENT_FIELDS and getattr(decision, field) != value:
            setattr(decision, field, value)
            changed[field] = value
    if decision.party_committee_report_required is False and "party_committee_report_required" in changed:
        # 条例 Art 31 (local practice on lifting the mark): not silently in an edit; see
        # set_party_committee_report_required, which records the reason.
        raise InvalidInput(A31_UNMARK_ELSEWHERE,
                           fields={"party_committee_report_required": [str(A31_UNMARK_ELSEWHERE)]})
    if {"public_participation_required", "participation_exemption_ground"} & set(changed):
        _require_participation_ground(decision)  # older drafts without a ground are stopped at submission (D5)
    if changed:
        decision.save(update_fields=sorted(changed))  # content only; the flow's fields stay the flow's
        audit.record(decision, transition="edit", source=decision.state, target=decision.state, user=user,
                     fields={"changed": sorted(changed)}, client_ip=client_ip)
    return decision


@transaction.atomic
def add_preparation_record(*, decision_pk, user, kind, summary, started_on=None, ended_on=None,
                           client_ip=None) -> PreparationRecord:
    require("decision.edit", user)
    decision = _locked_decision(decision_pk, user, action="decision.edit")
    if decision.state not in EDITABLE_DECISION_STATES:
        raise RuleViolation(Message(D3_NOT_EDITABLE, state=state_label(decision)), rule="D3")
    if started_on and ended_on and ended_on < started_on:
        raise InvalidInput(PREPARATION_DATES, fields={"ended_on": [str(PREPARATION_DATES)]})
    record = PreparationRecord.objects.create(
        decision=decision, kind=kind, summary=summary, started_on=started_on, ended_on=ended_on, recorded_by=user
    )
    audit.record(decision, transition="record_preparation", source=decision.state, target=decision.state,
                 user=user, fields={"kind": kind, "started_on": started_on, "ended_on": ended_on},
                 comment=summary, client_ip=client_ip)
    return record


@transaction.atomic
def create_meeting(*, user, title, date, chair, attendees, client_ip=None) -> Meeting:
    require("meeting.create", user)
    if date < timezone.localdate():
        raise InvalidInput(MEETING_IN_PAST, fields={"date": [str(MEETING_IN_PAST)]})
    users = get_user_model().objects
    if not users.filter(pk=getattr(chair, "pk", chair), is_active=True).exists():
        raise InvalidInput(CHAIR_NOT_USER, fields={"chair": [str(CHAIR_NOT_USER)]})
    meeting = Meeting.objects.create(title=title, date=date, chair=chair, created_by=user)
    meeting.attendees.set(attendees)
    audit.record(meeting, transition="create", target=meeting.state, user=user,
                 fields={"title": title, "date": date, "chair": chair.pk,
                         "attendees": sorted(a.pk for a in attendees)}, client_ip=client_ip)
    return meeting


@transaction.atomic
def set_party_committee_report_required(*, decision_pk, user, required: bool, reason: str = "",
                                        client_ip=None) -> Decision:
    """Mark whether the decision must be reported to the Party committee before issuance (条例 Art 31; which
    matters need it is set "按照规定", i.e. local practice). The drafter or the office secretary marks it, at any
    time before signing.

    Lifting the mark (local practice, so that the Art 31 report cannot be skipped on one person's word):
    - it needs a recorded reason (400 without), kept in the history with who lifted it;
    - once the decision is approved it is refused (409): the joint meeting approved it as a decision reported to
      the Party committee, and the only gate left before signing is that report, so lifting the mark then would
      be exactly the way around Art 31. Before approval the meeting still sees the decision unmarked."""
    require("decision.party_committee", user)
    decision = _locked_decision(decision_pk, user)
    if decision.state not in A31_OPEN_STATES:
        raise RuleViolation(Message(A31_TOO_LATE, state=state_label(decision)), rule="条例 Art 31")
    reason = (reason or "").strip()
    if decision.party_committee_report_required and not required:
        if decision.state == DecisionState.APPROVED:
            raise RuleViolation(A31_UNMARK_AFTER_APPROVAL, rule="条例 Art 31")
        if not reason:
            raise InvalidInput(A31_UNMARK_REASON, fields={"reason": [str(A31_UNMARK_REASON)]})
    if decision.party_committee_report_required != required:
        decision.party_committee_report_required = required
        decision.save(update_fields=["party_committee_report_required"])
        audit.record(decision, transition="mark_party_committee_report", source=decision.state,
                     target=decision.state, user=user, fields={"required": required, "reason": reason},
                     comment=reason, client_ip=client_ip)
    return decision


@transaction.atomic
def record_party_committee_report(*, decision_pk, user, reported_on, reference, summary="",
                                  client_ip=None) -> PartyCommitteeReport:
    """Record the report (请示报告) to the Party committee (条例 Art 31, statute): signing waits for it when the
    decision is marked as needing it (review.flows.DecisionFlow.sign)."""
    require("decision.party_committee", user)
    decision = _locked_decision(decision_pk, user)
    if decision.state not in A31_OPEN_STATES:
        raise RuleViolation(Message(A31_TOO_LATE, state=state_label(decision)), rule="条例 Art 31")
    if not decision.party_committee_report_required:
        raise RuleViolation(A31_NOT_REQUIRED, rule="条例 Art 31")
    if reported_on > timezone.localdate():
        raise InvalidInput(A31_DATE_IN_FUTURE, fields={"reported_on": [str(A31_DATE_IN_FUTURE)]})
    report = PartyCommitteeReport.objects.create(
        decision=decision, reported_on=reported_on, reference=reference, summary=summary or "", recorded_by=user,
    )
    audit.record(decision, transition="record_party_committee_report", source=decision.state,
                 target=decision.state, user=user, fields={"reported_on": reported_on, "reference": reference},
                 comment=summary or "", client_ip=client_ip)
    return report
