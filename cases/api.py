"""REST API for enforcement cases, inquiries, villages, violation types and officers (CONTRACT §5)."""

import datetime
import re
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import files as document_files
from documents.rendering import DocumentUnavailable
from web.api import (
    ID_PATTERN,
    PersonalDataSerializer,
    StatefulSerializer,
    TransitionsMixin,
    UserBriefSerializer,
    personal_data_response,
    state_filter,
)
from web.exports import XlsxListMixin
from workflows import roles
from workflows.audit import client_ip
from workflows.errors import InvalidInput, NotPermitted, StateConflict, bilingual
from workflows.models import User
from workflows.services import require
from workflows.text_limits import BoundedTextSerializer

from . import case_file, measures as penalty_measures, selectors, services
from .flows import has_valid_certificate
from .models import (
    Case,
    CaseState,
    CorrectionOrder,
    InquiryRecord,
    InspectionRecord,
    Party,
    Payment,
    PaymentPlan,
    Village,
    ViolationType,
)
from .self_check import (
    NOT_APPLICABLE as SELF_CHECK_NOT_APPLICABLE,
    as_shown as shown_self_check,
    not_applicable as self_check_not_applicable,
)

MUST_BE_ID = _("Must be an id.")
UNKNOWN_VIOLATION_TYPE = _("Unknown violation type code.")


class VillageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Village
        fields = ["id", "name", "code"]


class ViolationTypeSerializer(serializers.ModelSerializer):
    # Art 63 ¶1(1): 较大数额 per party kind, set by the province (local); `hearing_threshold` is the person's.
    hearing_threshold_person = serializers.DecimalField(source="hearing_threshold", max_digits=12, decimal_places=2,
                                                        read_only=True)
    hearing_threshold_org = serializers.SerializerMethodField()

    class Meta:
        model = ViolationType
        fields = ["code", "name", "legal_basis", "fine_min", "fine_max", "mediable", "hearing_threshold",
                  "hearing_threshold_person", "hearing_threshold_org", "limitation_years"]

    def get_hearing_threshold_org(self, violation_type) -> str:
        return f"{violation_type.hearing_threshold_for(Party.Kind.ORG):.2f}"


class PenaltyMeasureSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    severity = serializers.IntegerField()
    hearing = serializers.CharField(help_text="always | amount (from the threshold) | heavy (when marked heavy) | never")


class OfficerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    certificate_number = serializers.SerializerMethodField()
    certificate_expires = serializers.SerializerMethodField()
    certificate_valid = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "phone", "certificate_number", "certificate_expires", "certificate_valid"]

    def _certificate(self, user):
        certificates = list(user.certificates.all())
        today = timezone.localdate()
        return next((c for c in certificates if c.valid_on(today)), certificates[0] if certificates else None)

    def get_certificate_number(self, user) -> str | None:
        certificate = self._certificate(user)
        return certificate.number if certificate else None

    def get_certificate_expires(self, user) -> str | None:
        certificate = self._certificate(user)
        return certificate.expires_on.isoformat() if certificate else None

    def get_certificate_valid(self, user) -> bool:
        return has_valid_certificate(user, timezone.localdate())


class PartySerializer(serializers.ModelSerializer):
    """A person's `birth_date` is derived from the resident ID number when not given (and stored); `capacity` and
    `capacity_basis` record Art 31's mental illness or intellectual disability."""

    class Meta:
        model = Party
        fields = ["name", "kind", "id_number", "phone", "address", "birth_date", "capacity", "capacity_basis"]
        extra_kwargs = {"id_number": {"required": False, "allow_blank": True},
                        "phone": {"required": False, "allow_blank": True},
                        "address": {"required": False, "allow_blank": True},
                        "birth_date": {"required": False, "allow_null": True},
                        "capacity": {"required": False},
                        "capacity_basis": {"required": False, "allow_blank": True}}


class MaskedPartySerializer(PartySerializer):
    """The party as lists show it: the ID number (or credit code) and the phone masked (issue 17; the full values:
    `POST /api/v1/cases/{id}/personal-data/`, audited)."""

    id_number = serializers.CharField(source="masked_id_number", read_only=True)
    phone = serializers.CharField(source="masked_phone", read_only=True)

    class Meta(PartySerializer.Meta):
        fields = ["name", "kind", "id_number", "phone", "address"]  # lists show no date of birth


class PartyDetailSerializer(MaskedPartySerializer):
    """The party as the case's detail shows it: masked as in lists, with the capacity (Art 31) and no date of birth —
    with the masked ID number (whose hidden digits are the date of birth, GB 11643) it would give the whole number;
    `party_age_band` says what the age means. The full values: `POST /api/v1/cases/{id}/personal-data/`."""

    class Meta(MaskedPartySerializer.Meta):
        fields = ["name", "kind", "id_number", "phone", "address", "capacity", "capacity_basis"]


