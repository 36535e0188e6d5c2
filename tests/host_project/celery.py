"""The host's own Celery app; hitlcrm's tasks are ``shared_task``s and run on it."""

from celery import Celery

app = Celery(__name__.rpartition(".")[0] or "host")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
