"""The web UI for enforcement cases (行政执法, CONTRACT §4-5, DESIGN §3).

Built on the shared page machinery of web/ (page mixin, transition view, state chart, history, deadlines card):
lists come from cases.selectors, transitions
go through workflows.services.fire_transition with the forms of cases.forms, other actions through
cases.services (create_case, add_inquiry, record_publicity, record_payment, apply_payment_plan,
decide_payment_plan), and every refusal (403 roles, 409 state or rule,
400 input) is shown on the form page with its bilingual reason.

Pages: /cases/cases/ (list, "my cases" by default for enforcement officers), /cases/cases/<pk>/ (the case),
/cases/cases/<pk>/transitions/<name>/, /cases/cases/add/, /cases/cases/<pk>/inquiries/add/,
/cases/cases/<pk>/publicity/, /cases/cases/<pk>/payments/add/ (a payment from the bank's receipt),
/cases/cases/<pk>/payment-plans/add/ (an application to defer or pay in instalments) and
/cases/cases/<pk>/payment-plans/<plan>/ (the principal's decision on it, from the inbox), /cases/officers/
(certificates), and the brigade chief's correction of a case's business date (更正业务日期), mounted under the inbox at /inbox/deadlines/cases/<pk>/correct-date/ (config.site).
"""

import datetime
import re
import unicodedata
import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from django.views import View
from viewflow.forms import Layout, Row
from viewflow.urls import Application, AppMenuMixin, Viewset, route
from viewflow.utils import Icon

from web.base import MAX_ID, PAGE_SIZE, PageMixin, error_status, show_refusal
from web.deadlines import deadline_rows
from web.exports import wants_xlsx, xlsx_response
from web.history import history_rows
from web.personal_data import PersonalDataView
from web.state_chart import chart_context
from web.transitions import TransitionView, transition_buttons
from workflows import roles
from workflows.audit import client_ip
from workflows.errors import Refusal
from workflows.forms import IdChoiceField, IdMultipleChoiceField
from workflows.services import get_process, unmet_refusal
from workflows.text_limits import BoundedTextForm

from . import selectors, services
from .models import PAYABLE_STATES, Case, CaseState, Party, PaymentPlan, Village, ViolationType
from .publicity import minor_at_violation
from .self_check import (
    not_applicable as self_check_not_applicable,
    relabel,
    self_check as run_self_check,
    vetoes as run_vetoes,
)

# Audit entries of a case that are not transitions (cases.services records them).
CASE_ACTION_LABELS = {
    "report": _("Report registered"),
    "record_inquiry": _("Inquiry recorded"),
    "record_inspection": _("Inspection recorded"),
    "record_publicity": _("Decision made public"),
    "decide_on_the_spot": _("On-the-spot penalty"),
    "record_payment": _("Payment recorded"),
    "apply_payment_plan": _("Application to defer or pay in instalments recorded"),
    "approve_payment_plan": _("Payment plan approved"),
    "reject_payment_plan": _("Payment plan rejected"),
    "lapse_payment_plan": _("Payment plan lapsed with the revoked decision"),
    "issue_correction_order": _("Correction order issued"),
    "verify_correction_order": _("Correction checked"),
    "acknowledge_correction_order": _("Not corrected: acknowledged"),
    # written on the case by the mediation app (its services and flow), named here so the history reads as words
    "referred_to_people_mediation": _("Referred to people's mediation"),
    "people_mediation_agreed": _("People's mediation reached an agreement"),
    "people_mediation_failed": _("People's mediation ended without agreement"),
    "reported_from_mediation": _("Reported from a people's mediation"),
}
CASE_CREATED = _("The report was registered.")
SPOT_DECIDED = _("The on-the-spot decision {number} was recorded.")
SPOT_DUPLICATE = _("This form was already sent: the decision was recorded once, below; it was not recorded again.")
INQUIRY_SAVED = _("The inquiry record was added.")
INSPECTION_SAVED = _("The inspection record was added.")
PUBLICITY_SAVED = _("The publicity was recorded.")
PUBLICITY_WITHDRAWN = _("The published decision was withdrawn.")
PAYMENT_SAVED = _("The payment was recorded.")
PLAN_SAVED = _("The application was recorded; the principal decides on it (Art 66 ¶2).")
PLAN_APPROVED = _("The plan was approved; its due dates are deadlines now.")
PLAN_REJECTED = _("The application was rejected.")
INSTALMENT_LINE = _("Line {line}: write the date (YYYY-MM-DD) and the amount, separated by a space.")
CORRECTION_ISSUED = _("The correction order was issued.")
CORRECTION_VERIFIED = _("The check of the correction was recorded.")
CORRECTION_ACKNOWLEDGED = _("Acknowledged.")
CORRECTED = _("The {field} was corrected; the deadlines anchored on it were recomputed.")

# create_case names the party's fields "party.<name>"; the report form calls them "party_<name>".
PARTY_FIELDS = ("name", "kind", "id_number", "phone", "address", "birth_date", "capacity", "capacity_basis")


def case_url(pk) -> str:
    return reverse("cases:cases:detail", args=[pk])


def officer_label(officer):
    """An officer in a choice list, with the certificate and whether it is valid today."""
    state = selectors.certificate_status(officer)
    number = state.certificate.number if state.certificate else "—"
    return f"{officer} · {number} · {state.label}"


def short_officer_label(officer):
    """An officer on the phone form: the name and whether the certificate is valid today (the number is on the
    officers' page); short enough for a 390 px select."""
    return f"{officer} · {selectors.certificate_status(officer).label}"


def officers_field(field):
    """Offer every active enforcement officer, each labelled with the certificate's validity (C1)."""
    field.queryset = selectors.officer_list()
    field.label_from_instance = officer_label
    return field


# --------------------------------------------------------------------------------------------------
# Forms for actions that are not transitions (transition forms are cases.forms, shared with the API)
# --------------------------------------------------------------------------------------------------


def no_nul(value):
    if value and "\x00" in str(value):
        raise forms.ValidationError(_("Null characters are not allowed."))


