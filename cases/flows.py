"""Enforcement case (行政处罚案件): report → filing → investigation (inquiries, mediation) → notice →
hearing / legal review → decision → service → execution → closing. States and roles: CONTRACT §5;
rules C1–C9: DESIGN §3. Statute: 行政处罚法 (2021), cited as Art N.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import State

from documents import registry as document_registry, services as document_services
from documents.models import IssuedDocument
from notifications.calendar import add_calendar_days, add_working_days, roll_to_working_day
from notifications.deadlines import add_months, close_deadlines, open_deadline, open_deadlines
from notifications.models import Deadline
from notifications.services import notify_role, notify_users
from workflows import roles
from workflows.base_flow import BaseFlow, model_state, refuse
from workflows.dates import check_business_date
from workflows.errors import InvalidInput, Message, NotPermitted, RuleViolation, bilingual
from workflows.models import AuditEntry
from workflows.numbering import next_number

from . import measures as penalty_measures, party_rules, self_check
from .models import (
    PAYABLE_STATES,
    Case,
    CaseState as S,
    CorrectionOrder,
    LegalReview,
    MediationAgreement,
    Payment,
    Remedy,
)
from .party_rules import (  # noqa: F401 (the flows' rules, re-exported)
    C5_HEARING_ELIGIBLE,
    C5_HEARING_HELD,
    C5_NEEDS_REVIEW,
    NOTICE_NO_PENALTY,
    Requirement,
    legal_review_required,
    limitation_expired,
    require_fine_in_range,
)
from .payment_plans import fit_plan_deadlines_to_fine, lapse_payment_plans
from .payments import payment_status
from .publicity import publicity_required

C1_PAIR = _("At least two officers with enforcement certificates valid on {day} are required (Art 42, 55); "
            "not valid: {invalid}.")
C1_TOO_FEW = _("At least two different certified officers are required (Art 42, 55).")
C4_WINDOW = _("The party's {window} runs until {until} (Art {article}); submit the decision after it, or record "
              "the party's written waiver.")
C5_RECUSAL = _("A case officer may not review their own case (Art 58, recusal).")
C5_QUALIFICATION = _("A first-time legal reviewer needs the legal professional qualification (Art 58 ¶2).")
C6_DISCUSSION = _("A major case needs the record of the collective discussion by the agency's leaders (Art 57 ¶2).")
C7_PENALTY_CONTENT = _("A penalty needs a fine or measures.")
C8_NOT_MEDIABLE = _("“{name}” is not mediable: mediation is offered only where a civil dispute lies under the "
                    "violation; a penalty is never bargained over.")
C8_NOT_CORRECTED = _("Mediation can end the case only once the violation is corrected.")
HEARING_NOT_ELIGIBLE = _("This penalty does not entitle the party to a hearing (Art 63).")
C6_ELIGIBLE = _("A penalty that entitles the party to a hearing needs the collective discussion of the agency's "
                "leaders (Art 57 ¶2).")
C6_INCOMPLETE = _("Record the collective discussion with its conclusion and at least two attendees (Art 57 ¶2).")
ART45_NO_FINE = _("The notice proposed no fine; a fine needs a new notice to the party (Art 45 ¶2).")
ART45_FINE = _("The fine {fine} exceeds the {proposed} yuan the notice proposed: a party is not penalised more "
               "heavily for defending itself (Art 45 ¶2); notify the party again with the higher amount.")
ART45_MEASURE = _("“{measures}” was not in the notice: a decision may drop what the notice proposed or put one "
                  "lighter measure instead of it, but not add to it (Art 45 ¶2); notify the party again.")
ART45_CONFISCATION = _("The confiscation of {value} yuan exceeds the {proposed} yuan the notice proposed (Art 45 ¶2); "
                       "notify the party again.")
ART64_NOTICE = _("The hearing on {day} is fewer than 7 working days after the party was notified of it on "
                 "{notice}; the earliest day is {earliest} (Art 64(2), 85).")
ART64_NOTICE_ORDER = _("The party is told of the hearing after requesting it on {requested_on}.")
ART64_PRESIDING = _("The presiding officer may not be one of the case's investigating officers, nor anyone named "
                    "on its inquiry records (Art 64(4)).")
ART64_NOT_SCHEDULED = _("Schedule the hearing first: its time, presiding officer and notice (Art 64).")
ART64_NOT_HELD = _("The hearing is scheduled for {at}; its record is entered once it has been held (Art 64).")
ART64_UNSIGNED = _("The hearing record must be signed by the participants, or their refusal to sign noted "
                   "(Art 64(8)).")
CLOSE_PUBLICITY = _("Record whether the decision was made public (date and channel) or why not before closing "
                    "the case (Art 48 ¶1).")
HEARING_LATE = _("A hearing must be requested within 5 working days of the notice, by {until} (Art 64).")
ART60_LATE = _("The 90-day period to decide ended on {due} (Art 60); record an approved extension first.")
CLOSE_NOT_EXECUTED = _("A penalty case is closed only after execution.")
REVOKE_AFTER_NOTICE = _("The party has been notified (Art 44): the case is ended by a decision, a penalty or no "
                        "penalty with its ground (Art 57), not by revoking the filing.")
DISCUSSION_DATE = _("The collective discussion is held after the notice of {notified_on} and not after the "
                    "decision of {decided_on} (Art 57 ¶2).")
HEARING_TOO_LATE = _("The hearing is held within a year of its notice, by {latest} (local practice).")
NOT_CASE_OFFICER = _("Only the officers assigned to this case may do this.")
SPOT_FILING_NOT_PENDING = _("Only an on-the-spot decision not yet filed with the agency is filed (Art 52).")
HANDOVER_NOT_PENDING = _("Only a fine collected on the spot and not yet handed over is handed over (Art 71).")
HANDOVER_RECEIPT = _("Give the receipt of the hand-over, or a note on it (Art 71).")
CLOSE_SPOT_NOT_FILED = _("An on-the-spot decision is closed only after it was filed with the agency (Art 52).")
CLOSE_NOT_HANDED_OVER = _("A fine collected on the spot must be handed over to the agency before the case is closed "
                          "(Art 71).")
FINE_UNPAID = _("{balance} yuan of the fine is still unpaid: record the payments first (Art 67).")
NO_NOTICE_GROUND = _("Without a notice, no penalty is proposed only where the facts are not established, the "
                     "limitation has expired, the party was under fourteen or incapable, or had no fault (Art 57, "
                     "30, 31, 33 ¶2, 36); a first or minor corrected violation is notified first (Art 33 ¶1, 44).")
RECEIPT_RECORDED = _("The receipt of this transfer is recorded already.")
# Execution by demand and court (行政强制法 Art 53-54, 69) and remedies (行政复议法 Art 20, 行政诉讼法 Art 46)
DEMAND_NOTHING_OWED = _("No fine is owed on this case: there is nothing to demand (行政强制法 Art 54).")
DEMAND_TOO_EARLY = _("The fine may be paid until {due} (Art 67): a demand is served only after the payment period "
                     "has passed unpaid, from {earliest} (Art 72; 行政强制法 Art 54).")
COURT_REMEDY_PENDING = _("A {kind} against the decision is pending: the court is not applied to while it lasts "
                         "(行政强制法 Art 53).")
COURT_DEMAND_PERIOD = _("The party has 10 working days after the demand served on {served} to pay, until {until}; "
                        "apply to the court from {earliest} (行政强制法 Art 54, 69).")
COURT_REMEDY_PERIODS = _("The party may still seek reconsideration, sue or appeal until {until} (行政复议法 Art 20; "
                         "行政诉讼法 Art 45, 46, 85); apply to the court from {earliest} (行政强制法 Art 53).")
COURT_LAPSED = _("The three months to apply to the court ended on {until} (行政强制法 Art 53): the right to apply "
                 "has lapsed.")
COURT_NOTHING_OWED = _("No fine is owed on this case: there is nothing for the court to enforce.")
REMEDY_UNKNOWN = _("This case has no such reconsideration or lawsuit.")
REMEDY_DECIDED = _("The outcome of this {kind} is recorded already ({outcome}).")
REMEDY_DECIDED_BEFORE = _("The outcome cannot be dated before the filing of {filed_on}.")
REMEDY_NEW_FINE = _("Give the fine as changed.")
DEMAND_AMOUNT = _("The amount demanded must be more than 0 and at most what is owed, {owed} yuan (the fine's balance "
                  "and the surcharge).")
DEMAND_TERM_BEFORE = _("The term of performance cannot end before the demand was served ({served}).")
REMEDY_FINE_RAISED = _("The fine may not be raised on reconsideration or by the court: {new_fine} yuan is more than "
                       "the decision's {fine} yuan (行政复议法 Art 63 ¶2; 行政诉讼法 Art 77 ¶2).")
COURT_NOTHING_OVERDUE = _("Nothing owed is overdue: the next amount falls due on {due}; the court is applied to only "
                          "for an amount the party failed to pay by its date, from {earliest} (行政强制法 Art 53, 54).")


def _fmt_money(value) -> str:
    return f"{Decimal(value):,.2f}"


# The deadlines that end when the fine is paid or the case leaves execution.
EXECUTION_DEADLINES = ("case.payment", "case.instalment", "case.demand_period", "case.court_application")
# Where a reconsideration or lawsuit against the decision may be recorded (a decision exists).
REMEDY_SOURCES = (S.DECIDED, S.SERVED, S.DEMANDED, S.COURT_ENFORCEMENT, S.EXECUTED)
# 处罚法 Art 48 ¶2: the outcomes after which a published decision is withdrawn (变更、撤销; 确认违法、确认无效 are not
# recorded as remedy outcomes yet).
WITHDRAWING_OUTCOMES = (Remedy.Outcome.CHANGED, Remedy.Outcome.REVOKED, Remedy.Outcome.REVOKED_REDO)


class CaseFlow(BaseFlow):
    process = "case"
    state = model_state(S, S.REPORTED)
    LEGAL_REVIEW_TRANSITIONS = ("pass_legal_review", "return_legal_review")
    # Read by the guards of most steps (the party: Art 30-32; the violation type: its fine range, Art 63, C8):
    # fetched with the locked row (workflows.services.fire_transition).
    select_related = ("party", "violation_type")

    def object_permission(self, transition, user) -> bool:
        if transition in roles.CASE_OFFICER_TRANSITIONS:
            return self._is_case_officer(user)
        if transition == "record_transfer_receipt":  # the brigade chief, or one of the case's own officers
            return roles.has_role(user, roles.BRIGADE_CHIEF) or self._is_case_officer(user)
        if transition in self.LEGAL_REVIEW_TRANSITIONS:
            return not self._is_case_officer(user)  # C5 recusal (Art 58): nobody reviews their own case
        return True

    def _is_case_officer(self, user) -> bool:
        """Whether `user` is one of the case's officers; asked once per flow and user (a step checks it in its
        permission and again in its guard)."""
        known = self.__dict__.setdefault("_case_officer", {})
        if user.pk not in known:
            known[user.pk] = self.obj.officers.filter(pk=user.pk).exists()
        return known[user.pk]

    # The numbered documents a step issues (DESIGN §10): issued in the step's transaction, dated with the step's
    # business date, so that the number is taken once and shows in the audit trail right after the step.
    ISSUES = {
        "notify": ("penalty_notice", "notified_on"),  # Art 44
        "schedule_hearing": ("hearing_notice", "hearing_notice_on"),  # Art 64(2)
        "decide": (None, "decided_on"),  # Art 57, 59: the kind follows the outcome
        "demand_payment": ("payment_demand", "demand_served_on"),  # 行政强制法 Art 54
        "apply_to_court": ("enforcement_application", "court_applied_on"),  # 行政强制法 Art 55
    }

    def after_transition(self, name):
        if name not in self.ISSUES:
            return
        case = self.obj
        kind_name, date_field = self.ISSUES[name]
        if kind_name is None:
            kind_name = "penalty_decision" if case.outcome == Case.Outcome.PENALTY else "no_penalty_decision"
        issue_document(kind_name, case, user=self.user, on=getattr(case, date_field),
                       client_ip=self.client_ip, locked=True)  # fire_transition holds the case's row lock

    def object_refusal(self, transition):
        if transition in self.LEGAL_REVIEW_TRANSITIONS:
            return NotPermitted(C5_RECUSAL, rule="C5 Art 58")
        return NotPermitted(NOT_CASE_OFFICER, rule="roles")

    # --- filing (Art 54) -------------------------------------------------------------------------

    @state.transition(source=S.REPORTED, target=S.INVESTIGATING, label=_("File the case"),
                      permission=roles.permission("case", "file"))
    def file(self, officers, comment="", filed_on=None, limitation_override_reason="",
             harm_to_life_health_or_finance=None, harm_description=""):
        case = self.obj
        if harm_to_life_health_or_finance is not None:  # the chief confirms or corrects the report (Art 36)
            case.harm_to_life_health_or_finance = harm_to_life_health_or_finance
        if (harm_description or "").strip():
            case.harm_description = harm_description.strip()
        party_rules.require_harm_described(case.harm_to_life_health_or_finance, case.harm_description)  # Art 36
        if not case.harm_to_life_health_or_finance:
            case.harm_description = ""
        filed_on = filed_on or timezone.localdate()
        check_business_date(case, "filed_on", filed_on)  # Art 54: after the violation and its report
        require_certified_pair(officers, filed_on)  # C1
        party_rules.require_within_limitation(case, limitation_override_reason)  # C3 Art 36: at discovery
        case.filed_on = filed_on
        case.limitation_override_reason = limitation_override_reason
        case.number = next_number("case", filed_on.year, settings.CASE_NUMBER_FORMAT)  # C2
        case.officers.set(officers)
        close_deadlines(case, "case.filing", closed_on=filed_on)
        open_deadline(case, "case.decision", filed_on)  # Art 60: 90 days from filing
        notify_users(officers, _("Case assigned to you: {title}").format(title=case.title), link=case.page_path())

    @state.transition(source=S.REPORTED, target=S.NOT_FILED, label=_("Decline to file"),
                      permission=roles.permission("case", "decline"))
    def decline(self, reason):
        self.obj.decline_reason = reason
        close_deadlines(self.obj, "case.filing")

    @state.transition(source=[S.REPORTED, S.INVESTIGATING], target=S.TRANSFERRED, label=_("Transfer"),
                      permission=roles.permission("case", "transfer"))
    def transfer(self, to, reason, transferred_on=None):
        """移送 (Art 27 ¶1; 行政执法机关移送涉嫌犯罪案件的规定, 国务院令第310号): a case beyond the agency's
        competence, or a suspected crime, goes to the competent body. Who fires it: the brigade chief (the role
        table, workflows.roles). Decree 310 Art 5 and 8 say the agency's head (正职负责人 or the one in charge)
        approves a transfer of a suspected crime; here the chief records it — the principal's approval is taken
        on paper (local practice, documented; a principal-only transfer would be a change of the role table).
        The receipt (回执, decree 310 Art 8-9) is recorded by `record_transfer_receipt`. The day of the transfer
        (default today) is recorded: not before the report or the filing, not in the future."""
        transferred_on = transferred_on or timezone.localdate()
        check_business_date(self.obj, "transferred_on", transferred_on, input_name="transferred_on")
        self.obj.transferred_on = transferred_on
        self.obj.transferred_to = to
        self.obj.transfer_reason = reason
        close_deadlines(self.obj, "case.filing", "case.decision")
        cancel_correction_deadlines(self.obj)
        notify_role(roles.BRIGADE_CHIEF, _("Transfer awaits its receipt: {title}").format(title=self.obj.title),
                    link=self.obj.page_path())

    @state.transition(source=S.TRANSFERRED, target=S.TRANSFERRED, label=_("Record the transfer receipt"),
                      conditions=[lambda flow: flow._receipt_missing()],
                      permission=roles.permission("case", "record_transfer_receipt"))
    def record_transfer_receipt(self, received_on, receiver, receipt_note=""):
        """回执: the receiving body's written acknowledgement (行政执法机关移送涉嫌犯罪案件的规定 Art 8-9: the body
        receiving the transfer signs the receipt; local practice here for every transfer under Art 27). Recorded
        once; the chief's inbox shows "移送待回执" until then. Not before the transfer (its transferred_on; a case
        transferred before that was recorded is bounded by the report and the filing) and not in the future."""
        case = self.obj
        check_business_date(case, "transfer_received_on", received_on, input_name="received_on")
        case.transfer_received_on = received_on
        case.transfer_receiver = receiver
        case.transfer_receipt_note = receipt_note

    # --- mediation (C8, 人民调解法) ---------------------------------------------------------------

    @state.transition(source=S.INVESTIGATING, target=S.MEDIATING, label=_("Start mediation"),
                      conditions=[lambda flow: flow._mediable()],
                      permission=roles.permission("case", "start_mediation"))
    def start_mediation(self, comment=""):
        pass

    @state.transition(source=S.MEDIATING, target=S.DECIDING, label=_("Mediation succeeded"),
                      permission=roles.permission("case", "mediation_succeeded"))
    def mediation_succeeded(self, agreement, violation_corrected=True, concluded_on=None):
        """C8: the agreement is recorded and the case goes to the agency head, who ends it by a decision of no
        penalty (minor violation corrected, Art 33 ¶1) or by revoking the filing. The 90 days (Art 60) run on. An
        agreement inside a case opens no judicial-confirmation deadline: 人民调解法 Art 33 covers agreements of a
        people's mediation committee, not this one (statute)."""
        if violation_corrected is False:
            raise RuleViolation(C8_NOT_CORRECTED, rule="C8")
        case = self.obj
        concluded_on = concluded_on or timezone.localdate()
        check_business_date(case, "concluded_on", concluded_on)
        MediationAgreement.objects.create(case=case, agreement=agreement, concluded_on=concluded_on,
                                          recorded_by=self.user)
        notify_role(roles.PRINCIPAL, _("Mediated case awaits your decision: {title}").format(title=case.title),
                    link=case.page_path())

    @state.transition(source=[S.INVESTIGATING, S.MEDIATING, S.DECIDING], target=S.CLOSED,
                      label=_("Revoke the filing"), permission=roles.permission("case", "revoke_filing"))
    def revoke_filing(self, reason, revoked_on=None):
        """撤销立案: the agency head (principal) ends a filed case without a decision on the merits — the filing was
        wrong (no violation, another agency's competence) or a mediated dispute was settled and the violation
        corrected (C8). Local practice (规章 and provincial procedure rules; the 处罚法 itself names no such step)."""
        case = self.obj
        if case.notified_on is not None:  # the party was told of a penalty (Art 44): the case is decided now
            raise RuleViolation(REVOKE_AFTER_NOTICE, rule="Art 44, 57")
        revoked_on = revoked_on or timezone.localdate()
        check_business_date(case, "filing_revoked_on", revoked_on, input_name="revoked_on")
        case.filing_revoked_on, case.revoke_reason = revoked_on, reason
        close_deadlines(case, "case.decision", "case.statement_window", "case.hearing_request",
                        closed_on=revoked_on)
        cancel_correction_deadlines(case)

    @state.transition(source=S.INVESTIGATING, target=S.DECIDING, label=_("Propose no penalty"),
                      permission=roles.permission("case", "propose_no_penalty"))
    def propose_no_penalty(self, ground, reason):
        """The officers end the investigation with a proposal of no penalty (Art 57 ¶1(2)(3): 违法事实不能成立的
        ... 不予行政处罚; Art 30, 31, 33 ¶2, 36) and the case goes to the agency head, who decides it. No notice is
        served first: Art 44 requires the notice (告知) before a PENALTY only, so a decide of a penalty from here is
        refused (party_rules.require_notice_before_penalty).

        Only the grounds that need no notice take this path (NO_NOTICE_GROUNDS): facts not established (nothing to
        tell the party of), the limitation expired (Art 36), under fourteen (Art 30), mental incapacity (Art 31),
        no fault (Art 33 ¶2: the party has proved it — already heard). 首违不罚 and 轻微及时改正 (Art 33 ¶1) stay on
        the notice path: provincial procedure rules serve a 不予行政处罚告知书 (a notice with no fine or measure)
        so that the party may contest the finding that it violated at all (local practice, documented)."""
        if ground not in party_rules.NO_NOTICE_GROUNDS:
            raise InvalidInput(NO_NOTICE_GROUND, rule="Art 44, 57",
                               fields={"ground": [bilingual(NO_NOTICE_GROUND)]})
        case = self.obj
        case.proposed_no_penalty_ground, case.proposed_no_penalty_reason = ground, reason
        notify_role(roles.PRINCIPAL, _("No penalty proposed, awaits your decision: {title}").format(
            title=case.title), link=case.page_path())

    @state.transition(source=S.MEDIATING, target=S.INVESTIGATING, label=_("Mediation failed"),
                      permission=roles.permission("case", "mediation_failed"))
    def mediation_failed(self, reason):
        pass

    # --- notice before decision (C4, Art 44, 62-64) ---------------------------------------------------

    # A new notice (re-notify) replaces the last one from `notified` (a corrected notice) and from `deciding`: a
    # heavier penalty than the notice proposed needs one (Art 45 ¶2), and it reopens the statement and hearing
    # windows (Art 44-45, 64). From legal review the judicial office returns the case to investigation instead.
    @state.transition(source=[S.INVESTIGATING, S.NOTIFIED, S.DECIDING], target=S.NOTIFIED,
                      label=_("Notify the party"), permission=roles.permission("case", "notify"))
    def notify(self, facts, legal_basis, proposed_fine=None, proposed_measures=(), proposed_measures_note="",
               proposed_other_heavy=False, proposed_confiscation_value=None, major=False, major_reason="",
               notified_on=None, mitigation="", mitigation_ground="", intent="", no_penalty_ground=""):
        """事先告知 (Art 44-45, 63-64). `intent` "no_penalty" is the 不予行政处罚告知 of Art 33 ¶1 (a first offence
        on the 首违不罚 list, or a minor violation corrected in time: the notice by local practice, see
        party_rules.NO_NOTICE_GROUNDS): it names its `no_penalty_ground` and proposes no fine and no measure.
        A notice with neither fine nor measures is read as one too (its ground then chosen at the decision)."""
        case = self.obj
        mitigation = mitigation or Case.Mitigation.NONE
        if intent == NOTICE_NO_PENALTY:
            party_rules.require_notice_no_penalty(no_penalty_ground, proposed_fine, proposed_measures)
        case.proposed_no_penalty_ground = no_penalty_ground if intent == NOTICE_NO_PENALTY else ""
        if proposed_fine is not None or proposed_measures:  # else 不予行政处罚告知 (Art 33, 44)
            party_rules.require_party_may_be_penalised(case, mitigation=mitigation,
                                                       mitigation_ground=mitigation_ground)  # Art 30-32
        if proposed_fine is not None:
            require_fine_in_range(case, proposed_fine, mitigation)  # C7, Art 32
        case.mitigation = mitigation
        case.mitigation_ground = mitigation_ground if mitigation != Case.Mitigation.NONE else ""
        renotice = case.notified_on is not None
        codes = measure_codes(proposed_measures, proposed_fine)
        case.facts, case.legal_basis = facts, legal_basis
        case.proposed_fine, case.proposed_measures = proposed_fine, codes
        case.proposed_measures_note = proposed_measures_note
        case.proposed_other_heavy = bool(proposed_other_heavy) and "other" in codes
        case.proposed_confiscation_value = (proposed_confiscation_value
                                            if set(codes) & set(penalty_measures.CONFISCATIONS) else None)
        # Once major (flagged, or a hearing was held), always major: C5 cannot be undone by a new notice.
        case.major = case.major or bool(major)
        case.major_reason = major_reason or case.major_reason
        notified_on = notified_on or timezone.localdate()
        check_business_date(case, "notified_on", notified_on)  # Art 44: after the filing and the inquiries
        case.notified_on = notified_on
        case.hearing_eligible = hearing_eligibility(case, proposed_fine, codes, case.proposed_other_heavy,
                                                    case.proposed_confiscation_value)  # Art 63
        if renotice:  # the windows of the earlier notice, and what the party did in them, belong to that notice
            close_deadlines(case, "case.statement_window", "case.hearing_request", status=Deadline.Status.CANCELLED)
            case.waiver, case.waiver_on, case.waiver_scope, case.waiver_note = False, None, "", ""
            case.hearing_requested_on = None
            case.hearing_at, case.hearing_notice_on, case.presiding_officer = None, None, None
        openings = [("case.statement_window", case.notified_on)]  # Art 44-45
        if case.hearing_eligible:
            openings.append(("case.hearing_request", case.notified_on))  # Art 64
        open_deadlines(case, openings)

    @state.transition(source=S.NOTIFIED, target=S.NOTIFIED, label=_("Record the party's waiver"),
                      permission=roles.permission("case", "record_waiver"))
    def record_waiver(self, scope, waived_on=None, note=""):
        """The party waives its statement and defence (Art 44-45) and/or its hearing (Art 63-64) in writing; the
        waiver is recorded once on the case and unlocks every step that waits for those windows."""
        self._record_waiver(scope, waived_on, note)

    def _record_waiver(self, scope, waived_on=None, note=""):
        case = self.obj
        case.waiver = True
        case.waiver_on = waived_on or timezone.localdate()
        case.waiver_scope = scope
        case.waiver_note = note

    @state.transition(source=S.NOTIFIED, target=S.HEARING, label=_("Hearing requested"),
                      conditions=[lambda flow: flow._hearing_possible()],
                      permission=roles.permission("case", "request_hearing"))
    def request_hearing(self, requested_on=None):
        self._record_hearing_request(requested_on)

    def _record_hearing_request(self, requested_on):
        case = self.obj
        if not case.hearing_eligible:
            raise RuleViolation(HEARING_NOT_ELIGIBLE, rule="Art 63")
        requested_on = requested_on or timezone.localdate()
        check_business_date(case, "hearing_requested_on", requested_on, input_name="requested_on")  # Art 64
        window = window_end(case, "case.hearing_request")
        if window and requested_on > window:
            raise RuleViolation(Message(HEARING_LATE, until=window), rule="C4 Art 64")
        case.hearing_requested_on = requested_on
        case.major = True  # DESIGN C5: a case with a hearing is reviewed as a major case
        case.major_reason = case.major_reason or str(_("Hearing held (Art 58 ¶1(2))"))
        close_deadlines(case, "case.statement_window", "case.hearing_request", closed_on=requested_on)

    @state.transition(source=[S.NOTIFIED, S.HEARING], target=S.HEARING, label=_("Schedule the hearing"),
                      conditions=[lambda flow: flow._hearing_possible()],
                      permission=roles.permission("case", "schedule_hearing"))
    def schedule_hearing(self, hearing_at, presiding_officer, public=None, private_reason="", hearing_notice_on=None,
                         requested_on=None):
        """Art 64: the hearing's time, its presiding officer and whether it is public. From `notified` it also
        records the party's request (as `request_hearing`); in `hearing` it (re)schedules."""
        case = self.obj
        if case.hearing_requested_on is None:  # from `notified`: the request comes with the schedule
            self._record_hearing_request(requested_on)
        notice_on = hearing_notice_on or timezone.localdate()
        if notice_on < case.hearing_requested_on:
            raise InvalidInput(Message(ART64_NOTICE_ORDER, requested_on=case.hearing_requested_on),
                               fields={"hearing_notice_on": [bilingual(Message(ART64_NOTICE_ORDER,
                                                                               requested_on=case.hearing_requested_on))]})
        require_hearing_notice(hearing_at, notice_on)  # Art 64(2)
        hearing_day = timezone.localdate(hearing_at) if timezone.is_aware(hearing_at) else hearing_at.date()
        latest = party_rules.add_years(notice_on, 1)  # LOCAL bound: within a year of the hearing notice
        if hearing_day > latest:
            message = Message(HEARING_TOO_LATE, latest=latest)
            raise InvalidInput(message, rule="local rule hearing within a year",
                               fields={"hearing_at": [bilingual(message)]})
        # Art 64(4) 非本案调查人员 (statute): neither an assigned case officer nor anyone who took part in an inquiry
        if (case.officers.filter(pk=presiding_officer.pk).exists()
                or case.inquiries.filter(officers=presiding_officer).exists()):
            raise RuleViolation(ART64_PRESIDING, rule="Art 64(4)")
        case.hearing_at, case.presiding_officer = hearing_at, presiding_officer
        case.hearing_notice_on = notice_on
        # Art 64(3): public unless it touches a state secret, a trade secret or privacy (the form asks the reason)
        case.hearing_public = public is not False
        case.hearing_private_reason = "" if case.hearing_public else private_reason

    @state.transition(source=S.HEARING, target=S.LEGAL_REVIEW, label=_("Finish the hearing"),
                      permission=roles.permission("case", "finish_hearing"))
    def finish_hearing(self, hearing_record, record_signed=None, refusal_to_sign=""):
        """Art 64: held as scheduled; the record is signed by the participants (Art 64(8): a refusal is noted);
        the case then goes to legal review (Art 58 ¶1(2)) and collective discussion (Art 57 ¶2)."""
        case = self.obj
        if case.hearing_at is None:
            raise RuleViolation(ART64_NOT_SCHEDULED, rule="Art 64")
        if timezone.now() < case.hearing_at:
            raise RuleViolation(Message(ART64_NOT_HELD, at=timezone.localtime(case.hearing_at)
                                        .strftime("%Y-%m-%d %H:%M")), rule="Art 64")
        if not record_signed and not refusal_to_sign.strip():
            raise RuleViolation(ART64_UNSIGNED, rule="Art 64(8)")
        case.hearing_record = hearing_record
        case.hearing_record_signed = bool(record_signed)
        case.hearing_refusal_to_sign = refusal_to_sign
        self._ask_judicial_office()

    @state.transition(source=S.NOTIFIED, target=S.LEGAL_REVIEW, label=_("Submit for legal review"),
                      conditions=[lambda flow: flow._windows_passed()],
                      permission=roles.permission("case", "submit_legal_review"))
    def submit_legal_review(self, comment=""):
        close_deadlines(self.obj, "case.statement_window", "case.hearing_request")
        self._ask_judicial_office()

    @state.transition(source=S.NOTIFIED, target=S.DECIDING, label=_("Submit for decision"),
                      permission=roles.permission("case", "submit_decision"))
    def submit_decision(self, waiver=False):
        case = self.obj
        reason = legal_review_required(case)
        if reason is not None:
            raise RuleViolation(reason.message, rule=reason.rule)
        if waiver:  # kept for compatibility: recorded as the waiver of both windows, today
            self._record_waiver(Case.WaiverScope.BOTH)
        windows = self._windows_passed()
        if not windows:
            raise windows.unmet
        close_deadlines(case, "case.statement_window", "case.hearing_request")

    # --- legal review (C5, Art 58) --------------------------------------------------------------

    @state.transition(source=S.LEGAL_REVIEW, target=S.DECIDING, label=_("Pass legal review"),
                      permission=roles.permission("case", "pass_legal_review"))
    def pass_legal_review(self, opinion):
        self._review(LegalReview.Outcome.PASSED, opinion)

    @state.transition(source=S.LEGAL_REVIEW, target=S.INVESTIGATING, label=_("Return from legal review"),
                      permission=roles.permission("case", "return_legal_review"))
    def return_legal_review(self, opinion):
        self._review(LegalReview.Outcome.RETURNED, opinion)

    # --- decision (Art 57, 60-62) --------------------------------------------------------------

    @state.transition(source=S.DECIDING, target=S.DECIDED, label=_("Decide"),
                      permission=roles.permission("case", "decide"))
    def decide(self, outcome, fine=None, measures=(), measures_note="", collective_discussion="",
               collective_discussion_attendees=(), collective_discussion_on=None, decided_on=None,
               mitigation="", mitigation_ground="", no_penalty_ground="", education="", confiscation_value=None):
        case = self.obj
        if not mitigation:  # the notice's mitigation stands unless the decision changes it
            mitigation, mitigation_ground = case.mitigation, mitigation_ground or case.mitigation_ground
        decided_on = decided_on or timezone.localdate()
        check_business_date(case, "decided_on", decided_on)  # Art 44, 62: after the notice (and hearing request)
        self._require_within_ninety_days(decided_on)  # Art 60
        review = legal_review_required(case)  # Art 58
        if review is not None and not case.legal_reviews.filter(outcome=LegalReview.Outcome.PASSED).exists():
            raise RuleViolation(review.message, rule=review.rule)
        require_collective_discussion(case, collective_discussion, collective_discussion_attendees)  # Art 57 ¶2
        held_on = collective_discussion_on
        if held_on and ((case.notified_on and held_on < case.notified_on) or held_on > decided_on):
            # Art 57 ¶2 (statute: the leaders discuss before deciding; local practice: after the notice)
            message = Message(DISCUSSION_DATE, notified_on=case.notified_on, decided_on=decided_on)
            raise InvalidInput(message, rule="Art 57 ¶2",
                               fields={"collective_discussion_on": [bilingual(message)]})
        codes = measure_codes(measures, fine) if outcome == Case.Outcome.PENALTY else []
        if outcome == Case.Outcome.PENALTY:
            if fine is None and not codes:
                raise RuleViolation(C7_PENALTY_CONTENT, rule="C7")
            party_rules.require_notice_before_penalty(case)  # Art 44
            party_rules.require_party_may_be_penalised(case, mitigation=mitigation,
                                                       mitigation_ground=mitigation_ground)  # Art 30-32
            if fine is not None:
                require_fine_in_range(case, fine, mitigation)  # C7, Art 32
            require_no_heavier_than_notice(case, fine, codes, confiscation_value)  # Art 45 ¶2
            party_rules.require_discussion_for_reduction(case, mitigation, collective_discussion,
                                                         collective_discussion_attendees)  # local rule
            no_penalty_ground, education = "", ""
        else:
            party_rules.require_no_penalty_ground(case, no_penalty_ground, education)  # Art 33, 30, 31, 36, 57
            if case.notified_on is None and case.proposed_no_penalty_ground:  # propose_no_penalty: no notice
                party_rules.require_ground_without_notice(no_penalty_ground)  # Art 44 (local: Art 33 ¶1 notified)
            if no_penalty_ground == Case.NoPenaltyGround.FIRST_OFFENCE:
                party_rules.require_first_offence(case, decided_on)  # Art 33 ¶1, the 首违不罚 list
            fine, mitigation, mitigation_ground = None, Case.Mitigation.NONE, ""
        case.outcome, case.fine, case.measures, case.measures_note = outcome, fine, codes, measures_note
        case.confiscation_value = (confiscation_value if set(codes) & set(penalty_measures.CONFISCATIONS)
                                   else None)
        case.mitigation = mitigation
        case.mitigation_ground = mitigation_ground if mitigation != Case.Mitigation.NONE else ""
        case.no_penalty_ground, case.education = no_penalty_ground, education
        case.collective_discussion = collective_discussion
        case.collective_discussion_attendees = list(collective_discussion_attendees or [])
        case.collective_discussion_on = (collective_discussion_on or decided_on) if collective_discussion else None
        case.decided_on, case.decided_by = decided_on, self.user
        openings = [("case.service", decided_on)]  # Art 61, 85: serve within 7 working days
        if outcome == Case.Outcome.PENALTY and publicity_required(case):
            # Art 48 ¶1 (the province's list, cases.publicity; 7 working days: 国办发〔2018〕118号, local); never a
            # minor's decision (未成年人保护法 Art 103): no deadline opens for it.
            openings.append(("case.publicity", decided_on))
        # The decision meets the periods before it (closed with the replaced ones in one UPDATE); one insert for the
        # deadlines, one for their reminders.
        open_deadlines(case, openings, closing=("case.decision", "case.statement_window", "case.hearing_request"),
                       closed_on=decided_on)

    @state.transition(source=S.DECIDED, target=S.SERVED, label=_("Serve the decision"),
                      permission=roles.permission("case", "serve"))
    def serve(self, method, served_on=None):
        case = self.obj
        served_on = served_on or timezone.localdate()
        check_business_date(case, "served_on", served_on)  # Art 61: after the decision
        case.served_on = served_on
        case.service_method = method
        if case.outcome == Case.Outcome.PENALTY and case.fine:
            open_deadlines(case, [
                ("case.payment", case.served_on),  # Art 67: pay within 15 days
                # 行政强制法 Art 53: the court is applied to within 3 months after the remedy periods end
                ("case.court_application", remedy_periods_end(case)),
            ], closing=("case.service",), closed_on=served_on)  # the service meets its period (the same UPDATE)
        else:
            close_deadlines(case, "case.service", closed_on=served_on)

    @state.transition(source=[S.SERVED, S.DEMANDED, S.COURT_ENFORCEMENT], target=S.EXECUTED,
                      label=_("Record execution"), permission=roles.permission("case", "record_execution"))
    def record_execution(self, detail, executed_on=None):
        """The party paid (or the decision was otherwise carried out): in time, late after a demand, or while the
        court application is pending (the party pays late)."""
        case = self.obj
        executed_on = executed_on or timezone.localdate()
        check_business_date(case, "executed_on", executed_on)  # Art 67: after service
        require_fine_paid(case)
        case.executed_on = executed_on
        case.execution_detail = detail
        close_deadlines(case, *EXECUTION_DEADLINES, closed_on=executed_on)

    # --- 简易程序: filing with the agency (Art 52) and the hand-over of money collected on the spot (Art 71) -----
    # The decision itself is made by cases.services.decide_on_the_spot (it creates the case). These two steps
    # record a duty that follows it and leave the state as it is (no target).

    @state.transition(source=[S.SERVED, S.EXECUTED], label=_("Record the filing of the on-the-spot decision"),
                      conditions=[lambda flow: flow._spot_filing_pending()],
                      permission=roles.permission("case", "acknowledge_spot_filing"))
    def acknowledge_spot_filing(self, filed_on=None, note=""):
        """Art 52 (statute): 执法人员当场作出的行政处罚决定，应当报所属行政机关备案. The brigade chief records, for
        the agency, that the decision was filed, and on which day (not before the decision, not ahead of today). The
        statute sets no period for it; the case stays in the chief's inbox until it is recorded."""
        case = self.obj
        filed_on = filed_on or timezone.localdate()
        check_business_date(case, "spot_filed_on", filed_on, input_name="filed_on")  # Art 52
        case.spot_filed_on, case.spot_filed_by, case.spot_filing_note = filed_on, self.user, note

    @state.transition(source=[S.EXECUTED, S.CLOSED, S.INVESTIGATING],
                      label=_("Record the hand-over of the collected fine"),
                      conditions=[lambda flow: flow._handover_pending()],
                      permission=roles.permission("case", "record_handover"))
    def record_handover(self, handed_over_on=None, bank_receipt="", note=""):
        """Art 71 ¶1 (statute): 当场收缴的罚款，执法人员应当自收缴罚款之日起二日内，交至行政机关 (Art 85: working days;
        the deadline `case.spot_handover`). Collecting the fine executed the decision (the party has paid, Art 68);
        handing the money over is the officer's own duty, with its own deadline, recorded here: the day and the
        agency's or bank's receipt (or a note). A late hand-over is recorded all the same, the deadline shows it
        was missed. (The agency's own 2 days to pay it into the bank, Art 71 ¶2, are not tracked here.) The duty
        binds whatever happens to the decision afterwards: after a reconsideration or court revokes it (closed, or
        back to investigating to decide again) the cash is still handed over — the agency refunds it from there."""
        case = self.obj
        handed_over_on = handed_over_on or timezone.localdate()
        check_business_date(case, "handed_over_on", handed_over_on)  # Art 71: after the collection
        if not (bank_receipt or "").strip() and not (note or "").strip():
            raise InvalidInput(HANDOVER_RECEIPT, fields={"bank_receipt": [bilingual(HANDOVER_RECEIPT)]})
        case.handed_over_on = handed_over_on
        case.handover_bank_receipt, case.handover_note = (bank_receipt or "").strip(), (note or "").strip()
        close_deadlines(case, "case.spot_handover", closed_on=handed_over_on)


    # --- execution by demand and court (Art 72-73; 行政强制法 Art 53-54, 69) -----------------------

    @state.transition(source=S.SERVED, target=S.DEMANDED, label=_("Serve a demand for payment"),
                      conditions=[lambda flow: refuse(fine_still_owed(flow.obj), RuleViolation(
                          DEMAND_NOTHING_OWED, rule="行政强制法 Art 54"))],
                      permission=roles.permission("case", "demand_payment"))
    def demand_payment(self, method, demand_served_on=None, amount=None, term_until=None, party_statement=""):
        """催告 (行政强制法 Art 54, statute): before applying to the court the agency serves a written demand. Only
        once the payment period (Art 67's 15 days, rolled past a rest day) has passed unpaid: the demand is served
        from the day after the due date. The party then has 10 days — working days (Art 69: 十日以内 are working
        days) — after its service; the court is applied to after them.

        What the demand says: Art 54 names the 催告 but not its contents; Art 35 (statute, written for the agency's
        own enforcement) lists them — 履行义务的期限、方式, 涉及金钱给付的金额和给付方式, 当事人依法享有的陈述权和
        申辩权 — and the brigade applies it by analogy (local practice). `amount`: the sum demanded, by default
        what is owed on the day (the fine's balance and the Art 72 surcharge: payment_status total_owed), never
        more than that. `term_until` (履行期限): not before the demand; by default the 10th working day. A longer
        term given in the demand holds the court application back until it ends (demand_period_end).
        `party_statement`: Art 36 (statute) — the party may state and defend after receiving the demand; what
        they said, if known when the demand is recorded. All three are optional (older callers send none)."""
        case = self.obj
        served_on = demand_served_on or timezone.localdate()
        check_business_date(case, "demand_served_on", served_on)
        due = first_unpaid_due_date(case, served_on)
        if due is not None and served_on <= due:
            raise RuleViolation(Message(DEMAND_TOO_EARLY, due=due, earliest=due + datetime.timedelta(days=1)),
                                rule="行政强制法 Art 54")
        status = payment_status(case, served_on)
        owed = status["total_owed"] if status else case.fine
        if amount is None:
            amount = owed
        elif Decimal(amount) <= 0 or (owed is not None and Decimal(amount) > owed):
            message = Message(DEMAND_AMOUNT, owed=_fmt_money(owed or 0))
            raise InvalidInput(message, fields={"amount": [bilingual(message)]})
        if term_until is not None and term_until < served_on:
            message = Message(DEMAND_TERM_BEFORE, served=served_on)
            raise InvalidInput(message, fields={"term_until": [bilingual(message)]})
        case.demand_served_on, case.demand_method = served_on, method
        case.demand_amount = amount
        case.demand_term_until = term_until or add_working_days(served_on, DEMAND_WORKING_DAYS).date
        case.demand_party_statement = (party_statement or "").strip()
        # The payment term has run out (its reminders are done); the surcharge still reads its due date.
        close_deadlines(case, "case.payment", closed_on=served_on)
        open_deadline(case, "case.demand_period", served_on)  # 行政强制法 Art 54, 69: 10 working days

    @state.transition(source=S.DEMANDED, target=S.COURT_ENFORCEMENT, label=_("Apply to the court for enforcement"),
                      permission=roles.permission("case", "apply_to_court"))
    def apply_to_court(self, court, applied_on=None, note=""):
        """申请人民法院强制执行 (行政强制法 Art 53-54, statute; a township has no enforcement power of its own):
        - not while a reconsideration or lawsuit is pending (Art 53, verified: the application is for a party who
          "在法定期限内不申请行政复议或者提起行政诉讼，又不履行"; 行政诉讼法 Art 97 says the same of non-litigation
          enforcement — quoted from memory, not verified here; during a lawsuit the decision is enforced, if at all,
          under 行政诉讼法 Art 56 and the court's rules, which this system does not model);
        - after the 10 working days of the demand (Art 54, 69): from the day after the 10th working day;
        - after the remedy periods (行政复议法 Art 20: 60 days; 行政诉讼法 Art 46: 6 months, both from service;
          行政诉讼法 Art 45: 15 days after a reconsideration decision) and within 3 months of their end (Art 53)."""
        case = self.obj
        if not fine_still_owed(case):
            raise RuleViolation(COURT_NOTHING_OWED, rule="行政强制法 Art 53")
        applied_on = applied_on or timezone.localdate()
        check_business_date(case, "court_applied_on", applied_on, input_name="applied_on")
        # 行政强制法 Art 53 (statute): the court enforces what the party 逾期不履行 — an amount past its date. Under an
        # approved plan (处罚法 Art 66 ¶2) an instalment not yet due is not overdue. An Art 72 surcharge left unpaid
        # alone does not justify an application here (our choice: the surcharge is discretionary and
        # fine_still_owed does not count it; the agency may demand it separately).
        due = first_unpaid_due_date(case, applied_on)
        if due is None or due >= applied_on:
            raise RuleViolation(Message(COURT_NOTHING_OVERDUE, due=due or "-",
                                        earliest=(due or applied_on) + datetime.timedelta(days=1)),
                                rule="行政强制法 Art 53")
        pending = case.remedies.filter(outcome=Remedy.Outcome.PENDING).first()
        if pending is not None:
            raise RuleViolation(Message(COURT_REMEDY_PENDING, kind=pending.get_kind_display()),
                                rule="行政强制法 Art 53")
        # Both periods must have passed; the refusal names the one that ends later (it gives the true first day).
        demand_end, periods_end = demand_period_end(case), remedy_periods_end(case)
        if applied_on <= periods_end and periods_end >= demand_end:
            raise RuleViolation(Message(COURT_REMEDY_PERIODS, until=periods_end,
                                        earliest=periods_end + datetime.timedelta(days=1)), rule="行政强制法 Art 53")
        if applied_on <= demand_end:
            raise RuleViolation(Message(COURT_DEMAND_PERIOD, served=case.demand_served_on, until=demand_end,
                                        earliest=demand_end + datetime.timedelta(days=1)),
                                rule="行政强制法 Art 54")
        if applied_on <= periods_end:
            raise RuleViolation(Message(COURT_REMEDY_PERIODS, until=periods_end,
                                        earliest=periods_end + datetime.timedelta(days=1)), rule="行政强制法 Art 53")
        latest = court_application_last_day(case)
        if applied_on > latest:
            raise RuleViolation(Message(COURT_LAPSED, until=latest), rule="行政强制法 Art 53")
        case.court_applied_on, case.court_name, case.court_note = applied_on, court, note
        case.court_outcome, case.court_decided_on, case.court_result_note = "", None, ""
        close_deadlines(case, "case.demand_period", "case.court_application", closed_on=applied_on)

    @state.transition(source=S.COURT_ENFORCEMENT, target=State.RETURN_VALUE(S.EXECUTED, S.CLOSED, S.DEMANDED),
                      label=_("Record the court's result"),
                      permission=roles.permission("case", "record_court_result"))
    def record_court_result(self, outcome, decided_on=None, note=""):
        """The court's answer (行政强制法 Art 57-58). Enforced → executed. Refused (不予受理 or 不予执行) → the case
        is closed with the court's reason: the agency's recourse is the higher court's reconsideration of that
        ruling within 15 days (Art 56 ¶2, Art 58 ¶3), recorded in the note, not a new application. Withdrawn →
        back to `demanded`: the agency may apply again while Art 53's three months last (our choice)."""
        case = self.obj
        decided_on = decided_on or timezone.localdate()
        check_business_date(case, "court_decided_on", decided_on, input_name="decided_on")
        case.court_outcome, case.court_decided_on, case.court_result_note = outcome, decided_on, note
        if outcome == Case.CourtOutcome.ENFORCED:
            case.executed_on = decided_on
            case.execution_detail = note or str(_("Enforced by the court"))
            close_deadlines(case, *EXECUTION_DEADLINES, closed_on=decided_on)
            return S.EXECUTED
        if outcome == Case.CourtOutcome.REFUSED:
            case.closing_summary = note
            close_deadlines(case, *EXECUTION_DEADLINES, closed_on=decided_on)
            return S.CLOSED
        if fine_still_owed(case):  # the three months of Art 53 run on
            open_deadline(case, "case.court_application", remedy_periods_end(case))
        return S.DEMANDED

    # --- reconsideration and lawsuit (行政复议法 Art 20; 行政诉讼法 Art 46; Art 73) -----------------------

    def record_remedy(self, remedy=None, kind="", filed_on=None, body="", outcome="", decided_on=None,
                      new_fine=None, note=""):
        """The first call records the filing (outcome pending); a second call naming the `remedy` records its
        outcome. A filing after 60 days (reconsideration, 行政复议法 Art 20) or 6 months (lawsuit, 行政诉讼法 Art 46)
        from service is recorded with `late` set — whether it is heard is the reviewing body's business. Art 73
        ¶1 (statute): a remedy does not suspend execution; Art 73 ¶3: the surcharge does not run while it is
        pending (cases.selectors.surcharge_paused_days). Outcomes: revoked ends the case (closed); revoked_redo
        (撤销并责令重新作出) reopens it to investigation with its decision cleared (kept on the remedy and in the
        audit); changed sets the fine to `new_fine` (the payment deadline stays); upheld and withdrawn change
        nothing."""
        case = self.obj
        if remedy is None:
            filed_on = filed_on or timezone.localdate()
            check_business_date(case, "remedy_filed_on", filed_on, input_name="filed_on")
            remedy = Remedy.objects.create(case=case, kind=kind, body=body, filed_on=filed_on, note=note,
                                           late=remedy_filed_late(case, kind, filed_on), recorded_by=self.user)
            if not outcome or outcome == Remedy.Outcome.PENDING:
                self._open_court_application()
                return S(case.state)
        elif remedy.case_id != case.pk:
            raise InvalidInput(REMEDY_UNKNOWN, fields={"remedy": [bilingual(REMEDY_UNKNOWN)]})
        elif not remedy.pending:
            raise RuleViolation(Message(REMEDY_DECIDED, kind=remedy.get_kind_display(),
                                        outcome=remedy.get_outcome_display()), rule="行政复议法 Art 20")
        return self._remedy_outcome(remedy, outcome, decided_on, new_fine, note)

    # One transition per source state, each staying where it is or leading to closed (revoked) or investigating
    # (revoked_redo): the state chart draws exactly those edges (viewflow stacks the decorators).
    for _source in REMEDY_SOURCES:
        record_remedy = state.transition(
            source=_source, target=State.RETURN_VALUE(_source, S.CLOSED, S.INVESTIGATING),
            label=_("Record a reconsideration or lawsuit"), permission=roles.permission("case", "record_remedy"),
        )(record_remedy)
    del _source

    def _remedy_outcome(self, remedy, outcome, decided_on, new_fine, note):
        case = self.obj
        decided_on = decided_on or timezone.localdate()
        check_business_date(case, "remedy_decided_on", decided_on, input_name="decided_on")
        if decided_on < remedy.filed_on:
            message = Message(REMEDY_DECIDED_BEFORE, filed_on=remedy.filed_on)
            raise InvalidInput(message, fields={"decided_on": [bilingual(message)]})
        if outcome == Remedy.Outcome.CHANGED and new_fine is None:
            raise InvalidInput(REMEDY_NEW_FINE, fields={"new_fine": [bilingual(REMEDY_NEW_FINE)]})
        if outcome == Remedy.Outcome.CHANGED and case.fine is not None and Decimal(new_fine) > case.fine:
            # 行政复议法 (2023) Art 63 ¶2 (statute): 行政复议机关不得作出对申请人更为不利的变更决定; 行政诉讼法 Art 77 ¶2
            # (statute) likewise for the court's 变更判决. (The exceptions — a third party's own request, 利害关系人
            # — are not modelled here.)
            raise RuleViolation(Message(REMEDY_FINE_RAISED, new_fine=_fmt_money(new_fine), fine=_fmt_money(case.fine)),
                                rule="行政复议法 Art 63 ¶2")
        remedy.outcome, remedy.decided_on = outcome, decided_on
        remedy.note = "\n".join(part for part in (remedy.note, note) if part)
        remedy.previous_fine, remedy.previous_decided_on = case.fine, case.decided_on
        target = S(case.state)
        if outcome == Remedy.Outcome.CHANGED:
            remedy.new_fine = new_fine
            case.fine = new_fine  # the payment deadline is kept (Art 73 ¶1: execution is not suspended)
            fit_plan_deadlines_to_fine(case)  # a plan is cut down to the changed fine (cases.payment_plans)
        elif outcome == Remedy.Outcome.REVOKED:
            case.closing_summary = str(Message(_("The decision was revoked by {body} on {day}."),
                                               body=remedy.body or remedy.get_kind_display(), day=decided_on))
            lapse_payment_plans(case, self.user, reason=outcome)  # the plan goes with its decision
            close_deadlines(case, *EXECUTION_DEADLINES, "case.service", "case.publicity", closed_on=decided_on)
            target = S.CLOSED
        elif outcome == Remedy.Outcome.REVOKED_REDO:
            clear_decision(case)
            lapse_payment_plans(case, self.user, reason=outcome)
            close_deadlines(case, *EXECUTION_DEADLINES, "case.service", "case.publicity", closed_on=decided_on)
            target = S.INVESTIGATING
        remedy.save()
        if outcome in WITHDRAWING_OUTCOMES and case.publications.filter(withdrawn_on__isnull=True).exists():
            # 处罚法 Art 48 ¶2 (statute): a published decision changed, revoked (or confirmed unlawful or void) is
            # withdrawn within 3 working days (Art 85) with the reason made public — also once the case has closed.
            open_deadline(case, "case.publicity_withdrawal", decided_on)
        if target not in (S.CLOSED, S.INVESTIGATING):
            self._open_court_application()
        return target

    def owed_today(self):
        """What a demand asks for by default (its form shows it): the fine's balance and the Art 72 surcharge."""
        status = payment_status(self.obj)
        return status["total_owed"] if status else None

    def _open_court_application(self):
        """Art 53's three months, counted from the end of the remedy periods (which a decided reconsideration may
        move: 行政诉讼法 Art 45), while a fine is owed and the court has not been applied to."""
        case = self.obj
        if case.state in (S.SERVED, S.DEMANDED) and case.served_on and fine_still_owed(case):
            open_deadline(case, "case.court_application", remedy_periods_end(case))

    @state.transition(source=[S.EXECUTED, S.SERVED], target=S.CLOSED, label=_("Close the case"),
                      conditions=[lambda flow: flow._may_close()],
                      permission=roles.permission("case", "close"))
    def close(self, summary):
        self.obj.closing_summary = summary
        # The self-check's score is kept as it stood when the file was closed (DESIGN §10), in the default language
        # (the card re-labels the codes in its reader's language).
        with translation.override(settings.LANGUAGE_CODE):
            result = self_check.self_check(self.obj, found=getattr(self, "_close_vetoes", None))
        self.obj.self_check_score, self.obj.self_check_at = result.score, timezone.now()
        self.obj.self_check_result = result.as_dict()
        cancel_correction_deadlines(self.obj)

    # --- guards and helpers -------------------------------------------------------------------

    def _hearing_possible(self):
        """Art 63 (statute): a hearing is offered only for a notice that entitles to one (a no-penalty notice never
        does); a hearing already requested is scheduled. Unmet: the hearing steps are not offered (409 if fired)."""
        case = self.obj
        return refuse(case.hearing_eligible or case.hearing_requested_on is not None,
                      RuleViolation(HEARING_NOT_ELIGIBLE, rule="Art 63"))

    def _receipt_missing(self):
        return refuse(self.obj.transfer_received_on is None, RuleViolation(RECEIPT_RECORDED, rule="Art 27"))

    def _mediable(self):
        violation_type = self.obj.violation_type
        return refuse(violation_type.mediable,
                      RuleViolation(Message(C8_NOT_MEDIABLE, name=violation_type.name), rule="C8"))

    def _windows_passed(self):
        """C4: the statement window (Art 44-45) and, if eligible, the hearing window (Art 64) have passed."""
        case = self.obj
        today = timezone.localdate()
        waived = waived_windows(case)
        for kind, window, article in (("case.statement_window", _("statement and defence period"), "44-45"),
                                      ("case.hearing_request", _("hearing request period"), "64")):
            if kind in waived:
                continue
            end = window_end(case, kind)
            if end and today <= end:
                return refuse(False, RuleViolation(Message(C4_WINDOW, window=window, until=end, article=article),
                                                   rule=f"C4 Art {article}"))
        return refuse(True, None)

    def _require_within_ninety_days(self, decided_on):
        # 处罚法第60条: decide within 90 days of filing. An approved extension (延期, notifications.adjustments) has
        # moved due_date already; while the period is suspended (中止) it does not run, so it cannot have ended.
        deadline = Deadline.objects.filter(object_type="cases.case", object_id=self.obj.pk,
                                           kind="case.decision").order_by("-id").first()
        if deadline is None or deadline.status == Deadline.Status.SUSPENDED:
            return
        if deadline.due_date < decided_on:
            raise RuleViolation(Message(ART60_LATE, due=deadline.due_date), rule="Art 60")

    def _spot_filing_pending(self):
        case = self.obj
        return refuse(case.procedure == Case.Procedure.SIMPLE and case.spot_filed_on is None,
                      RuleViolation(SPOT_FILING_NOT_PENDING, rule="Art 52"))

    def _handover_pending(self):
        case = self.obj
        return refuse(case.collected_on_spot and case.handed_over_on is None,
                      RuleViolation(HANDOVER_NOT_PENDING, rule="Art 71"))

    def _may_close(self):
        case = self.obj
        ok = case.state == S.EXECUTED or case.outcome == Case.Outcome.NO_PENALTY
        if not ok:
            return refuse(False, RuleViolation(CLOSE_NOT_EXECUTED, rule="C9"))
        if case.procedure == Case.Procedure.SIMPLE and case.spot_filed_on is None:  # Art 52
            return refuse(False, RuleViolation(CLOSE_SPOT_NOT_FILED, rule="Art 52"))
        if case.collected_on_spot and case.handed_over_on is None:  # Art 71
            return refuse(False, RuleViolation(CLOSE_NOT_HANDED_OVER, rule="Art 71"))
        # Art 48 ¶1 (国办发〔2018〕118号): while the publicity period runs, the case closes only once it is recorded
        # whether the decision was made public, or why not.
        publicity_open = Deadline.objects.filter(object_type="cases.case", object_id=case.pk, kind="case.publicity",
                                                 status__in=[Deadline.Status.OPEN, Deadline.Status.SUSPENDED])
        if publicity_open.exists():
            return refuse(False, RuleViolation(CLOSE_PUBLICITY, rule="Art 48"))
        # 案卷评查 (DESIGN §10, CONTRACT §6): a file failing a veto is not closed (cases.self_check names each).
        # Computed in the language the kept result is written in, and kept for the step itself (close), which would
        # otherwise run the same checks again.
        with translation.override(settings.LANGUAGE_CODE):
            self._close_vetoes = self_check.vetoes(case)
        if self._close_vetoes:
            return refuse(False, self_check.refusal(case))
        return refuse(True, None)

    def _review(self, outcome, opinion):
        case, user = self.obj, self.user
        if self._is_case_officer(user):
            raise NotPermitted(C5_RECUSAL, rule="C5 Art 58")
        first_time = not LegalReview.objects.filter(reviewer=user).exists()
        if first_time and not user.legal_qualification:
            raise RuleViolation(C5_QUALIFICATION, rule="C5 Art 58 ¶2")
        LegalReview.objects.create(case=case, reviewer=user, outcome=outcome, opinion=opinion)

    def _ask_judicial_office(self):
        notify_role(roles.JUDICIAL_OFFICE, _("Legal review requested: {title}").format(title=self.obj.title),
                    link=self.obj.page_path())


