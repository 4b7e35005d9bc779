"""The party and the outcome (行政处罚法 2021, cited as Art N): age (Art 30), capacity (Art 31), mitigation (Art 32),
no penalty (Art 33), limitation (Art 36), and the local rule that a reduced penalty needs collective discussion.

CaseFlow calls each guard from one line in `file`, `notify` and `decide`; services and selectors read the
limitation from here. Each rule says whether the statute fixes it or local practice does (configurable).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.errors import InvalidInput, Message, RuleViolation, bilingual

from .models import Case, FirstOffenceExemption, Party, Remedy

C5_NEEDS_REVIEW = _("A major case must pass legal review by the judicial office before the decision (Art 58).")
C5_HEARING_HELD = _("A case whose hearing was held must pass legal review before the decision (Art 58 ¶1(2)).")
C5_HEARING_ELIGIBLE = _("A penalty that entitles the party to a hearing must pass legal review before the decision "
                        "(local catalogue of major enforcement decisions, Art 58 ¶1(4)).")
C3_LIMITATION = _("The violation of {start} was discovered on {discovered}, beyond the {years}-year limitation period "
                  "(Art 36); give a reason to file it anyway.")
ART30_UNDER_FOURTEEN = _("The party was under fourteen on the day of the violation ({violation_date}, born "
                         "{birth_date}): no penalty is imposed (Art 30); decide no penalty (ground: under fourteen) "
                         "and record that the guardian was told to discipline them.")
ART30_MINOR_MITIGATION = _("The party was under eighteen on the day of the violation ({violation_date}, born "
                           "{birth_date}): a penalty must be lighter or reduced (Art 30).")
ART31_NO_CAPACITY = _("The party could not recognise or control their conduct at the time (Art 31): no penalty is "
                      "imposed; decide no penalty (ground: mental incapacity).")
ART32_GROUND_REQUIRED = _("A lighter or reduced penalty needs its ground (Art 32).")
ART32_LIGHTER_BELOW = _("A fine of {fine} lies below the minimum {low} of “{name}”: below the range is a reduced "
                        "penalty (减轻), not a lighter one (Art 32).")
ART32_REDUCED_NOT_BELOW = _("A reduced fine lies below the minimum {low} of “{name}”; {fine} is not below it "
                            "(within the range choose a lighter penalty) (Art 32).")
ART32_REDUCED_ZERO = _("A reduced fine is more than zero; no fine at all is a decision of no penalty (Art 32, 33).")
FINE_ZERO = _("A fine is more than zero; a penalty without a fine lists its measures, and no penalty is a "
              "decision of no penalty (Art 33).")
LIGHTER_LOWER_HALF = _("A lighter fine lies in the lower half of the range of “{name}” ({low}–{high} yuan): at "
                       "most {midpoint}; {fine} is above it (local discretion standard, Art 30, 32).")
C7_RANGE = _("The fine {fine} lies outside the discretion range of “{name}”: {low}–{high} yuan.")
REDUCTION_DISCUSSION = _("A reduced penalty needs the record of the collective discussion by the agency's leaders "
                         "(local discretion standard).")
REDUCTION_DISCUSSION_INCOMPLETE = _("Record the collective discussion of a reduced penalty with its conclusion and "
                                    "at least two attendees (local discretion standard, as Art 57 ¶2).")
ART33_GROUND_REQUIRED = _("A decision of no penalty names its ground (Art 33, 30, 31, 36, 57).")
ART33_EDUCATION_REQUIRED = _("Record the education given to the party (Art 33 ¶3).")
GROUND_NOT_UNDER_FOURTEEN = _("The party was not under fourteen on the day of the violation (Art 30).")
GROUND_NOT_INCAPABLE = _("The party is not recorded as unable to recognise or control their conduct (Art 31).")
GROUND_NOT_EXPIRED = _("The violation was discovered within the limitation period (Art 36).")
HARM_DESCRIPTION_REQUIRED = _("Describe the harm to life, health or financial safety that makes the limitation "
                              "period five years (Art 36).")
FIRST_OFFENCE_NOT_LISTED = _("“{name}” is not on the published first-offence list (首违不罚清单): no penalty on the "
                             "ground of a first offence (Art 33 ¶1).")
FIRST_OFFENCE_REPEATED = _("The party was decided against for “{name}” before (case {number}, {decided_on}): this is "
                           "not a first offence (Art 33 ¶1).")
GROUND_NEEDS_NOTICE = _("No notice was served: without one, no penalty is decided only where the facts are not "
                        "established, the limitation has expired, the party was under fourteen or incapable, or had "
                        "no fault; a first or minor corrected violation is notified first (Art 33 ¶1, 44).")
PENALTY_NEEDS_NOTICE = _("A penalty is decided only after the party was told of it and heard (Art 44).")

ADULT, MINOR, UNDER_FOURTEEN = "adult", "minor", "under_fourteen"


def _money(value) -> str:
    return f"{Decimal(value):,.2f}"


def _invalid(field, message, rule):
    raise InvalidInput(message, rule=rule, fields={field: [bilingual(message)]})


# --- dates -----------------------------------------------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """民法典 Art 202: a period in years ends on the corresponding day; with none (29 February), the month's last day."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_reached(birth_date: datetime.date, day: datetime.date, years: int) -> bool:
    """Whether a person born on `birth_date` has reached `years` 周岁 on `day`.

    周岁 are counted by the calendar and reached on the day AFTER the birthday: 最高人民法院《关于审理未成年人刑事案件
    具体应用法律若干问题的解释》(法释〔2006〕1号) Art 2 ("按照公历的年、月、日计算，从周岁生日的第二天起算"). 处罚法 Art 30
    has no counting rule of its own; administrative practice follows this interpretation (local practice, labelled so).
    On the 14th birthday a person is still under fourteen."""
    return day > add_years(birth_date, years)


