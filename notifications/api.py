"""API: the working-day calendar, the deadline rules, and the user's in-app notifications (CONTRACT §5)."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows import audit, roles
from workflows.errors import NotFound, NotPermitted, bilingual
from workflows.text_limits import BoundedTextSerializer

from . import adjustments as adjustment_services, calendar, calendar_changes, rules
from .models import CalendarDay, Deadline, DeadlineAdjustment, DeadlineRule, Notification, Reminder
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


class CalendarDayInfoSerializer(serializers.Serializer):
    """GET calendar/days/{day}/: whether the day is a working day, where that comes from (override, official,
    fallback), whether it is provisional, and an override's note ("" without one)."""

    date = serializers.DateField()
    is_workday = serializers.BooleanField()
    provisional = serializers.BooleanField()
    source = serializers.ChoiceField(choices=[(s, s) for s in (calendar.SOURCE_OVERRIDE, calendar.SOURCE_OFFICIAL,
                                                               calendar.SOURCE_FALLBACK)])
    note = serializers.CharField(allow_blank=True)


class CalendarDayView(APIView):
    """Override one day (admin), e.g. to load next year's notice before the library knows it."""

    serializer_class = CalendarDaySerializer

    def _date(self, day: str) -> datetime.date:
        try:
            return datetime.date.fromisoformat(day)
        except ValueError:
            raise exceptions.ValidationError({"date": [bilingual(_("Use a date as YYYY-MM-DD."))]}) from None

    @extend_schema(responses=CalendarDayInfoSerializer)
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
            calendar_changes.recompute_after_calendar_change(
                calendar_changes.CalendarChange(days=(date,), reason=calendar_changes.day_saved_reason(row)),
                user=request.user)
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
            calendar_changes.recompute_after_calendar_change(
                calendar_changes.CalendarChange(days=(date,), reason=calendar_changes.day_removed_reason(date)),
                user=request.user)
        return Response(status=204)


class DeadlineRuleSerializer(serializers.ModelSerializer):
    remind_before = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=3660),
                                          required=False)
    escalate_to = serializers.ChoiceField(choices=[("", "")] + [(r, r) for r in roles.ALL_ROLES], required=False,
                                          allow_blank=True)
    # 0 is stored for a rule whose due date is given by the act or the plan (given_date, fixed_date, instalments),
    # so the schema's minimum is 0; a change must still be at least 1 (validate_length).
    length = serializers.IntegerField(min_value=0, max_value=3660, required=False,
                                      help_text="Read: 0 for a rule whose date is named by the act, the plan or the "
                                                "year (given_date, fixed_date, instalments). Change: at least 1.")
    configurable = serializers.BooleanField(read_only=True, help_text="The opposite of `statutory`.")

    def validate_length(self, value):
        """A changed length is at least 1 (the same message as DRF's min_value)."""
        if value < 1:
            raise serializers.ValidationError(
                serializers.IntegerField.default_error_messages["min_value"].format(min_value=1))
        return value

    class Meta:
        model = DeadlineRule
        fields = ["kind", "name", "opens_on", "closes_on", "length", "unit", "fixed_date", "remind_before",
                  "responsible_role", "escalate_to", "basis", "statutory", "local_rule", "configurable",
                  "rolls_over_rest_day", "max_extension_days", "max_extensions", "extension_rule"]
        read_only_fields = ["kind", "name", "opens_on", "closes_on", "responsible_role", "basis", "statutory",
                            "local_rule", "rolls_over_rest_day", "max_extension_days", "max_extensions",
                            "extension_rule"]


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
            # Issue 12 D16/D6: a read-only field (or a statutory rule's source fields) sent changed is refused.
            rules.check_read_only(rule, request.data, DeadlineRuleSerializer(rule).data,
                                  DeadlineRuleSerializer.Meta.read_only_fields)
            serializer = DeadlineRuleSerializer(rule, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            rules.check_change(rule, serializer.validated_data)  # 409 for a statutory rule's length or unit
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


# --- deadlines: suspension (中止), resumption and extension (延期), DESIGN §4 ------------------------------------

MAY_NOT_SEE = _("Your roles may not see this deadline.")
NO_SUCH_ADJUSTMENT = _("No such request.")


class ReminderStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reminder
        fields = ["stage", "offset", "due_date", "send_at", "status"]


class DeadlineAdjustmentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="deadline.kind", read_only=True)
    object_type = serializers.CharField(source="deadline.object_type", read_only=True)
    object_id = serializers.IntegerField(source="deadline.object_id", read_only=True)
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = DeadlineAdjustment
        fields = ["id", "deadline", "kind", "object_type", "object_id", "action", "action_label", "days", "reason",
                  "status", "status_label", "requested_by", "requested_at", "decided_by", "decided_at",
                  "decision_note"]
        read_only_fields = fields