def require_fine_paid(case) -> None:
    """Execution of a fine whose payments are recorded (Payment, 罚缴分离 Art 67) needs the fine paid in full: 409
    while some of it is unpaid. A case with no payment recorded keeps the older way — the execution's own text says
    how the fine was paid. The Art 72 surcharge is discretionary (可以) and does not hold up the execution; it is
    shown on the case, and demanded separately."""
    if not case.fine:
        return
    paid = Payment.objects.filter(case=case).aggregate(total=Sum("amount"))["total"]
    if paid is not None and paid < case.fine:
        raise RuleViolation(Message(FINE_UNPAID, balance=_fmt_money(case.fine - paid)), rule="Art 67")


def cancel_correction_deadlines(case) -> None:
    """A case that ends (closed, transferred, filing revoked) stops reminding of its correction orders still
    unchecked (Art 28): the orders keep their record, their deadlines are cancelled (local practice)."""
    for order in CorrectionOrder.objects.filter(case=case, status=CorrectionOrder.Status.OPEN):
        close_deadlines(order, "case.correction", status=Deadline.Status.CANCELLED)


def window_end(case, kind) -> datetime.date | None:
    deadline = Deadline.objects.filter(object_type="cases.case", object_id=case.pk, kind=kind).order_by("-id").first()
    return deadline.due_date if deadline else None


