"""The pre-closure self-check of a case file (案卷评查, DESIGN §10; CONTRACT §6).

Two parts, modelled on the provincial case-file review standards (行政执法案卷评查标准; the town's own reading,
research/domain-systems.md §2 "不合格卷"):

- **Vetoes** (否决项): any one makes the file 不合格 and CaseFlow.close refuses (409, rule `case-file`). Each flags a
  real legal defect that a legitimately processed case cannot have — never a missing upload:
    V1 wrong body (主体不合法) — the violation type is not (or no longer) one the town may enforce, or the case went
       to another agency (Art 17, 22 statute: the agency acts within its competence; 国务院令第310号 on transfers);
    V2 uncertified officer (执法人员无证) — an officer acted on a day their certificate was not valid (Art 42 statute);
    V3 fewer than two officers in the general procedure (Art 42 ¶1, 55 statute);
    V4 no prior notice before a penalty decided in the general procedure (Art 44, 62 statute);
    V5 no service proof — the decision's service date and method not recorded (Art 61 statute);
    V6 no legal review where required (Art 58 ¶1 statute; ¶1(4) the local catalogue);
    V7 wrong procedure — on the spot beyond Art 51's limits (statute), a penalty entitling to a hearing decided
       without the hearing offered (Art 63, 64 statute), a case discovered after the limitation period penalised
       without a recorded reason (Art 36 statute).
- **Score** out of 100: form 20, content 80. Each deduction below names its rule (local review standard unless
  it says statute); the points are the town's own weights.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import Attachment
from notifications.models import Deadline
from workflows.errors import Message, RuleViolation

from . import party_rules
from .models import Case, CaseState, LegalReview

# --- vetoes ---------------------------------------------------------------------------------------------------
V_WRONG_BODY = ("wrong_body", _("Wrong body"))
V_UNCERTIFIED = ("uncertified_officer", _("Officer without a valid certificate"))
V_TOO_FEW = ("too_few_officers", _("Fewer than two officers"))
V_NO_NOTICE = ("no_prior_notice", _("No notice before the penalty"))
V_NO_SERVICE = ("no_service_proof", _("No proof of service"))
V_NO_REVIEW = ("no_legal_review", _("No legal review"))
V_PROCEDURE = ("wrong_procedure", _("Wrong procedure"))

WRONG_BODY_TYPE = _("“{name}” is not a violation type the town may enforce (its power is not active) (Art 17, 22).")
WRONG_BODY_TRANSFERRED = _("The case was transferred to {to}: it is not the town's to decide (Art 27).")
UNCERTIFIED = _("{name} had no enforcement certificate valid on {day}, when they {act} (Art 42).")
ACT_FILED = _("were assigned to the case")
ACT_INQUIRY = _("questioned {subject}")
ACT_SPOT = _("decided on the spot")
TOO_FEW = _("The general procedure needs at least two enforcement officers; the case has {count} (Art 42, 55).")
NO_NOTICE = _("The penalty was decided without the party being notified first of the facts, grounds and penalty "
              "(Art 44, 62).")
NOTICE_AFTER = _("The party was notified on {notified_on}, after the decision of {decided_on} (Art 44, 62).")
NO_SERVICE = _("The service of the decision is not recorded (its date and manner) (Art 61).")
NO_REVIEW = _("The case needed legal review by the judicial office before the decision, and none passed (Art 58).")
SPOT_OVER = _("A fine of {fine} yuan was decided on the spot, above the {limit} yuan allowed (Art 51).")
HEARING_NOT_OFFERED = _("The fine of {fine} yuan entitles the party to a hearing (threshold {threshold}), but the "
                        "notice did not offer one (Art 63, 64).")
LIMITATION = _("The violation was discovered after the limitation period and penalised without a recorded reason "
               "(Art 36).")

# --- deductions: (code, label, points) — form 20 ---------------------------------------------------------------
D_NUMBER = ("number_missing", _("Case number missing"), 5)  # local standard: 文书编号齐全
D_DATES = ("dates_inconsistent", _("Dates out of order"), 5)  # local standard: 时间逻辑一致
D_PARTY = ("party_incomplete", _("Party's identity incomplete (ID number, address)"), 5)  # Art 59 ¶1(1)
D_SIGNED = ("signed_scans_missing", _("Evidence uploaded but no signed document or service receipt scanned"), 5)
# --- content 80 ---
D_FACTS = ("facts_missing", _("Facts not stated"), 15)  # Art 40, 59 ¶1(2) statute: 事实清楚
D_EVIDENCE = ("evidence_missing", _("No evidence on file (inquiry records, inspections, photos)"), 15)  # Art 46
D_BASIS = ("basis_missing", _("Legal basis not stated"), 10)  # Art 59 ¶1(3) statute
D_DISCRETION = ("discretion", _("Fine outside the discretion range of the violation type"), 15)  # Art 34
D_OVERDUE = ("deadlines_missed", _("Deadlines missed"), 5)  # per missed deadline, at most 15 (local standard)
D_EXECUTION = ("execution_missing", _("Execution not recorded"), 10)  # Art 66-67 statute; local standard
OVERDUE_CAP = 15

FORM_POINTS, CONTENT_POINTS = 20, 80
SERVICE_PROOF_CATEGORIES = ("signed_document", "service_proof")
EVIDENCE_CATEGORIES = ("photo", "audio", "video", "evidence", "signed_document")


@dataclass
class SelfCheck:
    """The result: `passed` (no veto), `score` (0–100), `vetoes` [{code, label, detail}] and `deductions`
    [{code, label, points}] — labels and details translated in the active language."""

    passed: bool
    score: int
    vetoes: list = field(default_factory=list)
    deductions: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"passed": self.passed, "score": self.score, "vetoes": self.vetoes, "deductions": self.deductions}


def _veto(pair, detail) -> dict:
    return {"code": pair[0], "label": str(pair[1]), "detail": str(detail)}


def _valid_on(officer, day: datetime.date) -> bool:
    return any(cert.valid_on(day) for cert in officer.certificates.all())


def _officer_acts(case):
    """(officer, day, act) for each act of an officer on the file: the assignment at filing (the general procedure's
    investigation begins there, Art 54-55), each inquiry they held, the on-the-spot decision (Art 52)."""
    if case.procedure == Case.Procedure.SIMPLE:
        day = case.decided_on or (case.spot_decided_at and timezone.localdate(case.spot_decided_at))
        for officer in case.officers.all():
            if day:
                yield officer, day, ACT_SPOT
        return
    if case.filed_on:
        for officer in case.officers.all():
            yield officer, case.filed_on, ACT_FILED
    for inquiry in case.inquiries.prefetch_related("officers__certificates"):
        day = timezone.localdate(inquiry.held_at)
        for officer in inquiry.officers.all():
            yield officer, day, Message(ACT_INQUIRY, subject=inquiry.subject_name)


def vetoes(case) -> list[dict]:
    """The vetoes (否决项) the case's file fails, in the order of the module docstring; [] when it has none."""
    found = []
    general = case.procedure == Case.Procedure.GENERAL
    penalty = case.outcome == Case.Outcome.PENALTY
    # V1 (Art 17, 22 statute): the power to enforce this type must be the town's (the admin's active list).
    if not case.violation_type.active:
        found.append(_veto(V_WRONG_BODY, Message(WRONG_BODY_TYPE, name=case.violation_type.name)))
    elif case.transferred_to:
        found.append(_veto(V_WRONG_BODY, Message(WRONG_BODY_TRANSFERRED, to=case.transferred_to)))
    # V2 (Art 42 statute): 执法人员应当具有行政执法资格 — on each day they acted.
    seen = set()
    for officer, day, act in _officer_acts(case):
        if (officer.pk, day) in seen or _valid_on(officer, day):
            continue
        seen.add((officer.pk, day))
        name = officer.get_full_name() or officer.get_username()
        found.append(_veto(V_UNCERTIFIED, Message(UNCERTIFIED, name=name, day=day, act=act)))
    # V3 (Art 42 ¶1, 55 statute): 不得少于两人 in the general procedure (one may decide on the spot, Art 52).
    if general and case.filed_on:
        count = case.officers.count()
        if count < 2:
            found.append(_veto(V_TOO_FEW, Message(TOO_FEW, count=count)))
    # V4 (Art 44, 62 statute): a penalty without the prior notice is void of effect. The same day is allowed (the
    # party's written waiver lets the decision follow the notice at once).
    if general and penalty and case.decided_on:
        if case.notified_on is None:
            found.append(_veto(V_NO_NOTICE, NO_NOTICE))
        elif case.notified_on > case.decided_on:
            found.append(_veto(V_NO_NOTICE, Message(NOTICE_AFTER, notified_on=case.notified_on,
                                                    decided_on=case.decided_on)))
    # V5 (Art 61 statute): the decision is served and the service recorded (送达回证: date and manner).
    if case.decided_on and not (case.served_on and (case.service_method or "").strip()):
        found.append(_veto(V_NO_SERVICE, NO_SERVICE))
    # V6 (Art 58 ¶1 statute; ¶1(4) local catalogue): legal review passed before the decision where required.
    if general and case.decided_on and party_rules.legal_review_required(case) is not None:
        if not case.legal_reviews.filter(outcome=LegalReview.Outcome.PASSED).exists():
            found.append(_veto(V_NO_REVIEW, NO_REVIEW))
    # V7 (statute): the procedure fits the penalty.
    if not general and case.fine is not None:  # Art 51: the on-the-spot limits
        limit = party_rules.SPOT_LIMITS[case.party.kind]
        if case.fine > limit:
            found.append(_veto(V_PROCEDURE, Message(SPOT_OVER, fine=case.fine, limit=limit)))
    if general and penalty and case.fine is not None and not case.hearing_eligible:  # Art 63-64
        threshold = case.violation_type.hearing_threshold_for(case.party.kind)
        if case.fine >= threshold:
            found.append(_veto(V_PROCEDURE, Message(HEARING_NOT_OFFERED, fine=case.fine, threshold=threshold)))
    if (general and penalty and not (case.limitation_override_reason or "").strip()
            and party_rules.limitation_expired(case)):  # Art 36
        found.append(_veto(V_PROCEDURE, LIMITATION))
    return found


