"""Documents and attachments of people's mediation (DESIGN §10-11, CONTRACT §6): registered with the document
machinery (documents.registry) when the app is ready. 人民调解协议书 (人民调解法 Art 29), 口头调解协议记录
(Art 28) and 调解登记表; the committee is the issuer."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.validators import birth_date_from_resident_id
from documents import registry
from workflows import roles

from .flows import acts_on
from .models import Mediation, MediationState
from .selectors import visible_mediations

NOT_AGREED = _("The agreement is produced once the parties have reached a written agreement.")
NOT_ORAL = _("The record of an oral agreement exists only for an oral agreement.")
CONFIRMATION_RIGHT = _(
    "Both parties, if they consider it necessary, may jointly apply to the people's court for judicial confirmation "
    "of this agreement within 30 days of the day it takes effect (人民调解法 Art 33)."
)
AGREED_STATES = (MediationState.AGREED, MediationState.CONFIRMED, MediationState.CLOSED)


def may_view(user, mediation) -> bool:
    return visible_mediations(user).filter(pk=mediation.pk).exists()


def may_attach(user, mediation) -> bool:
    if not roles.may("mediation.attach", user) or not may_view(user, mediation):
        return False
    if roles.has_role(user, roles.JUDICIAL_OFFICE):
        return True
    return acts_on(user, mediation)  # its committee's mediators and those named on it (人民调解法 Art 19)


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _party_line(party, on=None) -> str:
    """当事人的基本情况 (人民调解法 Art 29 (1)): a person's name, gender, ethnicity, age (from a resident ID number,
    GB 11643, at the agreement's date) and ID number, address and phone; an organisation's name, code, address and
    phone. A detail not recorded is left out; the gender is read from the ID number when not recorded."""
    bits = [party.name]
    if party.kind == party.Kind.PERSON:
        born = birth_date_from_resident_id(party.id_number)
        gender = party.gender or (("男" if int(party.id_number.strip()[16]) % 2 else "女") if born else "")
        age = ""
        if born and on:
            years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
            age = f"{years}{_('years old')}"
        bits += [gender, party.ethnicity, age]
    if party.id_number:
        bits.append(f"{_('ID number')}：{party.id_number}")
    if party.address:
        bits.append(f"{_('Address')}：{party.address}")
    if party.phone:
        bits.append(f"{_('Phone')}：{party.phone}")
    return "，".join(b for b in bits if b)


def _parties(mediation):
    return list(mediation.parties.all())


def _agreement_unavailable(mediation, record):
    if mediation.state not in AGREED_STATES or mediation.agreed_on is None or mediation.oral:
        return NOT_AGREED
    return None


def _agreement_context(mediation, record) -> dict:
    """人民调解协议书 (人民调解法 Art 29): the parties' basic details; the main facts, the disputed matters and each
    party's responsibility; the content agreed with the manner and deadline of performance; the committee as
    issuer, the parties' and the mediator's signature lines and the committee's seal (Art 29 ¶2: effective when
    signed and sealed); the right to judicial confirmation within 30 days (Art 33). Further keys: `committee`,
    `parties` (names), `effective_on`."""
    parties = _parties(mediation)
    mediators = "、".join(m.name for m in mediation.mediators.all())
    return {
        "issuer": str(mediation.committee),
        "fields": [{"label": f"{_('Party')}{index}", "value": _party_line(p, mediation.agreed_on)}
                   for index, p in enumerate(parties, 1)],
        "sections": [
            {"heading": _("I. Main facts and disputed matters"), "paragraphs": [mediation.facts]},
            {"heading": _("II. Each party's responsibility"), "paragraphs": [mediation.responsibilities]},
            {"heading": _("III. Content agreed"), "paragraphs": [mediation.terms]},
            {"heading": _("IV. Manner and deadline of performance"),
             "paragraphs": [mediation.performance_manner,
                            f"{_('Performance due on')}：{_day(mediation.performance_due_on)}"]},
            {"heading": _("V. Effect"),
             "paragraphs": [_("This agreement takes effect when signed or sealed by the parties, signed by the "
                              "mediator and sealed by the people's mediation committee (人民调解法 Art 29); it is "
                              "legally binding and the parties shall perform it (Art 31)."),
                            _("This agreement is made in {n} copies: one for each party and one for the committee.")
                            .format(n=len(parties) + 1)]},
        ],
        "rights": CONFIRMATION_RIGHT,
        "signatures": [f"{_('Party')}（{_('signature')}）：{p.name}＿＿＿＿＿＿" for p in parties]
        + [f"{_('Mediator')}（{_('signature')}）：{mediators}＿＿＿＿＿＿"],
        "seal": True,
        "date": _day(mediation.effective_on),
        "committee": str(mediation.committee), "parties": [p.name for p in parties],
        "effective_on": _day(mediation.effective_on),
    }


def _oral_unavailable(mediation, record):
    if mediation.agreed_on is None or not mediation.oral:
        return NOT_ORAL
    return None


def _oral_context(mediation, record) -> dict:
    """口头调解协议记录 (人民调解法 Art 28: the mediator records the content of an oral agreement; Art 30: effective
    when reached)."""
    parties = _parties(mediation)
    return {
        "issuer": str(mediation.committee),
        "fields": [{"label": f"{_('Party')}{index}", "value": _party_line(p, mediation.agreed_on)}
                   for index, p in enumerate(parties, 1)]
        + [{"label": _("Agreement reached on"), "value": _day(mediation.agreed_on)}],
        "sections": [
            {"heading": _("Dispute"), "paragraphs": [mediation.summary]},
            {"heading": _("Content of the oral agreement"), "paragraphs": [mediation.terms]},
        ],
        "signatures": [f"{_('Mediator')}：{'、'.join(m.name for m in mediation.mediators.all())}"],
        "seal": False,
        "date": _day(mediation.agreed_on),
    }


def _registration_context(mediation, record) -> dict:
    """调解登记表: the registration of the dispute (number, source, parties, summary, committee)."""
    parties = _parties(mediation)
    return {
        "issuer": str(mediation.committee),
        "fields": [
            {"label": _("Registration number"), "value": mediation.number or ""},
            {"label": _("Registered on"), "value": _day(mediation.registered_on)},
            {"label": _("Source"), "value": mediation.get_source_display()},
            {"label": _("Kind of dispute"), "value": mediation.get_dispute_type_display()},
            {"label": _("Village"), "value": str(mediation.village or _("the town"))},
        ] + [{"label": f"{_('Party')}{index}", "value": _party_line(p)} for index, p in enumerate(parties, 1)],
        "sections": [{"heading": _("Summary of the dispute"), "paragraphs": [mediation.summary]}],
        "signatures": [f"{_('Registered by')}：{mediation.registered_by}"],
        "seal": False,
        "date": _day(mediation.registered_on),
    }


def register() -> None:
    registry.register_owner(registry.Owner(
        name="mediations", model=Mediation, may_view=may_view, may_attach=may_attach,
        label=lambda m: m.number or f"#{m.pk}",
        url=lambda m: reverse("mediation:mediations:detail", args=[m.pk]),
    ))
    registry.register(registry.DocumentKind(
        name="mediation_registration", owner="mediations", title=_("Mediation registration form"),
        context=_registration_context, unavailable=lambda m, r: None,
        number_of=lambda mediation, record: mediation.number, order=10, extra={"frozen": False},
    ))
    registry.register(registry.DocumentKind(
        name="mediation_agreement", owner="mediations", title=_("People's mediation agreement"),
        context=_agreement_context, unavailable=_agreement_unavailable,
        numbered=True, number_pattern="{town}调协字〔{year}〕{seq}号", order=20,
    ))
    registry.register(registry.DocumentKind(
        name="oral_agreement_record", owner="mediations", title=_("Record of an oral mediation agreement"),
        context=_oral_context, unavailable=_oral_unavailable, order=30,
    ))
