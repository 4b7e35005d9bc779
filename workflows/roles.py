"""Roles (CONTRACT §3) and the one role → transition permission table.

Roles are Django groups with these machine names, created by a data migration. A user may hold several.
A Django superuser gets no transition from being superuser: a review outcome can only come from the
judicial office (DESIGN D4), so permissions are granted by role membership alone.
"""

from django.utils.translation import gettext_lazy as _

DRAFTER = "drafter"
JUDICIAL_OFFICE = "judicial_office"
OFFICE_SECRETARY = "office_secretary"
MEETING_CHAIR = "meeting_chair"
PRINCIPAL = "principal"
BRIGADE_CHIEF = "brigade_chief"
ENFORCEMENT_OFFICER = "enforcement_officer"
# Issue 15 (CONTRACT §8): the petition office (信访办) registers, accepts and answers petitions (信访工作条例
# 2022); a mediator (人民调解员) of a village committee or of the town committee mediates disputes (人民调解法).
PETITION_OFFICE = "petition_office"
MEDIATOR = "mediator"
ADMIN = "admin"

ROLE_LABELS = {
    DRAFTER: _("Drafter"),
    JUDICIAL_OFFICE: _("Judicial office"),
    OFFICE_SECRETARY: _("Party and government office"),
    MEETING_CHAIR: _("Meeting chair"),
    PRINCIPAL: _("Principal (town head)"),
    BRIGADE_CHIEF: _("Enforcement brigade chief"),
    ENFORCEMENT_OFFICER: _("Enforcement officer"),
    PETITION_OFFICE: _("Petition office"),
    MEDIATOR: _("Mediator"),
    ADMIN: _("System administrator"),
}
ALL_ROLES = tuple(ROLE_LABELS)

# (process, transition) → roles that may fire it. CONTRACT §5 is the source of every row.
TRANSITION_ROLES: dict[tuple[str, str], frozenset[str]] = {
    ("decision", "submit_for_review"): frozenset({DRAFTER}),
    ("decision", "return_for_revision"): frozenset({JUDICIAL_OFFICE}),
    ("decision", "pass_review"): frozenset({JUDICIAL_OFFICE}),
    ("decision", "fail_review"): frozenset({JUDICIAL_OFFICE}),
    ("decision", "revise"): frozenset({DRAFTER}),
    ("decision", "schedule"): frozenset({OFFICE_SECRETARY}),
    ("decision", "defer"): frozenset({OFFICE_SECRETARY, MEETING_CHAIR}),
    ("decision", "approve"): frozenset({MEETING_CHAIR}),
    ("decision", "reject"): frozenset({MEETING_CHAIR}),
    ("decision", "sign"): frozenset({PRINCIPAL}),
    ("decision", "publish"): frozenset({OFFICE_SECRETARY}),
    ("decision", "withdraw"): frozenset({DRAFTER, PRINCIPAL}),
    ("meeting", "hold"): frozenset({OFFICE_SECRETARY}),
    ("meeting", "close"): frozenset({OFFICE_SECRETARY}),
    ("case", "file"): frozenset({BRIGADE_CHIEF}),
    ("case", "decline"): frozenset({BRIGADE_CHIEF}),
    ("case", "start_mediation"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "mediation_succeeded"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "mediation_failed"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "notify"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "request_hearing"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "finish_hearing"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "record_waiver"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "schedule_hearing"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "submit_legal_review"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "pass_legal_review"): frozenset({JUDICIAL_OFFICE}),
    ("case", "return_legal_review"): frozenset({JUDICIAL_OFFICE}),
    ("case", "submit_decision"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "decide"): frozenset({PRINCIPAL}),
    ("case", "revoke_filing"): frozenset({PRINCIPAL}),
    ("case", "serve"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "record_execution"): frozenset({ENFORCEMENT_OFFICER}),
    # Execution by demand and court (issue 13; 行政强制法 Art 53-54). The demand (催告书) is served by the case's
    # officers; the application to the court is the agency's, its 申请书 signed by the agency's head (行政强制法
    # Art 55 ¶2, statute): the principal (the town head), or the brigade chief who prepares it for him (local
    # practice) — never a single officer. The court's answer comes back to whoever applied.
    ("case", "demand_payment"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "apply_to_court"): frozenset({BRIGADE_CHIEF, PRINCIPAL}),
    ("case", "record_court_result"): frozenset({BRIGADE_CHIEF, PRINCIPAL}),
    # A reconsideration or lawsuit against the decision, and its outcome, recorded by the case's officers.
    ("case", "record_remedy"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "close"): frozenset({BRIGADE_CHIEF}),
    ("case", "transfer"): frozenset({BRIGADE_CHIEF}),
    # 简易程序 (处罚法 Art 52, 71): the chief records the filing with the agency; the case's officer the hand-over.
    ("case", "acknowledge_spot_filing"): frozenset({BRIGADE_CHIEF}),
    ("case", "record_handover"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "propose_no_penalty"): frozenset({ENFORCEMENT_OFFICER}),
    ("case", "record_transfer_receipt"): frozenset({BRIGADE_CHIEF, ENFORCEMENT_OFFICER}),
    # 人民调解 (人民调解法; CONTRACT §8): the committee's mediators mediate (Art 17-31); a mediator acts only on the
    # mediations of their own committee (mediation.flows.MediationFlow.object_permission).
    ("mediation", "start"): frozenset({MEDIATOR}),
    ("mediation", "reach_agreement"): frozenset({MEDIATOR}),
    ("mediation", "fail"): frozenset({MEDIATOR}),
    ("mediation", "record_confirmation"): frozenset({MEDIATOR, JUDICIAL_OFFICE}),
    ("mediation", "record_performance"): frozenset({MEDIATOR, JUDICIAL_OFFICE}),
    ("mediation", "close"): frozenset({MEDIATOR, JUDICIAL_OFFICE}),
    # Petitions (issue 15, CONTRACT §8; 信访工作条例 2022): the petition office registers, accepts, answers and
    # records the next-higher organ's review; a mediator of the village the petition was sent to (Art 15, village
    # first) may escalate it to the town (object-level: only their own, petitions.flows.PetitionFlow).
    ("petition", "accept"): frozenset({PETITION_OFFICE}),
    ("petition", "decline"): frozenset({PETITION_OFFICE}),
    ("petition", "forward"): frozenset({PETITION_OFFICE}),
    ("petition", "send_to_village"): frozenset({PETITION_OFFICE}),
    ("petition", "escalate_to_town"): frozenset({PETITION_OFFICE, MEDIATOR}),
    ("petition", "reply"): frozenset({PETITION_OFFICE}),
    ("petition", "request_review"): frozenset({PETITION_OFFICE}),
    ("petition", "record_review"): frozenset({PETITION_OFFICE}),
    ("petition", "record_service"): frozenset({PETITION_OFFICE}),
    ("petition", "close"): frozenset({PETITION_OFFICE}),
    # Art 34: the principal approves the extension (the deadline's adjustment); the office tells the petitioner.
    ("petition", "notify_extension"): frozenset({PETITION_OFFICE}),
}