class InquirySerializer(serializers.ModelSerializer):
    officers = UserBriefSerializer(many=True, read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = InquiryRecord
        fields = ["id", "officers", "subject_name", "record", "held_at", "recorded_by", "created_at"]


class InquiryWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    officers = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True)
    subject_name = serializers.CharField(max_length=100)
    record = serializers.CharField()
    held_at = serializers.DateTimeField()


class InspectionSerializer(serializers.ModelSerializer):
    """现场检查（勘验）笔录 (Art 55 ¶1)."""

    officers = UserBriefSerializer(many=True, read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = InspectionRecord
        fields = ["id", "officers", "place", "started_at", "ended_at", "party_present", "witness", "findings",
                  "refusal_note", "recorded_by", "created_at"]


class InspectionWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    officers = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True)
    place = serializers.CharField(max_length=200)
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    party_present = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    witness = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    findings = serializers.CharField()
    refusal_note = serializers.CharField(required=False, allow_blank=True, default="")


class LegalReviewSerializer(serializers.Serializer):
    reviewer = serializers.CharField(source="reviewer.username")
    outcome = serializers.CharField()
    opinion = serializers.CharField()
    created_at = serializers.DateTimeField()


class CorrectionOrderSerializer(serializers.ModelSerializer):
    """责令改正 (Art 28 ¶1): what to correct, by when, and the check."""

    status_label = serializers.CharField(source="get_status_display")
    issued_by = serializers.CharField(source="issued_by.username")
    checked_by = serializers.CharField(source="checked_by.username", default=None, allow_null=True)
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", default=None, allow_null=True)

    class Meta:
        model = CorrectionOrder
        fields = ["id", "case", "measure", "issued_on", "due_on", "status", "status_label", "checked_on", "note",
                  "checked_by", "issued_by", "acknowledged_on", "acknowledged_by"]


class CorrectionOrderWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    measure = serializers.CharField()
    due_on = serializers.DateField()
    issued_on = serializers.DateField(required=False)


class CorrectionCheckSerializer(BoundedTextSerializer, serializers.Serializer):
    corrected = serializers.BooleanField()
    checked_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FirstOffenceEntrySerializer(serializers.Serializer):
    """An entry of the published 首违不罚 list (Art 33 ¶1)."""

    id = serializers.IntegerField()
    violation_type = serializers.CharField(source="violation_type.code")
    violation_type_name = serializers.CharField(source="violation_type.name")
    legal_basis = serializers.CharField(source="violation_type.legal_basis")
    conditions = serializers.CharField()
    correction_days = serializers.IntegerField(allow_null=True)
    published_on = serializers.DateField()


class RemedySerializer(serializers.Serializer):
    """A reconsideration or lawsuit (行政复议法 Art 20; 行政诉讼法 Art 46) and its outcome."""
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    body = serializers.CharField()
    filed_on = serializers.DateField()
    late = serializers.BooleanField()
    outcome = serializers.CharField()
    outcome_label = serializers.CharField(source="get_outcome_display")
    decided_on = serializers.DateField(allow_null=True)
    new_fine = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    previous_fine = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    note = serializers.CharField()


class CaseListSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    village = serializers.CharField(source="village.name")
    violation_type = serializers.CharField(source="violation_type.code")
    violation_type_name = serializers.CharField(source="violation_type.name")
    party = MaskedPartySerializer()
    officers = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "number", "state", "state_label", "source", "village", "violation_type",
                  "violation_type_name", "violation_date", "party", "officers", "reported_at", "filed_on",
                  "self_check_score"]

    def get_officers(self, case) -> list[str]:
        return [officer.username for officer in case.officers.all()]


