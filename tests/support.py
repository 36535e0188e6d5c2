"""Helpers shared by the test suite: service requirements, real processes, polling."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.html_forms import form_submission  # noqa: F401  (re-exported for the tests)
from tests.source_tree import copy_source_tree


def services_required() -> bool:
    return os.environ.get("HITLCRM_REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip with a stated reason, or fail when HITLCRM_REQUIRE_SERVICES=1 (CI)."""
    if services_required():
        pytest.fail(f"required service unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


def build_wheel(source: Path, folder: Path) -> Path:
    """``pip wheel`` of the distribution at ``source`` (no dependencies) into ``folder``; the wheel's path.

    Built from a copy of the files git knows: the checkout's ``build/`` and ``*.egg-info`` left by
    earlier installs would otherwise put files into the wheel that a clean build leaves out."""
    import tempfile

    before = set(folder.glob("*.whl"))
    with tempfile.TemporaryDirectory(prefix="wheel-source-") as copy:
        copy_source_tree(source, Path(copy))
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(folder), copy],
                       check=True, capture_output=True, timeout=300)
    (wheel,) = set(folder.glob("*.whl")) - before
    return wheel


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.1,
             what: str | Callable[[], str] = "") -> Any:
    """Poll ``predicate`` until it is truthy; ``what`` (or what it returns, computed only on a
    timeout) says what was awaited, in the failure message."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    described = what() if callable(what) else what
    raise AssertionError(f"timed out after {timeout}s waiting for {described or predicate}; last value: {last!r}")


PRODUCTION_SECRET_KEY = "k3y-" + "Zq8Xw2Rt6Yp0Lm4Nb7Vc1" * 3


def production_environment(**variables: str | None) -> dict[str, str]:
    """The environment of a production process with only what production requires set, plus
    ``variables`` (None removes one). Nothing else is inherited from this process (its mail,
    Salesforce or database settings), so a test sees what production alone does."""
    import os

    keep = {"PATH", "HOME", "LANG", "HITLCRM_TEST_RUN_ID"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update(DJANGO_SETTINGS_MODULE="hitlcrm.settings.production", SECRET_KEY=PRODUCTION_SECRET_KEY,
               ALLOWED_HOSTS="hitlcrm.example", HITLCRM_BASE_URL="https://hitlcrm.example",
               CELERY_BROKER_URL="memory://", HITLCRM_RECEIPT_KEY="production-receipt-key-" + "k" * 40)
    for name, value in variables.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def raw_json_write(model: Any, pk: int, column: str, value: Any) -> None:
    """Write ``value`` into a JSON column of one row with plain SQL, past the ORM, its history and the
    services: how a bug, an operator's hand or an attacker with database access would change it."""
    import json

    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {connection.ops.quote_name(column)} = {placeholder} WHERE id = %s",  # noqa: S608
                       [json.dumps(value), pk])
        assert cursor.rowcount == 1, f"no {model.__name__} {pk} to write"


def raw_write(model: Any, pk: int, column: str, value: Any) -> None:
    """:func:`raw_json_write` for a column of any other type."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s",  # noqa: S608
                       [value, pk])
        assert cursor.rowcount == 1, f"no {model.__name__} {pk} to write"
