"""The API endpoints that span apps (CONTRACT §4-5), mounted by config.api_urls: `GET /api/v1/inbox/` (what the
calling user must act on now, across processes), `GET|PATCH /api/v1/me/`, `GET /api/v1/users/`, and the health
check. The plumbing every app's API shares is web.api."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from notifications.channels import PERSONAL_CHANNELS
from notifications.preferences import update_preferences
from workflows import roles
from workflows.errors import bilingual
from workflows.models import User

from .api import UserBriefSerializer
from .inbox import PAGE_SIZE, inbox_page


class MeSerializer(serializers.ModelSerializer):
    """The calling user. PATCH changes their own preferences through notifications.preferences.update_preferences,
    which holds every rule (formats, a chosen channel needs its contact, quiet hours both or neither); this
    serializer only reads the JSON types."""

    roles = serializers.SerializerMethodField()
    phone = serializers.CharField(required=False, allow_blank=True,
                                  help_text="An 11-digit mainland mobile number; needed for the sms channel.")
    email = serializers.CharField(required=False, allow_blank=True,
                                  help_text="An e-mail address; needed for the email channel.")
    wecom_userid = serializers.CharField(required=False, allow_blank=True,
                                         help_text="The WeCom directory UserID; needed for the wecom channel.")
    notification_channels = serializers.ListField(
        child=serializers.CharField(), required=False, allow_empty=True,
        help_text=f"Channels besides in-app (always on), any of: {', '.join(PERSONAL_CHANNELS)}.",
    )

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "roles", "phone", "email", "notification_channels",
                  "wecom_userid", "quiet_hours_start", "quiet_hours_end", "legal_qualification"]
        read_only_fields = ["id", "username", "roles", "legal_qualification"]
        extra_kwargs = {
            "quiet_hours_start": {"help_text": "HH:MM; with quiet_hours_end, or both null. SMS and WeCom wait "
                                               "until the quiet hours end; escalations are not held."},
            "quiet_hours_end": {"help_text": "HH:MM; may be earlier than the start (overnight, e.g. 22:00–07:00)."},
        }

    def get_roles(self, user) -> list[str]:
        return sorted(roles.user_roles(user))


class MeView(generics.RetrieveUpdateAPIView):
    """The calling user; PATCH changes their own name and notification preferences (the web page
    /inbox/preferences/ applies the same rules). 400 with `fields` when a value is malformed or a choice can never
    work: sms without a phone, email without an address, wecom without a WeCom user ID, quiet hours with one end
    only or with both ends equal."""

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        serializer.instance = update_preferences(self.request.user, dict(serializer.validated_data))


class UserListView(generics.ListAPIView):
    """Users, for choosing a meeting's chair and attendees; `?role=` filters by role."""

    serializer_class = UserBriefSerializer

    def get_queryset(self):
        qs = User.objects.filter(is_active=True).prefetch_related("groups").order_by("username")
        role = self.request.query_params.get("role")
        if role:
            if role not in roles.ALL_ROLES:
                raise exceptions.ValidationError({"role": [bilingual(_("Unknown role."))]})
            qs = qs.filter(groups__name=role)
        return qs


class HealthView(APIView):
    permission_classes = []
    authentication_classes = []

    @extend_schema(exclude=True)
    def get(self, request):
        return Response({"status": "ok"}, status=status.HTTP_200_OK)


class InboxItemSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    action = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    deadline_kind = serializers.CharField(allow_null=True)
    overdue = serializers.BooleanField()
    url = serializers.CharField()


class InboxView(APIView):
    """What the calling user must act on now, soonest deadline first (no deadline last), a page at a time: `count`
    (all the rows), `next`/`previous` (the neighbouring pages' URLs or null), `soonest_due_at` (the soonest due
    time of all the rows, or null) and `results` (at most `page_size` rows, 50 by default and at most). Pages as
    every list of the API (DRF's PageNumberPagination): `?page=` from 1, a page that is not one (past the last,
    not a number) is a 404; `?page_size=` above 50 counts as 50, a malformed one as the default."""

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int, description="The page, from 1."),
            OpenApiParameter("page_size", int, description=f"Rows a page, at most {PAGE_SIZE} (the default)."),
        ],
        responses=inline_serializer("PaginatedInbox", {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "soonest_due_at": serializers.DateTimeField(allow_null=True),
            "results": InboxItemSerializer(many=True),
        }))
    def get(self, request):
        size = _positive_int(request.query_params.get("page_size"), PAGE_SIZE, cap=PAGE_SIZE)
        number = _positive_int(request.query_params.get("page", "1"), None)
        if number is None:
            raise exceptions.NotFound()
        page = inbox_page(request.user, number, size)
        if page.number != number:  # past the last page (DRF: "Invalid page.")
            raise exceptions.NotFound()
        url = request.build_absolute_uri()
        return Response({
            "count": page.count,
            "next": replace_query_param(url, "page", number + 1) if page.has_next else None,
            "previous": (replace_query_param(url, "page", number - 1) if number > 2
                         else remove_query_param(url, "page")) if page.has_previous else None,
            "soonest_due_at": _DATETIME.to_representation(page.soonest_due_at) if page.soonest_due_at else None,
            "results": [_item_json(item) for item in page.items],
        })


_DATETIME = serializers.DateTimeField()


def _item_json(item: dict) -> dict:
    """An inbox item as InboxItemSerializer writes it (plain values already: only the due time is formatted)."""
    due = item["due_at"]
    return {**item, "due_at": _DATETIME.to_representation(due) if due is not None else None}


def _positive_int(raw, default, cap=None):
    """DRF's PageNumberPagination reading of a page or page size: a positive integer (capped at `cap`), else
    `default`."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    if value < 1:
        return default
    return min(value, cap) if cap else value
