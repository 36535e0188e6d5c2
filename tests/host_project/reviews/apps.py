from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Labelled ``reviews`` (Django's default, the module's name), beside hitlcrm's ``hitlcrm_reviews``."""

    name = __name__.rpartition(".")[0]
    default_auto_field = "django.db.models.BigAutoField"
