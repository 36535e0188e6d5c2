"""Django's database cache, writing a batch of entries in a fixed number of statements.

The stock ``DatabaseCache.set_many`` sets one key after the other, three statements each. The
console caches some things one entry per record, written for a whole page at once (who each CRM
record is: ``reviews.services.crm_identity``), so with the stock backend a cold queue page of 100
rows would cost some 300 database statements. Here ``set_many`` costs the same few statements
(count, delete, one multi-row insert per chunk) however many entries it writes. Everything else is
Django's.
"""

from __future__ import annotations

import base64
import pickle
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as StockDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

# Rows per INSERT statement: three parameters each, well under SQLite's limit of parameters.
INSERT_CHUNK = 250


class DatabaseCache(StockDatabaseCache):
    """``django.core.cache.backends.db.DatabaseCache`` whose ``set_many`` is one batch."""

    def set_many(self, data: Mapping[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[str]:
        if not data:
            return []
        entries = {self.make_and_validate_key(key, version=version): value for key, value in data.items()}
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        rows = [(key, base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1"), expires)
                for key, value in entries.items()]
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
                # Replacing = deleting what is there, then inserting: the same outcome as the stock
                # update-or-insert, key by key, in two statements for the batch.
                keys = list(entries)
                for start in range(0, len(keys), INSERT_CHUNK):
                    chunk = keys[start:start + INSERT_CHUNK]
                    cursor.execute(f"DELETE FROM {table} WHERE {quote_name('cache_key')} IN "
                                   f"({', '.join(['%s'] * len(chunk))})", chunk)
                columns = ", ".join(quote_name(name) for name in ("cache_key", "value", "expires"))
                for start in range(0, len(rows), INSERT_CHUNK):
                    chunk_rows = rows[start:start + INSERT_CHUNK]
                    cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join(['(%s, %s, %s)'] * len(chunk_rows))}",
                                   [value for row in chunk_rows for value in row])
        except DatabaseError:
            # As the stock backend: a write that fails (a concurrent writer of the same key) is not an
            # error of the page that asked; the entries are simply not cached.
            return list(data)
        return []
