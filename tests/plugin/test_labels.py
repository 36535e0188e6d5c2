"""The apps' labels cannot clash (``hitlcrm_reviews``, ``hitlcrm_integrations``), and a database made
under the old labels ``reviews`` and ``integrations`` moves to them with ``hitlcrm_relabel``, keeping
its tables, permissions, groups, admin log and history (docs/plugin.md, "Upgrading")."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.checks import run_checks
from django.db.migrations.recorder import MigrationRecorder

from reviews.apps import LABEL
from reviews.relabel import RelabelRefused, pending, relabel
from tests.plugin.conftest import ROOT


def test_the_labels_are_namespaced_and_every_table_keeps_its_name() -> None:
    assert apps.get_app_config("hitlcrm_reviews").name == "reviews" == apps.get_containing_app_config("reviews").name
    assert apps.get_app_config("hitlcrm_integrations").name == "integrations"
    assert LABEL == "hitlcrm_reviews"
    tables = {model._meta.db_table for model in apps.get_app_config(LABEL).get_models(include_auto_created=True)}
    assert "reviews_proposal" in tables and "reviews_historicalproposal" in tables
    assert "reviews_notificationroute_reviewers" in tables  # a many-to-many table follows its model's
    assert all(table.startswith("reviews_") for table in tables), sorted(tables)
    for model in apps.get_app_config(LABEL).get_models():
        if not model._meta.proxy:  # named in the model, not derived from the label (a test of reviews/models)
            assert model._meta.original_attrs.get("db_table") == f"reviews_{model._meta.model_name}", model


def test_a_host_app_labelled_reviews_and_one_labelled_integrations_install_beside_hitlcrm(host) -> None:
    """The host project (tests/host_project) has its own ``reviews`` and ``integrations`` apps: it
    migrated (the fixture), and both apps' admin pages, tables and permissions are their own."""
    checked = host.django("check", "--database", "default")
    assert checked.returncode == 0, checked.stderr
    assert "hitlcrm.E020" not in checked.stderr  # the host's own rows under ``reviews`` are not hitlcrm's
    out = host.python("""
        import io

        from django.apps import apps
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from django.core.management import call_command
        from django.db import connection
        from django.db.migrations.recorder import MigrationRecorder
        from django.test import Client

        print(apps.get_app_config("reviews").name, apps.get_app_config("hitlcrm_reviews").name,
              apps.get_app_config("integrations").name, apps.get_app_config("hitlcrm_integrations").name)
        tables = set(connection.introspection.table_names())
        print({"reviews_review", "integrations_connection", "reviews_proposal"} <= tables)
        print(sorted(MigrationRecorder(connection).migration_qs.filter(app="reviews").values_list("name", flat=True)))
        own = Group.objects.create(name="moderators")
        own.permissions.set(Permission.objects.filter(content_type__app_label="reviews"))
        call_command("create_reviewer", "rita@host.example", "--password", "pw-2026", "--group", "senior_reviewer",
                     stdout=io.StringIO())
        call_command("hitlcrm_relabel")  # nothing of hitlcrm's under the old labels: the host's rows stay
        print(sorted(MigrationRecorder(connection).migration_qs.filter(app="reviews").values_list("name", flat=True)))
        rita = get_user_model().objects.get(email="rita@host.example")
        print(rita.has_perm("hitlcrm_reviews.decide_proposal"), rita.has_perm("reviews.decide_review"),
              sorted(own.permissions.values_list("codename", flat=True)))
        owner = get_user_model().objects.create_superuser("owner@host.example", "pw")
        client = Client()
        client.force_login(owner)
        print([client.get(path).status_code for path in (
            "/admin/reviews/review/", "/admin/integrations/connection/", "/admin/hitlcrm_reviews/policy/",
            "/admin/hitlcrm_reviews/emaildraft/")])
    """)
    assert out.splitlines() == [
        "tests.host_project.reviews reviews tests.host_project.integrations integrations",
        "True",
        "['0001_initial']",
        "Nothing to relabel: no rows under the old app labels reviews and integrations.",
        "['0001_initial']",
        "True False ['add_review', 'change_review', 'decide_review', 'delete_review', 'view_review']",
        "[200, 200, 200, 200]",
    ]


