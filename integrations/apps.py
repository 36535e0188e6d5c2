from django.apps import AppConfig

# Namespaced, so that a project's own app labelled ``integrations`` installs beside this one. The app
# has no models: nothing else spells the label (``manage.py hitlcrm_relabel`` moves an old database's rows).
LABEL = "hitlcrm_integrations"


class IntegrationsConfig(AppConfig):
    name = "integrations"
    label = LABEL
    verbose_name = "Integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .salesforce import checks  # noqa: F401  (registers the start-up checks)
