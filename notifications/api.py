"""API: the working-day calendar, the deadline rules, and the user's in-app notifications (CONTRACT §5)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows import audit, roles
from workflows.errors import NotPermitted, bilingual

from . import calendar
from .models import CalendarDay, DeadlineRule, Notification
from .services import mark_read

ADMIN_ONLY = _("Only an administrator may change this.")
MAX_DAYS = 3660


def _require_admin(user, action_name):
    if not roles.may(action_name, user):
        raise NotPermitted(ADMIN_ONLY, rule="roles")


class AddWorkingDaysQuery(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField(min_value=-MAX_DAYS, max_value=MAX_DAYS)


class CalendarResultSerializer(serializers.Serializer):
    date = serializers.DateField()
    provisional = serializers.BooleanField()


class AddWorkingDaysView(APIView):
    """The N-th working day after `start` (the start day never counts), by the State Council notices."""

    @extend_schema(parameters=[OpenApiParameter("start", datetime.date, required=True),
                               OpenApiParameter("days", int, required=True)],
                   responses=CalendarResultSerializer)
    def get(self, request):
        query = AddWorkingDaysQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            result = calendar.add_working_days(query.validated_data["start"], query.validated_data["days"])
        except (ValueError, OverflowError) as error:
            raise exceptions.ValidationError({"days": [str(error)]}) from None
        return Response({"date": result.date.isoformat(), "provisional": result.provisional})


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "note"]
        read_only_fields = ["date"]


class CalendarDayView(APIView):
    """Override one day (admin), e.g. to load next year's notice before the library knows it."""

    serializer_class = CalendarDaySerializer

    def _date(self, day: str) -> datetime.date:
        try:
            return datetime.date.fromisoformat(day)
        except ValueError:
            raise exceptions.ValidationError({"date": [bilingual(_("Use a date as YYYY-MM-DD."))]}) from None

    @extend_schema(responses=CalendarDaySerializer)
    def get(self, request, day):
        date = self._date(day)
        info = calendar.day_info(date)
        override = CalendarDay.objects.filter(date=date).first()
        return Response({"date": date.isoformat(), "is_workday": info.is_workday, "provisional": info.provisional,
                         "source": info.source, "note": override.note if override else ""})

    @extend_schema(request=CalendarDaySerializer, responses=CalendarDaySerializer)
    def put(self, request, day):
        _require_admin(request.user, "calendar.edit")
        date = self._date(day)
        serializer = CalendarDaySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            row, _created = CalendarDay.objects.update_or_create(
                date=date, defaults={**serializer.validated_data, "updated_by": request.user}
            )
            audit.record(row, transition="override_day", user=request.user,
                         fields={"date": date, **serializer.validated_data})
        return Response(CalendarDaySerializer(row).data)

    def delete(self, request, day):
        _require_admin(request.user, "calendar.edit")
        date = self._date(day)
        with transaction.atomic():
            row = CalendarDay.objects.filter(date=date).first()
            if row is None:
                raise exceptions.NotFound()
            audit.record(row, transition="remove_override", user=request.user, fields={"date": date})
            row.delete()
        return Response(status=204)


class DeadlineRuleSerializer(serializers.ModelSerializer):
    remind_before = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=3660),
                                          required=False)
    escalate_to = serializers.ChoiceField(choices=[("", "")] + [(r, r) for r in roles.ALL_ROLES], required=False,
                                          allow_blank=True)
    length = serializers.IntegerField(min_value=1, max_value=3660, required=False)

    class Meta:
        model = DeadlineRule
        fields = ["kind", "name", "opens_on", "closes_on", "length", "unit", "remind_before", "responsible_role",
                  "escalate_to", "basis", "configurable"]
        read_only_fields = ["kind", "name", "opens_on", "closes_on", "responsible_role", "basis", "configurable"]


class DeadlineRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = DeadlineRule.objects.all()
    serializer_class = DeadlineRuleSerializer
    lookup_field = "kind"
    lookup_value_regex = r"[a-z_.]{1,50}"
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, kind=None):
        _require_admin(request.user, "deadline_rule.edit")
        with transaction.atomic():
            rule = DeadlineRule.objects.select_for_update().filter(kind=kind).first()
            if rule is None:
                raise exceptions.NotFound()
            serializer = DeadlineRuleSerializer(rule, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            audit.record(rule, transition="change_rule", user=request.user,
                         fields={k: v for k, v in serializer.validated_data.items()})
        return Response(DeadlineRuleSerializer(rule).data)


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "link", "created_at", "read_at", "read"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self):
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(request=None, responses={200: {"type": "object"}})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        return Response({"marked": mark_read(request.user, [pk])})

    @extend_schema(request=None, responses={200: {"type": "object"}})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": mark_read(request.user)})