def _dates_in_order(case) -> bool:
    """Local standard (时间逻辑): violation ≤ filing ≤ notice ≤ decision ≤ service ≤ execution, none in the future."""
    chain = [case.violation_date, case.filed_on, case.notified_on, case.decided_on, case.served_on, case.executed_on]
    chain = [day for day in chain if day]
    today = timezone.localdate()
    return all(a <= b for a, b in zip(chain, chain[1:], strict=False)) and all(day <= today for day in chain)


def _fine_in_range(case) -> bool:
    """Art 34 (statute: 裁量基准) through the flow's own rule (party_rules.require_fine_in_range, C7, Art 32)."""
    if case.outcome != Case.Outcome.PENALTY or case.fine is None:
        return True
    try:
        party_rules.require_fine_in_range(case, case.fine, case.mitigation)
    except RuleViolation:
        return False
    return True


def _missed_deadlines(case) -> int:
    """Deadlines of the case met late or still open past their due date (notifications.Deadline)."""
    today = timezone.localdate()
    missed = 0
    for deadline in Deadline.objects.filter(object_type="cases.case", object_id=case.pk).exclude(
            status=Deadline.Status.CANCELLED):
        if deadline.status == Deadline.Status.CLOSED:
            missed += bool(deadline.closed_on and deadline.closed_on > deadline.due_date)
        elif deadline.status == Deadline.Status.OPEN:
            missed += deadline.due_date < today
    return missed


