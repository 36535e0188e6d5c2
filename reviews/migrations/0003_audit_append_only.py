"""The audit table refuses UPDATE and DELETE in the database itself, from any client.

PostgreSQL: a row trigger raises unless the transaction set ``hitlcrm.audit_prune`` to ``on``
(only the retention command's prune does, through ``audit_guard_lifted``), and even then it lets
DELETE through, never UPDATE. TRUNCATE fires no row trigger: revoke it from the application's
role in production (``REVOKE TRUNCATE ON reviews_auditevent FROM <role>``).

SQLite: two triggers; DELETE passes only while ``hitlcrm_audit_prune_allowed()`` (a function each
connection of the application registers, see ``reviews.signals``) says so. A SQLite table rebuild
(a later migration that alters this table) drops triggers: ``verify_history`` warns when they
are missing, and re-running this migration's ``install`` restores them.

The chain head row is created here too, so the first append finds it.
"""

from django.db import migrations

TRIGGER = "hitlcrm_audit_append_only"

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND current_setting('hitlcrm.audit_prune', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: % of seq % refused', TG_OP, OLD.seq
            USING HINT = 'manage.py archive_history is the only way to prune the audit trail';
    END
    $$
    """,
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON {{table}}",
    f"""
    CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {{table}}
        FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()
    """,
]
POSTGRES_REMOVE = [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {{table}}", f"DROP FUNCTION IF EXISTS {TRIGGER}()"]

SQLITE_INSTALL = [
    f"DROP TRIGGER IF EXISTS {TRIGGER}_update",
    f"DROP TRIGGER IF EXISTS {TRIGGER}_delete",
    f"""
    CREATE TRIGGER {TRIGGER}_update BEFORE UPDATE ON {{table}}
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER {TRIGGER}_delete BEFORE DELETE ON {{table}} WHEN NOT hitlcrm_audit_prune_allowed()
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused (manage.py archive_history prunes)'); END
    """,
]
SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {TRIGGER}_update", f"DROP TRIGGER IF EXISTS {TRIGGER}_delete"]


def statements(vendor: str, *, remove: bool = False) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_REMOVE if remove else POSTGRES_INSTALL
    if vendor == "sqlite":
        return SQLITE_REMOVE if remove else SQLITE_INSTALL
    return []


def run(schema_editor, table: str, *, remove: bool = False) -> None:  # noqa: ANN001
    for sql in statements(schema_editor.connection.vendor, remove=remove):
        # No parameters: the PL/pgSQL body's '%' are its own placeholders, not the driver's.
        schema_editor.execute(sql.format(table=schema_editor.quote_name(table)), params=None)


def install(apps, schema_editor) -> None:  # noqa: ANN001
    run(schema_editor, apps.get_model("hitlcrm_reviews", "AuditEvent")._meta.db_table)
    apps.get_model("hitlcrm_reviews", "AuditChainHead").objects.using(schema_editor.connection.alias).get_or_create(pk=1)


def uninstall(apps, schema_editor) -> None:  # noqa: ANN001
    run(schema_editor, apps.get_model("hitlcrm_reviews", "AuditEvent")._meta.db_table, remove=True)


class Migration(migrations.Migration):
    dependencies = [("hitlcrm_reviews", "0002_cache_table")]
    operations = [migrations.RunPython(install, uninstall)]