# Transitions only the case's own officers may fire (处罚法 Art 42, 55: the assigned certified officers).
CASE_OFFICER_TRANSITIONS = frozenset(
    name for (process, name), allowed in TRANSITION_ROLES.items()
    if process == "case" and allowed == frozenset({ENFORCEMENT_OFFICER})
)

# Who may create objects or edit their content (not transitions).
ACTION_ROLES: dict[str, frozenset[str]] = {
    "decision.create": frozenset({DRAFTER}),
    "decision.edit": frozenset({DRAFTER}),
    # 条例 Art 31: marking a decision as needing the Party committee report and recording that report.
    "decision.party_committee": frozenset({DRAFTER, OFFICE_SECRETARY}),
    "meeting.create": frozenset({OFFICE_SECRETARY}),
    # Attachments (DESIGN §10): who may add a file to an object they work on (evidence, signed scans, receipts).
    "decision.attach": frozenset({DRAFTER, JUDICIAL_OFFICE, OFFICE_SECRETARY}),
    "meeting.attach": frozenset({OFFICE_SECRETARY}),
    "case.attach": frozenset({ENFORCEMENT_OFFICER, BRIGADE_CHIEF}),
    # Cases carry personal information (ID numbers, phones): only those who work on them see them.
    "case.view": frozenset({ENFORCEMENT_OFFICER, BRIGADE_CHIEF, JUDICIAL_OFFICE, PRINCIPAL, ADMIN}),
    "case.create": frozenset({ENFORCEMENT_OFFICER, BRIGADE_CHIEF}),
    # 简易程序 (处罚法 Art 51–52): only an enforcement officer decides on the spot.
    "case.on_the_spot": frozenset({ENFORCEMENT_OFFICER}),
    "case.inquiry": frozenset({ENFORCEMENT_OFFICER}),
    "case.publicity": frozenset({ENFORCEMENT_OFFICER, BRIGADE_CHIEF}),
    # Execution (处罚法 Art 66–67): the case officers record payments from the bank's receipts and the party's
    # application to defer or pay in instalments; the agency's approval of it (Art 66 ¶2) is the principal's.
    "case.payment": frozenset({ENFORCEMENT_OFFICER}),
    "case.payment_plan.apply": frozenset({ENFORCEMENT_OFFICER}),
    "case.payment_plan.approve": frozenset({PRINCIPAL}),
    # 责令改正 (处罚法 Art 28 ¶1): the case officers issue and check orders; the chief acknowledges "not corrected".
    "case.correction_order": frozenset({ENFORCEMENT_OFFICER}),
    "case.correction_acknowledge": frozenset({BRIGADE_CHIEF}),
    # Petitions carry personal data (names, phones, ID numbers): the petition office, the leaders who answer for
    # them and the judicial office see them; a mediator sees those sent to them at the village
    # (petitions.selectors.visible_petitions).
    "petition.view": frozenset({PETITION_OFFICE, PRINCIPAL, JUDICIAL_OFFICE, ADMIN, MEDIATOR}),
    "petition.create": frozenset({PETITION_OFFICE}),
    "petition.extend": frozenset({PETITION_OFFICE}),
    "petition.attach": frozenset({PETITION_OFFICE, MEDIATOR}),
    "certificate.edit": frozenset({ADMIN, BRIGADE_CHIEF}),
    "calendar.edit": frozenset({ADMIN}),
    "deadline_rule.edit": frozenset({ADMIN}),
    # The leaders' overview on the home page: cases, overdue rate, reviews, certificates (issue 5).
    "overview.view": frozenset({PRINCIPAL, BRIGADE_CHIEF}),
    # The legal network (DESIGN §11, CONTRACT §8): the judicial office (司法所) runs the village legal advisers and
    # the 法律明白人 (司法部 guidance on 一村（社区）一法律顾问 and 法律明白人 training: local practice that the 司法所
    # keeps these registers); the offices that hold activities log them with their photos; every staff role sees
    # the registers, but the phones (personal data) only those who work with the network.
    "network.view": frozenset(ALL_ROLES),
    "network.edit": frozenset({JUDICIAL_OFFICE, ADMIN}),
    "network.personal_data": frozenset({JUDICIAL_OFFICE, ADMIN, OFFICE_SECRETARY, PETITION_OFFICE, MEDIATOR}),
    "activity.create": frozenset({JUDICIAL_OFFICE, OFFICE_SECRETARY, PETITION_OFFICE, MEDIATOR}),
    # 人民调解 (CONTRACT §8): registering a dispute (an application, a referral from a petition or a case).
    "mediation.create": frozenset({MEDIATOR, PETITION_OFFICE, ENFORCEMENT_OFFICER}),
    # Who sees mediations: a mediator those of their committee only (mediation.selectors.visible_mediations);
    # the petition office, the judicial office (司法所 guides people's mediation, 人民调解法 Art 5), the principal
    # and the admin all; the brigade those linked to a case or that it registered.
    "mediation.view": frozenset({MEDIATOR, PETITION_OFFICE, JUDICIAL_OFFICE, PRINCIPAL, ADMIN, ENFORCEMENT_OFFICER,
                                 BRIGADE_CHIEF}),
    "mediation.work_record": frozenset({MEDIATOR}),
    "mediation.attach": frozenset({MEDIATOR, JUDICIAL_OFFICE}),
    # A violation revealed by a mediation is registered as a report by the brigade (处罚法: the agency registers
    # reports; cases.services.create_case needs `case.create`), linked to the mediation.
    "mediation.report_violation": frozenset({ENFORCEMENT_OFFICER, BRIGADE_CHIEF}),
    # The registers of committees and mediators (Art 8, 13): the judicial office keeps them.
    "mediation.register": frozenset({JUDICIAL_OFFICE, ADMIN}),
    # Reports (DESIGN §12, CONTRACT §9): the year's 法治政府建设年度报告 and 行政执法统计年报. The judicial office
    # (司法所) drafts them and the principal answers for them (厅字〔2019〕28号: the town's government reports to the
    # county); both read them, as does the admin. Local practice: who drafts is the town's choice.
    "report.view": frozenset({PRINCIPAL, JUDICIAL_OFFICE, ADMIN}),
    "report.edit": frozenset({PRINCIPAL, JUDICIAL_OFFICE}),
    # Enforcement supervision (行政执法监督条例, in force 2026-02-01): the judicial office watches enforcement, the
    # leaders and the brigade chief see the same page (CONTRACT §9); the weekly circular (通报) is the judicial
    # office's.
    "supervision.view": frozenset({JUDICIAL_OFFICE, PRINCIPAL, BRIGADE_CHIEF}),
    "supervision.circular": frozenset({JUDICIAL_OFFICE}),
    # Publicity of penalty decisions (处罚法 Art 48): the brigade publishes and withdraws (with `case.publicity`);
    # the managing list (/api/v1/publicity/) is theirs and the leaders'.
    "publicity.view": frozenset({ENFORCEMENT_OFFICER, BRIGADE_CHIEF, JUDICIAL_OFFICE, PRINCIPAL, ADMIN}),
}


def user_roles(user) -> frozenset[str]:
    """The roles a user holds, cached on the user object for one request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_lawflow_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._lawflow_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def may_fire(process: str, transition: str, user) -> bool:
    return bool(user_roles(user) & TRANSITION_ROLES[(process, transition)])


def may(action: str, user) -> bool:
    return bool(user_roles(user) & ACTION_ROLES[action])


def permission(process: str, transition: str):
    """A viewflow.fsm `permission=` callable backed by the table above."""

    def check(flow, user) -> bool:
        return may_fire(process, transition, user) and flow.object_permission(transition, user)

    check.__name__ = f"may_{process}_{transition}"
    return check