def deductions(case) -> list[dict]:
    """The deductions of the 100-point score (form 20, content 80), each {code, label, points}."""
    out = []

    def deduct(item, points=None):
        out.append({"code": item[0], "label": str(item[1]), "points": item[2] if points is None else points})

    attachments = set(Attachment.objects.filter(owner_type="cases", owner_id=case.pk)
                      .values_list("category", flat=True))
    # form (20)
    if not case.number:
        deduct(D_NUMBER)
    if not _dates_in_order(case):
        deduct(D_DATES)
    if not (case.party.address or "").strip() or (case.party.kind == "org" and not case.party.id_number):
        deduct(D_PARTY)
    if attachments and not set(attachments) & set(SERVICE_PROOF_CATEGORIES):
        deduct(D_SIGNED)
    # content (80)
    if len((case.facts or "").strip()) < 10:
        deduct(D_FACTS)
    if case.procedure == Case.Procedure.GENERAL and case.outcome == Case.Outcome.PENALTY:
        # Art 46 (statute): the evidence behind the facts — an inquiry record or evidence on file.
        if not case.inquiries.exists() and not set(attachments) & set(EVIDENCE_CATEGORIES):
            deduct(D_EVIDENCE)
    if not (case.legal_basis or "").strip():
        deduct(D_BASIS)
    if not _fine_in_range(case):
        deduct(D_DISCRETION)
    missed = _missed_deadlines(case)
    if missed:
        deduct(D_OVERDUE, min(OVERDUE_CAP, D_OVERDUE[2] * missed))
    if case.outcome == Case.Outcome.PENALTY and case.fine and not (case.executed_on or case.payments.exists()
                                                                    or case.court_applied_on):
        deduct(D_EXECUTION)
    return out


