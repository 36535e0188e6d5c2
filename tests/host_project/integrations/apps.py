from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Labelled ``integrations``, beside hitlcrm's ``hitlcrm_integrations``."""

    name = __name__.rpartition(".")[0]
    default_auto_field = "django.db.models.BigAutoField"