def require_certified_pair(officers, day: datetime.date) -> None:
    """C1: ≥2 distinct officers, each with a certificate valid on `day` (Art 42 持证, Art 55 两人以上)."""
    officers = list({officer.pk: officer for officer in officers}.values())
    prefetch_related_objects(officers, "certificates")  # one query for every officer's certificates
    if len(officers) < 2:
        raise RuleViolation(C1_TOO_FEW, rule="C1 Art 42, 55")
    invalid = [str(officer) for officer in officers if not has_valid_certificate(officer, day)]
    if invalid:
        raise RuleViolation(Message(C1_PAIR, day=day, invalid="、".join(invalid)), rule="C1 Art 42, 55")


def has_valid_certificate(officer, day: datetime.date) -> bool:
    return any(cert.valid_on(day) for cert in officer.certificates.all())


# --------------------------------------------------------------------------------------------------
# Notice, hearing, legal review and collective discussion (Art 45 ¶2, 57 ¶2, 58, 63, 64)
# --------------------------------------------------------------------------------------------------


def measure_codes(codes, fine) -> list[str]:
    """The measure codes in the table's order (cases.measures, Art 9); `fine` is listed exactly when a fine is
    given (the forms refuse `fine` without an amount)."""
    chosen = set(codes or ()) - {"fine"}
    if fine is not None:
        chosen.add("fine")
    return [code for code in penalty_measures.CODES if code in chosen]


