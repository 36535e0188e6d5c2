"""Django's ``flush``, which also empties the append-only audit table.

``flush`` wipes the whole database (the test runner calls it after every transactional test).
On PostgreSQL it TRUNCATEs, which the audit table's row trigger does not see; on SQLite it runs
DELETE, which the trigger refuses unless this connection lifted it (``audit_guard_lifted``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS

from reviews.services.audit import audit_guard_lifted


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        from django.db import connections

        database = options.get("database") or DEFAULT_DB_ALIAS
        if connections[database].vendor != "sqlite":
            return super().handle(**options)
        with audit_guard_lifted(database):
            return super().handle(**options)
