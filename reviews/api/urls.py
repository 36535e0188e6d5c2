from django.urls import include, path
from rest_framework.routers import SimpleRouter

from ..kinds import registered_kinds
from .base import SchemaView
from .history import HistoryView, MonthlyReportView, TimelineView
from .views import FeedbackView, WebhookView, kind_viewset

# SimpleRouter: no browsable root and no format-suffix twins of every route. Each kind's routes
# (``/api/v1/email-drafts/`` ...) are its own viewset's.
router = SimpleRouter()
for kind in registered_kinds():
    router.register(kind.api_prefix, kind_viewset(kind), basename=kind.api_basename)

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
