"""REST API for decisions and meetings (CONTRACT §5). Thin: validation by serializers or transition forms,
actions by services, lists by selectors."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from web.api import (
    ID_PATTERN,
    StatefulSerializer,
    TransitionsMixin,
    UserBriefSerializer,
    history_data,
    state_filter,
)
from web.exports import XlsxListMixin
from workflows.audit import client_ip
from workflows.models import User
from workflows.text_limits import BoundedTextSerializer

from . import selectors, services
from .flows import COMMENT_PERIOD_DAYS
from .models import Decision, DecisionState, Meeting, MeetingState, PartyCommitteeReport, PreparationRecord


class PreparationSerializer(BoundedTextSerializer, serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = PreparationRecord
        fields = ["id", "kind", "started_on", "ended_on", "summary", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "recorded_by", "recorded_at"]


class OpinionSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    opinion = serializers.CharField()
    authority_ok = serializers.BooleanField(allow_null=True)
    procedure_ok = serializers.BooleanField(allow_null=True)
    content_ok = serializers.BooleanField(allow_null=True)
    authority_note = serializers.CharField()
    procedure_note = serializers.CharField()
    content_note = serializers.CharField()
    content_fingerprint = serializers.CharField()
    reviewer = serializers.CharField(source="reviewer.username")
    created_at = serializers.DateTimeField()


class PartyCommitteeReportSerializer(BoundedTextSerializer, serializers.ModelSerializer):
    """条例 Art 31: the report to the Party committee (请示报告)."""

    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = PartyCommitteeReport
        fields = ["id", "reported_on", "reference", "summary", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "recorded_by", "recorded_at"]


class PartyCommitteeRequiredSerializer(serializers.Serializer):
    required = serializers.BooleanField()
    # 条例 Art 31: lifting the mark needs a reason (review.services.set_party_committee_report_required).
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecisionListSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "number", "title", "category", "department", "state", "state_label", "created_by",
                  "created_at", "submitted_at", "meeting"]


class DecisionSerializer(StatefulSerializer, serializers.ModelSerializer):
    process = "decision"
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    signed_by = serializers.CharField(source="signed_by.username", read_only=True, default=None, allow_null=True)
    preparation = PreparationSerializer(many=True, read_only=True)
    opinions = OpinionSerializer(many=True, read_only=True)
    content_fingerprint = serializers.CharField(read_only=True)
    text_matches_review = serializers.SerializerMethodField()
    comment_period_days = serializers.SerializerMethodField()
    comment_period_shortened = serializers.SerializerMethodField()
    party_committee_reports = PartyCommitteeReportSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "number", "title", "body", "category", "department", "state",
                  "public_participation_required", "participation_exemption_ground",
                  "expert_argumentation_required", "risk_assessment_required",
                  "participation_urgency_reason", "comment_period_days", "comment_period_shortened",
                  "party_committee_report_required", "party_committee_reports", "created_by", "created_at", "submitted_at", "meeting",
                  "scheduling_urgency_reason", "signed_by", "signed_at", "published_on", "publication_channel",
                  "withdrawal_reason", "content_fingerprint", "reviewed_fingerprint", "text_matches_review",
                  "preparation", "opinions"]
        read_only_fields = fields

    def get_text_matches_review(self, obj) -> bool:
        return bool(obj.reviewed_fingerprint) and obj.reviewed_fingerprint == obj.content_fingerprint()

    def get_comment_period_days(self, obj) -> int | None:
        """The longest public comment period recorded, in days (条例 Art 15)."""
        return obj.counted_comment_days()

    def get_comment_period_shortened(self, obj) -> bool:
        """True when the period recorded is below Art 15's 30 days (allowed only with an urgency reason)."""
        days = obj.counted_comment_days()
        return days is not None and days < COMMENT_PERIOD_DAYS


class DecisionWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    category = serializers.ChoiceField(choices=Decision.Category.choices)
    department = serializers.CharField(max_length=100)
    public_participation_required = serializers.BooleanField(required=False)
    participation_exemption_ground = serializers.CharField(required=False, allow_blank=True)
    party_committee_report_required = serializers.BooleanField(required=False)
    expert_argumentation_required = serializers.BooleanField(required=False)
    risk_assessment_required = serializers.BooleanField(required=False)
    participation_urgency_reason = serializers.CharField(required=False, allow_blank=True)


class DecisionViewSet(TransitionsMixin, XlsxListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    process = "decision"
    xlsx_filename = _("Major decisions")

    def xlsx_columns(self):
        return selectors.DECISION_EXPORT_COLUMNS
    queryset = Decision.objects.all()
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.visible_decisions(self.request.user)  # a draft only for its author (review.flows)

    def get_serializer_class(self):
        if self.action == "list":
            return DecisionListSerializer
        if self.action in ("create", "partial_update"):
            return DecisionWriteSerializer
        return DecisionSerializer

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=DecisionState.values),
                               OpenApiParameter("search", str)])
    def list(self, request, *args, **kwargs):
        queryset = selectors.decision_list(
            request.user, state=state_filter(request, DecisionState), search=request.query_params.get("search")
        )
        self.get_queryset = lambda: queryset
        return super().list(request, *args, **kwargs)

    def _detail(self, decision, status=200):
        decision = Decision.objects.select_related("created_by", "signed_by").get(pk=decision.pk)
        return Response(DecisionSerializer(decision, context={"request": self.request}).data, status=status)

    @extend_schema(request=DecisionWriteSerializer, responses=DecisionSerializer)
    def create(self, request):
        serializer = DecisionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = services.create_decision(user=request.user, client_ip=client_ip(request), **serializer.validated_data)
        return self._detail(decision, status=201)

    @extend_schema(request=DecisionWriteSerializer, responses=DecisionSerializer)
    def partial_update(self, request, pk=None):
        serializer = DecisionWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        decision = services.update_decision(pk=pk, user=request.user, changes=serializer.validated_data,
                                            client_ip=client_ip(request))
        return self._detail(decision)


    @extend_schema(request=PreparationSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"])
    def preparation(self, request, pk=None):
        """Record a preparation step: public comment period, expert argumentation or risk assessment."""
        serializer = PreparationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.add_preparation_record(decision_pk=pk, user=request.user, client_ip=client_ip(request),
                                        **serializer.validated_data)
        return self._detail(Decision.objects.get(pk=pk), status=201)

    @extend_schema(request=PartyCommitteeRequiredSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"], url_path="party-committee")
    def party_committee(self, request, pk=None):
        """Mark whether the decision must be reported to the Party committee before issuance (条例 Art 31)."""
        serializer = PartyCommitteeRequiredSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = services.set_party_committee_report_required(
            decision_pk=pk, user=request.user, required=serializer.validated_data["required"],
            reason=serializer.validated_data.get("reason", ""), client_ip=client_ip(request))
        return self._detail(decision)

    @extend_schema(request=PartyCommitteeReportSerializer, responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"], url_path="party-committee-report")
    def party_committee_report(self, request, pk=None):
        """Record the report to the Party committee (请示报告, 条例 Art 31): `reported_on`, `reference`, `summary`."""
        serializer = PartyCommitteeReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.record_party_committee_report(decision_pk=pk, user=request.user, client_ip=client_ip(request),
                                               **serializer.validated_data)
        return self._detail(Decision.objects.get(pk=pk), status=201)

    @extend_schema(responses={200: {"type": "object", "additionalProperties": True}})
    @action(detail=True, methods=["get"])
    def archive(self, request, pk=None):
        """The decision file (决策档案, 条例 Art 33): every record of the decision in one answer."""
        archive = selectors.decision_archive(self.get_object())
        return Response(ArchiveSerializer(archive).data)


class ArchiveMeetingSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting_id")
    number = serializers.CharField(source="meeting.number", allow_null=True)
    title = serializers.CharField(source="meeting.title")
    date = serializers.DateField(source="meeting.date")
    state = serializers.CharField(source="meeting.state")
    minutes = serializers.CharField(source="meeting.minutes")
    outcome = serializers.CharField()
    comment = serializers.CharField()
    dissent = serializers.CharField()
    content_fingerprint = serializers.CharField()


class ArchiveSerializer(serializers.Serializer):
    """条例 Art 33: the decision file. Attachments (the documents themselves) come with the documents issue."""

    def to_representation(self, archive):
        decision = archive["decision"]
        records = archive["preparation"]
        return {
            "id": decision.pk, "number": decision.number, "title": decision.title, "category": decision.category,
            "department": decision.department, "state": decision.state,
            "state_label": str(decision.get_state_display()),
            "created_by": decision.created_by.username, "created_at": serializers.DateTimeField().to_representation(
                decision.created_at),
            "texts": archive["texts"],
            "public_participation": {
                "required": decision.public_participation_required,
                "exemption_ground": decision.participation_exemption_ground,
                "urgency_reason": decision.participation_urgency_reason,
                "comment_period_days": decision.counted_comment_days(),
                "shortened": archive["comment_period_shortened"],
                "records": PreparationSerializer(records["public_comment"], many=True).data,
            },
            "expert_argumentation": {
                "required": decision.expert_argumentation_required,
                "records": PreparationSerializer(records["expert_argumentation"], many=True).data,
            },
            "risk_assessment": {
                "required": decision.risk_assessment_required,
                "records": PreparationSerializer(records["risk_assessment"], many=True).data,
            },
            "reviews": OpinionSerializer(archive["opinions"], many=True).data,
            "meetings": ArchiveMeetingSerializer(archive["agenda_items"], many=True).data,
            "scheduling_urgency_reason": decision.scheduling_urgency_reason,
            "party_committee": {
                "required": decision.party_committee_report_required,
                "reports": PartyCommitteeReportSerializer(archive["party_committee_reports"], many=True).data,
            },
            "signature": {
                "number": decision.number,
                "signed_by": decision.signed_by.username if decision.signed_by else None,
                "signed_at": serializers.DateTimeField().to_representation(decision.signed_at)
                if decision.signed_at else None,
            },
            "publication": {
                "published_on": decision.published_on.isoformat() if decision.published_on else None,
                "channel": decision.publication_channel,
            },
            "withdrawal_reason": decision.withdrawal_reason,
            "history": history_data(decision),
        }


class AgendaSerializer(serializers.Serializer):
    decision = serializers.IntegerField(source="decision_id")
    number = serializers.CharField(source="decision.number", allow_null=True)
    title = serializers.CharField(source="decision.title")
    state = serializers.CharField(source="decision.state")
    outcome = serializers.CharField()
    comment = serializers.CharField()
    dissent = serializers.CharField()


class MeetingSerializer(StatefulSerializer, serializers.ModelSerializer):
    process = "meeting"
    chair = UserBriefSerializer(read_only=True)
    attendees = UserBriefSerializer(many=True, read_only=True)
    agenda = AgendaSerializer(source="agenda_items", many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "number", "title", "date", "state", "chair", "attendees", "minutes", "held_at", "agenda"]
        read_only_fields = fields


class MeetingWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    chair = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    attendees = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True)


class MeetingViewSet(TransitionsMixin, XlsxListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    process = "meeting"
    xlsx_filename = _("Joint meetings")

    def xlsx_columns(self):
        return selectors.MEETING_EXPORT_COLUMNS
    queryset = Meeting.objects.all()
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return MeetingWriteSerializer if self.action == "create" else MeetingSerializer

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=MeetingState.values)])
    def list(self, request, *args, **kwargs):
        self.queryset = selectors.meeting_list(state=state_filter(request, MeetingState))
        return super().list(request, *args, **kwargs)

    def _detail(self, meeting, status=200):
        meeting = selectors.meeting_list().get(pk=meeting.pk)
        return Response(MeetingSerializer(meeting, context={"request": self.request}).data, status=status)

    @extend_schema(request=MeetingWriteSerializer, responses=MeetingSerializer)
    def create(self, request):
        serializer = MeetingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.create_meeting(user=request.user, client_ip=client_ip(request), **serializer.validated_data)
        return self._detail(meeting, status=201)