class CodeChoiceField(forms.ChoiceField):
    """A choice by a text key; the choices are filled in by the form."""

    default_validators = [no_nul]


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    village = forms.ChoiceField(label=_("Village"), required=False)
    violation_type = CodeChoiceField(label=_("Violation type"), required=False)
    officer = forms.ChoiceField(label=_("Officer"), required=False)
    q = forms.CharField(label=_("Search number, party or description"), required=False, max_length=100)

    layout = Layout(Row("state", "village", "violation_type"), Row("officer", "q"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states"))] + list(CaseState.choices)
        self.fields["village"].choices = [("", _("All villages"))] + [
            (str(v.pk), v.name) for v in Village.objects.all()]
        self.fields["violation_type"].choices = [("", _("All violation types"))] + [
            (t.code, t.name) for t in ViolationType.objects.all()]
        self.fields["officer"].choices = [("", _("All officers"))] + [
            (str(u.pk), str(u)) for u in selectors.officer_list()]

    def filters(self) -> dict:
        """The valid filters; an invalid one is shown as an error and ignored."""
        self.is_valid()
        data = self.cleaned_data
        return {"state": data.get("state") or None, "village": data.get("village") or None,
                "violation_type": data.get("violation_type") or None, "officer": data.get("officer") or None,
                "search": data.get("q") or None}


class CaseReportForm(BoundedTextForm, forms.Form):
    """A report (登记), CONTRACT §5 "Create"; cases.services.create_case checks the party's numbers."""

    source = forms.ChoiceField(label=_("Source"), choices=Case.Source.choices)
    village = IdChoiceField(label=_("Village"), queryset=Village.objects.all())
    violation_type = CodeChoiceField(label=_("Violation type"))
    violation_date = forms.DateField(label=_("Date of the violation"), widget=forms.DateInput(format="%Y-%m-%d"))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    party_name = forms.CharField(label=_("Party name"), max_length=100)
    party_kind = forms.ChoiceField(label=_("Party kind"), choices=Party.Kind.choices)
    party_id_number = forms.CharField(
        label=_("ID number / unified social credit code"), max_length=18, required=False,
        help_text=_("A person's resident ID (GB 11643) or an organisation's unified social credit code (GB 32100)."),
    )
    party_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    party_address = forms.CharField(label=_("Address"), max_length=200, required=False)
    # 处罚法 Art 30-31: the date of birth (read from the resident ID when left empty) and the capacity.
    party_birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                       widget=forms.DateInput(format="%Y-%m-%d"),
                                       help_text=_("Left empty, it is read from the resident ID number."))
    party_capacity = forms.ChoiceField(label=_("Ability to recognise and control their conduct"),
                                       choices=Party.Capacity.choices, required=False)
    party_capacity_basis = forms.ChoiceField(label=_("Because of"), required=False,
                                             choices=[("", "—"), *Party.CapacityBasis.choices])
    # Art 36: a continuing act's end, and the harm that makes the period five years.
    violation_ended_on = forms.DateField(label=_("Continuing violation ended on"), required=False,
                                         widget=forms.DateInput(format="%Y-%m-%d"))
    harm_to_life_health_or_finance = forms.BooleanField(
        label=_("Touches life, health or financial safety, with harmful effects"), required=False)
    harm_description = forms.CharField(label=_("The harm"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    layout = Layout(
        Row("source", "village"), Row("violation_type", "violation_date"), "description",
        Row("violation_ended_on", "harm_to_life_health_or_finance"), "harm_description",
        Row("party_name", "party_kind"), Row("party_id_number", "party_phone"), "party_address",
        Row("party_birth_date", "party_capacity", "party_capacity_basis"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation_type"].choices = [("", "---------")] + [
            (t.code, f"{t.name}（{t.code}）") for t in ViolationType.objects.filter(active=True)]

    def case_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "source": data["source"], "description": data["description"], "village": data["village"],
            "violation_type": ViolationType.objects.get(code=data["violation_type"]),
            "violation_date": data["violation_date"], "violation_ended_on": data.get("violation_ended_on"),
            "harm_to_life_health_or_finance": bool(data.get("harm_to_life_health_or_finance")),
            "harm_description": data.get("harm_description") or "",
            "party": {name: data[f"party_{name}"] for name in PARTY_FIELDS},
        }


class OnTheSpotForm(BoundedTextForm, forms.Form):
    """简易程序 (处罚法 Art 51–53, 68–71): ONE form an officer fills in on a phone; cases.services.decide_on_the_spot
    checks it. Field names are the service's (the party's "party_<name>"), so a refusal lands beside its field.
    The input errors (the form's own and the service's spot_input_errors) show together after one submission; the
    rule checks follow. The officer writes the case's number on the pre-printed, numbered 当场处罚决定书 (Art 52)."""

    PENALTY_CHOICES = [("fine", _("Fine")), ("warning", _("Warning"))]

    party_name = forms.CharField(label=_("Party name"), max_length=100)
    party_kind = forms.ChoiceField(label=_("Party kind"), choices=Party.Kind.choices)
    party_id_number = forms.CharField(label=_("ID number / unified social credit code"), max_length=18,
                                      required=False)
    party_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    party_address = forms.CharField(label=_("Address"), max_length=200, required=False)
    village = IdChoiceField(label=_("Village"), queryset=Village.objects.all())
    violation_type = CodeChoiceField(label=_("Violation type"))
    violation_at = forms.DateTimeField(label=_("Time of the violation"), required=False,
                                       widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M"),
                                       help_text=_("Now if left empty (Art 52: the decision states it)."))
    violation_place = forms.CharField(label=_("Place of the violation"), max_length=200,
                                      error_messages={"required": services.SPOT_PLACE_REQUIRED})
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}))
    penalty = forms.ChoiceField(label=_("Penalty"), choices=PENALTY_CHOICES, widget=forms.RadioSelect)
    fine = forms.DecimalField(label=_("Fine (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2,
                              help_text=_("At most 200 yuan for a person, 3,000 yuan for an organisation (Art 51)."))
    mitigation = forms.ChoiceField(label=_("Mitigation"), required=False,
                                   choices=[("", "—"), (Case.Mitigation.LIGHTER, Case.Mitigation.LIGHTER.label)])
    mitigation_ground = forms.ChoiceField(label=_("Ground for mitigation"), required=False,
                                          choices=[("", "—"), *Case.MitigationGround.choices])
    officers = IdMultipleChoiceField(label=_("Officers"), queryset=selectors.officer_list(),
                                     help_text=_("You and any officer with you; each holds a valid certificate "
                                                 "(Art 42)."))
    certificates_shown = forms.BooleanField(label=_("I showed my enforcement certificate to the party (Art 52)"),
                                            required=False)
    party_statement = forms.CharField(label=_("The party's statement and defence"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    refused_to_sign = forms.CharField(label=_("Refusal to sign (if any)"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 1}))
    collected_on_spot = forms.BooleanField(label=_("Fine collected on the spot"), required=False)
    # Short option labels for a phone's select (the case page shows the ground's full wording).
    collection_ground = forms.ChoiceField(label=_("Ground for collecting on the spot"), required=False, choices=[
        ("", "—"), (Case.CollectionGround.SMALL_AMOUNT, _("100 yuan or less (Art 68)")),
        (Case.CollectionGround.HARD_TO_PAY_LATER, _("Hard to pay later or at a bank (Art 68–69)"))])
    collection_reason = forms.CharField(label=_("Why paying at a bank would be really hard"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 1}))
    receipt_number = forms.CharField(label=_("Receipt number (official fine receipt, Art 70)"), max_length=50,
                                     required=False)

    layout = Layout(
        "party_name", "party_kind", "party_id_number", "party_phone", "party_address", "village", "violation_type",
        "violation_at", "violation_place", "facts", "legal_basis", "penalty", "fine", "mitigation", "mitigation_ground", "officers",
        "certificates_shown", "party_statement", "refused_to_sign", "collected_on_spot", "collection_ground",
        "collection_reason", "receipt_number",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation_type"].choices = [("", "---------")] + [
            (t.code, f"{t.name}（{t.code}）") for t in ViolationType.objects.filter(active=True)]
        officers_field(self.fields["officers"]).label_from_instance = short_officer_label

    def clean(self):
        data = super().clean()
        if data.get("penalty") == "fine" and data.get("fine") is None:
            self.add_error("fine", _("Give the amount of the fine."))
        if not data.get("certificates_shown"):
            self.add_error("certificates_shown", services.SPOT_CERTIFICATES_SHOWN)  # Art 52
        penalty = data.get("penalty")
        errors = services.spot_input_errors(
            fine=data.get("fine") if penalty == "fine" else None, warning=penalty == "warning",
            violation_place=data.get("violation_place") or "",
            collected_on_spot=bool(data.get("collected_on_spot")),
            collection_ground=data.get("collection_ground") or "",
            collection_reason=data.get("collection_reason") or "", receipt_number=data.get("receipt_number") or "")
        for field, field_messages in errors.items():
            if field in self.errors or (field == "fine" and not penalty):
                continue  # the field's own error says it already
            for message in field_messages:
                self.add_error(field, message)
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fine = data["fine"] if data["penalty"] == "fine" else None
        violation_at = data.get("violation_at") or timezone.localtime()  # Art 52: default now, on the spot
        if violation_at is not None:
            violation_at = timezone.localtime(violation_at) if timezone.is_aware(violation_at) else violation_at
        return {
            "violation_date": violation_at.date() if violation_at else None,
            "violation_time": violation_at.time().replace(second=0, microsecond=0) if violation_at else None,
            "violation_place": data.get("violation_place") or "",
            "party": {name: data.get(f"party_{name}") or "" for name in ("name", "kind", "id_number", "phone",
                                                                         "address")},
            "village": data["village"], "violation_type": ViolationType.objects.get(code=data["violation_type"]),
            "facts": data["facts"], "legal_basis": data["legal_basis"], "fine": fine,
            "warning": data["penalty"] == "warning", "officers": list(data["officers"]),
            "certificates_shown": bool(data.get("certificates_shown")),
            "party_statement": data.get("party_statement") or "", "refused_to_sign": data.get("refused_to_sign") or "",
            "collected_on_spot": bool(data.get("collected_on_spot")),
            "collection_ground": data.get("collection_ground") or "",
            "collection_reason": data.get("collection_reason") or "", "receipt_number": data.get("receipt_number") or "",
            "mitigation": data.get("mitigation") or "", "mitigation_ground": data.get("mitigation_ground") or "",
        }


class InquiryForm(BoundedTextForm, forms.Form):
    """询问笔录 (Art 55): at least two officers certified on the day (C1)."""

    officers = IdMultipleChoiceField(
        label=_("Officers"), queryset=selectors.officer_list(),
        help_text=_("At least two officers with valid enforcement certificates (Art 42, 55)."),
    )
    subject_name = forms.CharField(label=_("Person questioned"), max_length=100)
    held_at = forms.DateTimeField(label=_("Held at"), widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M"))
    record = forms.CharField(label=_("Record"), widget=forms.Textarea(attrs={"rows": 8}))

    layout = Layout("officers", Row("subject_name", "held_at"), "record")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officers_field(self.fields["officers"])


class InspectionForm(BoundedTextForm, forms.Form):
    """现场检查（勘验）笔录 (Art 55 ¶1): at least two officers certified on the day (C1), as for an inquiry."""

    officers = IdMultipleChoiceField(
        label=_("Officers"), queryset=selectors.officer_list(),
        help_text=_("At least two officers with valid enforcement certificates (Art 42, 55)."),
    )
    place = forms.CharField(label=_("Place inspected"), max_length=200)
    started_at = forms.DateTimeField(label=_("Inspection started at"),
                                     widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M"))
    ended_at = forms.DateTimeField(label=_("Inspection ended at"), widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M"))
    party_present = forms.CharField(label=_("Party or representative present"), max_length=100, required=False)
    witness = forms.CharField(label=_("Witness"), max_length=100, required=False)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 8}))
    refusal_note = forms.CharField(label=_("Refusal to sign"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text=_("If the party refuses to sign, say so and how it was witnessed."))

    layout = Layout("officers", Row("place"), Row("started_at", "ended_at"), Row("party_present", "witness"),
                    "findings", "refusal_note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officers_field(self.fields["officers"])


class PublicityForm(BoundedTextForm, forms.Form):
    """Art 48 ¶1: a penalty decision with social impact is made public; the 7 working days are local practice after
    国办发〔2018〕118号 (a policy document, not the statute)."""

    published_on = forms.DateField(label=_("Published on"), required=False, widget=forms.DateInput(format="%Y-%m-%d"),
                                   help_text=_("Today if left empty."))
    channel = forms.CharField(label=_("Channel"), max_length=200, required=False,
                              help_text=_("e.g. the town government's website, the public notice board."))
    not_published_reason = forms.CharField(
        label=_("Or: why it is not made public"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. no social impact, personal privacy, a trade secret (Art 48)."))


class WithdrawPublicityForm(BoundedTextForm, forms.Form):
    """Art 48 ¶2: a published decision changed, revoked, confirmed unlawful or void is withdrawn within 3 working
    days and the reason made public (the public page shows it)."""

    reason = forms.CharField(label=_("Reason for the withdrawal (made public)"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("e.g. the decision was revoked by the county government's reconsideration."))
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), required=False,
                                   widget=forms.DateInput(format="%Y-%m-%d"), help_text=_("Today if left empty."))


class PaymentForm(BoundedTextForm, forms.Form):
    """A payment from the bank's receipt (罚缴分离, Art 67 ¶1: the party pays at the bank, not to the brigade)."""

    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(format="%Y-%m-%d"),
                              help_text=_("The date on the bank's receipt."))
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=60)
    bank = forms.CharField(label=_("Bank or channel"), max_length=100, required=False)
    note = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    layout = Layout(Row("amount", "paid_on"), Row("receipt_number", "bank"), "note")


# A typed date: 2027-01-15, 2027-1-15, 2027/1/15, 2027.1.15 or 2027年1月15日 (full-width digits and separators are
# folded to their ASCII forms first, unicodedata NFKC).
TYPED_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-", "、": " "})


def typed_date(word: str) -> datetime.date:
    """A date as people type it (see TYPED_DATE); ValueError otherwise, or for a day that does not exist."""
    match = TYPED_DATE.fullmatch(word)
    if match is None:
        raise ValueError(word)
    return datetime.date(*(int(part) for part in match.groups()))


def instalment_rows(text) -> list[dict]:
    """The plan's due dates typed one a line: "2026-07-15 250" (a deferral: the date alone). The date may also be
    written 2026-7-15, 2026/7/15 or 2026年7月15日, with full-width digits or separators; the amount may end in 元."""
    rows = []
    text = unicodedata.normalize("NFKC", text or "").translate(DASHES)
    for number, line in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(\d)\s*元", r"\1", line)
        line = re.sub(r"(年|月)\s+", r"\1", line)
        parts = line.replace(",", " ").replace(";", " ").split()
        if not parts:
            continue
        try:
            day = typed_date(parts[0])
            amount = Decimal(parts[1]) if len(parts) > 1 else None
        except (ValueError, ArithmeticError):
            raise forms.ValidationError(format_lazy(INSTALMENT_LINE, line=number)) from None
        if len(parts) > 2 or (amount is not None and not amount.is_finite()):
            raise forms.ValidationError(format_lazy(INSTALMENT_LINE, line=number))
        rows.append({"due_on": day, "amount": amount})
    return rows


class PaymentPlanForm(BoundedTextForm, forms.Form):
    """The party's application to defer or pay in instalments (Art 66 ¶2), recorded by a case officer."""

    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentPlan.Kind.choices)
    applied_on = forms.DateField(label=_("Applied on"), widget=forms.DateInput(format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Economic hardship stated"), widget=forms.Textarea(attrs={"rows": 3}))
    instalments = forms.CharField(
        label=_("Due dates"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: the date and the amount, e.g. “2026-07-15 250”; a deferral: its one date. The "
                    "amounts add up to the unpaid fine."))

    layout = Layout(Row("kind", "applied_on"), "reason", "instalments")

    def clean_instalments(self):
        return instalment_rows(self.cleaned_data["instalments"])


class PlanDecisionForm(BoundedTextForm, forms.Form):
    decision = forms.ChoiceField(label=pgettext_lazy("payment plan decision", "Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", pgettext_lazy("payment plan decision", "Approve")),
                                          ("reject", pgettext_lazy("payment plan decision", "Reject"))])
    # the principal approves or rejects (Art 66 ¶2): an approval opinion, 审批意见; elsewhere "Note" is 备注
    note = forms.CharField(label=pgettext_lazy("approval", "Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Required for a rejection: why."))

    layout = Layout("decision", "note")


class CorrectionOrderForm(BoundedTextForm, forms.Form):
    """责令改正 (Art 28 ¶1): what to correct and by when; the term is the order's own (local practice)."""

    measure = forms.CharField(label=_("Correction required"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("e.g. remove the stall from the road within three days."))
    due_on = forms.DateField(label=_("Correct by"), widget=forms.DateInput(format="%Y-%m-%d"))
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=forms.DateInput(format="%Y-%m-%d"),
                                help_text=_("Today if left empty."))

    layout = Layout("measure", Row("due_on", "issued_on"))


class CorrectionCheckForm(BoundedTextForm, forms.Form):
    """The check of a correction order: corrected any day; not corrected only on or after the due day."""

    corrected = forms.TypedChoiceField(label=_("Result of the check"), coerce=lambda value: value == "yes",
                                       choices=[("yes", _("Corrected")), ("no", _("Not corrected"))])
    checked_on = forms.DateField(label=_("Checked on"), required=False, widget=forms.DateInput(format="%Y-%m-%d"),
                                 help_text=_("Today if left empty."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    layout = Layout(Row("corrected", "checked_on"), "note")


# --------------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------------


def case_queryset():
    return Case.objects.select_related("village", "violation_type", "party", "reported_by", "decided_by")


def case_summary(case) -> dict:
    """What every page about one case shows beside it."""
    return {
        "case": case,
        "officer_rows": [selectors.certificate_status(o) for o in case.officers.prefetch_related("certificates")
                         .order_by("username")],
        "limitation_warning": selectors.limitation_warning(case),
        "limitation": selectors.limitation_summary(case),
        "age_label": selectors.party_age_label(case),
        "proposed_outcome": selectors.proposed_outcome(case),
        # Art 63 ¶1(1): the threshold for this party's kind (a person's or an organisation's)
        "hearing_threshold": case.violation_type.hearing_threshold_for(case.party.kind),
    }


class CaseAccessMixin(PageMixin):
    """Cases carry personal information: only the roles that work on them may open these pages."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not roles.may("case.view", request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CasePersonalDataView(CaseAccessMixin, PersonalDataView):
    """查看完整信息 on the case page: the party's full ID number, phone and date of birth, audited
    (services.reveal_party_data). POST only; 403 without the role to see cases, 404 for no such case."""

    def target(self, request, pk):
        case = get_object_or_404(Case.objects.select_related("party"), pk=pk)
        return case, case.number or case.party.name, case_url(case.pk)

    def reveal(self, obj, user, ip):
        return services.reveal_party_data(obj, user=user, client_ip=ip)


class CaseListView(CaseAccessMixin, View):
    """The cases; an enforcement officer sees their own (assigned or registered) unless they ask for all."""

    def get(self, request):
        form = CaseFilterForm(request.GET)
        is_officer = roles.has_role(request.user, roles.ENFORCEMENT_OFFICER)
        scope = request.GET.get("scope")
        if scope not in ("mine", "all"):
            scope = "mine" if is_officer else "all"
        cases = selectors.case_list(**form.filters())
        if scope == "mine":
            cases = cases.filter(Q(officers=request.user) | Q(reported_by=request.user))
        if wants_xlsx(request):  # every filtered row in the scope shown, not only this page
            return xlsx_response(cases, selectors.CASE_EXPORT_COLUMNS, str(_("Enforcement cases")))
        page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
        return self.render("cases/case_list.html", {
            "filter_form": form, "filter_layout": form.layout, "page_obj": page, "scope": scope,
            "is_officer": is_officer, "can_create": roles.may("case.create", request.user),
            "can_decide_on_the_spot": roles.may("case.on_the_spot", request.user),
        })


def can_record_payment(case, user, action="case.payment") -> bool:
    """Payments and plan applications: the case's officers, while a decided fine is being paid (Art 66-67)."""
    payable = case.state in PAYABLE_STATES or (action == "case.payment"
                                               and services.receipt_owed_after_execution(case))
    return (case.outcome == Case.Outcome.PENALTY and bool(case.fine) and payable
            and roles.may(action, user) and case.officers.filter(pk=user.pk).exists())


def correct_date_url(case, user) -> str:
    """The brigade chief's "correct a business date" form for `case` (shown in its deadlines card), or "" when
    the user is not the brigade chief or the case has no date to correct yet."""
    if not roles.has_role(user, roles.BRIGADE_CHIEF):
        return ""
    if not any(getattr(case, field) for field in services.CORRECTABLE_DATES):
        return ""
    return reverse("inbox:case_correct_date", args=[case.pk])


def self_check_context(case) -> dict:
    """The 案卷自查 card (DESIGN §10), for a case with a decision: as kept at closing, else as of now; none for a
    case transferred out (the self-check does not apply to it)."""
    if case.state == CaseState.CLOSED and case.self_check_at:
        return {"self_check": relabel(case.self_check_result), "self_check_kept": True}
    if case.decided_on is None or self_check_not_applicable(case):
        return {}
    return {"self_check": run_self_check(case).as_dict(), "self_check_kept": False}


def close_blocked(case, user, transitions) -> dict | None:
    """The 结案 step the brigade chief would take now but may not, with why (the close guard's refusal in the page's
    language, and each self-check veto with what to do): {label, reason, vetoes}. None when the case is closed, the
    user may not close cases, or close is not refused by one of its rules. A penalty not yet executed (C9) is not
    "blocked": closing is simply not the next step."""
    if any(t["name"] == "close" for t in transitions):
        return None
    refusal = unmet_refusal("case", case, user, "close")
    if refusal is None or refusal.rule == "C9":
        return None
    vetoes = run_vetoes(case) if refusal.rule == "case-file" else []
    return {"label": get_process("case").label("close"), "reason": refusal.page_text, "vetoes": vetoes}


class CaseDetailView(CaseAccessMixin, View):
    def get(self, request, pk):
        case = get_object_or_404(case_queryset(), pk=pk)
        live_publication = case.publications.filter(withdrawn_on__isnull=True).exists()  # Art 48 ¶1-2
        process = get_process("case")
        inquiry_possible = case.state in services.INQUIRY_STATES
        is_case_officer = case.officers.filter(pk=request.user.pk).exists()
        correction_orders = list(selectors.correction_orders_of(case))
        overdue_days = selectors.payment_overdue_days(case)
        transitions = transition_buttons("case", case, request.user, "cases:cases:transition")
        if case.state == CaseState.DEMANDED:  # 行政强制法 Art 53-54: no court button before it can be used
            possible = selectors.court_application_possible_from(case)
            if possible is None or possible > timezone.localdate():
                transitions = [t for t in transitions if t["name"] != "apply_to_court"]
        return self.render("cases/case_detail.html", {
            **case_summary(case),
            "transitions": transitions,
            "close_blocked": close_blocked(case, request.user, transitions),
            "can_inquire": inquiry_possible and is_case_officer and roles.may("case.inquiry", request.user),
            "can_publicize": (case.outcome == Case.Outcome.PENALTY and case.decided_on is not None
                              and case.published_on is None and not case.publicity_withheld_reason
                              and not live_publication and not minor_at_violation(case)
                              and roles.may("case.publicity", request.user)),
            # Offered while a withdrawal is due (the decision was changed or revoked: Art 48 ¶2); the form itself
            # stays open for correcting a publication made in error.
            "can_withdraw_publicity": (live_publication and roles.may("case.publicity", request.user)
                                       and selectors.publicity_withdrawal_due(case)),
            "publications": case.publications.all(),
            "inquiries": case.inquiries.prefetch_related("officers").select_related("recorded_by"),
            "inspections": case.inspections.prefetch_related("officers").select_related("recorded_by"),
            "legal_reviews": case.legal_reviews.select_related("reviewer"),
            "hearing_right": selectors.hearing_right(case),
            "proposed_measure_labels": selectors.measure_labels(case.proposed_measures),
            "measure_labels": selectors.measure_labels(case.measures),
            "agreement": getattr(case, "mediation_agreement", None),
            "overdue_days": overdue_days,
            "surcharge": selectors.late_payment_surcharge(case),
            "payment": selectors.payment_status(case),
            "can_pay": can_record_payment(case, request.user),
            "can_apply_plan": (can_record_payment(case, request.user, action="case.payment_plan.apply")
                               and selectors.pending_plan(case) is None and selectors.approved_plan(case) is None),
            "plans": case.payment_plans.select_related("requested_by", "decided_by").prefetch_related(
                "instalments"),
            "paused_days": selectors.surcharge_paused_days(case),
            "fine_owed": selectors.fine_still_owed(case),
            "remedies": selectors.remedies_of(case),
            "remedy_outcome_url": (reverse("cases:cases:transition", args=[case.pk, "record_remedy"])
                                   if any(t["name"] == "record_remedy" for t in transitions) else ""),
            "court_possible_from": selectors.court_application_possible_from(case),
            "court_status": selectors.court_application_status(case),
            "deadlines": deadline_rows(case, parts=correction_orders),
            "correction_orders": correction_orders,
            "can_order_correction": (is_case_officer and roles.may("case.correction_order", request.user)
                                     and case.state not in services.CORRECTION_CLOSED_STATES),
            "can_check_correction": is_case_officer and roles.may("case.correction_order", request.user),
            "can_acknowledge": roles.may("case.correction_acknowledge", request.user),
            "correct_date_url": correct_date_url(case, request.user),
            **self_check_context(case),
            "history": remedy_history(history_rows(process, case, CASE_ACTION_LABELS)),
            **chart_context(process, case.state),
        })


# record_remedy is one transition with two steps; the page shows one form per step (issue 13): the filing
# (kind, body, date) from the case page's button, the outcome from the pending remedy's link (?remedy=<id>).
REMEDY_OUTCOME_TITLE = _("Record the decision on a reconsideration or lawsuit")  # 登记复议或诉讼的结果
REMEDY_OUTCOME_DONE = _("Decision on a reconsideration or lawsuit recorded")  # the history's row for that step
REMEDY_FILING_FIELDS = ("kind", "body", "filed_on")
REMEDY_OUTCOME_FIELDS = ("remedy", "outcome", "decided_on", "new_fine")


def remedy_history(rows) -> list[dict]:
    """record_remedy's two steps in the history: the outcome (the entry names a `remedy`) reads as such."""
    for row in rows:
        if row.get("transition") == "record_remedy" and (row.get("fields") or {}).get("remedy"):
            row["action"] = REMEDY_OUTCOME_DONE
    return rows


def remedy_step(form, remedy_id) -> None:
    if remedy_id:
        for name in REMEDY_FILING_FIELDS:
            form.fields.pop(name, None)
        form.fields["remedy"].widget = forms.HiddenInput()
        form.fields["remedy"].initial = remedy_id
    else:
        for name in REMEDY_OUTCOME_FIELDS:
            form.fields.pop(name, None)


class CaseTransitionView(CaseAccessMixin, TransitionView):
    """One form per transition (cases.forms.CASE_TRANSITION_FORMS), fired through fire_transition."""

    process_name = "case"
    detail_url_name = "cases:cases:detail"

    def load(self, pk, name):
        super().load(pk, name)
        if name == "record_remedy" and (self.request.GET.get("remedy") or self.request.POST.get("remedy")):
            self.label = REMEDY_OUTCOME_TITLE  # the outcome step has its own title (the filing keeps the label)

    def make_form(self, data=None):
        form = super().make_form(data)
        if "officers" in form.fields:  # file: the officer choices show each certificate's validity
            officers_field(form.fields["officers"])
        if self.name == "record_remedy":
            remedy_step(form, self.request.GET.get("remedy") or (data or {}).get("remedy"))
        for field in form.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget.format = "%Y-%m-%d"
        return form

    def render(self, template, context, status=200):
        case = case_queryset().get(pk=self.obj.pk)
        context.update(case_summary(case))
        refusal = context.get("refusal")
        if self.name == "close" and refusal is not None and refusal.rule == "case-file":
            context["close_vetoes"] = run_vetoes(case)  # beside the refusal: what to do about each veto
        return super().render("cases/transition.html", context, status=status)


class CaseFormView(CaseAccessMixin, View):
    """An action on one case that is not a transition; subclasses name the form, template and service."""

    form_class = None
    template_name = ""
    success_message = ""

    def load(self, pk):
        self.case = get_object_or_404(case_queryset(), pk=pk)

    def available(self) -> bool:
        return True

    def page(self, form, refusal=None, status=200):
        return self.render(self.template_name, {
            **case_summary(self.case), "form": form, "refusal": refusal, "available": self.available(),
            **self.extra_context(),
        }, status=status)

    def extra_context(self) -> dict:
        return {}

    def initial(self) -> dict:
        return {}

    def get(self, request, pk):
        self.load(pk)
        return self.page(self.form_class(initial=self.initial()))

    def post(self, request, pk):
        if not hasattr(self, "case"):
            self.load(pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        try:
            self.perform(form.cleaned_data)
        except Refusal as refusal:
            self.case.refresh_from_db()
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(self.success_message))
        return HttpResponseRedirect(case_url(self.case.pk))

    def perform(self, data):  # pragma: no cover - abstract
        raise NotImplementedError


class InquiryCreateView(CaseFormView):
    form_class = InquiryForm
    template_name = "cases/inquiry_form.html"
    success_message = INQUIRY_SAVED

    def available(self):
        return (self.case.state in services.INQUIRY_STATES and roles.may("case.inquiry", self.request.user)
                and self.case.officers.filter(pk=self.request.user.pk).exists())

    def initial(self):
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"officers": [o.pk for o in self.case.officers.all()], "held_at": now}

    def perform(self, data):
        services.add_inquiry(case_pk=self.case.pk, user=self.request.user, officers=list(data["officers"]),
                             subject_name=data["subject_name"], record=data["record"], held_at=data["held_at"],
                             client_ip=client_ip(self.request))


class InspectionCreateView(InquiryCreateView):
    form_class = InspectionForm
    template_name = "cases/inspection_form.html"
    success_message = INSPECTION_SAVED

    def initial(self):
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"officers": [o.pk for o in self.case.officers.all()], "started_at": now, "ended_at": now}

    def perform(self, data):
        services.add_inspection(case_pk=self.case.pk, user=self.request.user, officers=list(data["officers"]),
                                place=data["place"], started_at=data["started_at"], ended_at=data["ended_at"],
                                party_present=data["party_present"], witness=data["witness"],
                                findings=data["findings"], refusal_note=data["refusal_note"],
                                client_ip=client_ip(self.request))


class PublicityView(CaseFormView):
    form_class = PublicityForm
    template_name = "cases/publicity_form.html"
    success_message = PUBLICITY_SAVED

    def available(self):
        return (self.case.outcome == Case.Outcome.PENALTY and self.case.decided_on is not None
                and roles.may("case.publicity", self.request.user))

    def initial(self):
        return {"published_on": self.case.published_on or timezone.localdate(),
                "channel": self.case.publicity_channel,
                "not_published_reason": self.case.publicity_withheld_reason}

    def perform(self, data):
        services.record_publicity(case_pk=self.case.pk, user=self.request.user, channel=data["channel"],
                                  published_on=data["published_on"],
                                  not_published_reason=data.get("not_published_reason", ""),
                                  client_ip=client_ip(self.request))


class WithdrawPublicityView(CaseFormView):
    """Withdraw the published decision (cases.services.withdraw_publication, Art 48 ¶2); also on a closed case."""

    form_class = WithdrawPublicityForm
    template_name = "cases/publicity_withdraw_form.html"
    success_message = PUBLICITY_WITHDRAWN

    def available(self):
        return (self.case.publications.filter(withdrawn_on__isnull=True).exists()
                and roles.may("case.publicity", self.request.user))

    def perform(self, data):
        services.withdraw_publication(case_pk=self.case.pk, user=self.request.user, reason=data["reason"],
                                      withdrawn_on=data["withdrawn_on"], client_ip=client_ip(self.request))


class PublicPenaltiesPage(View):
    """行政处罚决定公示 (处罚法 Art 48), read without login: the published decisions as their redacted snapshots
    (cases.publicity: a person's name masked, no ID number, phone or address) and the withdrawals with their
    reasons (Art 48 ¶2). Nothing is read from the live case or party."""

    def get(self, request):
        published, withdrawn = selectors.public_penalties()
        return TemplateResponse(request, "cases/public_penalties.html", {
            "published": published, "withdrawn": withdrawn, "town": settings.TOWN_NAME})


class PaymentView(CaseFormView):
    """Record a payment from the bank's receipt (cases.services.record_payment)."""

    form_class = PaymentForm
    template_name = "cases/payment_form.html"
    success_message = PAYMENT_SAVED

    def available(self):
        return can_record_payment(self.case, self.request.user)

    def extra_context(self):
        return {"payment": selectors.payment_status(self.case)}

    def initial(self):
        return {"paid_on": timezone.localdate()}

    def perform(self, data):
        services.record_payment(case_pk=self.case.pk, user=self.request.user, amount=data["amount"],
                                paid_on=data["paid_on"], receipt_number=data["receipt_number"],
                                bank=data.get("bank", ""), note=data.get("note", ""),
                                client_ip=client_ip(self.request))


class PaymentPlanView(CaseFormView):
    """Record the party's application to defer or pay in instalments (cases.services.apply_payment_plan)."""

    form_class = PaymentPlanForm
    template_name = "cases/payment_plan_form.html"
    success_message = PLAN_SAVED

    def available(self):
        return can_record_payment(self.case, self.request.user, action="case.payment_plan.apply")

    def initial(self):
        return {"applied_on": timezone.localdate(), "kind": PaymentPlan.Kind.INSTALMENTS}

    def perform(self, data):
        services.apply_payment_plan(case_pk=self.case.pk, user=self.request.user, kind=data["kind"],
                                    reason=data["reason"], instalments=data["instalments"],
                                    applied_on=data["applied_on"], client_ip=client_ip(self.request))


class PlanDecisionView(CaseFormView):
    """The principal approves or rejects an application (Art 66 ¶2), reached from the inbox."""

    form_class = PlanDecisionForm
    template_name = "cases/plan_decision_form.html"

    def load(self, pk, plan_pk=None):
        super().load(pk)
        self.plan = get_object_or_404(PaymentPlan.objects.prefetch_related("instalments"), pk=plan_pk,
                                      case=self.case)

    def get(self, request, pk, plan_pk):
        self.load(pk, plan_pk)
        return self.page(self.form_class())

    def post(self, request, pk, plan_pk):
        self.load(pk, plan_pk)
        return super().post(request, pk)

    def page(self, form, refusal=None, status=200):
        return self.render(self.template_name, {
            **case_summary(self.case), "form": form, "refusal": refusal, "available": self.available(),
            "plan": self.plan, "payment": selectors.payment_status(self.case),
        }, status=status)

    def available(self):
        return (self.plan.status == PaymentPlan.Status.PENDING
                and roles.may("case.payment_plan.approve", self.request.user)
                and self.plan.requested_by_id != self.request.user.pk)

    def perform(self, data):
        approve = data["decision"] == "approve"
        self.success_message = PLAN_APPROVED if approve else PLAN_REJECTED
        services.decide_payment_plan(plan_pk=self.plan.pk, user=self.request.user, approve=approve,
                                     note=data.get("note", ""), client_ip=client_ip(self.request))


class CorrectionOrderCreateView(CaseFormView):
    """责令改正: one of the case officers issues an order (cases.services.issue_correction_order)."""

    form_class = CorrectionOrderForm
    template_name = "cases/correction_order_form.html"
    success_message = CORRECTION_ISSUED

    def available(self):
        return (roles.may("case.correction_order", self.request.user)
                and self.case.state not in services.CORRECTION_CLOSED_STATES
                and self.case.officers.filter(pk=self.request.user.pk).exists())

    def perform(self, data):
        services.issue_correction_order(self.case, self.request.user, data["measure"], data["due_on"],
                                        data.get("issued_on"), client_ip=client_ip(self.request))


class CorrectionCheckView(CaseFormView):
    """The check of one order (cases.services.verify_correction_order)."""

    form_class = CorrectionCheckForm
    template_name = "cases/correction_check_form.html"
    success_message = CORRECTION_VERIFIED

    def load(self, pk, order_pk=None):
        super().load(pk)
        self.order = get_object_or_404(self.case.correction_orders.all(), pk=order_pk)

    def page(self, form, refusal=None, status=200):
        return self.render(self.template_name, {
            **case_summary(self.case), "form": form, "refusal": refusal, "available": self.available(),
            "order": self.order,
        }, status=status)

    def get(self, request, pk, order_pk):
        self.load(pk, order_pk)
        return self.page(self.form_class(initial={"checked_on": timezone.localdate()}))

    def post(self, request, pk, order_pk):
        self.load(pk, order_pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        try:
            self.perform(form.cleaned_data)
        except Refusal as refusal:
            self.order.refresh_from_db()
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(self.success_message))
        return HttpResponseRedirect(case_url(self.case.pk))

    def available(self):
        return (roles.may("case.correction_order", self.request.user) and self.order.status == "open"
                and self.case.officers.filter(pk=self.request.user.pk).exists())

    def perform(self, data):
        services.verify_correction_order(self.order.pk, self.request.user, data["corrected"], data.get("checked_on"),
                                         data.get("note", ""), client_ip=client_ip(self.request))


class CorrectionAcknowledgeView(CaseAccessMixin, View):
    """The brigade chief takes note of an order found not corrected (a button on the case page)."""

    def post(self, request, pk, order_pk):
        case = get_object_or_404(Case, pk=pk)
        order = get_object_or_404(case.correction_orders.all(), pk=order_pk)
        try:
            services.acknowledge_correction_order(order.pk, request.user, client_ip=client_ip(request))
        except Refusal as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, str(CORRECTION_ACKNOWLEDGED))
        return HttpResponseRedirect(case_url(case.pk))


class FirstOffenceListPage(View):
    """首违不罚清单 (处罚法 Art 33 ¶1), published: read without login, as provinces publish theirs."""

    def get(self, request):
        return TemplateResponse(request, "cases/first_offence_list.html", {
            "entries": selectors.first_offence_list(), "town": settings.TOWN_NAME})


class CaseCreateView(CaseAccessMixin, View):
    def page(self, form, refusal=None, status=200):
        return self.render("cases/case_form.html", {
            "form": form, "refusal": refusal, "available": roles.may("case.create", self.request.user),
        }, status=status)

    def get(self, request):
        return self.page(CaseReportForm(initial={"source": Case.Source.PATROL, "party_kind": Party.Kind.PERSON}))

    def post(self, request):
        form = CaseReportForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        try:
            case = services.create_case(user=request.user, client_ip=client_ip(request), **form.case_fields())
        except Refusal as refusal:
            refusal.fields = {key.replace("party.", "party_"): value for key, value in refusal.fields.items()}
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(CASE_CREATED))
        return HttpResponseRedirect(case_url(case.pk))


