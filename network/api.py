"""The network API (CONTRACT §8): thin DRF views over the services and selectors of this app.

- `/api/v1/legal-advisers/` (village, name, firm, phone, contract_start, contract_end), filters `village`, `on`
  (contracts running that day); `/api/v1/legal-advisers/coverage/?on=` the villages covered that day;
- `/api/v1/legal-literates/` (法律明白人: village, name, phone, trained_on), filters `village`, `q`;
- `/api/v1/activities/` (kind, held_on, title, village or null for the town, attendance, campaign, description),
  filters `village` (an id, or `town`), `year`, `kind`; photos through `/api/v1/activities/{id}/attachments/`.

Every list answers `?format=xlsx`. Reading: any staff role ("network.view"); phones only to "network.personal_data".
Writing: the services' roles (403), their validation (400 naming the field) and rules (409).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.models import Village
from web.api import ID_PATTERN
from web.exports import XlsxListMixin
from workflows import roles
from workflows.audit import client_ip
from workflows.errors import bilingual
from workflows.text_limits import BoundedTextSerializer

from . import selectors, services
from .models import Activity, ActivityKind, LegalAdviser, LegalLiterate


class MayViewNetwork(permissions.BasePermission):
    """Logged in (else 401) and holding a staff role (else 403)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return roles.may("network.view", request.user)


def shows_phones(request) -> bool:
    return roles.may("network.personal_data", request.user)


class PhoneHidingSerializer(serializers.ModelSerializer):
    """`phone` is null for a reader whose roles may not see personal data."""

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if "phone" in data and not shows_phones(self.context["request"]):
            data["phone"] = None
        return data