class CaseSerializer(StatefulSerializer, serializers.ModelSerializer):
    process = "case"
    village = VillageSerializer()
    violation_type = ViolationTypeSerializer()
    party = PartyDetailSerializer()
    officers = UserBriefSerializer(many=True)
    reported_by = serializers.CharField(source="reported_by.username")
    decided_by = serializers.CharField(source="decided_by.username", default=None, allow_null=True)
    inquiries = InquirySerializer(many=True)
    legal_reviews = LegalReviewSerializer(many=True)
    mediation_agreement = serializers.SerializerMethodField()
    limitation_warning = serializers.SerializerMethodField()
    limitation = serializers.SerializerMethodField()
    party_age_band = serializers.SerializerMethodField()
    proposed_outcome = serializers.SerializerMethodField()
    late_payment_surcharge = serializers.SerializerMethodField()
    payment_status = serializers.SerializerMethodField()
    surcharge_paused_days = serializers.SerializerMethodField()
    fine_still_owed = serializers.SerializerMethodField()
    court_application_possible_from = serializers.SerializerMethodField()
    remedies = serializers.SerializerMethodField()
    presiding_officer = UserBriefSerializer(default=None, allow_null=True)
    collective_discussion_record = serializers.SerializerMethodField()
    hearing_right = serializers.SerializerMethodField()
    on_the_spot_decision = serializers.SerializerMethodField()
    spot_filed_by = serializers.CharField(source="spot_filed_by.username", default=None, allow_null=True)
    correction_orders = serializers.SerializerMethodField()

    class Meta:
        model = Case
        exclude = []
        read_only_fields = []

    def get_collective_discussion_record(self, case) -> dict | None:
        """Art 57 ¶2: attendees, date and conclusion (`collective_discussion` keeps the conclusion's text)."""
        if not case.collective_discussion:
            return None
        return {"attendees": case.collective_discussion_attendees, "conclusion": case.collective_discussion,
                "held_on": case.collective_discussion_on.isoformat() if case.collective_discussion_on else None}

    def get_hearing_right(self, case) -> str | None:
        """Art 63: why the notified penalty does or does not entitle the party to a hearing, in words."""
        return selectors.hearing_right(case)

    def get_correction_orders(self, case) -> list[dict]:
        """责令改正 (Art 28 ¶1): the case's orders, their terms and checks."""
        return CorrectionOrderSerializer(selectors.correction_orders_of(case), many=True).data

    def get_mediation_agreement(self, case) -> dict | None:
        agreement = getattr(case, "mediation_agreement", None)
        if agreement is None:
            return None
        return {"agreement": agreement.agreement, "concluded_on": agreement.concluded_on.isoformat(),
                "violation_corrected": agreement.violation_corrected}

    def get_limitation_warning(self, case) -> str | None:
        return selectors.limitation_warning(case)

    def get_limitation(self, case) -> dict:
        """Art 36: the years that apply (by the case's harm flag), from which day, the discovery, and the verdict."""
        return selectors.limitation_summary(case)

    def get_party_age_band(self, case) -> str | None:
        """Art 30 at the violation date: `under_fourteen`, `minor` (14 to under 18), `adult`; null if unknown."""
        return selectors.party_age_band(case)

    def get_proposed_outcome(self, case) -> str | None:
        """What the notice announced: `penalty`, or `no_penalty` (不予行政处罚告知, Art 33); null before a notice."""
        return selectors.proposed_outcome(case)

    def get_on_the_spot_decision(self, case) -> dict | None:
        """简易程序: the 当场处罚决定书 (its number is the case's `number`). Printing it belongs to the documents
        module (issue 14); null until it exists."""
        return None
    def get_payment_status(self, case) -> dict | None:
        """Execution (Art 66–67, 72): fine, paid, balance, the surcharge accrued as of today, what is still owed and
        the next due date; null for a case with no fine to pay."""
        return payment_status_json(selectors.payment_status(case))

    def get_late_payment_surcharge(self, case) -> str | None:
        """Art 72: overdue payment is flagged with the 3%/day surcharge, capped at the fine."""
        surcharge = selectors.late_payment_surcharge(case)
        return None if surcharge is None else str(surcharge)

    def get_surcharge_paused_days(self, case) -> int:
        """Art 73 ¶3: overdue days on which a reconsideration or lawsuit was pending (no surcharge for them)."""
        return selectors.surcharge_paused_days(case)

    def get_fine_still_owed(self, case) -> bool:
        return selectors.fine_still_owed(case)

    def get_court_application_possible_from(self, case) -> str | None:
        """行政强制法 Art 53-54, 69: the first day the court may be applied to (the latest of the demand term, the
        remedy periods and the first unpaid due date); null before a demand, when nothing is owed, or while a
        reconsideration or lawsuit is pending."""
        day = selectors.court_application_possible_from(case)
        return day.isoformat() if day else None

    def get_remedies(self, case) -> list[dict]:
        return RemedySerializer(selectors.remedies_of(case), many=True).data


class PaymentSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "amount", "paid_on", "receipt_number", "bank", "note", "recorded_by", "recorded_at"]


class PaymentWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    """A payment from the bank's receipt (罚缴分离, Art 67 ¶1)."""

    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_on = serializers.DateField()
    receipt_number = serializers.CharField(max_length=60)
    bank = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InstalmentSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)


class PaymentPlanSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, allow_null=True, read_only=True)
    instalments = InstalmentSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = PaymentPlan
        fields = ["id", "case", "kind", "reason", "applied_on", "requested_by", "status", "status_label",
                  "decided_by", "decided_on", "decision_note", "instalments"]


class PaymentPlanWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    """Art 66 ¶2: `kind` deferral (one due date in `instalments` or `due_dates`) | instalments (≥2 rows of
    `due_on` and `amount` adding up to the unpaid fine)."""

    kind = serializers.ChoiceField(choices=PaymentPlan.Kind.choices)
    reason = serializers.CharField()
    applied_on = serializers.DateField(required=False)
    instalments = InstalmentSerializer(many=True, required=False, default=list)
    due_dates = serializers.ListField(child=serializers.DateField(), required=False, default=list,
                                      help_text="Shorthand for a deferral: its one due date.")

    def validate(self, data):
        if not data["instalments"] and data["due_dates"]:
            data["instalments"] = [{"due_on": day, "amount": None} for day in data["due_dates"]]
        return data


class PlanDecisionSerializer(BoundedTextSerializer, serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def payment_status_json(status) -> dict | None:
    """selectors.payment_status as the API shows it (amounts as strings with two decimals, dates ISO)."""
    if status is None:
        return None
    plan = status["plan"]
    return {
        **{key: _money(status[key]) for key in ("fine", "paid", "balance", "surcharge", "surcharge_paid",
                                                 "total_owed")},
        "next_due_on": status["next_due_on"].isoformat() if status["next_due_on"] else None,
        "overdue_days": status["overdue_days"],
        "plan": None if plan is None else {"id": plan.pk, "kind": plan.kind, "status": plan.status},
        "schedule": [{"due_on": t.due_on.isoformat(), "amount": _money(t.amount), "paid": _money(t.paid),
                      "cleared_on": t.cleared_on.isoformat() if t.cleared_on else None,
                      "surcharge": _money(t.surcharge)} for t in status["schedule"]],
    }


class CaseWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    source = serializers.ChoiceField(choices=Case.Source.choices)
    description = serializers.CharField()
    village = serializers.PrimaryKeyRelatedField(queryset=Village.objects.all())
    violation_type = serializers.SlugRelatedField(slug_field="code", queryset=ViolationType.objects.filter(active=True))
    violation_date = serializers.DateField()
    violation_ended_on = serializers.DateField(required=False, allow_null=True)
    harm_to_life_health_or_finance = serializers.BooleanField(required=False, default=False)
    harm_description = serializers.CharField(required=False, allow_blank=True, default="")
    party = PartySerializer()


class OnTheSpotSerializer(BoundedTextSerializer, serializers.Serializer):
    """简易程序 (处罚法 Art 51–53, 68–71): the fields of cases.services.decide_on_the_spot. `fine` (yuan) or
    `warning`, exactly one; `decided_at` (or `decided_on`, a day) defaults to now; `violation_place` is required
    (Art 52: the decision states the time and place of the violation; 400 if blank, with the other input errors)."""

    party = PartySerializer()
    village = serializers.PrimaryKeyRelatedField(queryset=Village.objects.all())
    violation_type = serializers.SlugRelatedField(slug_field="code", queryset=ViolationType.objects.filter(active=True))
    violation_date = serializers.DateField(required=False, allow_null=True)
    violation_time = serializers.TimeField(required=False, allow_null=True)
    violation_place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    facts = serializers.CharField()
    legal_basis = serializers.CharField()
    fine = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)
    warning = serializers.BooleanField(required=False, default=False)
    officers = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True,
                                                  allow_empty=False)
    certificates_shown = serializers.BooleanField()
    decided_at = serializers.DateTimeField(required=False, allow_null=True)
    decided_on = serializers.DateField(required=False, allow_null=True)
    party_statement = serializers.CharField(required=False, allow_blank=True, default="")
    refused_to_sign = serializers.CharField(required=False, allow_blank=True, default="")
    collected_on_spot = serializers.BooleanField(required=False, default=False)
    collection_ground = serializers.ChoiceField(choices=Case.CollectionGround.choices, required=False,
                                                allow_blank=True, default="")
    collection_reason = serializers.CharField(required=False, allow_blank=True, default="")
    receipt_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    mitigation = serializers.ChoiceField(choices=Case.Mitigation.choices, required=False, allow_blank=True,
                                         default="")
    mitigation_ground = serializers.ChoiceField(choices=Case.MitigationGround.choices, required=False,
                                                allow_blank=True, default="")

    def service_fields(self) -> dict:
        data = dict(self.validated_data)
        decided_on = data.pop("decided_on", None)
        if data.get("decided_at") is None and decided_on is not None:
            data["decided_at"] = spot_instant(decided_on)
        return data


