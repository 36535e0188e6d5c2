from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Review console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Security audit events; settings refused at start (checks, and every worker, the host's too).
        from . import signals, system_checks, worker_start  # noqa: F401
        from .services import mail_events  # noqa: F401  (receives anymail's tracking signal)
