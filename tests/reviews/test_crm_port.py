"""The CRM port (reviews/crm.py): reviews/ asks it, and it asks the backend HITLCRM_CRM_BACKEND names."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from integrations.salesforce import crm as salesforce_crm
from integrations.salesforce.errors import SalesforceError, SalesforceTransientError
from reviews import crm
from reviews.crm import FUNCTIONS, NAMES

FAKE = "tests_fake_crm_backend"


class FakeCrmError(Exception):
    pass


@pytest.fixture
def fake_backend() -> Iterator[types.ModuleType]:
    """A CRM backend module holding one record, importable under ``FAKE``."""
    module = types.ModuleType(FAKE)
    module.reads = []  # type: ignore[attr-defined]

    def read_records(crm_object: str, ids: Any, fields: Any) -> dict[str, dict[str, Any]]:
        module.reads.append((crm_object, list(ids), list(fields)))  # type: ignore[attr-defined]
        return {"rec-1": {"Id": "rec-1", "Email": "ada@example.com"}}

    module.read_records = read_records  # type: ignore[attr-defined]
    module.crm_configured = lambda: True  # type: ignore[attr-defined]
    module.normalise_id = str.upper  # type: ignore[attr-defined]
    module.CrmError = FakeCrmError  # type: ignore[attr-defined]
    sys.modules[FAKE] = module
    yield module
    del sys.modules[FAKE]


def test_the_configured_backend_answers_the_ports_calls(fake_backend: types.ModuleType) -> None:
    with override_settings(HITLCRM_CRM_BACKEND=FAKE):
        assert crm.crm_configured() is True
        assert crm.read_records("Contact", ["rec-1"], ["Email"]) == {"rec-1": {"Id": "rec-1", "Email": "ada@example.com"}}
        assert crm.normalise_id("abc") == "ABC"
        assert crm.CrmError is FakeCrmError
    assert fake_backend.reads == [("Contact", ["rec-1"], ["Email"])]
    # Without the override: the default backend, Salesforce, again.
    assert crm.CrmError is SalesforceError


def test_a_backend_without_a_name_the_port_needs_is_a_configuration_error(fake_backend: types.ModuleType) -> None:
    with override_settings(HITLCRM_CRM_BACKEND=FAKE):
        with pytest.raises(ImproperlyConfigured, match="has no describe_object"):
            crm.describe_object("Contact")
        with pytest.raises(ImproperlyConfigured, match="has no WriteOptions"):
            crm.WriteOptions  # noqa: B018
    with override_settings(HITLCRM_CRM_BACKEND="no_such_crm_backend"), pytest.raises(ImproperlyConfigured):
        crm.crm_configured()


def test_the_errors_are_the_backends_own_classes_so_except_clauses_catch_them() -> None:
    assert crm.CrmTransientError is SalesforceTransientError
    with pytest.raises(crm.CrmError):
        raise SalesforceTransientError("down")


def test_the_salesforce_backend_provides_every_name_of_the_port() -> None:
    assert [name for name in sorted(FUNCTIONS | NAMES) if not hasattr(salesforce_crm, name)] == []
    assert sorted(salesforce_crm.__all__) == sorted(FUNCTIONS | NAMES)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        crm.read_everything  # noqa: B018
