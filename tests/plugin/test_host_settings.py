"""A host project sets none of hitlcrm's settings and has its own Celery app: ``manage.py check``
passes, the console renders inside the host's admin without rebranding it, and the apps read their
(reviews/conf.py) that honours the project's settings, overrides included."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from reviews.conf import DEFAULTS, hitlcrm_settings
from tests.plugin.conftest import ROOT, host_environment


def test_check_passes_in_a_host_that_sets_no_hitlcrm_setting(host) -> None:
    result = host.django("check")
    assert result.returncode == 0, result.stderr
    # The one thing said: links have no address until the host names the console's.
    assert "hitlcrm.W002" in result.stderr + result.stdout and "ERROR" not in result.stderr


def test_the_console_renders_in_the_host_on_the_hosts_celery_app(host) -> None:
    out = host.python("""
        import sys
        from celery import current_app
        from django.contrib.auth import get_user_model
        from django.test import Client
        from reviews.services.health import project_queues
        from reviews.system_checks import task_delays

        user = get_user_model().objects.create_superuser("owner@host.example", "pw")
        client = Client()
        client.force_login(user)
        page = client.get("/admin/hitlcrm_reviews/emaildraft/")
        print(page.status_code, "Email drafts" in page.content.decode())
        index = client.get("/admin/").content.decode()  # the host's admin keeps the host's (here Django's) branding
        print("Django administration" in index, "review console" in index, "Email drafts" in index)
        task_delays(), project_queues()  # the visibility-timeout check and the health probe
        print(current_app.main, sorted(name for name in sys.modules if name.split(".")[0] == "hitlcrm"))
    """)
    assert out.splitlines() == ["200 True", "True False True", "tests.host_project []"]


def test_the_standalone_project_keeps_its_branding(admin_client) -> None:
    index = admin_client.get("/admin/").content.decode()
    assert "review console" in index and "Django administration" not in index


def test_the_accessor_reads_the_default_the_projects_value_and_overrides() -> None:
    assert DEFAULTS["HITLCRM_CLAIM_SECONDS"] == 300
    with override_settings(HITLCRM_CLAIM_SECONDS=42, SALESFORCE_API_VERSION="61.0"):
        assert hitlcrm_settings.CLAIM_SECONDS == 42
        assert hitlcrm_settings.SALESFORCE_API_VERSION == "61.0"
    with override_settings(HITLCRM_CLAIM_SECONDS=None):  # None: the default
        assert hitlcrm_settings.CLAIM_SECONDS == 300
    with pytest.raises(AttributeError, match="CLAIM_SECOND is not a hitlcrm setting"):
        hitlcrm_settings.CLAIM_SECOND  # noqa: B018


def test_a_mutable_default_cannot_be_changed_by_a_reader(settings) -> None:
    del settings.HITLCRM_LENGTH_LIMITS
    hitlcrm_settings.LENGTH_LIMITS["body"] = 1
    assert hitlcrm_settings.LENGTH_LIMITS["body"] == 3000


def _messages(**overrides: object) -> dict[str, str]:
    with override_settings(**overrides):
        return {message.id: message.msg for message in run_checks(tags=["hitlcrm"])}


def test_a_base_url_that_is_not_an_address_is_an_error_naming_the_setting() -> None:
    refused = _messages(HITLCRM_BASE_URL="backoffice.example")["hitlcrm.E002"]
    assert "HITLCRM_BASE_URL must be an http(s):// address" in refused
    assert "hitlcrm.W002" in _messages(HITLCRM_BASE_URL="")
    assert not {"hitlcrm.E002", "hitlcrm.W002"} & set(_messages(HITLCRM_BASE_URL="https://backoffice.example"))


def test_an_unknown_footer_mode_is_an_error_naming_the_setting() -> None:
    """Anything but append or require would send cold email without the sender's postal address."""
    refused = _messages(HITLCRM_FOOTER_MODE="footer")["hitlcrm.E004"]
    assert "HITLCRM_FOOTER_MODE must be one of 'append', 'require', got 'footer'" in refused
    assert "hitlcrm.E004" not in _messages(HITLCRM_FOOTER_MODE="require")
    assert "hitlcrm.E004" not in _messages()


def test_an_esp_without_the_tracking_webhook_secret_is_an_error_naming_it() -> None:
    backend = "anymail.backends.postmark.EmailBackend"
    found = _messages(DEBUG=False, EMAIL_BACKEND=backend, ANYMAIL={"POSTMARK_SERVER_TOKEN": "t"})
    assert 'ANYMAIL["WEBHOOK_SECRET"] must be set' in found["hitlcrm.E003"]
    assert "hitlcrm.E003" not in _messages(DEBUG=False, EMAIL_BACKEND=backend, ANYMAIL={"WEBHOOK_SECRET": "u:p"})
    assert "hitlcrm.E003" not in _messages(DEBUG=False, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")


def test_the_hosts_own_worker_refuses_settings_that_break_a_guarantee(host) -> None:
    """The refusal at start is the app's, not the standalone Celery app's: a host project's worker
    (`celery -A <host> worker`) with an unknown footer mode (it would send cold email without the
    sender's postal address, hitlcrm.E004) does not start, and says why."""
    (host.folder / "refusing_settings.py").write_text(
        "from tests.host_project.settings import *  # noqa: F403\nHITLCRM_FOOTER_MODE = 'sometimes'\n")
    command = [sys.executable, "-m", "celery", "-A", "tests.host_project", "worker", "--concurrency", "1",
               "--without-gossip", "--without-mingle", "-n", "host-refused@%h"]
    env = {**host_environment(host.folder), "DJANGO_SETTINGS_MODULE": "refusing_settings",
           "PYTHONPATH": f"{host.folder}:{ROOT}"}
    try:
        result = subprocess.run(command, cwd=host.folder, env=env, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the host's worker started with HITLCRM_FOOTER_MODE='sometimes'")
    assert result.returncode != 0
    assert "refusing to start:" in result.stderr and "HITLCRM_FOOTER_MODE" in result.stderr