def self_check(case) -> SelfCheck:
    """The self-check of `case` now: vetoes and the score (100 minus the deductions, never below 0)."""
    found = vetoes(case)
    taken = deductions(case)
    score = max(0, FORM_POINTS + CONTENT_POINTS - sum(item["points"] for item in taken))
    return SelfCheck(passed=not found, score=score, vetoes=found, deductions=taken)


CLOSE_REFUSED = _("The case file fails the self-check and cannot be closed: {vetoes}")


class _VetoList:
    """The vetoes as one text, rendered in whichever language asks (the API's bilingual detail, a page's own)."""

    def __init__(self, case):
        self.case = case

    def __str__(self):
        return "；".join(f"{item['label']}：{item['detail']}" for item in vetoes(self.case))


def refusal(case) -> RuleViolation:
    """The close guard's refusal (409, rule `case-file`, CONTRACT §6) naming each veto in a clerk's words."""
    return RuleViolation(Message(CLOSE_REFUSED, vetoes=_VetoList(case)), rule="case-file")


LABELS = {code: label for code, label in (V_WRONG_BODY, V_UNCERTIFIED, V_TOO_FEW, V_NO_NOTICE, V_NO_SERVICE,
                                          V_NO_REVIEW, V_PROCEDURE)}
LABELS.update({code: label for code, label, _points in (D_NUMBER, D_DATES, D_PARTY, D_SIGNED, D_FACTS, D_EVIDENCE,
                                                         D_BASIS, D_DISCRETION, D_OVERDUE, D_EXECUTION)})


def relabel(result: dict) -> dict:
    """A kept result (Case.self_check_result) with its labels in the active language (the details stay as kept)."""
    result = dict(result or {})
    for key in ("vetoes", "deductions"):
        result[key] = [{**item, "label": str(LABELS.get(item.get("code"), item.get("label", "")))}
                       for item in result.get(key, [])]
    return result


def as_shown(case) -> dict:
    """The self-check a reader sees (DESIGN §10: "the score is kept"): for a closed case the result kept at closing
    (Case.self_check_result, labels in the active language), so later uploads or edits never change the file's
    recorded grade; else the check as of now. Same shape as SelfCheck.as_dict()."""
    if case.state == CaseState.CLOSED and case.self_check_at:
        return relabel(case.self_check_result)
    return self_check(case).as_dict()