def hearing_grounds(case, proposed_fine, codes, other_heavy=False, confiscation_value=None) -> list[str]:
    """Art 63 ¶1 (statutory kinds; the amounts 较大数额 are the province's, local): what in the proposed penalty
    entitles the party to a hearing, in words; empty when nothing does. A notice with no fine and no measure
    (不予处罚) entitles to none."""
    threshold = case.violation_type.hearing_threshold_for(case.party.kind)
    grounds = []
    for code in codes or ():
        kind = penalty_measures.hearing_kind(code)
        if kind == penalty_measures.ALWAYS:
            grounds.append(penalty_measures.label(code))
        elif kind == penalty_measures.HEAVY and other_heavy:
            grounds.append(str(_("another heavy penalty")))
        elif code == "fine" and proposed_fine is not None and Decimal(proposed_fine) >= threshold:
            grounds.append(str(Message(_("a fine of {fine} yuan (threshold {threshold})"),
                                       fine=_fmt_money(proposed_fine), threshold=_fmt_money(threshold))))
        elif (code in penalty_measures.CONFISCATIONS and confiscation_value is not None
              and Decimal(confiscation_value) >= threshold):
            grounds.append(str(Message(_("a confiscation worth {value} yuan (threshold {threshold})"),
                                       value=_fmt_money(confiscation_value), threshold=_fmt_money(threshold))))
    return grounds