class LegalAdviserSerializer(PhoneHidingSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = LegalAdviser
        fields = ["id", "village", "village_name", "name", "firm", "phone", "contract_start", "contract_end",
                  "current"]

    def get_current(self, adviser) -> bool:
        """Whether the contract runs today."""
        return adviser.covers(timezone.localdate())


class LegalAdviserWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    village = serializers.PrimaryKeyRelatedField(queryset=Village.objects.all())
    name = serializers.CharField(max_length=50, allow_blank=True)
    firm = serializers.CharField(max_length=100, allow_blank=True)
    phone = serializers.CharField(max_length=20, allow_blank=True, required=False)
    contract_start = serializers.DateField()
    contract_end = serializers.DateField()


class LegalLiterateSerializer(PhoneHidingSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = LegalLiterate
        fields = ["id", "village", "village_name", "name", "phone", "trained_on"]


class LegalLiterateWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    village = serializers.PrimaryKeyRelatedField(queryset=Village.objects.all())
    name = serializers.CharField(max_length=50, allow_blank=True)
    phone = serializers.CharField(max_length=20, allow_blank=True, required=False)
    trained_on = serializers.DateField(allow_null=True, required=False)


class ActivitySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    village_name = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "kind", "kind_label", "held_on", "title", "village", "village_name", "attendance",
                  "campaign", "description"]

    def get_village_name(self, activity) -> str:
        return activity.village.name if activity.village else str(_("The town"))


class ActivityWriteSerializer(BoundedTextSerializer, serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    held_on = serializers.DateField()
    title = serializers.CharField(max_length=200, allow_blank=True)
    village = serializers.PrimaryKeyRelatedField(queryset=Village.objects.all(), allow_null=True, required=False)
    attendance = serializers.IntegerField(required=False, max_value=1_000_000)
    campaign = serializers.CharField(max_length=100, allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False)


def _int_param(request, name, low=1, high=10**9):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise exceptions.ValidationError({name: [bilingual(_("Enter a whole number."))]})
    return int(value)


def _date_param(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise exceptions.ValidationError({name: [bilingual(_("Enter a valid date."))]}) from None


class RegisterViewSet(XlsxListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """list, retrieve, create (POST), update (PUT, every field) and partial update (PATCH) through `save`."""

    permission_classes = [MayViewNetwork]
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    read_serializer = write_serializer = None
    save = None

    def get_serializer_class(self):
        return self.write_serializer if self.action in ("create", "update", "partial_update") else self.read_serializer

    def _answer(self, obj, status=200):
        return Response(self.read_serializer(obj, context={"request": self.request}).data, status=status)

    def create(self, request):
        serializer = self.write_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = type(self).save(None, serializer.validated_data, user=request.user, client_ip=client_ip(request))
        return self._answer(obj, status=201)

    def update(self, request, pk=None, partial=False):
        obj = self.get_object()
        serializer = self.write_serializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        obj = type(self).save(obj, serializer.validated_data, user=request.user, client_ip=client_ip(request))
        return self._answer(obj)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)


@extend_schema(parameters=[OpenApiParameter("village", int), OpenApiParameter("on", datetime.date)])
class LegalAdviserViewSet(RegisterViewSet):
    """Village legal advisers (一村一法律顾问). Write: "network.edit"; 409 for a contract overlapping another
    adviser's of the same village."""

    read_serializer, write_serializer = LegalAdviserSerializer, LegalAdviserWriteSerializer
    save = staticmethod(services.save_adviser)
    xlsx_filename = _("Village legal advisers")

    def xlsx_columns(self):
        return selectors.adviser_export_columns(shows_phones(self.request))

    def get_queryset(self):
        if self.action != "list":
            return selectors.adviser_list()
        return selectors.adviser_list(village=_int_param(self.request, "village"),
                                      current_on=_date_param(self.request, "on"))

    @extend_schema(parameters=[OpenApiParameter("on", datetime.date)], responses={200: dict})
    @action(detail=False, methods=["get"])
    def coverage(self, request):
        """The villages covered by an adviser's contract on `on` (default today): `covered`, `total`, `percent`,
        and per village its adviser (or null) and its number of 法律明白人."""
        day = _date_param(request, "on") or timezone.localdate()
        result = selectors.coverage(day)
        return Response({
            "on": day.isoformat(), "covered": result.covered, "total": result.total, "percent": result.percent,
            "villages": [{"village": row.village.pk, "village_name": row.village.name,
                          "adviser": row.adviser.pk if row.adviser else None,
                          "adviser_name": row.adviser.name if row.adviser else None,
                          "legal_literates": row.literates} for row in result.rows],
        })


@extend_schema(parameters=[OpenApiParameter("village", int), OpenApiParameter("q", str)])
class LegalLiterateViewSet(RegisterViewSet):
    """法律明白人. Write: "network.edit"."""

    read_serializer, write_serializer = LegalLiterateSerializer, LegalLiterateWriteSerializer
    save = staticmethod(services.save_literate)
    xlsx_filename = _("Legal literates")

    def xlsx_columns(self):
        return selectors.literate_export_columns(shows_phones(self.request))

    def get_queryset(self):
        if self.action != "list":
            return selectors.literate_list()
        return selectors.literate_list(village=_int_param(self.request, "village"),
                                       search=(self.request.query_params.get("q") or "")[:50] or None)


@extend_schema(parameters=[OpenApiParameter("village", str, description="a village id, or `town`"),
                           OpenApiParameter("year", int), OpenApiParameter("kind", str, enum=ActivityKind.values)])
class ActivityViewSet(RegisterViewSet):
    """The activity log. Write: "activity.create"; 400 for a date after today or a negative attendance."""

    read_serializer, write_serializer = ActivitySerializer, ActivityWriteSerializer
    save = staticmethod(services.save_activity)
    xlsx_filename = _("Rule-of-law activities")

    def xlsx_columns(self):
        return selectors.ACTIVITY_EXPORT_COLUMNS

    def get_queryset(self):
        if self.action != "list":
            return selectors.activity_list()
        params = self.request.query_params
        kind = params.get("kind") or None
        if kind and kind not in ActivityKind.values:
            raise exceptions.ValidationError({"kind": [bilingual(services.UNKNOWN_KIND)]})
        town_only = params.get("village") == "town"
        return selectors.activity_list(village=None if town_only else _int_param(self.request, "village"),
                                       year=_int_param(self.request, "year", 1900, 9999), kind=kind,
                                       town_only=town_only)