# --- the party (Art 30, 31) ---------------------------------------------------------------------------


def age_band(case) -> str | None:
    """The person's age at the violation: UNDER_FOURTEEN, MINOR (14 to under 18), ADULT; None for an organisation
    or a person whose date of birth is unknown."""
    party = case.party
    if party.kind != Party.Kind.PERSON or party.birth_date is None:
        return None
    if not age_reached(party.birth_date, case.violation_date, 14):
        return UNDER_FOURTEEN
    if not age_reached(party.birth_date, case.violation_date, 18):
        return MINOR
    return ADULT


def require_party_may_be_penalised(case, *, mitigation: str, mitigation_ground: str) -> None:
    """Before a penalty is proposed or decided (statute):
    - Art 30: under fourteen at the violation → no penalty; 14 to under 18 → 应当从轻或者减轻 (lighter or reduced);
    - Art 31: unable to recognise or control their conduct at the time → no penalty; not wholly unable → 可以从轻或者
      减轻 (allowed, not required);
    - Art 32: a lighter or reduced penalty names its ground."""
    if mitigation != Case.Mitigation.NONE and not (mitigation_ground or "").strip():
        _invalid("mitigation_ground", ART32_GROUND_REQUIRED, "Art 32")
    band = age_band(case)
    party = case.party
    if band == UNDER_FOURTEEN:
        raise RuleViolation(Message(ART30_UNDER_FOURTEEN, violation_date=case.violation_date,
                                    birth_date=party.birth_date), rule="Art 30")
    if party.kind == Party.Kind.PERSON and party.capacity == Party.Capacity.NONE_AT_THE_TIME:
        raise RuleViolation(ART31_NO_CAPACITY, rule="Art 31")
    if band == MINOR and mitigation == Case.Mitigation.NONE:
        raise RuleViolation(Message(ART30_MINOR_MITIGATION, violation_date=case.violation_date,
                                    birth_date=party.birth_date), rule="Art 30")


# --- the fine and its mitigation (C7, Art 32) ----------------------------------------------------------


