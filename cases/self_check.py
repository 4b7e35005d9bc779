"""The pre-closure self-check of a case file (案卷评查, DESIGN §10; CONTRACT §6).

Two parts, modelled on the provincial case-file review standards (行政执法案卷评查标准; the town's own reading,
research/domain-systems.md §2 "不合格卷"):

- **Vetoes** (否决项): any one makes the file 不合格 and CaseFlow.close refuses (409, rule `case-file`). Each flags a
  real legal defect that a legitimately processed case cannot have — never a missing upload:
    V1 wrong body (主体不合法) — the violation type is not (or no longer) one the town may enforce (Art 17, 22
       statute: the agency acts within its competence). A case transferred out (Art 27) is not checked at all: it
       is the receiving body's to decide, and transferring it was the lawful step (not_applicable());
    V2 uncertified officer (执法人员无证) — an officer acted on a day their certificate was not valid (Art 42 statute);
    V3 fewer than two officers in the general procedure (Art 42 ¶1, 55 statute);
    V4 no prior notice before a penalty decided in the general procedure (Art 44, 62 statute);
    V5 no service proof — the decision's service date and method not recorded (Art 61 statute);
    V6 no legal review where required (Art 58 ¶1 statute; ¶1(4) the local catalogue);
    V7 wrong procedure — on the spot beyond Art 51's limits (statute), a penalty entitling to a hearing decided
       without the hearing offered (Art 63, 64 statute), a case discovered after the limitation period penalised
       without a recorded reason (Art 36 statute);
    V8 fine unpaid (罚款未缴清) — execution is recorded but the payments recorded from the bank's receipts do not
       cover the fine and no court enforced it (Art 66-67, 72 statute; 行政强制法 Art 53: a decision not performed
       goes to a demand and the court — a file closed with the fine owed and no enforcement result is defective).
- **Score** out of 100: form 20, content 80. Each deduction below names its rule (local review standard unless
  it says statute); the points are the town's own weights.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from documents.models import Attachment
from notifications.models import Deadline
from workflows.errors import Message, RuleViolation

from . import party_rules
from .models import Case, CaseState, LegalReview, Payment

# --- vetoes ---------------------------------------------------------------------------------------------------
V_WRONG_BODY = ("wrong_body", _("Wrong body"))
V_UNCERTIFIED = ("uncertified_officer", _("Officer without a valid certificate"))
V_TOO_FEW = ("too_few_officers", _("Fewer than two officers"))
V_NO_NOTICE = ("no_prior_notice", _("No notice before the penalty"))
V_NO_SERVICE = ("no_service_proof", _("No proof of service"))
V_NO_REVIEW = ("no_legal_review", _("No legal review"))
V_PROCEDURE = ("wrong_procedure", _("Wrong procedure"))
V_UNPAID = ("fine_unpaid", _("Fine not paid in full"))

WRONG_BODY_TYPE = _("“{name}” is not a violation type the town may enforce (its power is not active) (Art 17, 22).")
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
FINE_UNPAID = _("Execution is recorded, but of the {fine} yuan fine the payments recorded cover {paid} yuan: {balance} "
                "yuan is still owed and no court enforcement is recorded (Art 66, 67, 72; Administrative Coercion "
                "Law Art 53).")
LIMITATION = _("The violation was discovered after the limitation period and penalised without a recorded reason "
               "(Art 36).")

# What the clerk does about each veto (shown beside it on the case page and the close page).
FIXES = {
    V_WRONG_BODY[0]: _("Check the town's power over this violation type; a case that is not the town's goes to the "
                       "competent body (transfer)."),
    V_UNCERTIFIED[0]: _("Check the officer's certificate on the officers page; an act done without a valid "
                        "certificate is redone by certified officers before the case is closed."),
    V_TOO_FEW[0]: _("Assign a second certified officer; what one officer did alone is redone by two before the case "
                    "is closed."),
    V_NO_NOTICE[0]: _("The decision must be corrected: notify the party of the facts, grounds and penalty and hear "
                      "them before deciding again."),
    V_NO_SERVICE[0]: _("Record the service of the decision: the date and manner on the service receipt."),
    V_NO_REVIEW[0]: _("Have the judicial office review the case; the decision is corrected after the review passes."),
    V_PROCEDURE[0]: _("The decision must be corrected in the proper procedure before the case is closed."),
    V_UNPAID[0]: _("Record the bank's payment receipts; if the fine is unpaid, serve a demand and apply to the court "
                   "for enforcement before closing the case."),
}

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
    return {"code": pair[0], "label": str(pair[1]), "detail": str(detail), "fix": str(FIXES[pair[0]])}


def not_applicable(case) -> bool:
    """A case transferred out (移送, Art 27 statute) is the receiving body's to decide and never closes here: the
    self-check does not apply to it (transferring was the lawful step, not a wrong body)."""
    return bool(case.transferred_to) or case.state == "transferred"


def _valid_on(officer, day: datetime.date) -> bool:
    return any(cert.valid_on(day) for cert in officer.certificates.all())


def _officer_acts(case, officers):
    """(officer, day, act) for each act of an officer on the file: the assignment at filing (the general procedure's
    investigation begins there, Art 54-55), each inquiry they held, the on-the-spot decision (Art 52). `officers`:
    the case's officers, their certificates prefetched."""
    if case.procedure == Case.Procedure.SIMPLE:
        day = case.decided_on or (case.spot_decided_at and timezone.localdate(case.spot_decided_at))
        for officer in officers:
            if day:
                yield officer, day, ACT_SPOT
        return
    if case.filed_on:
        for officer in officers:
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
    if not_applicable(case):
        return found
    if not case.violation_type.active:
        found.append(_veto(V_WRONG_BODY, Message(WRONG_BODY_TYPE, name=case.violation_type.name)))
    # V2 (Art 42 statute): 执法人员应当具有行政执法资格 — on each day they acted.
    seen = set()
    officers = list(case.officers.prefetch_related("certificates"))  # two queries, whatever their number
    for officer, day, act in _officer_acts(case, officers):
        if (officer.pk, day) in seen or _valid_on(officer, day):
            continue
        seen.add((officer.pk, day))
        name = officer.display_name  # 姓名 in Chinese order, as everywhere in the app (workflows.User)
        found.append(_veto(V_UNCERTIFIED, Message(UNCERTIFIED, name=name, day=day, act=act)))
    # V3 (Art 42 ¶1, 55 statute): 不得少于两人 in the general procedure (one may decide on the spot, Art 52).
    if general and case.filed_on:
        count = len(officers)
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
    # V8 (Art 66-67, 72 statute; 行政强制法 Art 53): an executed fine is paid (the bank's receipts, 罚缴分离 Art 67) or
    # enforced by the court; the execution's own words ("已缴纳") do not pay it.
    balance = unpaid_balance(case)
    if balance is not None:
        found.append(_veto(V_UNPAID, Message(FINE_UNPAID, fine=_money(case.fine), paid=_money(case.fine - balance),
                                             balance=_money(balance))))
    return found


