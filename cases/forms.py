"""The fields each case transition takes (CONTRACT §5); the UI and the API validate with these forms."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from workflows import roles
from workflows.forms import FindingField, IdMultipleChoiceField, RawValueSelect, TransitionForm

from .models import Case


def officer_choices():
    return get_user_model().objects.filter(groups__name=roles.ENFORCEMENT_OFFICER, is_active=True).distinct()


def text(label, required=True, rows=3, **kwargs):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class CommentForm(TransitionForm):
    comment = text(_("Comment"), required=False, rows=2)


class ReasonForm(TransitionForm):
    reason = text(_("Reason"))


class FileForm(TransitionForm):
    officers = IdMultipleChoiceField(
        label=_("Case officers"), queryset=officer_choices(),
        help_text=_("At least two officers with valid enforcement certificates (Art 42, 55)."),
    )
    filed_on = forms.DateField(label=_("Filed on"), required=False)
    limitation_override_reason = text(
        _("Reason to file past the limitation period"), required=False, rows=2,
        help_text=_("Only when the violation lies beyond the limitation period (Art 36)."),
    )
    harm_to_life_health_or_finance = FindingField(
        label=_("Touches life, health or financial safety, with harmful effects"), required=False,
        widget=RawValueSelect,
        help_text=_("Left empty, what the report recorded stands; yes makes the limitation period five years "
                    "(Art 36)."))
    comment = text(_("Comment"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officer_choices()


class TransferForm(TransitionForm):
    to = forms.CharField(label=_("Transferred to"), max_length=200)
    reason = text(_("Reason"))


class MediationSucceededForm(TransitionForm):
    agreement = text(_("Mediation agreement"), rows=5)
    violation_corrected = FindingField(label=_("Violation corrected"), required=False, widget=RawValueSelect)
    concluded_on = forms.DateField(label=_("Concluded on"), required=False)


class NotifyForm(TransitionForm):
    facts = text(_("Facts"), rows=5)
    legal_basis = text(_("Legal basis"), rows=2)
    proposed_fine = forms.DecimalField(label=_("Proposed fine (yuan)"), required=False, min_value=0,
                                       max_digits=12, decimal_places=2)
    proposed_measures = text(_("Proposed measures"), required=False, rows=2)
    major = forms.BooleanField(label=_("Major case (legal review required)"), required=False)
    major_reason = text(_("Why major"), required=False, rows=2)
    notified_on = forms.DateField(label=_("Notified on"), required=False)
    mitigation = forms.ChoiceField(label=_("Mitigation"), choices=Case.Mitigation.choices, required=False,
                                   help_text=_("Lighter stays within the range; reduced goes below its minimum "
                                               "(Art 30–32). With neither fine nor measures the notice tells the "
                                               "party that no penalty is intended (Art 33)."))
    mitigation_ground = forms.ChoiceField(label=_("Ground for mitigation"), required=False,
                                          choices=[("", "—"), *Case.MitigationGround.choices])

    def clean(self):
        data = super().clean()
        if data.get("major") and not (data.get("major_reason") or "").strip():
            self.add_error("major_reason", _("Say why the case is major (Art 58)."))
        # Neither fine nor measures: a notice of intended no penalty (不予行政处罚告知, Art 33, 44), allowed.
        return data


class RequestHearingForm(TransitionForm):
    requested_on = forms.DateField(label=_("Requested on"), required=False)


class HearingRecordForm(TransitionForm):
    hearing_record = text(_("Hearing record"), rows=6)


class OpinionForm(TransitionForm):
    opinion = text(_("Opinion"), rows=5)


class SubmitDecisionForm(TransitionForm):
    waiver = forms.BooleanField(label=_("The party waived statement and hearing in writing"), required=False)


class DecideForm(TransitionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Case.Outcome.choices)
    fine = forms.DecimalField(label=_("Fine (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2)
    measures = text(_("Measures"), required=False, rows=2)
    collective_discussion = text(_("Collective discussion record"), required=False, rows=4,
                                 help_text=_("Required for major cases (Art 57 ¶2)."))
    decided_on = forms.DateField(label=_("Decided on"), required=False)
    mitigation = forms.ChoiceField(label=_("Mitigation"), choices=Case.Mitigation.choices, required=False,
                                   help_text=_("Left empty, the notice's mitigation stands (Art 30–32)."))
    mitigation_ground = forms.ChoiceField(label=_("Ground for mitigation"), required=False,
                                          choices=[("", "—"), *Case.MitigationGround.choices])
    no_penalty_ground = forms.ChoiceField(label=_("Ground for no penalty"), required=False,
                                          choices=[("", "—"), *Case.NoPenaltyGround.choices])
    education = text(_("Education given to the party"), required=False, rows=3,
                     help_text=_("Required with no penalty, unless the facts are not established (Art 33 ¶3)."))


class RevokeFilingForm(TransitionForm):
    reason = text(_("Reason"))
    revoked_on = forms.DateField(label=_("Revoked on"), required=False)


class ServeForm(TransitionForm):
    served_on = forms.DateField(label=_("Served on"), required=False)
    method = forms.CharField(label=_("Method of service"), max_length=100)


class ExecutionForm(TransitionForm):
    executed_on = forms.DateField(label=_("Executed on"), required=False)
    detail = text(_("Execution"))


class CloseForm(TransitionForm):
    summary = text(_("Summary"))


CASE_TRANSITION_FORMS = {
    "file": FileForm,
    "decline": ReasonForm,
    "start_mediation": CommentForm,
    "mediation_succeeded": MediationSucceededForm,
    "mediation_failed": ReasonForm,
    "notify": NotifyForm,
    "request_hearing": RequestHearingForm,
    "finish_hearing": HearingRecordForm,
    "submit_legal_review": CommentForm,
    "pass_legal_review": OpinionForm,
    "return_legal_review": OpinionForm,
    "submit_decision": SubmitDecisionForm,
    "decide": DecideForm,
    "revoke_filing": RevokeFilingForm,
    "serve": ServeForm,
    "record_execution": ExecutionForm,
    "close": CloseForm,
    "transfer": TransferForm,
}