class OnTheSpotView(CaseAccessMixin, View):
    """新建当场处罚 (简易程序, 处罚法 Art 51–53): one form, built for a phone; on success the case page shows the
    number of its 当场处罚决定书 (printed once the documents module exists, issue 14)."""

    SUBMISSIONS = "spot_submissions"  # session: one-time token of the form -> the case it created

    def page(self, form, refusal=None, status=200, submission=None):
        return self.render("cases/on_the_spot_form.html", {
            "form": form, "refusal": refusal, "available": roles.may("case.on_the_spot", self.request.user),
            "submission": submission or uuid.uuid4().hex,
        }, status=status)

    def get(self, request):
        return self.page(OnTheSpotForm(initial={"party_kind": Party.Kind.PERSON, "penalty": "fine",
                                                "officers": [request.user.pk],
                                                "violation_at": timezone.localtime().replace(second=0, microsecond=0)}))

    def post(self, request):
        # The form's one-time token: the same form sent again (a second tap, the browser re-sending it) does not
        # record the decision twice; the officer is shown the case it created, with a warning.
        submission = (request.POST.get("submission") or "")[:64]
        sent = request.session.get(self.SUBMISSIONS, {})
        if submission and submission in sent:
            messages.warning(request, str(SPOT_DUPLICATE))
            return HttpResponseRedirect(case_url(sent[submission]))
        form = OnTheSpotForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400), submission=submission)
        try:
            case = services.decide_on_the_spot(user=request.user, client_ip=client_ip(request),
                                               **form.service_fields())
        except Refusal as refusal:
            refusal.fields = {key.replace("party.", "party_"): value for key, value in refusal.fields.items()}
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status),
                             submission=submission)
        if submission:
            sent = dict(list(sent.items())[-19:])  # the last few forms are enough
            sent[submission] = case.pk
            request.session[self.SUBMISSIONS] = sent
        messages.success(request, str(SPOT_DECIDED).format(number=case.number))
        return HttpResponseRedirect(case_url(case.pk))