def hearing_eligibility(case, proposed_fine, codes, other_heavy=False, confiscation_value=None) -> bool:
    """Art 63 ¶1: does the proposed penalty entitle the party to request a hearing?"""
    return bool(hearing_grounds(case, proposed_fine, codes, other_heavy, confiscation_value))


def collective_discussion_required(case) -> Requirement | None:
    """Art 57 ¶2 (statutory): 情节复杂或者重大违法行为 are decided by the leaders' collective discussion; the
    brigade counts at least every case marked major and every penalty that entitles to a hearing."""
    if case.major:
        return Requirement(C6_DISCUSSION, "C6 Art 57 ¶2")
    if case.hearing_eligible:
        return Requirement(C6_ELIGIBLE, "C6 Art 57 ¶2")
    return None


def require_collective_discussion(case, conclusion, attendees) -> None:
    """Art 57 ¶2: the record names its attendees (at least two: a local reading of 集体) and its conclusion."""
    required = collective_discussion_required(case)
    if required is None:
        return
    if not (conclusion or "").strip():
        raise RuleViolation(required.message, rule=required.rule)
    if len({name.strip() for name in attendees or () if name.strip()}) < 2:
        raise RuleViolation(C6_INCOMPLETE, rule="C6 Art 57 ¶2")


def require_no_heavier_than_notice(case, fine, codes, confiscation_value=None) -> None:
    """Art 45 ¶2 (statutory): 不得因当事人陈述、申辩而给予更重的处罚. The decided fine may not exceed the notice's,
    nor a confiscation's decided value the notice's value. The decision may drop noticed measures, but may not ADD
    one the notice did not propose; the one exception is a single lighter measure INSTEAD of the whole noticed
    penalty (a warning instead of the fine) — lighter than every kind the notice proposed, and not a fine or a
    confiscation, whose amount the party was never told. How "lighter" is ordered (cases.measures.severity) is
    local practice; anything else needs a new notice (re-notify), with new windows."""
    if fine is not None:
        if case.proposed_fine is None:
            raise RuleViolation(ART45_NO_FINE, rule="Art 45 ¶2")
        if Decimal(fine) > case.proposed_fine:
            raise RuleViolation(Message(ART45_FINE, fine=_fmt_money(fine), proposed=_fmt_money(case.proposed_fine)),
                                rule="Art 45 ¶2")
    noticed = list(case.proposed_measures or [])
    if case.proposed_fine is not None and "fine" not in noticed:
        noticed.append("fine")
    added = [code for code in codes if code != "fine" and code not in noticed]
    lightest = min((penalty_measures.severity(code) for code in noticed if code in penalty_measures.MEASURES),
                   default=0)
    replacement = (len(codes) == 1 and len(added) == 1 and added[0] not in penalty_measures.CONFISCATIONS
                   and penalty_measures.severity(added[0]) < lightest)
    if added and not replacement:
        raise RuleViolation(Message(ART45_MEASURE, measures=penalty_measures.labels(added)), rule="Art 45 ¶2")
    if (set(codes) & set(penalty_measures.CONFISCATIONS) and case.proposed_confiscation_value is not None
            and confiscation_value is not None and Decimal(confiscation_value) > case.proposed_confiscation_value):
        raise RuleViolation(Message(ART45_CONFISCATION, value=_fmt_money(confiscation_value),
                                    proposed=_fmt_money(case.proposed_confiscation_value)), rule="Art 45 ¶2")


