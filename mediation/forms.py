"""The fields each mediation transition takes (CONTRACT §8). The UI and the API both validate with these forms, so
a field means the same thing everywhere; the rules (人民调解法 Art 17, 26, 28-33) are mediation.flows'."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workflows.forms import IdMultipleChoiceField, TransitionForm

from .models import Mediation, Mediator


def text(label, required=True, rows=3, **kwargs):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def date(label, required=False, **kwargs):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(format="%Y-%m-%d"), **kwargs)


class StartForm(TransitionForm):
    mediators = IdMultipleChoiceField(
        label=_("Mediators"), queryset=Mediator.objects.filter(active=True).select_related("committee"),
        help_text=_("One or more mediators of this committee, or of the town committee (人民调解法 Art 19)."),
    )
    consent = forms.BooleanField(
        label=_("Every party consents to mediation"), required=False,
        help_text=_("If one party refuses, there is no mediation (人民调解法 Art 17)."),
    )
    consent_note = text(_("How the parties consented"), required=False, rows=2)
    started_on = date(_("Mediation started on"))

    # The words that say yes: a ticked box ("on") or JSON true. Django's BooleanField reads any other text but
    # "false"/"0" as yes, so "no" or "拒绝" would count as consent (人民调解法 Art 17: a party's refusal ends it).
    CONSENT_YES = ("on", "true", "1")

    def clean_consent(self):
        raw = self.data.get("consent")
        if isinstance(raw, str):
            return raw.strip().lower() in self.CONSENT_YES
        return raw is True

    def __init__(self, *args, flow=None, **kwargs):
        super().__init__(*args, flow=flow, **kwargs)
        if flow is not None:
            committee = flow.obj.committee
            self.fields["mediators"].queryset = Mediator.objects.filter(active=True).filter(
                Q(committee=committee) | Q(committee__level="town")
            ).select_related("committee")


class AgreementForm(TransitionForm):
    oral = forms.BooleanField(
        label=_("Oral agreement"), required=False,
        help_text=_("A simple matter may end in an oral agreement, recorded by the mediator (人民调解法 Art 28)."),
    )
    facts = text(_("Main facts and disputed matters"), required=False)
    responsibilities = text(_("Each party's responsibility"), required=False)
    terms = text(_("Content agreed"), rows=4)
    performance_manner = text(_("Manner of performance"), required=False, rows=2)
    performance_due_on = date(_("Performance due on"))
    agreed_on = date(_("Agreement reached on"))
    effective_on = date(
        _("Agreement effective on"),
        help_text=_("A written agreement takes effect when the parties and the mediator sign it and the committee "
                    "seals it (Art 29 ¶2); an oral one when reached (Art 30)."),
    )


class FailForm(TransitionForm):
    routes_told = forms.MultipleChoiceField(
        label=_("Routes told to the parties"), required=False, choices=Mediation.Route.choices,
        widget=forms.SelectMultiple,
        help_text=_("Arbitration, administrative handling, a lawsuit (人民调解法 Art 26)."),
    )
    reason = text(_("Why no agreement"))
    failed_on = date(_("Ended on"))


class ConfirmationForm(TransitionForm):
    court = forms.CharField(label=_("Court"), max_length=100)
    applied_on = date(_("Applied for on"), required=True)
    ruled_on = date(_("Ruling given on"), required=True)
    ruling_number = forms.CharField(label=_("Ruling number"), max_length=100, required=False)


class PerformanceForm(TransitionForm):
    """One performance follow-up (人民调解法 Art 31; MediationFlow.record_performance)."""

    followed_up_on = date(_("Date of the follow-up"))
    note = text(_("What was found"))
    fully_performed = forms.BooleanField(
        label=_("The agreement is performed in full"), required=False,
        help_text=_("Only then is the file closed; otherwise the follow-up is recorded and the deadline stays open."))
    refused = forms.BooleanField(
        label=_("A party refuses to perform"), required=False,
        help_text=_("Tell the parties they may sue over the agreement (人民调解法 Art 32); the file may then be closed."))
    routes_told = forms.MultipleChoiceField(
        label=_("Routes told to the parties"), required=False, choices=Mediation.Route.choices,
        widget=forms.SelectMultiple)
    # The date's older API name (CONTRACT §8 clients): read as the day of the follow-up, not a day of performance.
    performed_on = forms.DateField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        older = data.pop("performed_on", None)
        if older and not data.get("followed_up_on"):
            data["followed_up_on"] = older
        return data


class CommentForm(TransitionForm):
    comment = text(_("Comment"), required=False)


MEDIATION_TRANSITION_FORMS = {
    "start": StartForm,
    "reach_agreement": AgreementForm,
    "fail": FailForm,
    "record_confirmation": ConfirmationForm,
    "record_performance": PerformanceForm,
    "close": CommentForm,
}
