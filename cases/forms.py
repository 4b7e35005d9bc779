"""The fields each case transition takes (CONTRACT §5); the UI and the API validate with these forms."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from workflows import roles
from workflows.forms import FindingField, IdChoiceField, IdMultipleChoiceField, RawValueSelect, TransitionForm

from . import measures as penalty_measures
from .models import Case, FirstOffenceExemption, Remedy
from .party_rules import NO_NOTICE_GROUNDS, NOTICE_NO_PENALTY, NOTICE_NO_PENALTY_GROUNDS


def officer_choices():
    return get_user_model().objects.filter(groups__name=roles.ENFORCEMENT_OFFICER, is_active=True).distinct()


def text(label, required=True, rows=3, **kwargs):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def measures_field(label, help_text=""):
    """Measure codes of cases.measures (Art 9); an unknown code is invalid (400). SelectMultiple: viewflow's
    scripts draw <vf-field-select-multiple>."""
    return forms.MultipleChoiceField(label=label, required=False, choices=penalty_measures.CHOICES,
                                     widget=forms.SelectMultiple, help_text=help_text)


class NameListField(forms.Field):
    """Names as a JSON list, or one text with a name a line (or separated by 、 , ，; the web form)."""

    accepts_list = True  # workflows.forms.json_type_errors: a list of strings or a string
    expected_type = _("a list of names")
    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            value = value.replace("、", "\n").replace("，", "\n").replace(",", "\n").splitlines()
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise forms.ValidationError(_("Enter the names, one a line."), code="invalid")
        names = [v.strip() for v in value if v.strip()]
        if any(len(name) > 50 for name in names):
            raise forms.ValidationError(_("A name has at most 50 characters."), code="invalid")
        return names


def require_measure_details(form, data, prefix):
    """`fine` needs its amount, `other` its description, a confiscation its value (Art 63 ¶1(2))."""
    codes = data.get(f"{prefix}measures") or []
    fine_field = "proposed_fine" if prefix else "fine"
    if "fine" in codes and data.get(fine_field) is None:
        form.add_error(fine_field, _("Give the amount of the fine."))
    if "other" in codes and not (data.get(f"{prefix}measures_note") or "").strip():
        form.add_error(f"{prefix}measures_note", _("Describe the other penalty."))
    value_field = f"{prefix}confiscation_value"
    if set(codes) & set(penalty_measures.CONFISCATIONS) and data.get(value_field) is None:
        form.add_error(value_field, _("Give the value to be confiscated (Art 63)."))


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
    harm_description = text(_("The harm"), required=False, rows=2,
                            help_text=_("Required when the case touches life, health or financial safety (Art 36)."))
    comment = text(_("Comment"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officer_choices()


class TransferForm(TransitionForm):
    to = forms.CharField(label=_("Transferred to"), max_length=200)
    reason = text(_("Reason"))
    transferred_on = forms.DateField(label=_("Transferred on"), required=False,
                                     help_text=_("Leave empty for today."))


class TransferReceiptForm(TransitionForm):
    """回执 (Art 27; 国务院令第310号 Art 8-9): who received the transfer, and when."""

    received_on = forms.DateField(label=_("Received on"))
    receiver = forms.CharField(label=_("Receiving officer"), max_length=100)
    receipt_note = text(_("Receipt note"), required=False, rows=2)


class ProposeNoPenaltyForm(TransitionForm):
    """Art 57 ¶1(2)(3), 30, 31, 33 ¶2, 36: the investigation ends with a proposal of no penalty, without a notice."""

    ground = forms.ChoiceField(label=_("Ground for no penalty"), choices=[
        (value, label) for value, label in Case.NoPenaltyGround.choices if value in NO_NOTICE_GROUNDS],
        help_text=_("A first offence or a minor violation corrected in time is proposed by a notice: "
                    "on the notice form choose “no penalty” and its ground (Art 33 ¶1, 44)."))
    reason = text(_("Reason"), help_text=_("What the investigation found."))


class MediationSucceededForm(TransitionForm):
    agreement = text(_("Mediation agreement"), rows=5)
    violation_corrected = FindingField(label=_("Violation corrected"), required=False, widget=RawValueSelect)
    concluded_on = forms.DateField(label=_("Concluded on"), required=False)

    def clean_violation_corrected(self):
        # C8: mediation ends a case only once the violation is corrected; "not stated" is never read as "yes".
        value = self.cleaned_data.get("violation_corrected")
        if value is None:
            raise forms.ValidationError(_("Say whether the violation has been corrected."))
        return value


class NotifyForm(TransitionForm):
    """事先告知 (Art 44): of a penalty, or of no penalty (不予行政处罚告知, Art 33 ¶1: the `intent` choice, its ground,
    no fine and no measures)."""

    facts = text(_("Facts"), rows=5)
    legal_basis = text(_("Legal basis"), rows=2)
    intent = forms.ChoiceField(label=_("The notice proposes"), required=False, initial="penalty", choices=[
        ("penalty", pgettext_lazy("notice intent", "A penalty")),
        (NOTICE_NO_PENALTY, pgettext_lazy("notice intent", "No penalty (notice of no penalty)"))])
    no_penalty_ground = forms.ChoiceField(
        label=_("Ground for no penalty"), required=False,
        choices=[("", "—"), *[(value, label) for value, label in Case.NoPenaltyGround.choices
                              if value in NOTICE_NO_PENALTY_GROUNDS]],
        help_text=_("Only for a notice of no penalty; leave the fine and the measures empty."))
    proposed_fine = forms.DecimalField(label=_("Proposed fine (yuan)"), required=False, min_value=0,
                                       max_digits=12, decimal_places=2)
    proposed_measures = measures_field(_("Proposed measures"))
    proposed_measures_note = text(_("Description of the measures"), required=False, rows=2,
                                  help_text=_("Describe an “other” penalty (e.g. demolition within a time limit) "
                                              "and any order accompanying the penalty."))
    proposed_other_heavy = forms.BooleanField(
        label=_("The other penalty is a heavy one (e.g. demolition of a building)"), required=False,
        help_text=_("A heavy penalty entitles the party to a hearing (Art 63)."))
    proposed_confiscation_value = forms.DecimalField(label=_("Value to be confiscated (yuan)"), required=False,
                                                     min_value=0, max_digits=12, decimal_places=2)
    major = forms.BooleanField(label=_("Major case (legal review required)"), required=False)
    major_reason = text(_("Why major"), required=False, rows=2)
    notified_on = forms.DateField(label=_("Notified on"), required=False)
    mitigation = forms.ChoiceField(label=_("Mitigation"), choices=Case.Mitigation.choices, required=False,
                                   help_text=_("Lighter stays within the range; reduced goes below its minimum "
                                               "(Art 30–32). With neither fine nor measures the notice tells the "
                                               "party that no penalty is intended (Art 33)."))
    mitigation_ground = forms.ChoiceField(label=_("Ground for mitigation"), required=False,
                                          choices=[("", "—"), *Case.MitigationGround.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = getattr(self.flow, "obj", None)
        entry = (FirstOffenceExemption.objects.filter(violation_type=case.violation_type, active=True)
                 .order_by("-published_on").first() if case is not None and case.violation_type_id else None)
        if entry is not None:  # the 首违不罚 list names this violation type: show its entry beside the ground
            self.fields["no_penalty_ground"].help_text = _(
                "On the first-offence list (published {day}): {name} — {conditions}. Leave the fine and the "
                "measures empty.").format(day=entry.published_on, name=case.violation_type.name,
                                          conditions=entry.conditions)

    def clean(self):
        data = super().clean()
        if data.get("major") and not (data.get("major_reason") or "").strip():
            self.add_error("major_reason", _("Say why the case is major (Art 58)."))
        # Neither fine nor measures: a notice of intended no penalty (不予行政处罚告知, Art 33, 44), allowed.
        require_measure_details(self, data, "proposed_")
        return data


class RequestHearingForm(TransitionForm):
    requested_on = forms.DateField(label=_("Requested on"), required=False)


class WaiverForm(TransitionForm):
    scope = forms.ChoiceField(label=_("The party waived"), choices=Case.WaiverScope.choices)
    waived_on = forms.DateField(label=_("Waived on"), required=False)
    note = text(_("Remarks"), required=False, rows=2)

    def clean_waived_on(self):
        day = self.cleaned_data.get("waived_on")
        case = getattr(self.flow, "obj", None)
        if day and case is not None and case.notified_on and day < case.notified_on:
            raise forms.ValidationError(_("A waiver follows the notice of {day}.").format(day=case.notified_on))
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class ScheduleHearingForm(TransitionForm):
    hearing_at = forms.DateTimeField(label=_("Hearing at"), help_text=_(
        "At least 7 working days after the party is told of the hearing (Art 64, 85)."))
    presiding_officer = IdChoiceField(label=_("Presiding officer"),
                                      queryset=get_user_model().objects.filter(is_active=True),
                                      help_text=_("Not one of the case's investigating officers (Art 64)."))
    public = FindingField(label=_("Public hearing"), required=False, widget=RawValueSelect, initial=True)
    private_reason = text(_("Why not public"), required=False, rows=2,
                          help_text=_("Only for a state secret, a trade secret or personal privacy (Art 64)."))
    hearing_notice_on = forms.DateField(label=_("Party notified of the hearing on"), required=False)
    requested_on = forms.DateField(label=_("Hearing requested on"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("public") is False and not (data.get("private_reason") or "").strip():
            self.add_error("private_reason", _("A hearing is public unless it concerns a state secret, a trade "
                                               "secret or personal privacy: give the reason (Art 64)."))
        notice_on = data.get("hearing_notice_on")
        if notice_on and notice_on > timezone.localdate():
            self.add_error("hearing_notice_on", _("The date cannot be in the future."))
        return data


class HearingRecordForm(TransitionForm):
    hearing_record = text(_("Hearing record"), rows=6)
    record_signed = forms.BooleanField(label=_("The record is signed by the participants"), required=False)
    refusal_to_sign = text(_("Refusal to sign"), required=False, rows=2,
                           help_text=_("Who refused to sign, and the reason, if anyone refused (Art 64)."))


class OpinionForm(TransitionForm):
    """The judicial office's legal review (处罚法 Art 58): a review opinion, 审查意见."""
    opinion = text(pgettext_lazy("review", "Opinion"), rows=5)


