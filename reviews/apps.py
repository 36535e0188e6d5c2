from django.apps import AppConfig

# The app's label: namespaced, so that a project's own app labelled ``reviews`` installs beside it.
# Code that spells the label (permission names, admin URL names, the app registry) takes it from here.
# The tables keep their ``reviews_*`` names (reviews/models/__init__.py).
LABEL = "hitlcrm_reviews"


def perm(codename: str) -> str:
    """The permission's full name, as ``user.has_perm()`` takes it: ``hitlcrm_reviews.<codename>``."""
    return f"{LABEL}.{codename}"


def admin_url_name(model_name: str, view: str) -> str:
    """The name of one of the app's admin URLs: ``admin:hitlcrm_reviews_<model_name>_<view>``."""
    return f"admin:{LABEL}_{model_name}_{view}"


class ReviewsConfig(AppConfig):
    name = "reviews"
    label = LABEL
    verbose_name = "Review console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Security audit events; settings refused at start (checks, and every worker, the host's too).
        from . import signals, system_checks, worker_start  # noqa: F401
        from .services import mail_events  # noqa: F401  (receives anymail's tracking signal)
