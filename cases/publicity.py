"""Publicity of penalty decisions (处罚法 Art 48): which decisions are made public, and the redaction of what is.

Pure rules, no writes: `publicity_required(case)` (Art 48 ¶1 with the province's list, settings PUBLICITY_*),
`minor_at_violation(case)` (未成年人保护法 Art 103), and the redaction (`mask_name`, `redact_text`,
`redacted_snapshot`) that every published text passes through. cases.services.publish_decision keeps the snapshot;
the public page (/public/penalties/) shows only snapshots, never the live case or party.
"""

import re
from decimal import Decimal

from django.conf import settings

from . import party_rules
from .measures import MEASURES
from .models import Case, Party

# Masking a person's name: the surname kept, each other character replaced by 某 (张三丰 → 张某某, 李四 → 李某), the
# form courts' and agencies' published documents use. A compound surname (欧阳, 司马 …) keeps both characters.
MASK_CHAR = "某"
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                     "夏侯", "令狐", "端木", "独孤", "南宫", "西门")

# 18-digit resident ID numbers (GB 11643, check digit 0-9 or X) and the old 15-digit ones; 11-digit mobiles
# (1[3-9]…, optionally +86 and spaced 3-4-4); landlines with an area code (0xx(x)-xxxxxxx(x)) or 7-8 digits alone
# after a phone word. Digits inside a longer run of digits are not taken (a decision number's year stays).
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[-\s]?\d{7,8}(?:-\d{1,5})?(?!\d)")
PHONE_WORD_NUMBER = re.compile(r"((?:电话|手机|联系方式|座机|Tel|tel|TEL)[:：\s]*)\d{7,8}(?!\d)")
ID_MASK, PHONE_MASK = "（身份证号已隐去）", "（电话已隐去）"


def mask_name(name: str) -> str:
    """A person's name masked: the surname kept, every other character 某 (张三 → 张某, 张三丰 → 张某某,
    欧阳娜娜 → 欧阳某某). Empty stays empty; a one-character name becomes 某."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if len(name) > 2 and name.startswith(COMPOUND_SURNAMES) else name[:1]
    if len(name) == 1:
        return MASK_CHAR
    return surname + MASK_CHAR * (len(name) - len(surname))


def redact_text(text: str, names=()) -> str:
    """Free text with personal data removed: every 18- (or 15-) digit ID number, mobile and landline number
    replaced by a note, and every occurrence of each of `names` (persons' full names) by its masked form; the
    longer names first, so 张三丰 is not half-masked by 张三. Returns the text; never raises."""
    text = text or ""
    text = ID_NUMBER.sub(ID_MASK, text)
    text = MOBILE.sub(PHONE_MASK, text)
    text = LANDLINE.sub(PHONE_MASK, text)
    text = PHONE_WORD_NUMBER.sub(lambda m: m.group(1) + PHONE_MASK, text)
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        masked = mask_name(name)
        if masked != name:
            text = text.replace(name, masked)
    return text


def minor_at_violation(case) -> bool:
    """Whether the party was a person under eighteen on the day of the violation (处罚法 Art 30's counting,
    cases.party_rules.age_band): 未成年人保护法 Art 103 (statute) forbids disclosing a minor's name or anything that
    identifies them, so such a decision is never published. A person with no recorded date of birth (none given
    and no resident ID to derive it from) counts as an adult: the registration derives it whenever it can."""
    return party_rules.age_band(case) in (party_rules.MINOR, party_rules.UNDER_FOURTEEN)


def publicity_required(case) -> bool:
    """Whether the penalty decision must be published (Art 48 ¶1: 具有一定社会影响的; the list is the province's —
    local practice, settings PUBLICITY_*): a general-procedure penalty decision either when every such decision is
    (PUBLICITY_ALL_GENERAL_PROCEDURE, the 双公示 practice after 国办发〔2018〕118号) or when its violation type is
    flagged, a measure is one of PUBLICITY_MEASURES, or the fine reaches the party's threshold. Never a minor's
    (未成年人保护法 Art 103); never an on-the-spot decision (local practice: no social impact)."""
    if case.outcome != Case.Outcome.PENALTY or case.procedure == Case.Procedure.SIMPLE:
        return False
    if minor_at_violation(case):
        return False
    if settings.PUBLICITY_ALL_GENERAL_PROCEDURE or case.violation_type.publicity_required:
        return True
    if set(case.measures or []) & set(settings.PUBLICITY_MEASURES):
        return True
    threshold = settings.PUBLICITY_FINE_ORG if case.party.kind == Party.Kind.ORG else settings.PUBLICITY_FINE_PERSON
    return bool(threshold and case.fine is not None and case.fine >= Decimal(threshold))


def penalty_text(case) -> str:
    """The penalty in words as published: each measure's name (Art 9) with the fine's amount in yuan."""
    parts = []
    for code in case.measures or []:
        label = str(MEASURES[code][0]) if code in MEASURES else code
        if code == "fine" and case.fine is not None:
            label = f"{label} {case.fine:,.2f} 元"
        parts.append(label)
    if case.fine is not None and "fine" not in (case.measures or []):
        parts.append(f"{MEASURES['fine'][0]} {case.fine:,.2f} 元")
    if case.measures_note:
        parts.append(case.measures_note)
    return "；".join(parts)


def redacted_snapshot(case, *, decision_number: str, organ: str) -> dict:
    """The fields a published decision shows, redacted (CONTRACT §9): the decision number; the party — a person's
    name masked, an organisation's name kept (as disclosure practice publishes it; the party records no legal
    representative, so none is published) with any number in it removed; never an ID number, phone or a person's address; the facts with ID numbers, phones and the person's
    name removed; legal basis, penalty and fine (yuan), the organ and the decision date. Returns the Publication's
    field values."""
    party = case.party
    person = party.kind == Party.Kind.PERSON
    names = [party.name] if person else []
    party_name = mask_name(party.name) if person else redact_text(party.name)
    return {
        "decision_number": decision_number,
        "party_kind": party.kind,
        "party_name": party_name,
        "violation": case.violation_type.name,
        "facts": redact_text(case.facts or case.description, names),
        "legal_basis": redact_text(case.legal_basis or case.violation_type.legal_basis, names),
        "penalty": redact_text(penalty_text(case), names),
        "fine": case.fine,
        "organ": organ,
        "decided_on": case.decided_on,
    }