class SubmitDecisionForm(TransitionForm):
    waiver = forms.BooleanField(label=_("The party waived statement and hearing in writing"), required=False)


class DecideForm(TransitionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Case.Outcome.choices)
    fine = forms.DecimalField(label=_("Fine (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2)
    measures = measures_field(_("Measures"), help_text=_("No heavier than the notice proposed (Art 45)."))
    measures_note = text(_("Description of the measures"), required=False, rows=2)
    confiscation_value = forms.DecimalField(label=_("Value confiscated (yuan)"), required=False,
                                            min_value=0, max_digits=12, decimal_places=2,
                                            help_text=_("At most the value the notice proposed (Art 45)."))
    collective_discussion = text(_("Collective discussion: conclusion"), required=False, rows=4,
                                 help_text=_("Required for major cases and for penalties that entitle the party "
                                             "to a hearing (Art 57 ¶2)."))
    collective_discussion_attendees = NameListField(label=_("Collective discussion: attendees"), required=False,
                                                    help_text=_("One name a line."))
    collective_discussion_on = forms.DateField(label=_("Collective discussion held on"), required=False)
    decided_on = forms.DateField(label=_("Decided on"), required=False)
    mitigation = forms.ChoiceField(label=_("Mitigation"), choices=Case.Mitigation.choices, required=False,
                                   help_text=_("Left empty, the notice's mitigation stands (Art 30–32)."))
    mitigation_ground = forms.ChoiceField(label=_("Ground for mitigation"), required=False,
                                          choices=[("", "—"), *Case.MitigationGround.choices])
    no_penalty_ground = forms.ChoiceField(label=_("Ground for no penalty"), required=False,
                                          choices=[("", "—"), *Case.NoPenaltyGround.choices])
    education = text(_("Education given to the party"), required=False, rows=3,
                     help_text=_("Required with no penalty, unless the facts are not established (Art 33 ¶3)."))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Case.Outcome.PENALTY:
            require_measure_details(self, data, "")
        held_on, decided_on = data.get("collective_discussion_on"), data.get("decided_on") or timezone.localdate()
        if held_on and held_on > decided_on:
            self.add_error("collective_discussion_on", _("The discussion comes before the decision."))
        return data


class RevokeFilingForm(TransitionForm):
    reason = text(_("Reason"))
    revoked_on = forms.DateField(label=_("Revoked on"), required=False)


class ServeForm(TransitionForm):
    served_on = forms.DateField(label=_("Served on"), required=False)
    method = forms.CharField(label=_("Method of service"), max_length=100)


class ExecutionForm(TransitionForm):
    executed_on = forms.DateField(label=_("Executed on"), required=False)
    detail = text(_("Execution"))


class DemandForm(TransitionForm):
    """催告书 (行政强制法 Art 54; its contents after Art 35, by analogy): served on, method, the amount demanded, the
    term of performance, and the party's statement (Art 36) when known."""

    demand_served_on = forms.DateField(label=_("Demand served on"), required=False,
                                       help_text=_("The day the written demand (催告书) was served on the party."))
    method = forms.CharField(label=_("Method of service"), max_length=100)
    amount = forms.DecimalField(label=_("Amount demanded (yuan)"), max_digits=12, decimal_places=2, required=False,
                                help_text=_("Leave empty for what is owed: the fine's balance and the surcharge."))
    term_until = forms.DateField(label=_("Term of performance until"), required=False,
                                 help_text=_("Leave empty for the 10th working day after the demand "
                                             "(行政强制法第54条、第69条)."))
    party_statement = text(_("The party's statement and defence on the demand"), required=False, rows=2,
                           help_text=_("The party may state and defend after receiving the demand "
                                       "(行政强制法第36条)."))

    def __init__(self, *args, flow=None, **kwargs):
        super().__init__(*args, flow=flow, **kwargs)
        owed = flow.owed_today() if flow is not None and hasattr(flow, "owed_today") else None
        if owed is not None:
            self.fields["amount"].initial = owed
            self.fields["amount"].help_text = format_lazy(
                _("What is owed today: {owed} yuan (the fine's balance and the surcharge)."), owed=f"{owed:,.2f}")


class CourtApplicationForm(TransitionForm):
    applied_on = forms.DateField(label=_("Applied on"), required=False)
    court = forms.CharField(label=_("Court"), max_length=100, help_text=_("e.g. 某某区人民法院"))
    note = text(_("Note on the application"), required=False, rows=2)


class CourtResultForm(TransitionForm):
    outcome = forms.ChoiceField(label=_("Court's result"), choices=Case.CourtOutcome.choices)
    decided_on = forms.DateField(label=_("Court decided on"), required=False)
    note = text(_("Note on the result"), required=False, rows=2,
                help_text=_("For a refusal, the court's reason."))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Case.CourtOutcome.REFUSED and not (data.get("note") or "").strip():
            self.add_error("note", _("Give the court's reason."))
        return data


class RemedyForm(TransitionForm):
    """One form for both steps: without `remedy` it records a filing (kind, filed_on, body); with `remedy` (a
    pending one of this case) it records the outcome and its date."""

    remedy = IdChoiceField(label=_("Reconsideration or lawsuit"), queryset=Remedy.objects.none(), required=False,
                           help_text=_("Leave empty to record a new filing; choose one to record its outcome."))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------")] + Remedy.Kind.choices, required=False)
    body = forms.CharField(label=_("Reviewing body or court"), max_length=100, required=False)
    filed_on = forms.DateField(label=_("Remedy filed on"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------")] + Remedy.Outcome.choices,
                                required=False)
    decided_on = forms.DateField(label=_("Outcome decided on"), required=False)
    new_fine = forms.DecimalField(label=_("New fine (yuan)"), max_digits=12, decimal_places=2, min_value=0,
                                  required=False, help_text=_("Only when the outcome changes the fine."))
    note = text(_("Remarks"), required=False, rows=2)

    def __init__(self, *args, flow=None, **kwargs):
        super().__init__(*args, flow=flow, **kwargs)
        if flow is not None:
            self.fields["remedy"].queryset = Remedy.objects.filter(case=flow.obj, outcome=Remedy.Outcome.PENDING)

    def clean(self):
        data = super().clean()
        if data.get("remedy") is None:
            if not data.get("kind") and "kind" not in self.errors:
                self.add_error("kind", _("Choose reconsideration or lawsuit."))
        elif not data.get("outcome") or data.get("outcome") == Remedy.Outcome.PENDING:
            self.add_error("outcome", _("Choose the outcome."))
        if data.get("outcome") == Remedy.Outcome.CHANGED and data.get("new_fine") is None \
                and "new_fine" not in self.errors:
            self.add_error("new_fine", _("Give the fine as changed."))
        return data


class CloseForm(TransitionForm):
    summary = text(_("Summary"))


class SpotFilingForm(TransitionForm):
    """备案 of an on-the-spot decision with the agency (处罚法 Art 52)."""

    filed_on = forms.DateField(label=_("Date filed with the agency"), required=False,
                               help_text=_("Today if left empty."))
    note = text(_("Filing remarks"), required=False, rows=2)


class HandoverForm(TransitionForm):
    """The hand-over of a fine collected on the spot to the agency (处罚法 Art 71 ¶1)."""

    handed_over_on = forms.DateField(label=_("Handed over on"), required=False, help_text=_("Today if left empty."))
    bank_receipt = forms.CharField(label=_("Receipt of the hand-over"), max_length=100, required=False,
                                   help_text=_("The agency's or the bank's receipt number."))
    note = text(_("Remarks"), required=False, rows=2)


CASE_TRANSITION_FORMS = {
    "file": FileForm,
    "decline": ReasonForm,
    "start_mediation": CommentForm,
    "mediation_succeeded": MediationSucceededForm,
    "mediation_failed": ReasonForm,
    "notify": NotifyForm,
    "record_waiver": WaiverForm,
    "request_hearing": RequestHearingForm,
    "schedule_hearing": ScheduleHearingForm,
    "finish_hearing": HearingRecordForm,
    "submit_legal_review": CommentForm,
    "pass_legal_review": OpinionForm,
    "return_legal_review": OpinionForm,
    "submit_decision": SubmitDecisionForm,
    "decide": DecideForm,
    "revoke_filing": RevokeFilingForm,
    "serve": ServeForm,
    "record_execution": ExecutionForm,
    "demand_payment": DemandForm,
    "apply_to_court": CourtApplicationForm,
    "record_court_result": CourtResultForm,
    "record_remedy": RemedyForm,
    "close": CloseForm,
    "transfer": TransferForm,
    "acknowledge_spot_filing": SpotFilingForm,
    "record_handover": HandoverForm,
    "record_transfer_receipt": TransferReceiptForm,
    "propose_no_penalty": ProposeNoPenaltyForm,
}