# --------------------------------------------------------------------------------------------------
# Officers and their certificates
# --------------------------------------------------------------------------------------------------


class OfficerListView(CaseAccessMixin, View):
    def get(self, request):
        today = timezone.localdate()
        officers = selectors.officer_list().prefetch_related(
            Prefetch("cases", queryset=Case.objects.exclude(
                state__in=[CaseState.CLOSED, CaseState.NOT_FILED, CaseState.TRANSFERRED]), to_attr="open_cases"))
        if wants_xlsx(request):
            return xlsx_response(officers, selectors.officer_export_columns(today), str(_("Enforcement officers")))
        return self.render("cases/officer_list.html", {
            "rows": [selectors.certificate_status(officer, today) for officer in officers],
            "today": today, "expiring_days": selectors.EXPIRING_DAYS,
        })


# --------------------------------------------------------------------------------------------------
# 更正业务日期: the brigade chief corrects a business date (cases.services.correct_business_date)
# --------------------------------------------------------------------------------------------------


class DateCorrectionForm(BoundedTextForm, forms.Form):
    field = forms.ChoiceField(label=_("Business date"))
    date = forms.DateField(label=_("Correct date"), widget=forms.DateInput(format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Why the recorded date is wrong; kept in the case history."))

    layout = Layout(Row("field", "date"), "reason")

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "---------")] + [
            (name, f"{services.DATE_LABELS[name]}（{getattr(case, name).isoformat()}）") for name in services.CORRECTABLE_DATES
            if getattr(case, name) is not None]


