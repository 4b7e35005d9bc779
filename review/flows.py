"""The flows of the review app: the major administrative decision (重大行政决策: legality review, joint
meeting, signature, publication) and the joint meeting (党政联席会议: planned → held → closed).

"未经审查不上会，未经审议不签发" — no review, no meeting; no deliberation, no signing. The states and who may
move them are CONTRACT §5; the rules D1–D9 are DESIGN §2. Statute: 重大行政决策程序暂行条例 (条例).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.services import issue
from notifications import calendar
from notifications.deadlines import close_deadlines, open_deadline
from notifications.services import notify_role
from workflows import roles
from workflows.base_flow import BaseFlow, model_state, refuse
from workflows.dates import check_business_date
from workflows.errors import InvalidInput, Message, NotFound, NotPermitted, RuleViolation
from workflows.numbering import next_number

from .models import AgendaItem, DecisionState as S, MeetingState, PreparationRecord, ReviewOpinion

# Rule texts, one place; each names its source.
D1_NOT_REVIEWED = _("Only a decision that passed legality review can go to the joint meeting.")
D3_TEXT_CHANGED = _(
    "The text differs from the text the judicial office reviewed; it must be reviewed again before the "
    "meeting may deliberate it or the principal sign it."
)
D5_COMMENT_PERIOD = _(
    "Public participation is required: record a public comment period of at least 30 days that has ended, "
    "or a shortened one with the urgency reason (条例 Art 14-15)."
)
D5_COMMENT_SHORTENED = _(
    "An urgency reason shortens the public comment period but does not remove it: record a comment period of "
    "at least {days} day(s) that has ended (条例 Art 15)."
)
D5_NO_GROUND = _(
    "Public participation is off without a recorded legal ground: record the law that withholds the matter from "
    "disclosure, or hold the public comment period (条例 Art 14)."
)
D5_EXPERT = _("Expert argumentation is required: record its report before submitting (条例 Art 19-21).")
D5_RISK = _("A risk assessment is required: record its report before submitting (条例 Art 22-24).")
D4_DEFECT_FOUND = _("A review that found a defect in authority, procedure or content cannot pass (条例 Art 27).")
D4_CHECK_UNANSWERED = _("Answer this check of the legality review (条例 Art 27).")
D4_NAME_THE_FAILED_CHECK = _(
    "Name the check that failed: authority, procedure or content (条例 Art 27)."
)
D4_CHECKS = ("authority_ok", "procedure_ok", "content_ok")
A31_REPORT_MISSING = _(
    "This decision must be reported to the Party committee before it is issued: record the report first "
    "(条例 Art 31)."
)
D6_NO_JUDICIAL_OFFICE = _("The judicial office must attend the meeting that deliberates the decision.")
D7_TOO_SOON = _(
    "The meeting is fewer than {days} working days after the submission for review (earliest {earliest}); "
    "record an urgency reason to schedule it (条例 Art 26)."
)
D9_MEETING_NOT_PLANNED = _("Decisions can be scheduled only onto a planned meeting dated today or later.")
D9_MEETING_NOT_HELD = _("The meeting's outcome can be recorded only once the meeting is held.")

# Local practice (issue 17): a decision in `draft` is its drafting department's working text, not yet the town's:
# only its author sees it, and the principal (who may withdraw any decision, CONTRACT §5) and the admin. Once
# submitted for legality review every signed-in user of the town's system sees it. The drafter's own steps
# (submit, revise, withdraw) and edits are the author's: another drafter does not move a text they did not write.
NOT_THE_AUTHOR = _("Only the drafter who wrote this decision may do this.")
NO_SUCH_DECISION = _("No such decision.")


def may_see_decision(user, decision) -> bool:
    """Whether `user` may see `decision` (its page, API detail, documents, attachments): every signed-in user,
    except a draft, which only its author, the principal and the admin see (local practice, above)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if decision.state != S.DRAFT or decision.created_by_id == user.pk:
        return True
    return roles.has_role(user, roles.PRINCIPAL, roles.ADMIN)


def drafter_acts_only_as_author(user, decision, allowed_roles=frozenset({roles.DRAFTER})) -> bool:
    """False when `user` would act on `decision` only as a drafter (no other role of `allowed_roles`) and is not
    its author; True otherwise."""
    if roles.DRAFTER not in allowed_roles or roles.has_role(user, *(allowed_roles - {roles.DRAFTER})):
        return True
    return decision.created_by_id == user.pk


