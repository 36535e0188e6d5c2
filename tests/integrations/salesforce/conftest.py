"""Fixtures for the Salesforce boundary: one HTTPS emulator for the session, reset for every test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from django.test import override_settings

from integrations.http import PinnedAddressAdapter
from integrations.salesforce import client as client_module
from integrations.salesforce_emulator import EmulatorServer
from integrations.salesforce_emulator.pinning import salesforce_to

_cache_names = itertools.count()


@pytest.fixture(scope="session")
def emulator_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    server = EmulatorServer(port=0, cert_dir=tmp_path_factory.mktemp("salesforce-emulator"))
    server.start()
    yield server
    server.stop()


def salesforce_settings(server: EmulatorServer, **overrides: object) -> dict[str, object]:
    """Settings for a session-id connection to ``server`` (no login credentials), plus ``overrides``."""
    values: dict[str, object] = {
        "SALESFORCE_INSTANCE_URL": server.base_url,
        "SALESFORCE_SESSION_ID": server.session_id,
        "SALESFORCE_CA_BUNDLE": str(server.ca_path),
        "SALESFORCE_USERNAME": "",
        "SALESFORCE_PASSWORD": "",
        "SALESFORCE_SECURITY_TOKEN": "",
        "SALESFORCE_DOMAIN": "login",
        "SALESFORCE_CONSUMER_KEY": "",
        "SALESFORCE_PRIVATE_KEY_FILE": "",
        "SALESFORCE_API_VERSION": "62.0",
        "SALESFORCE_TIMEOUT_SECONDS": 10.0,
        "SALESFORCE_DESCRIBE_CACHE_SECONDS": 3600,
        "SALESFORCE_API_BUDGET_SHARE": 0.8,
    }
    values.update(overrides)
    return values


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> Iterator[EmulatorServer]:
    """The emulator, emptied, with hitlcrm configured to use it (session id + CA bundle) and a
    private in-memory cache, so tests need no database."""
    emulator_server.reset()
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": f"salesforce-tests-{next(_cache_names)}"}}
    client_module.reset_clients()
    with override_settings(CACHES=caches, **salesforce_settings(emulator_server)):
        yield emulator_server
    client_module.reset_clients()


@pytest.fixture
def pinned_dns(emulator_server: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Route hitlcrm's connections to *.salesforce.com (login hosts) to the emulator; TLS still checks the
    real host name against the emulator's CA."""
    monkeypatch.setattr(client_module, "_transport_adapter",
                        lambda config: PinnedAddressAdapter(salesforce_to("127.0.0.1", emulator_server.port)))
