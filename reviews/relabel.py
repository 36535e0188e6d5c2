"""The move of an existing database from the apps' old labels to their namespaced ones.

In 0.1.0 the apps had Django's default labels, their module names: ``reviews`` and ``integrations``,
which clash with any project's own app of the same name. They are now ``hitlcrm_reviews`` and
``hitlcrm_integrations`` (reviews/apps.py, integrations/apps.py); the tables keep their names. What a
database records under the label moves with it, once, before ``migrate``: the applied migrations
(``django_migrations.app``) and the content types (``django_content_type.app_label``), which the
permissions, the groups holding them and the admin's log point to. ``manage.py hitlcrm_relabel``
does it in one transaction; run again, it finds nothing to do. Until it has run, ``migrate`` stops
at check ``hitlcrm.E020`` (reviews/system_checks.py) instead of creating the tables again.

Rows under an old label are hitlcrm's only while no installed app has that label (a project's own
``reviews`` app owns its rows), and, for migrations, only if they are the names of hitlcrm's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

# The modules whose labels changed; their old label was the module's name (Django's default).
MODULES = ("reviews", "integrations")


class RelabelRefused(Exception):
    """The rows under an old label cannot be moved; the message says why and what to do."""


@dataclass(frozen=True)
class Move:
    """What a database holds under one old label."""

    old: str
    new: str
    migrations: tuple[str, ...]
    content_types: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.migrations or self.content_types)

    def __str__(self) -> str:
        return (f"{len(self.migrations)} applied migration(s) and {len(self.content_types)} content type(s) "
                f"under the old app label {self.old!r} (now {self.new!r})")


def renamed_labels() -> list[tuple[str, str]]:
    """``(old, new)`` for each installed app of hitlcrm's whose label changed."""
    by_module = {config.name: config.label for config in apps.get_app_configs()}
    return [(module, by_module[module]) for module in MODULES if by_module.get(module, module) != module]


def _tables(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def pending(using: str = DEFAULT_DB_ALIAS) -> list[Move]:
    """What the database still records under an old label of hitlcrm's (nothing: ``[]``).

    An old label that an installed app has now is skipped: its rows are that app's."""
    from django.contrib.contenttypes.models import ContentType

    connection = connections[using]
    tables = _tables(connection)
    recorder = MigrationRecorder(connection)
    moves = []
    for old, new in renamed_labels():
        if _installed_with_label(old) is not None:
            continue
        migrations: tuple[str, ...] = ()
        if recorder.Migration._meta.db_table in tables:
            migrations = tuple(recorder.migration_qs.filter(app=old).order_by("name").values_list("name", flat=True))
        content_types: tuple[str, ...] = ()
        if ContentType._meta.db_table in tables:
            content_types = tuple(ContentType.objects.using(using).filter(app_label=old).order_by("model")
                                  .values_list("model", flat=True))
        move = Move(old, new, migrations, content_types)
        if move:
            moves.append(move)
    return moves


def _installed_with_label(label: str) -> str | None:
    """The module of the installed app that has ``label``, if one has."""
    try:
        return apps.get_app_config(label).name
    except LookupError:
        return None


def relabel(using: str = DEFAULT_DB_ALIAS) -> list[Move]:
    """Move every row recorded under an old label to the new one, in one transaction; what it moved.

    Raises ``RelabelRefused`` (and moves nothing) when the migrations recorded under an old label are
    not hitlcrm's, or the new label already holds a row of the same name. An old label an installed app
    has now is left alone (``pending``): relabel before installing a project app with that label."""
    from django.contrib.contenttypes.models import ContentType

    connection = connections[using]
    recorder = MigrationRecorder(connection)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    with transaction.atomic(using=using):
        moves = pending(using)
        for move in moves:
            ours = {name for label, name in loader.disk_migrations if label == move.new}
            foreign = sorted(set(move.migrations) - ours)
            if foreign:
                raise RelabelRefused(
                    f"the migrations {', '.join(foreign)} recorded under {move.old!r} are not hitlcrm's: this "
                    f"database's {move.old!r} app is another one. Nothing was changed.")
            for table, field, names in (
                    (recorder.migration_qs.filter(app=move.new), "name", move.migrations),
                    (ContentType.objects.using(using).filter(app_label=move.new), "model", move.content_types)):
                clash = sorted(table.filter(**{f"{field}__in": names}).values_list(field, flat=True))
                if clash:
                    raise RelabelRefused(
                        f"{', '.join(clash)} exist under both {move.old!r} and {move.new!r} "
                        f"({table.model._meta.db_table}); the new rows were made after the upgrade, before this "
                        f"command ran. Delete the {move.new!r} ones (nothing refers to them unless the upgraded "
                        f"project already ran), then run it again. Nothing was changed.")
            recorder.migration_qs.filter(app=move.old).update(app=move.new)
            ContentType.objects.using(using).filter(app_label=move.old).update(app_label=move.new)
    ContentType.objects.clear_cache()
    return moves
