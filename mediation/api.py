"""The mediation API (CONTRACT §8): thin DRF views over the services and selectors of this app.

`/api/v1/mediations/` (list with filters and `?format=xlsx`, create, detail, transitions, work records, report of
a violation), `/api/v1/mediation-committees/` and `/api/v1/mediators/` (the registers)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.models import Case, Village, ViolationType
from petitions.models import Petition
from web.api import (
    ID_PATTERN,
    PersonalDataSerializer,
    StatefulSerializer,
    TransitionsMixin,
    personal_data_response,
    state_filter,
)
from web.exports import XlsxListMixin
from workflows.audit import client_ip
from workflows.services import require
from workflows.text_limits import BoundedTextSerializer

from . import selectors, services
from .models import (
    Mediation,
    MediationCommittee,
    MediationParty,
    MediationState,
    Mediator,
    PerformanceFollowUp,
    WorkRecord,
)


class PartySerializer(BoundedTextSerializer, serializers.ModelSerializer):
    class Meta:
        model = MediationParty
        fields = ["kind", "name", "gender", "ethnicity", "id_number", "address", "phone"]
        ref_name = "MediationParty"  # the schema's component; `Party` is a case's party (cases.api)


class MaskedMediationPartySerializer(serializers.ModelSerializer):
    """A party as the mediation shows it: ID number and phone masked (issue 17; the full values:
    `POST /api/v1/mediations/{id}/personal-data/`, audited)."""

    id_number = serializers.CharField(source="masked_id_number", read_only=True)
    phone = serializers.CharField(source="masked_phone", read_only=True)

    class Meta:
        model = MediationParty
        fields = ["id", "kind", "name", "gender", "ethnicity", "id_number", "address", "phone"]
        read_only_fields = fields


class WorkRecordSerializer(BoundedTextSerializer, serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = WorkRecord
        fields = ["id", "held_on", "place", "present", "content", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "recorded_by", "recorded_at"]


class FollowUpSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = PerformanceFollowUp
        fields = ["id", "followed_up_on", "findings", "fully_performed", "refused", "routes_told", "recorded_by",
                  "recorded_at"]
        read_only_fields = fields


class CommitteeSerializer(serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", default=None, allow_null=True, read_only=True)

    class Meta:
        model = MediationCommittee
        fields = ["id", "name", "level", "village", "village_name"]


class MediatorSerializer(serializers.ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    username = serializers.CharField(source="user.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = Mediator
        fields = ["id", "name", "phone", "committee", "committee_name", "username", "active"]


class MediationListSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Mediation
        fields = ["id", "number", "title", "state", "state_label", "source", "village", "committee",
                  "dispute_type", "registered_on", "effective_on", "case", "petition"]


class MediationSerializer(StatefulSerializer, serializers.ModelSerializer):
    process = "mediation"
    parties = MaskedMediationPartySerializer(many=True, read_only=True)
    work_records = WorkRecordSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)
    mediators = MediatorSerializer(many=True, read_only=True)
    committee = CommitteeSerializer(read_only=True)
    registered_by = serializers.CharField(source="registered_by.username", read_only=True)

    class Meta:
        model = Mediation
        fields = ["id", "number", "state", "source", "referred_by", "petition", "case", "reported_case", "village",
                  "committee", "dispute_type", "summary", "registered_on", "registered_by", "parties", "mediators",
                  "consent_note", "started_on", "facts", "responsibilities", "terms", "performance_manner",
                  "performance_due_on", "oral", "agreed_on", "effective_on", "failed_on", "failure_reason",
                  "routes_told", "confirmation_court", "confirmation_applied_on", "confirmation_ruled_on",
                  "confirmation_ruling_number", "performed_on", "performance_note", "closed_on", "work_records", "follow_ups"]
        read_only_fields = fields


class MediationWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    parties = PartySerializer(many=True)
    village = serializers.PrimaryKeyRelatedField(queryset=Village.objects.all(), required=False, allow_null=True)
    committee = serializers.PrimaryKeyRelatedField(queryset=MediationCommittee.objects.all(), required=False,
                                                   allow_null=True)
    dispute_type = serializers.ChoiceField(choices=Mediation.DisputeType.choices)
    summary = serializers.CharField()
    source = serializers.ChoiceField(choices=Mediation.Source.choices)
    referred_by = serializers.CharField(required=False, allow_blank=True, max_length=200)
    petition = serializers.PrimaryKeyRelatedField(queryset=Petition.objects.all(), required=False, allow_null=True)
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all(), required=False, allow_null=True)
    registered_on = serializers.DateField(required=False)


class ReportSerializer(BoundedTextSerializer, serializers.Serializer):
    violation_type = serializers.SlugRelatedField(slug_field="code", queryset=ViolationType.objects.all())
    description = serializers.CharField()
    violation_date = serializers.DateField()
    village = serializers.PrimaryKeyRelatedField(queryset=Village.objects.all(), required=False, allow_null=True)
    party = serializers.DictField()


class MediationViewSet(TransitionsMixin, XlsxListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    process = "mediation"
    xlsx_filename = _("People's mediations")
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "head", "options"]

    def xlsx_columns(self):
        return selectors.MEDIATION_EXPORT_COLUMNS

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action != "create":
            require("mediation.view", request.user)

    def get_queryset(self):
        return selectors.visible_mediations(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return MediationListSerializer
        if self.action == "create":
            return MediationWriteSerializer
        return MediationSerializer

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=MediationState.values),
                               OpenApiParameter("village", int), OpenApiParameter("committee", int),
                               OpenApiParameter("dispute_type", str), OpenApiParameter("search", str)])
    def list(self, request, *args, **kwargs):
        params = request.query_params
        for key in ("village", "committee"):
            if params.get(key) and not params[key].isdigit():
                raise serializers.ValidationError({key: [str(_("Must be an id."))]})
        self.queryset = selectors.mediation_list(
            request.user, state=state_filter(request, MediationState), village=params.get("village"),
            committee=params.get("committee"), dispute_type=params.get("dispute_type"), search=params.get("search"))
        self.get_queryset = lambda: self.queryset
        return super().list(request, *args, **kwargs)

    def _detail(self, mediation, status=200):
        mediation = selectors.visible_mediations(self.request.user).filter(pk=mediation.pk).first() or mediation
        return Response(MediationSerializer(mediation, context={"request": self.request}).data, status=status)

    @extend_schema(request=MediationWriteSerializer, responses=MediationSerializer)
    def create(self, request):
        """Register a dispute (CONTRACT §8): ≥ 2 parties, the source with its object; 201 with the mediation."""
        serializer = MediationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["parties"] = [dict(p) for p in data["parties"]]
        mediation = services.create_mediation(user=request.user, client_ip=client_ip(request), **data)
        return Response(MediationSerializer(mediation, context={"request": request}).data, status=201)

    @extend_schema(request=WorkRecordSerializer, responses=MediationSerializer)
    @action(detail=True, methods=["post"], url_path="work-records")
    def work_records(self, request, pk=None):
        """Add a 调解工作记录 while mediating (人民调解法 Art 27): `held_on`, `content`, `place`, `present`."""
        serializer = WorkRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.add_work_record(mediation_pk=pk, user=request.user, client_ip=client_ip(request),
                                 **serializer.validated_data)
        return self._detail(services.get_visible(pk, request.user), status=201)

    @extend_schema(request=None, responses=PersonalDataSerializer)
    @action(detail=True, methods=["post"], url_path="personal-data")
    def personal_data(self, request, pk=None):
        """Every party's full ID number and phone, which the mediation shows masked (issue 17, 个人信息保护法
        Art 51). Each call appends one audit entry `read_personal_data` to the mediation's history: the user, the
        time, the client's IP and the fields read (`fields.read`, e.g. `parties.9.id_number`), never the values.
        POST, not GET: a GET may be fetched without anyone reading it. No body. 403 without the role to see
        mediations, 404 for a mediation the user may not see; the answer is not cached (`Cache-Control: no-store`)."""
        mediation = self.get_object()
        return personal_data_response(services.reveal_party_data(mediation, user=request.user,
                                                                 client_ip=client_ip(request)))

    @extend_schema(request=ReportSerializer, responses=MediationSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """Report a violation the mediation revealed: a new enforcement case (`party` as for a case), linked."""
        serializer = ReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.report_violation(mediation_pk=pk, user=request.user, client_ip=client_ip(request),
                                  **serializer.validated_data)
        return self._detail(services.get_visible(pk, request.user), status=201)


class CommitteeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """人民调解委员会: one per village and one for the town (人民调解法 Art 8)."""

    serializer_class = CommitteeSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.committee_list()


class MediatorViewSet(XlsxListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The register of mediators (人民调解法 Art 13-14); `?committee=` filters. 403 for a role that sees no
    mediation (the phones are personal data)."""

    serializer_class = MediatorSerializer
    xlsx_filename = _("Mediators")

    def initial(self, request, *args, **kwargs):
        # The register carries the mediators' phones (personal data): for the roles that see mediations, as the
        # register page (mediation.pages.RegisterListView); 403 for the others.
        super().initial(request, *args, **kwargs)
        require("mediation.view", request.user)

    def xlsx_columns(self):
        return [(_("Name"), "name"), (_("Phone"), "phone"), (_("Committee"), lambda m: str(m.committee)),
                (_("Active"), lambda m: _("Yes") if m.active else _("No"))]

    def get_queryset(self):
        committee = self.request.query_params.get("committee")
        return selectors.mediator_list(committee if committee and committee.isdigit() else None)