def _standalone(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """``manage.py <args>`` of the standalone project on the SQLite database in ``folder``."""
    env = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    env.update(DJANGO_SETTINGS_MODULE="hitlcrm.settings.base", DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
               HITLCRM_VAR_DIR=str(folder / "var"), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300)


def _schema(database: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(database) as db:
        return sorted(db.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master"))


def _count(database: Path, sql: str) -> int:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchone()[0]


VERIFY = """
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from reviews.models import Policy
rita = get_user_model().objects.get(username="rita")
print(rita.has_perm("hitlcrm_reviews.decide_proposal"), rita.has_perm("hitlcrm_reviews.second_approve_proposal"),
      [group.name for group in rita.groups.all()])
entry = LogEntry.objects.get()
print(entry.get_edited_object() == Policy.objects.get(), entry.get_admin_url())
print(Policy.history.count())
"""


def test_an_existing_database_moves_to_the_new_labels_and_keeps_everything(tmp_path) -> None:
    """A database as hitlcrm made it under the old labels (the same tables, the rows named ``reviews``):
    ``migrate`` stops at hitlcrm.E020 naming the command; ``hitlcrm_relabel`` moves the rows once;
    ``migrate`` then applies nothing and creates nothing, and the role group, a reviewer's permissions,
    the admin's log and the history all resolve."""
    database = tmp_path / "db.sqlite3"
    made = _standalone(tmp_path, "migrate", "--noinput", "-v0")
    assert made.returncode == 0, made.stderr
    assert _standalone(tmp_path, "create_reviewer", "rita", "--password", "pw-rita-2026",
                       "--group", "senior_reviewer").returncode == 0
    logged = _standalone(tmp_path, "shell", "-v0", "-c", (
        "from django.contrib.admin.models import ADDITION, LogEntry; from django.contrib.auth import get_user_model; "
        "from django.contrib.contenttypes.models import ContentType; from reviews.models import Policy; "
        "policy = Policy.objects.create(task_type='*', mode='always_review'); "
        "LogEntry.objects.log_action(get_user_model().objects.get().pk, ContentType.objects.get_for_model(Policy).pk, "
        "policy.pk, str(policy), ADDITION)"))
    assert logged.returncode == 0, logged.stderr
    with sqlite3.connect(database) as db:  # what the same database recorded before the labels changed
        db.execute("UPDATE django_migrations SET app = 'reviews' WHERE app = 'hitlcrm_reviews'")
        db.execute("UPDATE django_content_type SET app_label = 'reviews' WHERE app_label = 'hitlcrm_reviews'")
    schema, permissions = _schema(database), _count(database, "SELECT count(*) FROM auth_permission")
    old_rows = _count(database, "SELECT count(*) FROM django_migrations WHERE app = 'reviews'")
    assert old_rows >= 17

    refused = _standalone(tmp_path, "migrate", "--noinput")
    assert refused.returncode != 0
    assert "hitlcrm.E020" in refused.stderr and "hitlcrm_relabel" in refused.stderr, refused.stderr
    assert _schema(database) == schema

    would = _standalone(tmp_path, "hitlcrm_relabel", "--check")
    assert would.returncode == 1 and f"To move: {old_rows} applied migration(s)" in would.stdout, would.stdout
    moved = _standalone(tmp_path, "hitlcrm_relabel")
    assert moved.returncode == 0, moved.stderr
    assert f"Moved {old_rows} applied migration(s)" in moved.stdout and "'reviews' (now 'hitlcrm_reviews')" in moved.stdout
    again = _standalone(tmp_path, "hitlcrm_relabel")
    assert again.returncode == 0 and "Nothing to relabel" in again.stdout, (again.stdout, again.stderr)

    migrated = _standalone(tmp_path, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    assert "No migrations to apply." in migrated.stdout
    assert _schema(database) == schema  # no table made, renamed or dropped
    assert _count(database, "SELECT count(*) FROM auth_permission") == permissions  # none made again
    assert _count(database, "SELECT count(*) FROM django_content_type WHERE app_label = 'reviews'") == 0
    verified = _standalone(tmp_path, "shell", "-v0", "-c", VERIFY)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.splitlines() == [
        "True True ['hitlcrm: senior_reviewer']", "True /admin/hitlcrm_reviews/policy/1/change/", "1"]


def _e020() -> list[str]:
    return [str(message.msg) for message in run_checks(databases=["default"]) if message.id == "hitlcrm.E020"]


@pytest.mark.django_db
def test_the_check_names_what_is_left_under_an_old_label_and_only_with_a_database() -> None:
    assert _e020() == [] and pending() == []
    MigrationRecorder.Migration.objects.create(app="reviews", name="0001_initial")
    ContentType.objects.create(app_label="integrations", model="connection")
    assert _e020() == [
        "database 'default' records 1 applied migration(s) and 0 content type(s) under the old app label 'reviews' "
        "(now 'hitlcrm_reviews')",
        "database 'default' records 0 applied migration(s) and 1 content type(s) under the old app label "
        "'integrations' (now 'hitlcrm_integrations')"]
    assert "hitlcrm.E020" not in {message.id for message in run_checks(tags=["hitlcrm"])}  # a worker's start: no query


@pytest.mark.django_db
def test_migrations_that_are_not_hitlcrms_are_refused_and_nothing_moves() -> None:
    MigrationRecorder.Migration.objects.create(app="reviews", name="0001_initial")
    MigrationRecorder.Migration.objects.create(app="reviews", name="0002_product_stars")
    ContentType.objects.create(app_label="reviews", model="review")
    with pytest.raises(RelabelRefused, match="0002_product_stars recorded under 'reviews' are not hitlcrm's"):
        relabel()
    assert MigrationRecorder.Migration.objects.filter(app="reviews").count() == 2
    assert ContentType.objects.filter(app_label="reviews").count() == 1


@pytest.mark.django_db
def test_a_row_under_both_labels_is_refused_and_nothing_moves() -> None:
    """A content type made under the new label before the command ran (the upgraded code served a page)."""
    MigrationRecorder.Migration.objects.filter(app=LABEL).delete()
    MigrationRecorder.Migration.objects.create(app="reviews", name="0001_initial")
    ContentType.objects.create(app_label="reviews", model="policy")  # hitlcrm_reviews.policy exists too
    with pytest.raises(RelabelRefused, match="policy exist under both 'reviews' and 'hitlcrm_reviews'"):
        relabel()
    assert MigrationRecorder.Migration.objects.filter(app="reviews").count() == 1
    assert ContentType.objects.filter(app_label="reviews").count() == 1


OLD_LABEL_SPELLINGS = re.compile(
    r"""(?<![\w.])reviews\.(?:view|add|change|delete|decide|second_approve|rescue|export|resume)_\w+"""
    r"""|admin:reviews_|perms\.reviews\.|(?<!templates)/admin/reviews[/"']|get_model\(\s*["']reviews["']"""
    r"""|f["']reviews\.\{|f["']admin:reviews_""")
# The upgrade notes, and this file's host apps that have the old labels.
SPEAK_OF_THE_OLD_LABEL = {"docs/plugin.md", "tests/plugin/test_labels.py"}
NEW_LABEL_LITERAL = re.compile(r"""["']hitlcrm_reviews[."'_]|["']hitlcrm_integrations["']""")


def test_nothing_spells_the_old_label_and_the_code_takes_the_new_one_from_its_constant() -> None:
    """A permission, admin URL name or path under the old label would quietly match nothing (``has_perm``
    is False, the link 404s). The code spells the label through ``reviews.apps`` (``LABEL``, ``perm()``,
    ``admin_url_name()``); templates (which cannot import it) and migrations (frozen) spell it out."""
    old, literal = [], []
    for folder in ("reviews", "integrations", "hitlcrm", "templates", "tests", "bench", ".ci", "docs"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".md", ".txt"} or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(ROOT).as_posix()
            text = path.read_text()
            if relative not in SPEAK_OF_THE_OLD_LABEL:
                old += [f"{relative}: {match}" for match in OLD_LABEL_SPELLINGS.findall(text)]
            if (path.suffix == ".py" and folder in {"reviews", "integrations", "hitlcrm"} and "migrations" not in path.parts
                    and relative not in {"reviews/apps.py", "integrations/apps.py"}):
                literal += [f"{relative}: {match}" for match in NEW_LABEL_LITERAL.findall(text)]
    assert old == [], "spelled with the old label: " + "; ".join(old)
    assert literal == [], "spell the label with reviews.apps.LABEL / perm() / admin_url_name(): " + "; ".join(literal)
