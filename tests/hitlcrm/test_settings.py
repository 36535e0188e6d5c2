"""Settings come from the environment and production refuses unsafe defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_manage("check", DJANGO_SETTINGS_MODULE="hitlcrm.settings.production", ALLOWED_HOSTS="hitlcrm.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = run_manage("check", DJANGO_SETTINGS_MODULE="hitlcrm.settings.production", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set in production" in result.stderr


def test_production_settings_pass_the_deploy_check() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        DJANGO_SETTINGS_MODULE="hitlcrm.settings.production",
                        SECRET_KEY="k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3, ALLOWED_HOSTS="hitlcrm.example",
                        HITLCRM_BASE_URL="https://hitlcrm.example", HITLCRM_RECEIPT_KEY="r" * 64)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_refuses_production_without_a_receipt_key() -> None:
    result = run_manage("check", "--deploy", DJANGO_SETTINGS_MODULE="hitlcrm.settings.production",
                        SECRET_KEY="k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3, ALLOWED_HOSTS="hitlcrm.example",
                        HITLCRM_BASE_URL="https://hitlcrm.example", HITLCRM_RECEIPT_KEY="")
    assert result.returncode != 0
    assert "hitlcrm.E005" in result.stderr and "HITLCRM_RECEIPT_KEY is not set" in result.stderr


def test_a_malformed_boolean_names_the_variable() -> None:
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_an_empty_database_url_means_the_default_and_a_foreign_one_names_the_variable() -> None:
    assert run_manage("check", DATABASE_URL="").returncode == 0
    result = run_manage("check", DATABASE_URL="mongodb://127.0.0.1/hitlcrm")
    assert result.returncode != 0
    assert "DATABASE_URL is not a database URL" in result.stderr and "mongodb" in result.stderr
