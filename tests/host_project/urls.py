from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .accounts.api import InvoiceViewSet

router = SimpleRouter()
router.register("invoices", InvoiceViewSet)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("internal-api/", include(router.urls)),  # the host's own API
    path("hitlcrm/api/v1/", include("reviews.api.urls")),
]
