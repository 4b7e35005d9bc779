"""The petitions API (CONTRACT §8): thin DRF views over the services and selectors of this app."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.models import Village
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
from workflows.errors import bilingual
from workflows.services import require
from workflows.text_limits import BoundedTextSerializer

from . import selectors, services
from .models import Petition, Petitioner, PetitionReview, PetitionState

MUST_BE_ID = _("Must be a whole number (an id).")


class PetitionerSerializer(BoundedTextSerializer, serializers.ModelSerializer):
    class Meta:
        model = Petitioner
        fields = ["name", "phone", "id_number", "address"]
        extra_kwargs = {"phone": {"required": True, "allow_blank": False}}


class MaskedPetitionerSerializer(serializers.ModelSerializer):
    """A petitioner as the petition shows it: phone and ID number masked (issue 17; the full values:
    `POST /api/v1/petitions/{id}/personal-data/`, audited)."""

    phone = serializers.CharField(source="masked_phone", read_only=True)
    id_number = serializers.CharField(source="masked_id_number", read_only=True)

    class Meta:
        model = Petitioner
        fields = ["id", "name", "phone", "id_number", "address"]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    round_label = serializers.CharField(source="get_round_display", read_only=True)
    # Blank until recorded: declared so, since a read-only model field loses its allow_blank (and the schema its "").
    result = serializers.ChoiceField(choices=Petition.Result.choices, allow_blank=True, read_only=True)
    decision = serializers.ChoiceField(choices=PetitionReview.Decision.choices, allow_blank=True, read_only=True)

    class Meta:
        model = PetitionReview
        fields = ["round", "round_label", "requested_on", "request", "organ", "answered_on", "served_on", "answer", "decision", "result"]
        read_only_fields = fields


class PetitionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Petition
        fields = ["id", "number", "subject", "state", "received_on"]


class PetitionListSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Petition
        fields = ["id", "number", "channel", "group_visit", "village", "village_name", "subject", "received_on",
                  "state", "state_label", "result", "replied_on"]


class PetitionSerializer(StatefulSerializer, serializers.ModelSerializer):
    process = "petition"
    petitioners = MaskedPetitionerSerializer(many=True, read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)
    repeat_of = PetitionBriefSerializer(read_only=True, allow_null=True)
    repeats = PetitionBriefSerializer(many=True, read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    village_mediator = serializers.CharField(source="village_mediator.username", read_only=True, default=None, allow_null=True)
    result = serializers.ChoiceField(choices=Petition.Result.choices, allow_blank=True, read_only=True)  # blank until replied

    class Meta:
        model = Petition
        fields = ["id", "number", "state", "channel", "group_visit", "village", "subject", "content", "received_on",
                  "petitioners", "repeat_of", "repeats", "created_by", "created_at", "accepted_on",
                  "decline_reason", "forwarded_to", "forwarded_on", "sent_to_village_on", "village_mediator",
                  "escalated_on", "escalation_reason", "opinion", "result", "replied_on", "served_on", "closed_on",
                  "close_reason", "final", "reviews"]
        read_only_fields = fields


class PetitionWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    channel = serializers.ChoiceField(choices=Petition.Channel.choices)
    group_visit = serializers.BooleanField(required=False, default=False)
    petitioners = PetitionerSerializer(many=True)
    village = serializers.PrimaryKeyRelatedField(queryset=Village.objects.all(), required=False, allow_null=True)
    subject = serializers.CharField(max_length=200)
    content = serializers.CharField()
    received_on = serializers.DateField()
    repeat_of = serializers.PrimaryKeyRelatedField(queryset=Petition.objects.all(), required=False,
                                                   allow_null=True)


class ExtensionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    days = serializers.IntegerField(required=False, default=30)


class PetitionViewSet(TransitionsMixin, XlsxListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Petitions (信访工作条例 2022): list, detail, registration, transitions, the handling extension request.
    Only those who may see petitions (personal data) see them: the others get 403 (list) or 404 (one)."""

    process = "petition"
    xlsx_filename = _("Petitions")
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "head", "options"]

    def xlsx_columns(self):
        return selectors.PETITION_EXPORT_COLUMNS

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require("petition.view", request.user)

    def get_queryset(self):
        return selectors.visible_petitions(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return PetitionListSerializer
        if self.action == "create":
            return PetitionWriteSerializer
        if self.action == "extension":
            return ExtensionSerializer
        return PetitionSerializer

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=PetitionState.values),
                               OpenApiParameter("channel", str, enum=Petition.Channel.values),
                               OpenApiParameter("village", str), OpenApiParameter("year", int),
                               OpenApiParameter("search", str)])
    def list(self, request, *args, **kwargs):
        params = request.query_params
        village, year, channel = params.get("village"), params.get("year"), params.get("channel")
        if village and village != "town" and not re.fullmatch(ID_PATTERN, village, flags=re.ASCII):
            raise exceptions.ValidationError({"village": [bilingual(MUST_BE_ID)]})
        if year and not re.fullmatch(r"\d{4}", year, flags=re.ASCII):
            raise exceptions.ValidationError({"year": [bilingual(MUST_BE_ID)]})
        if channel and channel not in Petition.Channel.values:
            raise exceptions.ValidationError({"channel": [bilingual(_("Unknown channel."))]})
        self.queryset = selectors.petition_list(
            request.user, state=state_filter(request, PetitionState), channel=channel, village=village, year=year,
            search=params.get("search"))
        return super().list(request, *args, **kwargs)

    def _detail(self, petition, status=200):
        """The petition as `GET` returns it (CONTRACT §5: a transition answers with the object). Whoever may act
        on a petition may see it (PetitionFlow.object_permission lets a mediator act only on the petition sent to
        him, which he keeps seeing after escalating it: petitions.selectors.visible_petitions)."""
        petition = Petition.objects.select_related("village", "repeat_of", "created_by").get(pk=petition.pk)
        return Response(PetitionSerializer(petition, context={"request": self.request}).data, status=status)

    @extend_schema(request=PetitionWriteSerializer, responses=PetitionSerializer)
    def create(self, request):
        """Register a petition (201). 400 for bad input; 409 (rule "Art 19") for more than five representatives;
        403 without the petition office's role."""
        serializer = PetitionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        repeat_of = data.get("repeat_of")
        if repeat_of is not None and not services.may_view(request.user, repeat_of):
            raise exceptions.ValidationError({"repeat_of": [bilingual(services.REPEAT_UNKNOWN)]})
        petition = services.create_petition(user=request.user, client_ip=client_ip(request), **data)
        return self._detail(petition, status=201)

    @extend_schema(request=None, responses=PersonalDataSerializer)
    @action(detail=True, methods=["post"], url_path="personal-data")
    def personal_data(self, request, pk=None):
        """Every petitioner's full phone and ID number, which the petition shows masked (issue 17, 个人信息保护法
        Art 51). Each call appends one audit entry `read_personal_data` to the petition's history: the user, the
        time, the client's IP and the fields read (`fields.read`, e.g. `petitioners.17.phone`), never the values.
        POST, not GET: a GET may be fetched without anyone reading it. No body. 403 without the role to see
        petitions, 404 for a petition the user may not see; the answer is not cached (`Cache-Control: no-store`)."""
        petition = self.get_object()
        return personal_data_response(services.reveal_petitioner_data(petition, user=request.user,
                                                                      client_ip=client_ip(request)))

    @extend_schema(request=ExtensionSerializer, responses={202: PetitionSerializer})
    @action(detail=True, methods=["post"])
    def extension(self, request, pk=None):
        """Ask for the handling period's extension (条例 Art 34): 202 with the petition; the principal approves it
        through `POST /api/v1/deadline-adjustments/{id}/decide/`-style approval of the deadline machinery."""
        petition = self.get_object()
        serializer = ExtensionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.request_handling_extension(petition, user=request.user, client_ip=client_ip(request),
                                            **serializer.validated_data)
        return self._detail(petition, status=202)
