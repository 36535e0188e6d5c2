from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .base import SchemaView
from .history import HistoryView, MonthlyReportView, TimelineView
from .views import CrmChangeViewSet, EmailDraftViewSet, FeedbackView, WebhookView

# SimpleRouter: no browsable root and no format-suffix twins of every route.
router = SimpleRouter()
router.register("email-drafts", EmailDraftViewSet, basename="email-draft")
router.register("crm-changes", CrmChangeViewSet, basename="crm-change")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("webhook/", WebhookView.as_view(), name="api-webhook"),
    path("feedback/", FeedbackView.as_view(), name="api-feedback"),
    path("history/", HistoryView.as_view(), name="api-history"),
    path("timeline/<str:crm_object>/<str:crm_id>/", TimelineView.as_view(), name="api-timeline"),
    path("reports/monthly/", MonthlyReportView.as_view(), name="api-report-monthly"),
    path("metrics/", include("reviews.api.metrics")),
    path("", include(router.urls)),
]