COMMENT_PERIOD_DAYS = 30  # 条例 Art 15 (statute): 征求意见期限一般不少于30日
# 条例 Art 15 lets an urgent matter shorten the period (the reason stated) and sets no floor; the floor below is
# local practice, configurable as settings.DECISION_URGENT_COMMENT_MIN_DAYS (default 1 day: the period exists).
URGENT_COMMENT_MIN_DAYS_DEFAULT = 1
# 条例 Art 26 (statute): the judicial office is given "一般不少于7个工作日" to review. A minimum granted to the
# reviewer (D7), not the reviewer's deadline: that target is the `decision.review` deadline rule (local practice).
REVIEW_MINIMUM_WORKING_DAYS = 7


def urgent_comment_min_days() -> int:
    from django.conf import settings

    return int(getattr(settings, "DECISION_URGENT_COMMENT_MIN_DAYS", URGENT_COMMENT_MIN_DAYS_DEFAULT))


class DecisionFlow(BaseFlow):
    process = "decision"
    state = model_state(S, S.DRAFT)

    def object_permission(self, transition: str, user) -> bool:
        """A drafter fires the drafter's steps (submit, revise, withdraw) on the decisions they wrote only; the
        principal withdraws any (local practice, NOT_THE_AUTHOR above)."""
        return drafter_acts_only_as_author(user, self.obj, roles.TRANSITION_ROLES[("decision", transition)])

    def object_refusal(self, transition: str):
        """404 for a draft the user may not see (as its page and GET answer: no oracle of another's drafts), else
        403 NOT_THE_AUTHOR."""
        if self.user is not None and not may_see_decision(self.user, self.obj):
            return NotFound(Message(NO_SUCH_DECISION))
        return NotPermitted(NOT_THE_AUTHOR, rule="roles")

    # --- legality review (条例 Art 25-28) ------------------------------------------------------------

    @state.transition(
        source=[S.DRAFT, S.RETURNED], target=S.IN_REVIEW, label=_("Submit for legality review"),
        permission=roles.permission("decision", "submit_for_review"),
    )
    def submit_for_review(self, comment="", urgency_reason=""):
        decision = self.obj
        if urgency_reason:
            decision.participation_urgency_reason = urgency_reason
        self._require_preparation()  # D5
        decision.submitted_at = timezone.now()
        decision.reviewed_fingerprint = ""
        # The reviewer's target (local practice, the deadline rule); Art 26's 7 working days are D7's minimum.
        open_deadline(decision, "decision.review", timezone.localdate())
        notify_role(roles.JUDICIAL_OFFICE, _("Legality review requested: {title}").format(title=decision.title),
                    link=decision.page_path())

    @state.transition(
        source=S.IN_REVIEW, target=S.RETURNED, label=_("Return for revision"),
        permission=roles.permission("decision", "return_for_revision"),
    )
    def return_for_revision(self, opinion, authority_ok=None, procedure_ok=None, content_ok=None, **notes):
        checks = self._require_failed_check(authority_ok, procedure_ok, content_ok)
        self._record_opinion(ReviewOpinion.Outcome.RETURNED, opinion, checks, notes)

    @state.transition(
        source=S.IN_REVIEW, target=S.REVIEW_PASSED, label=_("Pass legality review"),
        permission=roles.permission("decision", "pass_review"),
    )
    def pass_review(self, opinion, authority_ok=None, procedure_ok=None, content_ok=None, **notes):
        checks = dict(zip(D4_CHECKS, (authority_ok, procedure_ok, content_ok), strict=True))
        unanswered = [name for name, value in checks.items() if value is None]
        if unanswered:  # 条例 Art 27 (statute): each of the three checks is answered
            raise InvalidInput(D4_CHECK_UNANSWERED, fields={name: [str(D4_CHECK_UNANSWERED)] for name in unanswered})
        if False in checks.values():
            raise RuleViolation(D4_DEFECT_FOUND, rule="D4")
        self._record_opinion(ReviewOpinion.Outcome.PASSED, opinion, checks, notes)
        self.obj.reviewed_fingerprint = self.obj.content_fingerprint()  # D3: the text the review passed

    @state.transition(
        source=S.IN_REVIEW, target=S.REVIEW_FAILED, label=_("Fail legality review"),
        permission=roles.permission("decision", "fail_review"),
    )
    def fail_review(self, opinion, authority_ok=None, procedure_ok=None, content_ok=None, **notes):
        checks = self._require_failed_check(authority_ok, procedure_ok, content_ok)
        self._record_opinion(ReviewOpinion.Outcome.FAILED, opinion, checks, notes)

    @state.transition(
        source=[S.REVIEW_FAILED, S.REVIEW_PASSED], target=S.DRAFT, label=_("Revise"),
        permission=roles.permission("decision", "revise"),
    )
    def revise(self, comment=""):
        self.obj.reviewed_fingerprint = ""  # a revised text needs a new review (D3)

    # --- joint meeting (条例 Art 30) ---------------------------------------------------------------

    @state.transition(
        source=S.REVIEW_PASSED, target=S.SCHEDULED, label=_("Schedule for the joint meeting"),
        conditions=[lambda flow: flow._text_is_reviewed()],
        permission=roles.permission("decision", "schedule"),
    )
    def schedule(self, meeting, urgency_reason=""):
        decision = self.obj
        today = timezone.localdate()
        if meeting.state != MeetingState.PLANNED or meeting.date < today:
            raise RuleViolation(D9_MEETING_NOT_PLANNED, rule="D9")
        if not meeting.attendees.filter(groups__name=roles.JUDICIAL_OFFICE).exists():
            raise RuleViolation(D6_NO_JUDICIAL_OFFICE, rule="D6")
        self._require_review_lead_time(meeting, urgency_reason)  # D7
        decision.meeting = meeting
        decision.scheduling_urgency_reason = urgency_reason or ""
        AgendaItem.objects.create(
            meeting=meeting, decision=decision, order=meeting.agenda_items.count() + 1,
            content_fingerprint=decision.reviewed_fingerprint,
        )

    @state.transition(
        source=S.SCHEDULED, target=S.REVIEW_PASSED, label=_("Defer"),
        conditions=[lambda flow: flow._meeting_is_held()],
        permission=roles.permission("decision", "defer"),
    )
    def defer(self, comment=""):
        self._record_outcome(AgendaItem.Outcome.DEFERRED, comment)
        self.obj.meeting = None

    @state.transition(
        source=S.SCHEDULED, target=S.APPROVED, label=_("Approve"),
        conditions=[lambda flow: flow._meeting_is_held(), lambda flow: flow._text_is_reviewed()],
        permission=roles.permission("decision", "approve"),
    )
    def approve(self, comment="", dissent=""):
        self._record_outcome(AgendaItem.Outcome.APPROVED, comment, dissent)

    @state.transition(
        source=S.SCHEDULED, target=S.REJECTED, label=_("Reject"),
        conditions=[lambda flow: flow._meeting_is_held()],
        permission=roles.permission("decision", "reject"),
    )
    def reject(self, comment="", dissent=""):
        self._record_outcome(AgendaItem.Outcome.REJECTED, comment, dissent)

    # --- signature and publication (条例 Art 31-32) ---------------------------------------------------

    @state.transition(
        source=S.APPROVED, target=S.SIGNED, label=_("Sign"),
        conditions=[lambda flow: flow._text_is_reviewed(), lambda flow: flow._party_committee_reported()],
        permission=roles.permission("decision", "sign"),
    )
    def sign(self):
        decision = self.obj
        now = timezone.now()
        decision.signed_by = self.user
        decision.signed_at = now
        year = timezone.localdate(now).year
        decision.number = next_number("decision", year, _decision_number_format())  # D8
        # 决定正文: issued as signed (it carries the decision's number; its date is the signing date).
        issue("decision_text", decision, user=self.user, on=timezone.localdate(now), client_ip=self.client_ip,
              locked=True)  # fire_transition holds the decision's row lock
        open_deadline(decision, "decision.publication", timezone.localdate(now))  # 条例 Art 32

    @state.transition(
        source=S.SIGNED, target=S.PUBLISHED, label=_("Publish"),
        permission=roles.permission("decision", "publish"),
    )
    def publish(self, channel, published_on=None):
        published_on = published_on or timezone.localdate()
        check_business_date(self.obj, "published_on", published_on)  # 条例 Art 32: after signing, not ahead
        self.obj.published_on = published_on
        self.obj.publication_channel = channel
        close_deadlines(self.obj, "decision.publication", closed_on=published_on)

    @state.transition(
        source=[S.DRAFT, S.IN_REVIEW, S.RETURNED, S.REVIEW_PASSED, S.REVIEW_FAILED, S.SCHEDULED, S.APPROVED,
                S.SIGNED],
        target=S.WITHDRAWN, label=_("Withdraw"),
        permission=roles.permission("decision", "withdraw"),
    )
    def withdraw(self, reason):
        self.obj.withdrawal_reason = reason
        if self.obj.meeting_id:
            self._record_outcome(AgendaItem.Outcome.WITHDRAWN, reason)
            self.obj.meeting = None
        close_deadlines(self.obj, "decision.review", "decision.publication", status="cancelled")

    # --- guards ---------------------------------------------------------------------------------

    def _text_is_reviewed(self):
        """D3 One text throughout: what is deliberated and signed is exactly what the review passed."""
        decision = self.obj
        return refuse(
            decision.reviewed_fingerprint and decision.reviewed_fingerprint == decision.content_fingerprint(),
            RuleViolation(D3_TEXT_CHANGED, rule="D3"),
        )

    def _party_committee_reported(self):
        """条例 Art 31 (statute): reported to the Party committee before issuance, when the decision needs it."""
        decision = self.obj
        return refuse(
            not decision.party_committee_report_required or decision.party_committee_reports.exists(),
            RuleViolation(A31_REPORT_MISSING, rule="条例 Art 31"),
        )

    def _meeting_is_held(self):
        """D9 Deliberation happens at the meeting."""
        meeting = self.obj.meeting
        return refuse(
            meeting is not None and meeting.state == MeetingState.HELD,
            RuleViolation(D9_MEETING_NOT_HELD, rule="D9"),
        )

    def _require_preparation(self):
        """D5 Preparation first (条例 Art 14-15, 19-24).

        Art 14 (statute): public participation unless the law withholds the matter (ground recorded).
        Art 15 (statute): a comment period of ≥30 days; an urgent matter may shorten it, the reason stated — a
        shortened period still exists, has started and has ended before submission (floor: local practice).
        """
        decision = self.obj
        records = list(decision.preparation.all())
        if not decision.public_participation_required and not decision.participation_exemption_ground.strip():
            raise RuleViolation(D5_NO_GROUND, rule="D5")
        if decision.public_participation_required:
            days = decision.public_comment_days(before=timezone.localdate())
            if decision.participation_urgency_reason.strip():
                floor = urgent_comment_min_days()
                if days is None or days < floor:
                    raise RuleViolation(Message(D5_COMMENT_SHORTENED, days=floor), rule="D5")
            elif days is None or days < COMMENT_PERIOD_DAYS:
                raise RuleViolation(D5_COMMENT_PERIOD, rule="D5")
        kinds = {r.kind for r in records}
        if decision.expert_argumentation_required and PreparationRecord.Kind.EXPERT_ARGUMENTATION not in kinds:
            raise RuleViolation(D5_EXPERT, rule="D5")
        if decision.risk_assessment_required and PreparationRecord.Kind.RISK_ASSESSMENT not in kinds:
            raise RuleViolation(D5_RISK, rule="D5")

    def _require_review_lead_time(self, meeting, urgency_reason):
        """D7 The reviewer is given at least 7 working days (条例 Art 26, statute) before the meeting, unless
        an urgency reason is recorded. A minimum for the reviewer, not the reviewer's deadline."""
        if (urgency_reason or "").strip():
            return
        days = REVIEW_MINIMUM_WORKING_DAYS
        submitted = timezone.localdate(self.obj.submitted_at)
        earliest = calendar.add_working_days(submitted, days).date
        if meeting.date < earliest:
            raise RuleViolation(
                Message(D7_TOO_SOON, days=days, earliest=earliest.isoformat()), rule="D7"
            )

    @staticmethod
    def _require_failed_check(authority_ok, procedure_ok, content_ok):
        """条例 Art 27: a review that returns or fails the draft names the check (or checks) that failed."""
        checks = dict(zip(D4_CHECKS, (authority_ok, procedure_ok, content_ok), strict=True))
        if False not in checks.values():
            raise InvalidInput(D4_NAME_THE_FAILED_CHECK,
                               fields={name: [str(D4_NAME_THE_FAILED_CHECK)] for name in D4_CHECKS})
        return checks

    def _record_opinion(self, outcome, opinion, checks, notes):
        """D4 Written opinions, from the judicial office only (the permission table ensures the role), with the
        three checks of 条例 Art 27 and a note on each."""
        decision = self.obj
        written = ReviewOpinion.objects.create(
            decision=decision, outcome=outcome, opinion=opinion, **checks,
            authority_note=notes.get("authority_note") or "", procedure_note=notes.get("procedure_note") or "",
            content_note=notes.get("content_note") or "",
            content_fingerprint=decision.content_fingerprint(), reviewer=self.user,
        )
        # 合法性审查意见书 (条例 Art 28): each written opinion is a numbered document, issued as it is given.
        issue("legality_review_opinion", decision, record=written, user=self.user, on=timezone.localdate(),
              client_ip=self.client_ip, locked=True)  # fire_transition holds the decision's row lock
        close_deadlines(decision, "decision.review")

    def _record_outcome(self, outcome, comment="", dissent=""):
        item = self.obj.agenda_items.filter(meeting=self.obj.meeting, outcome=AgendaItem.Outcome.PENDING).first()
        if item is not None:
            item.outcome = outcome
            item.comment = comment or ""
            item.dissent = dissent or ""
            item.save(update_fields=["outcome", "comment", "dissent"])


