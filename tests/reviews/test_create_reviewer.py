"""``create_reviewer USERNAME --password P [--group ...]`` (SPEC: a stable-contract command). Roles are
hitlcrm's own groups (``hitlcrm: <role>``), and the command changes only users it created: a
project's own users, groups and superusers stay as they are. ``seed_demo`` runs only under the
demo settings, and a failure part-way leaves no login with the public demo password."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from reviews.roles import ROLES, ensure_roles, group_name
from tests.conftest import ROOT
from tests.factories import agent_with_token

pytestmark = pytest.mark.django_db


def create_reviewer(*args: str, **options: str) -> str:
    out = StringIO()
    call_command("create_reviewer", *args, stdout=out, **options)
    return out.getvalue()


def can_log_in(username: str, password: str) -> bool:
    """Through the console's login form, as a person would."""
    client = Client()
    response = client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
    return response.status_code == 302 and response.headers["Location"] == "/admin/"


@pytest.mark.parametrize("group", ROLES)
def test_it_creates_a_staff_user_in_the_role_who_can_log_in(group) -> None:
    assert create_reviewer("dana", password="s3cret-pass-phrase", group=group) == f"Created {group} 'dana'.\n"
    user = get_user_model().objects.get(username="dana")
    assert user.is_staff and not user.is_superuser and user.is_active
    assert [g.name for g in user.groups.all()] == [group_name(group)]
    assert user.has_usable_password() and user.check_password("s3cret-pass-phrase")
    assert can_log_in("dana", "s3cret-pass-phrase") and not can_log_in("dana", "wrong")


def test_the_default_role_is_reviewer() -> None:
    create_reviewer("dana", password="s3cret-pass-phrase")
    user = get_user_model().objects.get(username="dana")
    assert [g.name for g in user.groups.all()] == ["hitlcrm: reviewer"]
    assert user.has_perm("hitlcrm_reviews.decide_proposal")


def test_running_it_again_updates_the_same_user() -> None:
    create_reviewer("dana", password="first-pass-phrase", group="reviewer")
    assert create_reviewer("dana", password="second-pass-phrase", group="senior_reviewer") == (
        "Updated senior_reviewer 'dana'.\n")
    user = get_user_model().objects.get(username="dana")  # one user, now in the new role only
    assert [g.name for g in user.groups.all()] == ["hitlcrm: senior_reviewer"]
    assert can_log_in("dana", "second-pass-phrase") and not can_log_in("dana", "first-pass-phrase")


def test_an_unknown_role_is_refused_with_the_roles_it_accepts() -> None:
    with pytest.raises(CommandError) as refused:
        create_reviewer("dana", password="s3cret-pass-phrase", group="boss")
    message = str(refused.value)
    assert "--group" in message and "'boss'" in message
    assert all(role in message for role in ROLES)
    assert not get_user_model().objects.filter(username="dana").exists()


def test_from_the_shell_a_bad_role_exits_non_zero_and_says_why() -> None:
    result = subprocess.run([sys.executable, "manage.py", "create_reviewer", "dana", "--password", "x", "--group",
                             "boss"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "invalid choice: 'boss'" in result.stderr and "reviewer" in result.stderr


def test_the_password_is_required() -> None:
    with pytest.raises(CommandError, match="--password"):
        create_reviewer("dana")


def test_an_api_clients_user_is_never_made_a_console_user() -> None:
    client, _ = agent_with_token("sdr-bot")
    with pytest.raises(CommandError, match="user of API client 'sdr-bot'"):
        create_reviewer(client.user.username, password="s3cret-pass-phrase")
    client.user.refresh_from_db()
    assert not client.user.is_staff and not client.user.groups.exists()
    assert not client.user.check_password("s3cret-pass-phrase")


def test_a_superuser_of_the_project_is_never_changed() -> None:
    boss = get_user_model().objects.create_superuser("boss", "boss@example.com", "boss-own-pass-phrase")
    with pytest.raises(CommandError, match="'boss' is a superuser; create_reviewer changes no superuser"):
        create_reviewer("boss", password="s3cret-pass-phrase", group="admin")
    boss.refresh_from_db()
    assert boss.is_superuser and boss.check_password("boss-own-pass-phrase") and not boss.groups.exists()


def test_a_user_it_did_not_create_is_never_changed() -> None:
    accountant = get_user_model().objects.create_user("alice", "alice@example.com", "alice-own-pass-phrase")
    with pytest.raises(CommandError, match="'alice' is an existing user create_reviewer did not create") as refused:
        create_reviewer("alice", password="s3cret-pass-phrase")
    assert "hitlcrm: reviewer" in str(refused.value)  # says how to give the user a role instead
    accountant.refresh_from_db()
    assert not accountant.is_staff and accountant.check_password("alice-own-pass-phrase")


def test_the_projects_own_groups_are_left_as_they_are() -> None:
    from django.contrib.auth.models import Group, Permission

    own_admin = Group.objects.create(name="admin")
    own_admin.permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    before = set(own_admin.permissions.values_list("pk", flat=True))
    create_reviewer("dana", password="s3cret-pass-phrase", group="admin")
    user = get_user_model().objects.get(username="dana")
    user.groups.add(own_admin)  # the project puts its user in a group of its own too
    create_reviewer("dana", password="s3cret-pass-phrase", group="compliance")
    assert set(own_admin.permissions.values_list("pk", flat=True)) == before
    assert sorted(g.name for g in user.groups.all()) == ["admin", "hitlcrm: compliance"]
    assert not user.has_perm("hitlcrm_reviews.change_apiclient")


def test_an_existing_databases_role_groups_get_the_namespaced_names_and_a_projects_group_does_not() -> None:
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    migration = import_module("reviews.migrations.0012_console_accounts_and_namespaced_roles")
    for group in ensure_roles().values():  # the groups as an earlier version named them
        group.name = group.name.removeprefix("hitlcrm: ")
        group.save()
    Group.objects.filter(name="admin").update(name="hitlcrm-old-admin")
    own_admin = Group.objects.create(name="admin")  # a project's own, with its own permissions
    own_admin.permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    old = get_user_model().objects.create_user("rita")
    old.groups.add(Group.objects.get(name="reviewer"))
    migration.namespace_role_groups(apps, None)
    names = set(Group.objects.values_list("name", flat=True))
    assert {"hitlcrm: reviewer", "hitlcrm: senior_reviewer", "hitlcrm: compliance", "admin"} <= names
    assert "reviewer" not in names and "hitlcrm: admin" not in names
    assert create_reviewer("rita", password="s3cret-pass-phrase") == "Updated reviewer 'rita'.\n"  # hitlcrm's user


def test_seed_demo_refuses_outside_the_demo_settings(settings) -> None:
    settings.HITLCRM_DEMO = False
    with pytest.raises(CommandError, match="seed_demo runs only under the demo settings"):
        call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert not get_user_model().objects.exists()


def test_a_seed_demo_that_fails_part_way_leaves_no_demo_login(settings) -> None:
    settings.SALESFORCE_INSTANCE_URL = settings.SALESFORCE_SESSION_ID = ""
    settings.SALESFORCE_USERNAME = settings.SALESFORCE_CONSUMER_KEY = ""
    with pytest.raises(CommandError, match="Salesforce is not configured"):
        call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert not get_user_model().objects.exists()