def require_hearing_notice(hearing_at, notice_on) -> None:
    """Art 64(2), 85 (statutory): the party is told of the hearing at least 7 working days before it."""
    earliest = add_working_days(notice_on, 7).date
    day = timezone.localdate(hearing_at) if timezone.is_aware(hearing_at) else hearing_at.date()
    if day < earliest:
        raise RuleViolation(Message(ART64_NOTICE, day=day, notice=notice_on, earliest=earliest), rule="Art 64(2)")


def waived_windows(case) -> set[str]:
    """The windows the party's recorded waiver covers (a waiver recorded before its scope existed covers both)."""
    scope = case.waiver_scope or (Case.WaiverScope.BOTH if case.waiver else "")
    return {
        Case.WaiverScope.STATEMENT: {"case.statement_window"},
        Case.WaiverScope.HEARING: {"case.hearing_request"},
        Case.WaiverScope.BOTH: {"case.statement_window", "case.hearing_request"},
    }.get(scope, set())


# --------------------------------------------------------------------------------------------------
# Execution by demand and court, remedies (Art 67, 72-73; 行政强制法 Art 53-54, 69; 行政复议法 Art 20;
# 行政诉讼法 Art 45-46)
# --------------------------------------------------------------------------------------------------

# 行政诉讼法 Art 45 (statute): after a reconsideration decision the party may sue within 15 days of receiving it;
# Art 85 (statute): an appeal against a first-instance judgment within 15 days of its service.
LAWSUIT_AFTER_RECONSIDERATION_DAYS = 15
RECONSIDERATION_DAYS = 60  # 行政复议法 Art 20 (statute)
LAWSUIT_MONTHS = 6  # 行政诉讼法 Art 46 (statute)
COURT_APPLICATION_MONTHS = 3  # 行政强制法 Art 53 (statute)
DEMAND_WORKING_DAYS = 10  # 行政强制法 Art 54, 69 (statute: 十日以内 are working days)
FINE_OWED_STATES = PAYABLE_STATES  # where an unpaid fine can stand: served, demanded, court_enforcement