class DateCorrectionView(PageMixin, View):
    """更正业务日期: the brigade chief corrects a case's filing, notice, decision or service date."""

    def load(self, request, pk):
        if pk > MAX_ID:
            raise Http404
        if not roles.may("case.view", request.user):
            raise PermissionDenied
        self.case = get_object_or_404(Case.objects.select_related("violation_type", "party"), pk=pk)

    def page(self, form, refusal=None, status=200):
        return self.render("cases/correct_date_form.html", {
            **case_summary(self.case), "form": form, "refusal": refusal,
            "available": roles.has_role(self.request.user, roles.BRIGADE_CHIEF),
            "case_url": reverse("cases:cases:detail", args=[self.case.pk]),
        }, status=status)

    def get(self, request, pk):
        self.load(request, pk)
        return self.page(DateCorrectionForm(case=self.case))

    def post(self, request, pk):
        self.load(request, pk)
        form = DateCorrectionForm(request.POST, case=self.case)
        if not form.is_valid():
            return self.page(form, status=error_status(request, 400))
        data = form.cleaned_data
        try:
            services.correct_business_date(self.case, field=data["field"], day=data["date"], reason=data["reason"],
                                  user=request.user, client_ip=client_ip(request))
        except Refusal as refusal:
            self.case.refresh_from_db()
            return self.page(show_refusal(form, refusal), refusal, status=error_status(request, refusal.status))
        messages.success(request, str(CORRECTED).format(field=services.DATE_LABELS[data["field"]]))
        return HttpResponseRedirect(reverse("cases:cases:detail", args=[self.case.pk]))