def require_fine_in_range(case, fine, mitigation: str = Case.Mitigation.NONE) -> None:
    """C7: the fine lies within the violation type's discretion range (裁量基准, local), unless reduced.

    Art 32 (statute): 从轻 (lighter) stays within the range; 减轻 (reduced) goes below its minimum but not to zero
    (no fine at all is no penalty, Art 33) and never up to the minimum."""
    violation_type = case.violation_type
    fine = Decimal(fine)
    low, high = violation_type.fine_min, violation_type.fine_max
    names = {"fine": _money(fine), "name": violation_type.name, "low": _money(low), "high": _money(high)}
    if mitigation == Case.Mitigation.REDUCED:
        if fine <= 0:
            raise RuleViolation(ART32_REDUCED_ZERO, rule="C7 Art 32")
        if fine >= low:
            raise RuleViolation(Message(ART32_REDUCED_NOT_BELOW, **names), rule="C7 Art 32")
        return
    if fine <= 0:  # Art 9(2), 33 (statute): a fine is an amount; no fine at all is no penalty
        raise RuleViolation(FINE_ZERO, rule="Art 33")
    if mitigation == Case.Mitigation.LIGHTER and fine < low:
        raise RuleViolation(Message(ART32_LIGHTER_BELOW, **names), rule="C7 Art 32")
    # LOCAL RULE (configurable: settings.CASE_LIGHTER_LOWER_HALF, default on; the provinces' 裁量基准): 从轻 lies in
    # the lower half of the range, at most its midpoint — else Art 30's 应当从轻 would allow the maximum.
    midpoint = (low + high) / 2
    if (mitigation == Case.Mitigation.LIGHTER and getattr(settings, "CASE_LIGHTER_LOWER_HALF", True)
            and fine > midpoint):
        raise RuleViolation(Message(LIGHTER_LOWER_HALF, **names, midpoint=_money(midpoint)),
                            rule="C7 local rule 从轻 lower half")
    if not (low <= fine <= high):
        raise RuleViolation(Message(C7_RANGE, **names), rule="C7")


def require_discussion_for_reduction(case, mitigation: str, collective_discussion: str, attendees=()) -> None:
    """LOCAL RULE (configurable: settings.CASE_REDUCTION_NEEDS_DISCUSSION, default on): many provinces' discretion
    standards (裁量基准) require a reduced penalty (减轻) to pass the collective discussion of the agency's leaders.
    The statute (Art 32) does not; Art 57 ¶2's own cases are checked elsewhere (collective_discussion_required)."""
    if not getattr(settings, "CASE_REDUCTION_NEEDS_DISCUSSION", True):
        return
    if mitigation != Case.Mitigation.REDUCED:
        return
    if not (collective_discussion or "").strip():
        raise RuleViolation(REDUCTION_DISCUSSION, rule="local rule 减轻 collective discussion")
    if len({name.strip() for name in attendees or () if name.strip()}) < 2:  # the same record as Art 57 ¶2
        raise RuleViolation(REDUCTION_DISCUSSION_INCOMPLETE, rule="local rule 减轻 collective discussion")


def require_notice_before_penalty(case) -> None:
    """Art 44 (statute): a penalty is decided only after the party was told of it (a mediated case has none)."""
    if case.notified_on is None:
        raise RuleViolation(PENALTY_NEEDS_NOTICE, rule="Art 44")


# --- no penalty (Art 33, 30, 31, 36, 57) -------------------------------------------------------------------


def require_no_penalty_ground(case, no_penalty_ground: str, education: str) -> None:
    """A decision of no penalty names its ground (statute: Art 33 ¶1 first offence (may) and minor corrected
    (shall), ¶2 no fault, Art 30 under fourteen, Art 31 mental incapacity, Art 57 ¶1(3) facts not established,
    Art 36 limitation) and records the education given (Art 33 ¶3: 对当事人进行教育; for a child, the guardian told
    to discipline them, Art 30) — for every ground but facts not established, where there is nothing to educate on.
    A ground that rests on a recorded fact is checked against it."""
    grounds = Case.NoPenaltyGround
    if no_penalty_ground not in grounds.values:
        _invalid("no_penalty_ground", ART33_GROUND_REQUIRED, "Art 33")
    if no_penalty_ground != grounds.FACTS_NOT_ESTABLISHED and not (education or "").strip():
        _invalid("education", ART33_EDUCATION_REQUIRED, "Art 33 ¶3")
    if no_penalty_ground == grounds.UNDER_FOURTEEN and age_band(case) != UNDER_FOURTEEN:
        raise RuleViolation(GROUND_NOT_UNDER_FOURTEEN, rule="Art 30")
    if no_penalty_ground == grounds.MENTAL_INCAPACITY and case.party.capacity != Party.Capacity.NONE_AT_THE_TIME:
        raise RuleViolation(GROUND_NOT_INCAPABLE, rule="Art 31")
    if no_penalty_ground == grounds.LIMITATION_EXPIRED and not limitation_expired(case):
        raise RuleViolation(GROUND_NOT_EXPIRED, rule="Art 36")


