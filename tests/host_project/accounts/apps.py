from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = __name__.rpartition(".")[0]
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