# Mounted by config.site under the inbox's deadline pages (/inbox/deadlines/): name inbox:case_correct_date.
date_correction_path = path("cases/<int:pk>/correct-date/", DateCorrectionView.as_view(), name="case_correct_date")


# --------------------------------------------------------------------------------------------------
# Viewflow viewsets and the application (mounted by config/site.py)
# --------------------------------------------------------------------------------------------------


class CaseViewset(AppMenuMixin, Viewset):
    app_name = "cases"
    title = _("Enforcement cases")
    icon = Icon("assignment")

    index_path = path("", CaseListView.as_view(), name="index")
    add_path = path("add/", CaseCreateView.as_view(), name="add")
    on_the_spot_path = path("on-the-spot/", OnTheSpotView.as_view(), name="on_the_spot")
    detail_path = path("<int:pk>/", CaseDetailView.as_view(), name="detail")
    personal_data_path = path("<int:pk>/personal-data/", CasePersonalDataView.as_view(), name="personal_data")
    inquiry_path = path("<int:pk>/inquiries/add/", InquiryCreateView.as_view(), name="inquiry")
    inspection_path = path("<int:pk>/inspections/add/", InspectionCreateView.as_view(), name="inspection")
    publicity_path = path("<int:pk>/publicity/", PublicityView.as_view(), name="publicity")
    publicity_withdraw_path = path("<int:pk>/publicity/withdraw/", WithdrawPublicityView.as_view(),
                                   name="publicity_withdraw")
    payment_path = path("<int:pk>/payments/add/", PaymentView.as_view(), name="payment")
    plan_path = path("<int:pk>/payment-plans/add/", PaymentPlanView.as_view(), name="payment_plan")
    plan_decision_path = path("<int:pk>/payment-plans/<int:plan_pk>/", PlanDecisionView.as_view(),
                              name="plan_decision")
    transition_path = path("<int:pk>/transitions/<slug:name>/", CaseTransitionView.as_view(), name="transition")
    correction_path = path("<int:pk>/correction-orders/add/", CorrectionOrderCreateView.as_view(),
                           name="correction_order")
    correction_check_path = path("<int:pk>/correction-orders/<int:order_pk>/verify/", CorrectionCheckView.as_view(),
                                 name="correction_check")
    correction_ack_path = path("<int:pk>/correction-orders/<int:order_pk>/acknowledge/",
                               CorrectionAcknowledgeView.as_view(), name="correction_acknowledge")


class OfficerViewset(AppMenuMixin, Viewset):
    app_name = "officers"
    title = _("Enforcement officers")
    icon = Icon("badge")

    index_path = path("", OfficerListView.as_view(), name="index")


class CasesApplication(Application):
    """行政执法: enforcement cases of the comprehensive administrative enforcement brigade, and its officers."""

    app_name = "cases"
    title = _("Administrative enforcement")
    icon = Icon("local_police")

    def has_view_permission(self, user, obj=None):
        # Anonymous users pass here so that the pages send them to the login form.
        return not user.is_authenticated or roles.may("case.view", user)

    cases_path = route("cases/", CaseViewset())
    officers_path = route("officers/", OfficerViewset())

