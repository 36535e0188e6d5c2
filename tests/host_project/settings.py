"""The host's settings: its own choices, plus only what installing hitlcrm asks for (INSTALLED_APPS,
the URL include). No ``HITLCRM_*`` setting and no global ``REST_FRAMEWORK`` from hitlcrm: the host's
REST_FRAMEWORK below is its own (session and basic auth, model permissions) for its own API.
HOST_DATABASE / HOST_BROKER_DIR (or CELERY_BROKER_URL) place the run's files."""

import os
from pathlib import Path

_PACKAGE = __name__.rpartition(".")[0]
_VAR = Path(os.environ.get("HOST_VAR_DIR", Path(__file__).resolve().parent / "var"))

SECRET_KEY = "host-project-test-key-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    f"{_PACKAGE}.accounts",
    # The host's own apps labelled ``reviews`` and ``integrations``: hitlcrm's labels are namespaced.
    f"{_PACKAGE}.reviews",
    f"{_PACKAGE}.integrations",
    # hitlcrm and what it builds on
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "anymail",
    "reviews",
    "integrations",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]
ROOT_URLCONF = f"{_PACKAGE}.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.environ.get("HOST_DATABASE", str(_VAR / "host.sqlite3")),
                         "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"}}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
USE_TZ = True
STATIC_URL = "static/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissions"],
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _BROKER = Path(os.environ.get("HOST_BROKER_DIR", _VAR / "broker"))
    (_BROKER / "control").mkdir(parents=True, exist_ok=True)  # the filesystem transport does not make its folders
    CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(_BROKER), "data_folder_out": str(_BROKER),
                                       "control_folder": str(_BROKER / "control"), "store_processed": False}
CELERY_TASK_IGNORE_RESULT = True