class DeadlineDetailSerializer(serializers.ModelSerializer):
    """A deadline with its rule, its adjustments and its reminder stages; `available_adjustments` are the changes
    the calling user may ask for now."""

    name = serializers.CharField(source="rule.name", read_only=True)
    unit = serializers.CharField(source="rule.unit", read_only=True)
    length = serializers.IntegerField(source="rule.length", read_only=True)
    responsible_role = serializers.CharField(source="rule.responsible_role", read_only=True)
    escalate_to = serializers.CharField(source="rule.escalate_to", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()
    adjustments = DeadlineAdjustmentSerializer(many=True, read_only=True)
    reminders = serializers.SerializerMethodField()
    available_adjustments = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = ["id", "kind", "name", "object_type", "object_id", "anchor_date", "due_date", "due_at", "status",
                  "status_label", "overdue", "basis", "provisional", "calendar_version", "suspended_on",
                  "days_left", "extended_days", "unit", "length", "responsible_role", "escalate_to", "opened_at",
                  "closed_at", "closed_on", "adjustments", "reminders", "available_adjustments"]
        read_only_fields = fields

    def get_overdue(self, deadline) -> bool:
        return deadline.status == Deadline.Status.OPEN and deadline.due_at < timezone.now()

    def get_days_left(self, deadline) -> int | None:
        """While suspended: the units of the rule left, counted again from the day of resumption."""
        if deadline.status != Deadline.Status.SUSPENDED or deadline.suspended_on is None:
            return None
        return adjustment_services.days_left(deadline, deadline.suspended_on)

    @extend_schema_field(ReminderStageSerializer(many=True))
    def get_reminders(self, deadline):
        stages = deadline.reminders.filter(status__in=[Reminder.Status.PLANNED, Reminder.Status.EXPANDED])
        return ReminderStageSerializer(stages.order_by("send_at", "id"), many=True).data

    def get_available_adjustments(self, deadline) -> list[str]:
        return [str(a) for a in adjustment_services.available_actions(deadline, self.context["request"].user)]


class AdjustmentRequestSerializer(BoundedTextSerializer, serializers.Serializer):
    action = serializers.ChoiceField(choices=DeadlineAdjustment.Action.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    days = serializers.IntegerField(required=False, allow_null=True, default=None,
                                    help_text="Extension only: 1 to 365 units of the rule (days).")


class AdjustmentDecisionSerializer(BoundedTextSerializer, serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _visible_deadline(request, pk) -> Deadline:
    deadline = Deadline.objects.select_related("rule").filter(pk=pk).first()
    if deadline is None:
        raise exceptions.NotFound()
    if not adjustment_services.may_view(deadline, request.user):
        raise NotPermitted(MAY_NOT_SEE, rule="roles")
    return deadline


class DeadlineViewSet(viewsets.GenericViewSet):
    """One deadline (visible to those who may see its object), and requests to suspend, resume or extend it."""

    queryset = Deadline.objects.select_related("rule")
    serializer_class = DeadlineDetailSerializer
    lookup_value_regex = r"\d{1,18}"

    def retrieve(self, request, pk=None):
        deadline = _visible_deadline(request, pk)
        return Response(DeadlineDetailSerializer(deadline, context={"request": request}).data)

    @extend_schema(request=AdjustmentRequestSerializer, responses={201: DeadlineAdjustmentSerializer})
    @action(detail=True, methods=["post"])
    def adjustments(self, request, pk=None):
        """Ask to suspend (中止), resume or extend (延期) the deadline, with a reason; the rule's escalation role
        approves (a holder of that role who asks approves at once)."""
        deadline = _visible_deadline(request, pk)
        serializer = AdjustmentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adjustment = adjustment_services.request_adjustment(deadline, user=request.user,
                                                            client_ip=audit.client_ip(request),
                                                            **serializer.validated_data)
        adjustment.refresh_from_db()
        return Response(DeadlineAdjustmentSerializer(adjustment).data, status=201)


class DeadlineAdjustmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Requests to change a deadline: those the calling user may decide (the rule's escalation role) and those the
    user made. `?status=requested` lists the pending ones."""

    serializer_class = DeadlineAdjustmentSerializer
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self):
        user = self.request.user
        qs = DeadlineAdjustment.objects.select_related("deadline", "requested_by", "decided_by").filter(
            adjustment_services.decidable_by(user) | Q(requested_by=user))
        status = self.request.query_params.get("status")
        if status:
            if status not in DeadlineAdjustment.Status.values:
                raise exceptions.ValidationError({"status": [bilingual(_("Unknown status."))]})
            qs = qs.filter(status=status)
        return qs.order_by("-requested_at", "-id")

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=DeadlineAdjustment.Status.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _decide(self, request, pk, approve):
        adjustment = DeadlineAdjustment.objects.filter(pk=pk).first()
        if adjustment is None:
            raise NotFound(NO_SUCH_ADJUSTMENT)
        serializer = AdjustmentDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adjustment_services.decide_adjustment(adjustment, approve=approve, user=request.user,
                                      note=serializer.validated_data["note"],
                                      client_ip=audit.client_ip(request))
        adjustment = DeadlineAdjustment.objects.select_related("deadline", "requested_by", "decided_by").get(pk=pk)
        return Response(DeadlineAdjustmentSerializer(adjustment).data)

    @extend_schema(request=AdjustmentDecisionSerializer, responses=DeadlineAdjustmentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the request (the rule's escalation role); the change takes effect at once."""
        return self._decide(request, pk, approve=True)

    @extend_schema(request=AdjustmentDecisionSerializer, responses=DeadlineAdjustmentSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the request (the rule's escalation role)."""
        return self._decide(request, pk, approve=False)