def _decision_number_format() -> str:
    from django.conf import settings

    return settings.DECISION_NUMBER_FORMAT


# --------------------------------------------------------------------------------------------------
# Joint meeting (党政联席会议): planned → held (with minutes) → closed.
# --------------------------------------------------------------------------------------------------

D9_NOT_YET = _("A meeting can be recorded as held only on or after its date.")
MINUTES_REQUIRED = _("Every agenda item needs an outcome (approve, reject or defer) before the meeting is closed.")


class MeetingFlow(BaseFlow):
    process = "meeting"
    state = model_state(MeetingState, MeetingState.PLANNED)

    @state.transition(
        source=MeetingState.PLANNED, target=MeetingState.HELD, label=_("Record as held"),
        conditions=[lambda flow: flow._date_has_come()],
        permission=roles.permission("meeting", "hold"),
    )
    def hold(self, minutes):
        from django.conf import settings

        meeting = self.obj
        meeting.minutes = minutes
        meeting.held_at = timezone.now()
        meeting.number = next_number("meeting", meeting.date.year, settings.MEETING_NUMBER_FORMAT)
        # The 会议纪要 is readable from now on (a draft built from today's data); it is issued, and its content
        # frozen, when the meeting closes: only then has every agenda item its outcome (after_transition).

    @state.transition(
        source=MeetingState.HELD, target=MeetingState.CLOSED, label=_("Close"),
        conditions=[lambda flow: flow._every_item_decided()],
        permission=roles.permission("meeting", "close"),
    )
    def close(self, comment=""):
        pass

    def after_transition(self, name):
        """会议纪要 (条例 Art 30: each item's outcome recorded): issued once the meeting is closed, i.e. when every
        agenda item has its outcome (MINUTES_REQUIRED), dated the meeting's day; audited after the close."""
        if name == "close":
            issue("minutes", self.obj, user=self.user, on=self.obj.date, client_ip=self.client_ip,
                  locked=True)  # fire_transition holds the meeting's row lock

    def _date_has_come(self):
        """D9: deliberation is recorded at the meeting, so not before its date."""
        return refuse(self.obj.date <= timezone.localdate(), RuleViolation(D9_NOT_YET, rule="D9"))

    def _every_item_decided(self):
        """条例 Art 30: the minutes record each item's outcome."""
        pending = self.obj.agenda_items.filter(outcome=AgendaItem.Outcome.PENDING).exists()
        return refuse(not pending, RuleViolation(MINUTES_REQUIRED, rule="条例 Art 30"))