def _money(amount) -> str:
    return f"{amount:,.2f}"


def unpaid_balance(case):
    """The fine still owed (a Decimal > 0) on a case whose execution is recorded, when the payments recorded do not
    cover it and no court enforced it (行政强制法 Art 57-58); None otherwise (no fine, not executed yet, paid)."""
    if not (case.outcome == Case.Outcome.PENALTY and case.fine and case.executed_on):
        return None
    if case.court_outcome == Case.CourtOutcome.ENFORCED:
        return None
    paid = sum((p.amount for p in Payment.objects.filter(case=case)), Decimal("0"))
    return case.fine - paid if paid < case.fine else None


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


MISSED_MET_LATE = _("{name}: due {due}, met {met}")
MISSED_OPEN = _("{name}: due {due}, still open")


def _missed_deadlines(case) -> list[str]:
    """The deadlines of the case (notifications.Deadline) met late or still open past their due date, each named by
    its kind's name and due date (and the day it was met)."""
    today = timezone.localdate()
    missed = []
    for deadline in (Deadline.objects.filter(object_type="cases.case", object_id=case.pk)
                     .exclude(status=Deadline.Status.CANCELLED).select_related("rule").order_by("due_date", "id")):
        if deadline.status == Deadline.Status.CLOSED:
            if deadline.closed_on and deadline.closed_on > deadline.due_date:
                missed.append(str(Message(MISSED_MET_LATE, name=deadline.rule.name, due=deadline.due_date,
                                          met=deadline.closed_on)))
        elif deadline.status == Deadline.Status.OPEN and deadline.due_date < today:
            missed.append(str(Message(MISSED_OPEN, name=deadline.rule.name, due=deadline.due_date)))
    return missed


def deductions(case) -> list[dict]:
    """The deductions of the 100-point score (form 20, content 80), each {code, label, points}."""
    out = []

    def deduct(item, points=None, detail=""):
        entry = {"code": item[0], "label": str(item[1]), "points": item[2] if points is None else points}
        if detail:
            entry["detail"] = detail
        out.append(entry)

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
        deduct(D_OVERDUE, min(OVERDUE_CAP, D_OVERDUE[2] * len(missed)), detail="；".join(missed))
    if case.outcome == Case.Outcome.PENALTY and case.fine and not (case.executed_on or case.payments.exists()
                                                                    or case.court_applied_on):
        deduct(D_EXECUTION)
    return out


def self_check(case, found: list[dict] | None = None) -> SelfCheck:
    """The self-check of `case` now: vetoes and the score (100 minus the deductions, never below 0). `found`: the
    vetoes when the caller has just computed them (vetoes(case), in the active language), else they are."""
    found = vetoes(case) if found is None else found
    taken = deductions(case)
    score = max(0, FORM_POINTS + CONTENT_POINTS - sum(item["points"] for item in taken))
    return SelfCheck(passed=not found, score=score, vetoes=found, deductions=taken)


CLOSE_REFUSED = _("The case file fails the self-check and cannot be closed: {vetoes}. Correct them, then close the "
                  "case.")
NOT_APPLICABLE = _("The case was transferred to another body: the pre-closure self-check does not apply to it.")


class _VetoList:
    """The vetoes as one text, rendered in whichever language asks (the API's bilingual detail, a page's own)."""

    def __init__(self, case):
        self.case = case

    def __str__(self):
        # Each detail is a sentence of its own: joined without its full stop (the message has the one at the end),
        # with the punctuation of the language rendering it.
        english = (translation.get_language() or "").startswith("en")
        colon, separator = (": ", "; ") if english else ("：", "；")
        return separator.join(f"{item['label']}{colon}{item['detail'].rstrip('。.')}" for item in vetoes(self.case))


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

