from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from reviews.unsubscribe_views import unsubscribe_view
from reviews.views import health_view

# The standalone project's home lists what is still to configure above the app list (a host project
# keeps its own index unless it sets this too, docs/plugin.md).
admin.site.index_template = "admin/reviews/index.html"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("reviews.api.urls")),
    # Database, broker, approvals not executing, queues without a worker (reviews/services/health.py).
    path("health/", health_view, name="health"),
    # RFC 8058 one-click unsubscribe: the link in every sent email's List-Unsubscribe header.
    path("mail/unsubscribe/<str:token>/", unsubscribe_view, name="mail-unsubscribe"),
    # Mail providers' tracking webhooks (anymail): /mail/<esp>/tracking/, basic-auth protected.
    path("mail/", include("anymail.urls")),
    # Slack's interactive endpoint and the signed links of reviewer emails (docs/notifications.md).
    path("notifications/", include("reviews.notification_urls")),
]

handler404 = "reviews.api.errors.not_found"  # JSON under /api/, the usual page elsewhere