def spot_instant(day):
    """A decision given as a day: now when it is today, else that day at noon (town time)."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


class PublicitySerializer(BoundedTextSerializer, serializers.Serializer):
    published_on = serializers.DateField(required=False)
    channel = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    not_published_reason = serializers.CharField(required=False, allow_blank=True, default="")


class DateCorrectionSerializer(BoundedTextSerializer, serializers.Serializer):
    field = serializers.ChoiceField(choices=list(services.CORRECTABLE_DATES))
    date = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class SelfCheckItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    detail = serializers.CharField(required=False)
    fix = serializers.CharField(required=False, help_text="A veto's remedy: what the clerk does about it.")
    points = serializers.IntegerField(required=False)


class SelfCheckSerializer(serializers.Serializer):
    """The pre-closure self-check (案卷评查, CONTRACT §6)."""

    passed = serializers.BooleanField()
    score = serializers.IntegerField(min_value=0, max_value=100)
    vetoes = SelfCheckItemSerializer(many=True)
    deductions = SelfCheckItemSerializer(many=True)


class CaseViewSet(TransitionsMixin, XlsxListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    process = "case"
    xlsx_filename = _("Enforcement cases")

    def xlsx_columns(self):
        return selectors.CASE_EXPORT_COLUMNS

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require("case.view", request.user)
    queryset = Case.objects.all()
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        if self.action == "list":
            return CaseListSerializer
        if self.action == "create":
            return CaseWriteSerializer
        if self.action == "on_the_spot":
            return OnTheSpotSerializer
        if self.action == "inquiries" and self.request.method == "POST":
            return InquiryWriteSerializer
        if self.action == "inspections" and self.request.method == "POST":
            return InspectionWriteSerializer
        return CaseSerializer

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=CaseState.values),
                               OpenApiParameter("village", int), OpenApiParameter("officer", int),
                               OpenApiParameter("violation_type", str), OpenApiParameter("search", str)])
    def list(self, request, *args, **kwargs):
        params = request.query_params
        for key in ("village", "officer"):
            if params.get(key) and not re.fullmatch(ID_PATTERN, params[key], flags=re.ASCII):
                raise exceptions.ValidationError({key: [bilingual(MUST_BE_ID)]})
        code = params.get("violation_type")
        if code and not ViolationType.objects.filter(code=code).exists():
            raise exceptions.ValidationError({"violation_type": [bilingual(UNKNOWN_VIOLATION_TYPE)]})
        self.queryset = selectors.case_list(
            state=state_filter(request, CaseState), village=params.get("village"), officer=params.get("officer"),
            violation_type=params.get("violation_type"), search=params.get("search"),
        )
        return super().list(request, *args, **kwargs)

    def _detail(self, case, status=200):
        case = Case.objects.select_related("village", "violation_type", "party", "reported_by").get(pk=case.pk)
        return Response(CaseSerializer(case, context={"request": self.request}).data, status=status)

    @extend_schema(request=CaseWriteSerializer, responses=CaseSerializer)
    def create(self, request):
        serializer = CaseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.create_case(user=request.user, client_ip=client_ip(request), **serializer.validated_data)
        return self._detail(case, status=201)

    @extend_schema(request=OnTheSpotSerializer, responses={201: CaseSerializer})
    @action(detail=False, methods=["post"], url_path="on-the-spot")
    def on_the_spot(self, request):
        """简易程序 (处罚法 Art 51–53): an enforcement officer decides on the spot; 201 with the case, numbered from
        its own series, `served` (or `executed` when collected on the spot or a warning). 409 above Art 51's
        limits; 400 with every input error at once. The number is written on the pre-printed, numbered 当场处罚决定书
        the officer hands over (Art 52)."""
        require("case.on_the_spot", request.user)  # 403 before the input is read
        serializer = OnTheSpotSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.decide_on_the_spot(user=request.user, client_ip=client_ip(request),
                                           **serializer.service_fields())
        return self._detail(case, status=201)

    @extend_schema(request=None, responses=PersonalDataSerializer)
    @action(detail=True, methods=["post"], url_path="personal-data")
    def personal_data(self, request, pk=None):
        """The party's full ID number (or credit code), phone and date of birth, which the case shows masked (issue
        17, 个人信息保护法 Art 51). Each call appends one audit entry `read_personal_data` to the case's history: the
        user, the time, the client's IP and the fields read (`fields.read`), never the values. POST, not GET: a GET
        may be fetched without anyone reading it (prefetching, retries). No body. 403 without the role to see cases,
        404 for no such case; the answer is not cached (`Cache-Control: no-store`)."""
        case = self.get_object()
        return personal_data_response(services.reveal_party_data(case, user=request.user,
                                                                 client_ip=client_ip(request)))

    @extend_schema(responses={200: SelfCheckSerializer,
                              409: OpenApiResponse(description="A case transferred out: no self-check.")})
    @action(detail=True, methods=["get"], url_path="self-check")
    def self_check(self, request, pk=None):
        """案卷评查 (DESIGN §10): the case file's vetoes (any one and `close` answers 409 with rule `case-file`) and
        its 100-point score with the deductions, as of now — for a closed case as kept at closing (DESIGN §10); labels
        in the request's language. 409 for a case transferred out (Art 27): the self-check does not apply to it."""
        case = self.get_object()
        if self_check_not_applicable(case):
            raise StateConflict(SELF_CHECK_NOT_APPLICABLE, rule="state")
        return Response(shown_self_check(case))

    @extend_schema(request=PublicitySerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def publicity(self, request, pk=None):
        """Record that the penalty decision was made public (Art 39, 48; 国办发〔2018〕118号)."""
        serializer = PublicitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.record_publicity(case_pk=pk, user=request.user, client_ip=client_ip(request),
                                         **serializer.validated_data)
        return self._detail(case)

    @extend_schema(request=DateCorrectionSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="correct-date")
    def correct_date(self, request, pk=None):
        """Correct a business date (brigade chief, with a reason): filed_on, notified_on, decided_on or served_on.
        The open or suspended deadlines anchored on it are recomputed; closed ones stay as recorded (DESIGN §4)."""
        if not roles.has_role(request.user, roles.BRIGADE_CHIEF):  # before the input: 403, as the service says
            raise NotPermitted(services.ONLY_CHIEF_CORRECTS, rule="roles")
        serializer = DateCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = Case.objects.filter(pk=pk).first()
        if case is None:
            raise exceptions.NotFound()
        case = services.correct_business_date(case, field=data["field"], day=data["date"], reason=data["reason"],
                                              user=request.user, client_ip=client_ip(request))
        return self._detail(case)

    def _records(self, request, write_serializer, create, listing):
        """A case's list of records (inquiries, payments, orders): GET lists them; POST validates the body with
        `write_serializer`, calls `create(validated_data)` (a service, which checks role and rules) and answers 201
        with the list. `listing(case)` gives the serialized list."""
        status = 200
        if request.method == "POST":
            serializer = write_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            create(serializer.validated_data)
            status = 201
        return Response(listing(self.get_object()), status=status)

    @extend_schema(methods=["GET"], responses=InquirySerializer(many=True))
    @extend_schema(methods=["POST"], request=InquiryWriteSerializer, responses={201: InquirySerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def inquiries(self, request, pk=None):
        """Inquiry records (询问笔录); POST records one, naming ≥2 certified officers (Art 42, 55)."""
        return self._records(
            request, InquiryWriteSerializer,
            lambda data: services.add_inquiry(case_pk=pk, user=request.user, client_ip=client_ip(request), **data),
            lambda case: InquirySerializer(case.inquiries.prefetch_related("officers"), many=True).data)

    @extend_schema(methods=["GET"], responses=InspectionSerializer(many=True))
    @extend_schema(methods=["POST"], request=InspectionWriteSerializer, responses={201: InspectionSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def inspections(self, request, pk=None):
        """现场检查（勘验）笔录 (Art 55 ¶1); POST records one, naming ≥2 certified officers (Art 42, 55)."""
        return self._records(
            request, InspectionWriteSerializer,
            lambda data: services.add_inspection(case_pk=pk, user=request.user, client_ip=client_ip(request),
                                                 **data),
            lambda case: InspectionSerializer(case.inspections.prefetch_related("officers"), many=True).data)

    @extend_schema(methods=["GET"], responses=PaymentSerializer(many=True))
    @extend_schema(methods=["POST"], request=PaymentWriteSerializer, responses={201: PaymentSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def payments(self, request, pk=None):
        """Payments recorded from the bank's receipts (罚缴分离, Art 67 ¶1); POST records one (case officers)."""
        return self._records(
            request, PaymentWriteSerializer,
            lambda data: services.record_payment(case_pk=pk, user=request.user, client_ip=client_ip(request),
                                                 **data),
            lambda case: PaymentSerializer(case.payments.select_related("recorded_by"), many=True).data)

    @extend_schema(methods=["GET"], responses=PaymentPlanSerializer(many=True))
    @extend_schema(methods=["POST"], request=PaymentPlanWriteSerializer, responses={201: PaymentPlanSerializer})
    @action(detail=True, methods=["get", "post"], url_path="payment-plans", pagination_class=None)
    def payment_plans(self, request, pk=None):
        """Applications to defer or pay in instalments (Art 66 ¶2); POST records one (case officers) and answers
        201 with the plan recorded."""
        if request.method == "POST":
            serializer = PaymentPlanWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            plan = services.apply_payment_plan(case_pk=pk, user=request.user, kind=data["kind"],
                                               reason=data["reason"], instalments=data["instalments"],
                                               applied_on=data.get("applied_on"), client_ip=client_ip(request))
            return Response(PaymentPlanSerializer(plan).data, status=201)
        case = self.get_object()
        plans = case.payment_plans.select_related("requested_by", "decided_by").prefetch_related("instalments")
        return Response(PaymentPlanSerializer(plans, many=True).data)

    @extend_schema(methods=["GET"], responses=CorrectionOrderSerializer(many=True))
    @extend_schema(methods=["POST"], request=CorrectionOrderWriteSerializer, responses={201: CorrectionOrderSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], url_path="correction-orders", pagination_class=None)
    def correction_orders(self, request, pk=None):
        """责令改正 (Art 28 ¶1); POST issues one (a case officer; `measure`, `due_on`, optional `issued_on`), which
        opens the deadline case.correction due on `due_on`."""
        return self._records(
            request, CorrectionOrderWriteSerializer,
            lambda data: services.issue_correction_order(pk, request.user, data["measure"], data["due_on"],
                                                         data.get("issued_on"), client_ip=client_ip(request)),
            lambda case: CorrectionOrderSerializer(selectors.correction_orders_of(case), many=True).data)


class PaymentPlanViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Art 66 ¶2: the principal approves or rejects an application to defer or pay in instalments."""

    queryset = PaymentPlan.objects.select_related("requested_by", "decided_by").prefetch_related("instalments")
    serializer_class = PaymentPlanSerializer
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require("case.view", request.user)

    def _decide(self, request, pk, approve):
        serializer = PlanDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.decide_payment_plan(plan_pk=pk, user=request.user, approve=approve,
                                            note=serializer.validated_data["note"], client_ip=client_ip(request))
        return Response(PaymentPlanSerializer(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(request=PlanDecisionSerializer, responses=PaymentPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, pk, True)

    @extend_schema(request=PlanDecisionSerializer, responses=PaymentPlanSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, pk, False)


class CorrectionOrderViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """责令改正 orders (Art 28 ¶1): read one, record its check, acknowledge "not corrected" (brigade chief)."""

    queryset = CorrectionOrder.objects.select_related("issued_by", "checked_by", "acknowledged_by")
    serializer_class = CorrectionOrderSerializer
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require("case.view", request.user)

    def _answer(self, order):
        order = self.get_queryset().get(pk=order.pk)
        return Response(CorrectionOrderSerializer(order).data)

    @extend_schema(request=CorrectionCheckSerializer, responses=CorrectionOrderSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """The check (复查): `corrected` (bool), `checked_on` (today if left out), `note`. Not corrected only on or
        after the due day (409 before); corrected any day."""
        serializer = CorrectionCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = services.verify_correction_order(pk, request.user, data["corrected"], data.get("checked_on"),
                                                 data["note"], client_ip=client_ip(request))
        return self._answer(order)

    @extend_schema(request=None, responses=CorrectionOrderSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The brigade chief takes note of an order not corrected (it leaves the chief's inbox)."""
        order = services.acknowledge_correction_order(pk, request.user, client_ip=client_ip(request))
        return self._answer(order)


class FirstOffenceListView(APIView):
    """The published 首违不罚 list (Art 33 ¶1): any logged-in user reads it; the admin keeps it."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=FirstOffenceEntrySerializer(many=True))
    def get(self, request):
        return Response(FirstOffenceEntrySerializer(selectors.first_offence_list(), many=True).data)


class VillageViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Village.objects.all()
    serializer_class = VillageSerializer
    pagination_class = None


class ViolationTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = ViolationType.objects.filter(active=True)
    serializer_class = ViolationTypeSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9_.-]{1,30}"
    pagination_class = None


class PenaltyMeasureViewSet(viewsets.ViewSet):
    """The kinds of administrative penalty (Art 9) a notice or a decision lists by code (CONTRACT §7)."""

    serializer_class = PenaltyMeasureSerializer

    @extend_schema(responses=PenaltyMeasureSerializer(many=True))
    def list(self, request):
        rows = [{"code": code, "label": str(label), "severity": severity, "hearing": hearing}
                for code, (label, severity, hearing) in penalty_measures.MEASURES.items()]
        return Response(PenaltyMeasureSerializer(rows, many=True).data)


class OfficerViewSet(XlsxListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = OfficerSerializer
    xlsx_filename = _("Enforcement officers")

    def initial(self, request, *args, **kwargs):
        # The officers' phones are personal data: for the roles that work on cases, as the officer list page
        # (cases.pages.OfficerListView, CaseAccessMixin); 403 for the others (issue 17).
        super().initial(request, *args, **kwargs)
        require("case.view", request.user)

    def xlsx_columns(self):
        return selectors.officer_export_columns()

    def get_queryset(self):
        return selectors.officer_list()


class CaseFileView(APIView):
    """GET /api/v1/cases/{id}/case-file.pdf | .zip: the case file (案卷, DESIGN §10) — one PDF in the canonical
    order with cover, index, page numbers and 备考表, or a ZIP of the same with each document as DOCX and PDF and
    the attachments' original files. 403 for a role that may not see cases; 404 for an unknown case; 409 for the
    PDF while the server has no Chinese font (the reason names it)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                              (200, "application/zip"): OpenApiTypes.BINARY},
                   operation_id="cases_case_file", summary="The case file (案卷) as PDF or ZIP")
    def get(self, request, pk, fmt):
        if not roles.may("case.view", request.user):
            raise exceptions.PermissionDenied()
        case = Case.objects.select_related("party", "violation_type").filter(pk=pk).first()
        if case is None:
            raise Http404
        try:
            if fmt == "pdf":
                data, content_type = case_file.case_file_pdf(case, compiled_by=request.user), "application/pdf"
            else:
                data, content_type = case_file.case_file_zip(case, compiled_by=request.user), "application/zip"
        except DocumentUnavailable as refusal:
            return Response({"error": "document-unavailable", "detail": str(refusal.reason)}, status=409)
        # The case file holds every document in full: its hand-out is a recorded read (documents.files.record_read).
        document_files.record_read(case, document="case_file", fmt=fmt, user=request.user,
                                   client_ip=client_ip(request))
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            True, f"案卷-{case.number or case.pk}.{fmt}".replace("/", "-"))
        return response


class PublicationSerializer(serializers.Serializer):
    """A row of /api/v1/publicity/: `case` (id), `case_number`, `state` (due | published | withdrawn), `due_on`
    (the 7-working-day publicity deadline) and `late`, `withdrawal_due_on` (Art 48 ¶2's 3 working days, when
    opened) and `withdrawal_late`, and once published the redacted snapshot as the public page shows it."""

    case = serializers.IntegerField(source="case.pk")
    case_number = serializers.CharField(source="case.number", allow_null=True)
    state = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    late = serializers.BooleanField()
    withdrawal_due_on = serializers.DateField(allow_null=True)
    withdrawal_late = serializers.BooleanField()
    publication = serializers.SerializerMethodField()

    def get_publication(self, row) -> dict | None:
        publication = row["publication"]
        if publication is None:
            return None
        return {
            "id": publication.pk, "published_on": publication.published_on.isoformat(),
            "channel": publication.channel, "decision_number": publication.decision_number,
            "party_kind": publication.party_kind, "party_name": publication.party_name,
            "violation": publication.violation, "facts": publication.facts, "legal_basis": publication.legal_basis,
            "penalty": publication.penalty, "fine": None if publication.fine is None else str(publication.fine),
            "organ": publication.organ, "decided_on": publication.decided_on.isoformat(),
            "withdrawn_on": publication.withdrawn_on.isoformat() if publication.withdrawn_on else None,
            "withdrawal_reason": publication.withdrawal_reason,
        }


class PublishSerializer(BoundedTextSerializer, serializers.Serializer):
    channel = serializers.CharField(max_length=200)
    published_on = serializers.DateField(required=False)


class WithdrawSerializer(BoundedTextSerializer, serializers.Serializer):
    reason = serializers.CharField()
    withdrawn_on = serializers.DateField(required=False)


class PublicityViewSet(viewsets.ViewSet):
    """Publicity of penalty decisions (处罚法 Art 48; CONTRACT §9). GET lists (role `publicity.view`; `?state=due|
    published|withdrawn`); POST /{case id}/publish/ (channel, published_on?) keeps the redacted snapshot and closes
    the 7-working-day deadline; POST /{case id}/withdraw/ (reason, withdrawn_on?) withdraws it (Art 48 ¶2). Both
    need `case.publicity` (403); 404 unknown case; 400 bad input; 409 no decided penalty, a minor's decision
    (未成年人保护法 Art 103), already published or nothing to withdraw."""

    lookup_value_regex = ID_PATTERN
    serializer_class = PublicationSerializer

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=list(selectors.PUBLICITY_STATES))],
                   responses=PublicationSerializer(many=True))
    def list(self, request):
        require("publicity.view", request.user)
        state = request.query_params.get("state") or None
        if state is not None and state not in selectors.PUBLICITY_STATES:
            message = _("Choose one of due, published or withdrawn.")
            raise InvalidInput(message, fields={"state": [bilingual(message)]})
        return Response(PublicationSerializer(selectors.publicity_rows(state), many=True).data)

    def _row(self, case_pk, status=200):
        rows = [row for row in selectors.publicity_rows() if row["case"].pk == int(case_pk)]
        return Response(PublicationSerializer(rows[0]).data, status=status)

    @extend_schema(request=PublishSerializer, responses={201: PublicationSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        require("case.publicity", request.user)  # 403 before the input is read
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.publish_decision(case_pk=int(pk), user=request.user, client_ip=client_ip(request),
                                  **serializer.validated_data)
        return self._row(pk, status=201)

    @extend_schema(request=WithdrawSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        require("case.publicity", request.user)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.withdraw_publication(case_pk=int(pk), user=request.user, client_ip=client_ip(request),
                                      **serializer.validated_data)
        return self._row(pk)