def fine_still_owed(case) -> bool:
    """Whether the party still owes the fine — the one place that says so: the decision imposes a fine, it has not
    been executed (paid or enforced), the case is where a fine is paid (PAYABLE_STATES), and the payments recorded
    from the bank's receipts (罚缴分离, Art 67) do not yet cover it. The Art 72 surcharge is discretionary and is not
    counted here (cases.selectors.payment_status shows it)."""
    if not (case.outcome == Case.Outcome.PENALTY and case.fine and case.executed_on is None
            and case.state in FINE_OWED_STATES):
        return False
    paid = Payment.objects.filter(case=case).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return paid < case.fine


def first_unpaid_due_date(case, today: datetime.date | None = None) -> datetime.date | None:
    """The earliest day by which an amount still unpaid was due: Art 67's last day (case.payment, rolled past a rest
    day) or, under an approved plan, the first instalment not paid in full (Art 66 ¶2); None when nothing is due."""
    status = payment_status(case, today)
    if status is None:
        return None
    unpaid = [tranche.due_on for tranche in status["schedule"] if tranche.cleared_on is None]
    return min(unpaid) if unpaid else None


def _party_period_end(day: datetime.date) -> datetime.date:
    """The last day of a party's period, moved past a rest day (民事诉讼法 Art 85, applied by 行政诉讼法 Art 101;
    民法典 Art 203)."""
    return roll_to_working_day(day).date


