"""The production settings at work (hitlcrm/settings/production.py), in a process of their own on
this run's database: a real login's cookies, session expiry, the security headers, and secrets that
come from the environment only, and the mail secrets an anymail ESP backend cannot do without.
(``check --deploy`` and the refusal to start without SECRET_KEY or ALLOWED_HOSTS:
tests/hitlcrm/test_settings.py.)"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT, database_url_for_subprocess
from tests.support import PRODUCTION_SECRET_KEY, production_environment

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = PRODUCTION_SECRET_KEY
LOGIN = r"""
import json
import django
django.setup()
from datetime import timedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

get_user_model().objects.create_user("prod-rita", password="a long and unguessable passphrase", is_staff=True)
client = Client(HTTP_HOST="hitlcrm.example")
plain = client.get("/admin/login/")
page = client.get("/admin/login/", secure=True)
response = client.post("/admin/login/?next=/admin/", {"username": "prod-rita",
                       "password": "a long and unguessable passphrase"}, secure=True)
session = response.cookies[settings.SESSION_COOKIE_NAME]
csrf = page.cookies[settings.CSRF_COOKIE_NAME]
inside = client.get("/admin/", secure=True).status_code
Session.objects.filter(session_key=session.value).update(expire_date=timezone.now() - timedelta(seconds=1))
expired = client.get("/admin/", secure=True)
secrets = {name: getattr(settings, name) for name in dir(settings)
           if name.isupper() and any(part in name for part in ("SECRET", "PASSWORD", "TOKEN", "SESSION_ID", "API_KEY"))
           and isinstance(getattr(settings, name), str)}
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "login": response.status_code,
    "session": {key: session[key] for key in ("secure", "httponly", "samesite", "max-age")},
    "csrf": {key: csrf[key] for key in ("secure", "httponly", "samesite")},
    "inside": inside,
    "expired": [expired.status_code, expired.get("Location", "")],
    "headers": {name: page.get(name, "") for name in ("Strict-Transport-Security", "X-Frame-Options",
                                                      "X-Content-Type-Options", "Referrer-Policy")},
    "secrets": secrets,
}))
"""


@pytest.fixture(scope="module")
def production(django_db_setup: Any, django_db_blocker: Any) -> dict:
    """What a production process reports about a login, with only the required variables set. It
    runs on this run's test database (the tests are transactional: what it writes is flushed)."""
    with django_db_blocker.unblock():
        env = production_environment(DATABASE_URL=database_url_for_subprocess())
    result = subprocess.run([sys.executable, "-c", LOGIN], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_http_is_redirected_to_https(production) -> None:
    status, location = production["plain"]
    assert status == 301 and location.startswith("https://hitlcrm.example/")


def test_the_session_cookie_is_secure_httponly_samesite_and_expires(production) -> None:
    assert production["login"] == 302 and production["inside"] == 200
    assert production["session"] == {"secure": True, "httponly": True, "samesite": "Lax", "max-age": 8 * 3600}


def test_the_csrf_cookie_is_secure_and_out_of_scripts_reach(production) -> None:
    assert production["csrf"] == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_an_expired_session_must_log_in_again(production) -> None:
    status, location = production["expired"]
    assert status == 302 and location.startswith("/admin/login/")


def test_pages_carry_the_security_headers(production) -> None:
    headers = production["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_secrets_come_from_the_environment_only(production) -> None:
    """With nothing but SECRET_KEY set, every secret setting is empty or that variable's value: no
    default, sample or development secret survives into production."""
    secrets = production["secrets"]
    assert secrets.pop("SECRET_KEY") == SECRET
    assert {name: value for name, value in secrets.items() if value} == {}


POSTMARK = "anymail.backends.postmark.EmailBackend"
MAILGUN = "anymail.backends.mailgun.EmailBackend"
WEBHOOK_SECRET = "hitlcrm:" + "Vb3Nm6Qw9Er2Ty5Ui8Op1" * 2


def production_check(**variables: str) -> subprocess.CompletedProcess:
    """``manage.py check --deploy`` under the production settings with only the required variables
    and ``variables`` set (nothing inherited from this process's mail or Salesforce settings)."""
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                          env=production_environment(**variables), capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("backend", "api_key"), [
    (POSTMARK, {"POSTMARK_SERVER_TOKEN": "server-token"}),
    (MAILGUN, {"MAILGUN_API_KEY": "key-1", "MAILGUN_SENDER_DOMAIN": "mg.hitlcrm.example"}),
    ("anymail.backends.sendgrid.EmailBackend", {}),
])
@pytest.mark.parametrize("secret", [None, "", "   "])
def test_an_esp_backend_without_a_webhook_secret_is_refused(backend: str, api_key: dict, secret: str | None) -> None:
    """Without ANYMAIL_WEBHOOK_SECRET the tracking webhook (/mail/<esp>/tracking/) would take anyone's
    posts, and hitlcrm would drop every bounce and complaint: production does not start."""
    result = production_check(EMAIL_BACKEND=backend, **api_key,
                              **({} if secret is None else {"ANYMAIL_WEBHOOK_SECRET": secret}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ANYMAIL_WEBHOOK_SECRET must be set in production" in result.stderr, result.stderr[-2000:]


@pytest.mark.parametrize(("backend", "variable"), [(POSTMARK, "POSTMARK_SERVER_TOKEN"), (MAILGUN, "MAILGUN_API_KEY")])
def test_an_esp_backend_without_its_api_key_is_refused(backend: str, variable: str) -> None:
    result = production_check(EMAIL_BACKEND=backend, ANYMAIL_WEBHOOK_SECRET=WEBHOOK_SECRET)
    assert result.returncode != 0
    assert f"{variable} must be set in production" in result.stderr, result.stderr[-2000:]


@pytest.mark.parametrize(("backend", "api_key"), [
    (POSTMARK, {"POSTMARK_SERVER_TOKEN": "server-token"}),
    (MAILGUN, {"MAILGUN_API_KEY": "key-1", "MAILGUN_SENDER_DOMAIN": "mg.hitlcrm.example"}),
])
def test_an_esp_backend_starts_with_its_secrets(backend: str, api_key: dict) -> None:
    result = production_check(EMAIL_BACKEND=backend, ANYMAIL_WEBHOOK_SECRET=WEBHOOK_SECRET, **api_key)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("backend", [None, "django.core.mail.backends.smtp.EmailBackend"])
def test_the_smtp_backend_needs_no_webhook_secret(backend: str | None) -> None:
    result = production_check(**({} if backend is None else {"EMAIL_BACKEND": backend}),
                              EMAIL_HOST="smtp.hitlcrm.example", EMAIL_PORT="587", EMAIL_USE_TLS="1")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("base_url", "problem"), [(None, "''"), ("", "''"), ("http://hitlcrm.example", "http://")])
def test_production_needs_the_public_https_address_for_its_links(base_url: str | None, problem: str) -> None:
    """review_url in API answers and webhooks is built from HITLCRM_BASE_URL: without it agents would
    be handed links to 127.0.0.1."""
    result = production_check(HITLCRM_BASE_URL=base_url)
    assert result.returncode != 0
    assert "HITLCRM_BASE_URL must be set in production" in result.stderr and problem in result.stderr
