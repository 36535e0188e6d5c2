"""`manage.py salesforce_emulator`: prints the settings other processes need, keeps them stable."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from integrations.salesforce.client import reset_clients
from integrations.salesforce.records import read_records
from integrations.salesforce_emulator.pinning import pinned_session
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[3]


def printed_env(output: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in output.splitlines() if line.startswith("SALESFORCE_"))


def test_print_env_is_stable_for_a_cert_dir(tmp_path: Path) -> None:
    first, second = io.StringIO(), io.StringIO()
    call_command("salesforce_emulator", "--port", "0", "--cert-dir", str(tmp_path), "--print-env", stdout=first)
    call_command("salesforce_emulator", "--port", "0", "--cert-dir", str(tmp_path), "--print-env", stdout=second)
    one, two = printed_env(first.getvalue()), printed_env(second.getvalue())
    assert set(one) == {"SALESFORCE_INSTANCE_URL", "SALESFORCE_SESSION_ID", "SALESFORCE_CA_BUNDLE"}
    assert one["SALESFORCE_SESSION_ID"] == two["SALESFORCE_SESSION_ID"]
    assert one["SALESFORCE_CA_BUNDLE"] == two["SALESFORCE_CA_BUNDLE"] == str(tmp_path / "ca.pem")
    assert (tmp_path / "ca.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    explicit = io.StringIO()
    call_command("salesforce_emulator", "--port", "0", "--cert-dir", str(tmp_path), "--session-id", "chosen",
                 "--print-env", stdout=explicit)
    assert printed_env(explicit.getvalue())["SALESFORCE_SESSION_ID"] == "chosen"


def test_command_serves_until_terminated(tmp_path: Path) -> None:
    """The demo's way: start the command, read its settings, use them from another process."""
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"Contact": [{"LastName": "Lovelace", "Title": "Countess"}]}))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "salesforce_emulator", "--port", str(port), "--cert-dir",
         str(tmp_path / "certs"), "--seed-file", str(seed)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        values: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while len(values) < 3 and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                pytest.fail(f"the emulator exited early with {process.wait()}")
            if line.startswith("SALESFORCE_"):
                name, value = line.strip().split("=", 1)
                values[name] = value
        assert values["SALESFORCE_INSTANCE_URL"] == f"https://127.0.0.1:{port}"
        caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "command"}}
        control = pinned_session(port, ca_path=values["SALESFORCE_CA_BUNDLE"])
        seeded = control.get(f"https://127.0.0.1:{port}/__emulator__/records/Contact", timeout=10).json()
        record_id = seeded["records"][0]["Id"]
        reset_clients()
        with override_settings(CACHES=caches, SALESFORCE_USERNAME="", SALESFORCE_CONSUMER_KEY="", **values):
            assert read_records("Contact", [record_id], ["Title"])[record_id]["Title"] == "Countess"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
