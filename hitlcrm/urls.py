from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("reviews.api.urls")),
    # Mail providers' tracking webhooks (anymail): /mail/<esp>/tracking/, basic-auth protected.
    path("mail/", include("anymail.urls")),
]

handler404 = "reviews.api.errors.not_found"  # JSON under /api/, the usual page elsewhere
