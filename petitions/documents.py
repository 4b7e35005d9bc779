"""The petition's documents and attachments (DESIGN §10–11, CONTRACT §6): registered with the document machinery
(documents.registry) when the app is ready. Each is filled from the petition's data and numbered when issued.
Statute: 信访工作条例 (2022), "条例"."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from documents import registry
from workflows import roles

from .models import Petition, PetitionState as S, next_higher_organ
from .services import may_view

ACCEPTANCE_BASIS = _("《信访工作条例》第二十三条")
HANDLING_BASIS = _("《信访工作条例》第三十二条、第三十四条")
# 条例 Art 35 (statute): the written answer tells the petitioner of the right to ask the next-higher organ for a
# review within 30 days of receiving it.
# The town government's next-higher administrative organ is the county government (地方组织法: the township is
# led by the county), named from settings.COUNTY_NAME as the decisions' remedies are.
RIGHTS_REVIEW = _("If you disagree with this opinion, you may, within 30 days of receiving it, ask the "
                  "administrative organ at the next higher level, {organ}, for a review (复查) "
                  "(《信访工作条例》第三十五条).")
RIGHTS_DECLINED = _("A matter that should go through litigation, arbitration or administrative reconsideration "
                    "is pursued through those channels (《信访工作条例》第三十一条).")
NOT_ACCEPTED_YET = _("The acceptance notice is produced when the petition is accepted.")
NOT_DECLINED = _("The notice is produced when the petition is not accepted.")
NOT_REPLIED = _("The handling opinion is produced when the petition is answered.")
NOT_EXTENDED = _("The extension notice is produced when the principal approved an extension of the handling period.")


def may_attach(user, petition) -> bool:
    return roles.may("petition.attach", user) and may_view(user, petition)


def _day(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localdate(value)
    return f"{value.year}年{value.month}月{value.day}日"


def _petitioners(petition) -> str:
    return "、".join(p.name for p in petition.petitioners.all())


def _head(petition) -> list[dict]:
    return [
        {"label": _("Petitioners"), "value": _petitioners(petition)},
        {"label": _("Registration number"), "value": petition.number or ""},
        {"label": _("Received on"), "value": _day(petition.received_on)},
        {"label": pgettext_lazy("petition", "Channel"), "value": petition.get_channel_display()},
        {"label": _("Subject"), "value": petition.subject},
    ]


def _accepted_unavailable(petition, record):
    return None if petition.accepted_on else NOT_ACCEPTED_YET


def _acceptance_context(petition, record) -> dict:
    """受理告知书 (条例 Art 23): the petitioner is told in writing, within 15 days, that the matter is accepted and
    is answered within 60 days (Art 34). Further keys: `petitioners`, `subject`."""
    return {
        "fields": _head(petition),
        "sections": [{"heading": "", "paragraphs": [
            str(_("{petitioners}: your petition about “{subject}”, received on {received}, is accepted. It will be "
                  "handled and answered in writing within 60 days of the acceptance ({accepted}).")).format(
                petitioners=_petitioners(petition), subject=petition.subject,
                received=_day(petition.received_on), accepted=_day(petition.accepted_on)),
            str(ACCEPTANCE_BASIS)]}],
        "seal": True, "date": _day(petition.accepted_on),
        "petitioners": _petitioners(petition), "subject": petition.subject,
    }


def _declined_unavailable(petition, record):
    return None if petition.decline_reason and petition.state in (S.NOT_ACCEPTED, S.CLOSED) else NOT_DECLINED


def _non_acceptance_context(petition, record) -> dict:
    """不予受理告知书 (条例 Art 23, 31): the reason the matter is not accepted and where it may be pursued."""
    return {
        "fields": _head(petition),
        "sections": [
            {"heading": _("Reason"), "paragraphs": [petition.decline_reason]},
            {"heading": _("Basis"), "paragraphs": [str(ACCEPTANCE_BASIS)]},
        ],
        "rights": RIGHTS_DECLINED, "seal": True,
        "petitioners": _petitioners(petition), "subject": petition.subject,
    }


def _replied_unavailable(petition, record):
    return None if petition.replied_on else NOT_REPLIED


def _handling_opinion_context(petition, record) -> dict:
    """信访处理意见书 (条例 Art 32–35): the matter, the opinion, the result and the petitioner's right to ask the
    next-higher organ for a review within 30 days (Art 35). Further keys: `opinion`, `result`."""
    return {
        "fields": _head(petition) + [{"label": _("Result"), "value": petition.get_result_display()}],
        "sections": [
            {"heading": _("I. The petition"), "paragraphs": [petition.content]},
            {"heading": _("II. Handling opinion"), "paragraphs": [petition.opinion]},
            {"heading": pgettext_lazy("petition", "III. Basis"), "paragraphs": [str(HANDLING_BASIS)]},
        ],
        "rights": RIGHTS_REVIEW.format(organ=next_higher_organ()), "seal": True, "date": _day(petition.replied_on),
        "petitioners": _petitioners(petition), "subject": petition.subject, "opinion": petition.opinion,
        "result": petition.get_result_display(),
    }


def _handling_deadline(petition):
    from .services import handling_deadline

    return handling_deadline(petition)


def _extension_unavailable(petition, record):
    deadline = _handling_deadline(petition)
    return None if deadline is not None and deadline.extended_days else NOT_EXTENDED


def _extension_context(petition, record) -> dict:
    """延期办理告知书 (条例 Art 34): the handling period extended with the principal's approval, the new last day
    and the reason (the approved request's)."""
    deadline = _handling_deadline(petition)
    adjustment = deadline.adjustments.filter(action="extend", status="approved").order_by("-id").first() \
        if deadline else None
    reason = adjustment.reason if adjustment else ""
    return {
        "fields": _head(petition),
        "sections": [{"heading": "", "paragraphs": [
            str(_("The handling of your petition is extended by {days} days with the approval of the head of this "
                  "organ; it will be answered by {due}.")).format(
                days=deadline.extended_days if deadline else 0, due=_day(deadline.due_date) if deadline else ""),
            f"{_('Reason')}：{reason}",
            str(_("《信访工作条例》第三十四条"))]}],
        "seal": True,
        "petitioners": _petitioners(petition), "subject": petition.subject,
    }


def register() -> None:
    registry.register_owner(registry.Owner(
        name="petitions", model=Petition, may_view=may_view, may_attach=may_attach,
        label=lambda p: p.number or f"#{p.pk}",
        url=lambda p: reverse("petitions:petitions:detail", args=[p.pk]),
    ))
    registry.register(registry.DocumentKind(
        name="petition_acceptance_notice", owner="petitions", title=_("Petition acceptance notice"),
        context=_acceptance_context, unavailable=_accepted_unavailable,
        numbered=True, number_pattern="{town}信受〔{year}〕{seq}号", order=10,
    ))
    registry.register(registry.DocumentKind(
        name="petition_non_acceptance_notice", owner="petitions", title=_("Petition non-acceptance notice"),
        context=_non_acceptance_context, unavailable=_declined_unavailable,
        numbered=True, number_pattern="{town}信不受〔{year}〕{seq}号", order=11,
    ))
    registry.register(registry.DocumentKind(
        name="petition_extension_notice", owner="petitions", title=_("Petition handling extension notice"),
        context=_extension_context, unavailable=_extension_unavailable,
        numbered=True, number_pattern="{town}信延〔{year}〕{seq}号", order=20,
    ))
    registry.register(registry.DocumentKind(
        name="petition_handling_opinion", owner="petitions", title=_("Petition handling opinion"),
        context=_handling_opinion_context, unavailable=_replied_unavailable,
        numbered=True, number_pattern="{town}信复〔{year}〕{seq}号", order=30,
    ))
