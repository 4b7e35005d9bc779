from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from cases.api import (
    CaseFileView,
    CaseViewSet,
    CorrectionOrderViewSet,
    FirstOffenceListView,
    OfficerViewSet,
    PaymentPlanViewSet,
    PenaltyMeasureViewSet,
    PublicityViewSet,
    VillageViewSet,
    ViolationTypeViewSet,
)
from documents.api import DocumentFileView, DocumentListView, DocumentRecordFileView
from documents.attachment_api import AttachmentDownloadView, AttachmentThumbnailView, ObjectAttachmentsView
from mediation.api import CommitteeViewSet, MediationViewSet, MediatorViewSet
from network.api import ActivityViewSet, LegalAdviserViewSet, LegalLiterateViewSet
from notifications.api import (
    AddWorkingDaysView,
    CalendarDayView,
    DeadlineAdjustmentViewSet,
    DeadlineRuleViewSet,
    DeadlineViewSet,
    NotificationViewSet,
)
from petitions.api import PetitionViewSet
from review.api import DecisionViewSet, MeetingViewSet
from web.site_api import HealthView, InboxView, MeView, UserListView

router = DefaultRouter(trailing_slash=True)
router.register("decisions", DecisionViewSet, basename="decision")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("cases", CaseViewSet, basename="case")
router.register("villages", VillageViewSet, basename="village")
router.register("violation-types", ViolationTypeViewSet, basename="violation-type")
router.register("officers", OfficerViewSet, basename="officer")
router.register("payment-plans", PaymentPlanViewSet, basename="payment-plan")
router.register("correction-orders", CorrectionOrderViewSet, basename="correction-order")
router.register("penalty-measures", PenaltyMeasureViewSet, basename="penalty-measure")
router.register("deadline-rules", DeadlineRuleViewSet, basename="deadline-rule")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("deadlines", DeadlineViewSet, basename="deadline")
router.register("deadline-adjustments", DeadlineAdjustmentViewSet, basename="deadline-adjustment")
router.register("legal-advisers", LegalAdviserViewSet, basename="legal-adviser")
router.register("legal-literates", LegalLiterateViewSet, basename="legal-literate")
router.register("activities", ActivityViewSet, basename="activity")
router.register("mediations", MediationViewSet, basename="mediation")
router.register("mediation-committees", CommitteeViewSet, basename="mediation-committee")
router.register("mediators", MediatorViewSet, basename="mediator")
router.register("petitions", PetitionViewSet, basename="petition")
# 处罚决定公示 (处罚法 Art 48, CONTRACT §9): publish and withdraw; the public page is /public/penalties/
router.register("publicity", PublicityViewSet, basename="publicity")

# The documents of CONTRACT §6, before the router so `{owner}/{id}/documents/` is not taken for a viewset's route.
DOCUMENT_OWNER = r"(?P<owner>[a-z][a-z_-]{0,39})/(?P<pk>[0-9]{1,18})/documents/"
DOCUMENT_KIND = r"(?P<kind>[a-z][a-z0-9_]{0,39})"
DOCUMENT_FORMAT = r"\.(?P<fmt>(?:docx|pdf))$"  # grouped: the schema's pattern is then ^(?:docx|pdf)$

urlpatterns = [
    re_path(rf"^{DOCUMENT_OWNER}$", DocumentListView.as_view(), name="api-documents"),
    re_path(rf"^{DOCUMENT_OWNER}{DOCUMENT_KIND}{DOCUMENT_FORMAT}", DocumentFileView.as_view(), name="api-document-file"),
    re_path(rf"^{DOCUMENT_OWNER}{DOCUMENT_KIND}/(?P<record>[0-9]{{1,18}}){DOCUMENT_FORMAT}", DocumentRecordFileView.as_view(),
            name="api-document-record-file"),
    # Attachments (CONTRACT §6) of any registered owner (cases, decisions, meetings): before the router, whose
    # detail routes must not take `{owner}/{id}/attachments/`.
    re_path(r"^(?P<owner>[a-z][a-z-]{0,39})/(?P<pk>[0-9]{1,19})/attachments/$", ObjectAttachmentsView.as_view(),
            name="object-attachments"),
    path("attachments/<int:pk>/download/", AttachmentDownloadView.as_view(), name="attachment-download"),
    path("attachments/<int:pk>/thumbnail/", AttachmentThumbnailView.as_view(), name="attachment-thumbnail"),
    # The case file (CONTRACT §6): `.pdf`/`.zip` without the router's trailing slash.
    re_path(r"^cases/(?P<pk>[0-9]{1,18})/case-file\.(?P<fmt>(?:pdf|zip))$", CaseFileView.as_view(), name="case-file"),
    path("", include(router.urls)),
    path("", include("reports.api")),  # CONTRACT §9: reports and supervision
    path("inbox/", InboxView.as_view(), name="inbox"),
    path("first-offence-list/", FirstOffenceListView.as_view(), name="first-offence-list"),
    path("me/", MeView.as_view(), name="me"),
    path("users/", UserListView.as_view(), name="users"),
    path("health/", HealthView.as_view(), name="health"),
    path("calendar/add-working-days/", AddWorkingDaysView.as_view(), name="calendar-add-working-days"),
    re_path(r"^calendar/days/(?P<day>[0-9-]{1,12})/$", CalendarDayView.as_view(), name="calendar-day"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its start-up script as a file (`?script`): the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
]