# Grounds of no penalty that need no notice (告知) first: Art 44 requires the notice before a penalty only, and on
# these grounds there is nothing the party must be told of to contest (CaseFlow.propose_no_penalty). Art 33 ¶1's
# first offence and minor corrected violation keep the 不予行政处罚告知 (provincial procedure rules: local practice).
NO_NOTICE_GROUNDS = (
    Case.NoPenaltyGround.FACTS_NOT_ESTABLISHED,  # Art 57 ¶1(3)
    Case.NoPenaltyGround.LIMITATION_EXPIRED,  # Art 36
    Case.NoPenaltyGround.UNDER_FOURTEEN,  # Art 30
    Case.NoPenaltyGround.MENTAL_INCAPACITY,  # Art 31
    Case.NoPenaltyGround.NO_FAULT,  # Art 33 ¶2: the party proved it, so was heard
)


def require_ground_without_notice(no_penalty_ground: str) -> None:
    """A case proposed for no penalty without a notice (CaseFlow.propose_no_penalty) is decided on a ground that
    needs none (NO_NOTICE_GROUNDS; Art 44 covers penalties only, Art 33 ¶1 keeps its notice by local practice)."""
    if no_penalty_ground not in NO_NOTICE_GROUNDS:
        raise RuleViolation(GROUND_NEEDS_NOTICE, rule="Art 44")


# 不予行政处罚告知 (Art 33 ¶1 with Art 44: local practice keeps the notice): the notice's intent and its grounds.
NOTICE_NO_PENALTY = "no_penalty"
NOTICE_NO_PENALTY_GROUNDS = (Case.NoPenaltyGround.FIRST_OFFENCE, Case.NoPenaltyGround.MINOR_CORRECTED)
NOTICE_GROUND_REQUIRED = _("A notice of no penalty names its ground: first offence (首违不罚) or a minor violation "
                           "corrected in time (Art 33 ¶1).")
NOTICE_NO_PENALTY_NOTHING_PROPOSED = _("A notice of no penalty proposes no fine and no measure: leave them empty.")


def require_notice_no_penalty(no_penalty_ground: str, proposed_fine, proposed_measures) -> None:
    """A 不予行政处罚告知 (Art 33 ¶1, statute: 首违 may / minor corrected shall not be penalised) names one of
    NOTICE_NO_PENALTY_GROUNDS and proposes nothing (400 beside the field otherwise)."""
    if no_penalty_ground not in NOTICE_NO_PENALTY_GROUNDS:
        _invalid("no_penalty_ground", NOTICE_GROUND_REQUIRED, "Art 33")
    if proposed_fine is not None:
        _invalid("proposed_fine", NOTICE_NO_PENALTY_NOTHING_PROPOSED, "Art 33")
    if proposed_measures:
        _invalid("proposed_measures", NOTICE_NO_PENALTY_NOTHING_PROPOSED, "Art 33")


def require_first_offence(case, decided_on: datetime.date | None = None) -> None:
    """首违不罚 (Art 33 ¶1, statute): 初次违法且危害后果轻微并及时改正的，可以不予行政处罚 — MAY: the agency chooses,
    within the list it (or the province) published; the first sentence, 违法行为轻微并及时改正，没有造成危害后果的，
    不予行政处罚, is a MUST (ground minor_corrected, no list). Checked here:
    - the case's violation type is on the active 首违不罚 list (FirstOffenceExemption, kept by the admin; published
      on or before the decision: local practice, the list the province publishes);
    - it is the party's first violation of that type: no earlier case of the party (identified by its ID number or
      unified social credit code) and of this type was decided with a penalty, or already let off as a first
      offence. A party without an ID number is matched by its party record only (each report registers its party
      anew, so such a party cannot be traced across cases: record the ID number). A decision revoked on
      reconsideration or by a court (Remedy outcome revoked; revoked_redo clears it) is void
      (行政复议法 Art 64, 行政诉讼法 Art 70: statute) and is no earlier violation on record.
    The harm being minor and the correction in time are findings of the case (its facts and correction orders)."""
    violation_type = case.violation_type
    day = decided_on or timezone.localdate()
    listed = FirstOffenceExemption.objects.filter(violation_type=violation_type, active=True, published_on__lte=day)
    if not listed.exists():
        raise RuleViolation(Message(FIRST_OFFENCE_NOT_LISTED, name=violation_type.name), rule="Art 33 ¶1")
    id_number = (case.party.id_number or "").strip()
    earlier = (Case.objects.filter(violation_type=violation_type, decided_on__isnull=False)
               .filter(Q(outcome=Case.Outcome.PENALTY)
                       | Q(outcome=Case.Outcome.NO_PENALTY, no_penalty_ground=Case.NoPenaltyGround.FIRST_OFFENCE))
               .exclude(pk=case.pk).select_related("party").order_by("decided_on", "id"))
    # revoked: the case closed on a void decision; revoked_redo cleared the decision (decided_on is None until
    # the new one, which counts)
    revoked = Remedy.objects.filter(case=OuterRef("pk"), outcome=Remedy.Outcome.REVOKED)
    earlier = earlier.exclude(Exists(revoked))
    earlier = earlier.filter(party__id_number=id_number) if id_number else earlier.filter(party=case.party)
    previous = earlier.first()
    if previous is not None:
        raise RuleViolation(Message(FIRST_OFFENCE_REPEATED, name=violation_type.name, number=previous.number or "—",
                                    decided_on=previous.decided_on), rule="Art 33 ¶1")