def reconsideration_period_end(served_on: datetime.date) -> datetime.date:
    """行政复议法 Art 20 (statute): 60 days from the day the party knew of the decision (its service)."""
    return _party_period_end(add_calendar_days(served_on, RECONSIDERATION_DAYS).date)


def lawsuit_period_end(served_on: datetime.date) -> datetime.date:
    """行政诉讼法 Art 46 (statute): 6 months from the day the party knew of the decision (民法典 Art 202)."""
    return _party_period_end(add_months(served_on, LAWSUIT_MONTHS))


def remedy_periods_end(case) -> datetime.date:
    """The last day the party may still challenge the decision (statute):
    - no remedy decided: the later of the reconsideration period (行政复议法 Art 20: 60 days) and the lawsuit
      period (行政诉讼法 Art 46: 6 months), both from service;
    - once a remedy was decided without ending the case (upheld or changed), the party's next step runs from that
      decision and REPLACES the periods from service: after a reconsideration, a suit within 15 days (行政诉讼法 Art
      45 — the party chose reconsideration, Art 46's six months are for a suit brought directly); after a
      judgment, an appeal within 15 days (行政诉讼法 Art 85). The latest such decision counts. The statute counts
      from the party's receipt of the decision; the system knows the day it was decided and counts from it (our
      approximation). Instances are not modelled: a second-instance judgment is final, but it gets the same 15
      days here (this only delays the application, inside Art 53's three months).
    A withdrawn remedy leaves the periods from service as they were (our choice)."""
    decided = (case.remedies.filter(outcome__in=[Remedy.Outcome.UPHELD, Remedy.Outcome.CHANGED])
               .exclude(decided_on=None).order_by("-decided_on").values_list("decided_on", flat=True).first())
    if decided is not None:
        return _party_period_end(add_calendar_days(decided, LAWSUIT_AFTER_RECONSIDERATION_DAYS).date)
    return max(reconsideration_period_end(case.served_on), lawsuit_period_end(case.served_on))


def court_application_last_day(case) -> datetime.date:
    """行政强制法 Art 53 (statute): 自期限届满之日起三个月内 — 3 months after the remedy periods end (民法典 Art 202;
    the agency's own period, not moved past a rest day)."""
    return add_months(remedy_periods_end(case), COURT_APPLICATION_MONTHS)


def demand_period_end(case) -> datetime.date:
    """行政强制法 Art 54, 69 (statute): 催告书送达十日后 — the 10th working day after the demand's service; the party may
    pay through it, and the court is applied to from the day after. A longer term stated in the demand
    (demand_term_until, 行政强制法 Art 35(1) by analogy) is waited for too."""
    end = add_working_days(case.demand_served_on, DEMAND_WORKING_DAYS).date
    if case.demand_term_until and case.demand_term_until > end:  # a longer term given in the demand (Art 35(1))
        end = case.demand_term_until
    return end


def remedy_filed_late(case, kind, filed_on) -> bool:
    """Whether a remedy was filed after its statutory period (recorded, not refused)."""
    if case.served_on is None:
        return False
    if kind == Remedy.Kind.RECONSIDERATION:
        return filed_on > reconsideration_period_end(case.served_on)
    return filed_on > lawsuit_period_end(case.served_on)


DECISION_FIELDS = {
    "outcome": "", "fine": None, "measures": [], "measures_note": "", "confiscation_value": None,
    "no_penalty_ground": "", "education": "", "collective_discussion": "", "collective_discussion_attendees": [],
    "collective_discussion_on": None, "decided_on": None, "decided_by": None, "published_on": None,
    "publicity_channel": "", "publicity_withheld_reason": "", "served_on": None, "service_method": "",
    "executed_on": None, "execution_detail": "", "demand_served_on": None, "demand_method": "",
    "demand_amount": None, "demand_term_until": None, "demand_party_statement": "",
    "court_applied_on": None, "court_name": "", "court_note": "", "court_outcome": "", "court_decided_on": None,
    "court_result_note": "",
}


def clear_decision(case) -> None:
    """撤销并责令重新作出 (行政复议法 Art 64; 行政诉讼法 Art 70): the decision and what followed it are cleared so that
    a new one is made; the old decision stays on the remedy record (previous_fine, previous_decided_on) and in
    the audit trail."""
    for field, value in DECISION_FIELDS.items():
        setattr(case, field, value)


# --- documents issued by the steps (DESIGN §10; the kinds: cases.documents) ----------------------------------

@dataclass(frozen=True)
class Round:
    """The n-th time (1, 2, …) the case's flow did the step that issues a once-per-case document: its record id."""

    pk: int

    def __str__(self):
        return str(self.pk)


# Which step issues which document made again (the transition names of cases.flows.CaseFlow).
ROUND_STEPS = {
    "penalty_notice": ("notify",),
    "hearing_notice": ("schedule_hearing",),
    "penalty_decision": ("decide",),
    "no_penalty_decision": ("decide",),
    "payment_demand": ("demand_payment",),
    "enforcement_application": ("apply_to_court",),
}


def round_of(kind_name: str, case) -> Round:
    """The current round of `kind_name` on `case`: how many times its step was audited (at least 1)."""
    count = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk),
                                      transition__in=ROUND_STEPS[kind_name]).count()
    return Round(max(count, 1))


def round_and_issued(kind_name: str, case) -> tuple[Round, bool]:
    """The current Round of `kind_name` on `case` (round_of) and whether its document is issued already, in one
    query."""
    steps = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk),
                                      transition__in=ROUND_STEPS[kind_name]).order_by()
    count = Subquery(steps.annotate(n=Func(F("pk"), function="COUNT")).values("n"), output_field=IntegerField())
    current = Greatest(Coalesce(count, Value(0)), Value(1))
    issued = IssuedDocument.objects.filter(kind=kind_name, owner_type=document_registry.owner_of(case).name,
                                           owner_id=OuterRef("pk"), record_id=current)
    n, done = (type(case)._default_manager.filter(pk=case.pk).annotate(current=current, issued=Exists(issued))
               .values_list("current", "issued").get())
    return Round(n), bool(done)


def issue_document(kind_name: str, case, *, record=None, user=None, on, client_ip=None, locked=False):
    """Issue the case's document `kind_name` (documents.services.issue) for `record`, or for the current Round of a
    document made again: inside the caller's transaction, dated `on` (the business date). Returns the
    IssuedDocument; its number goes into the audit trail (`issue_document`)."""
    unissued = False
    if record is None and kind_name in ROUND_STEPS:
        record, issued = round_and_issued(kind_name, case)
        unissued = locked and not issued  # under the caller's row lock nobody issues it meanwhile
    return document_services.issue(kind_name, case, record=record, user=user, on=on, client_ip=client_ip,
                                   locked=locked, unissued=unissued)
