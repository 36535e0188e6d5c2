from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Review console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals, system_checks  # noqa: F401  (security audit events; settings refused at start)
        from . import worker_start  # noqa: F401  (every worker, the host's too, refuses unsafe settings)
        from .services import mail_events  # noqa: F401  (receives anymail's tracking signal)