# --- limitation (C3, Art 36) ------------------------------------------------------------------------------


def require_harm_described(harm: bool, harm_description: str) -> None:
    """Art 36 (statute: 5 years instead of 2 when the case touches life, health or financial safety with harmful
    effects): the flag stands only with a description of the harm (local practice: the record behind it)."""
    if harm and not (harm_description or "").strip():
        _invalid("harm_description", HARM_DESCRIPTION_REQUIRED, "Art 36")


def limitation_years(case) -> int:
    """Art 36 (statute): 2 years; 5 when the case touches citizens' life and health or financial safety and had
    harmful effects — a fact of the case (Case.harm_to_life_health_or_finance), not of its violation type."""
    return 5 if case.harm_to_life_health_or_finance else 2


def limitation_start(case) -> datetime.date:
    """Art 36 ¶2: from the day of the violation; for a continuing or repeated act, from the day it ended."""
    return case.violation_ended_on or case.violation_date


def discovered_on(case) -> datetime.date:
    """Art 36: 在二年内未被发现的 — the discovery is the registration of the report (reported_at, town time)."""
    return timezone.localdate(case.reported_at) if case.reported_at else timezone.localdate()


def limitation_expired(case) -> bool:
    """C3 (Art 36): not discovered within the period → no penalty. The period's last day is the corresponding day
    of the last year (民法典 Art 201–202; 29 February → 28 February); discovered on it is still in time."""
    return discovered_on(case) > add_years(limitation_start(case), limitation_years(case))


def require_within_limitation(case, limitation_override_reason: str) -> None:
    """C3 (Art 36): a case discovered after the period is filed only with a recorded reason (e.g. to decide no
    penalty on that ground); the filing date plays no part."""
    if limitation_expired(case) and not (limitation_override_reason or "").strip():
        raise RuleViolation(Message(C3_LIMITATION, start=limitation_start(case), discovered=discovered_on(case),
                                    years=limitation_years(case)), rule="C3 Art 36")


# Art 51 (statute): 对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者警告的行政处罚 (the on-the-spot limits;
# cases.services decides on the spot within them, cases.self_check checks a closed file against them).
SPOT_LIMITS = {Party.Kind.PERSON: Decimal("200"), Party.Kind.ORG: Decimal("3000")}


class Requirement:
    """Why a step is required: the message and the rule it names."""

    def __init__(self, message, rule):
        self.message, self.rule = message, rule


def legal_review_required(case) -> Requirement | None:
    """Art 58 ¶1: legal review before the decision — statutory for a hearing held (¶1(2)) and for a case marked
    major (¶1(1)(3)); for a penalty that entitles to a hearing, local practice (the agency's 重大执法决定法制审核
    目录, ¶1(4))."""
    if case.hearing_requested_on or case.hearing_record:
        return Requirement(C5_HEARING_HELD, "C5 Art 58 ¶1(2)")
    if case.major:
        return Requirement(C5_NEEDS_REVIEW, "C5 Art 58")
    if case.hearing_eligible:
        return Requirement(C5_HEARING_ELIGIBLE, "C5 Art 58 ¶1(4)")
    return None
