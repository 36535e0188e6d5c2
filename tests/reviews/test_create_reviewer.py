"""``create_reviewer USERNAME --password P [--group ...]`` (SPEC: a stable-contract command)."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from reviews.roles import ROLES
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
    assert [g.name for g in user.groups.all()] == [group]
    assert user.has_usable_password() and user.check_password("s3cret-pass-phrase")
    assert can_log_in("dana", "s3cret-pass-phrase") and not can_log_in("dana", "wrong")


def test_the_default_role_is_reviewer() -> None:
    create_reviewer("dana", password="s3cret-pass-phrase")
    user = get_user_model().objects.get(username="dana")
    assert [g.name for g in user.groups.all()] == ["reviewer"]
    assert user.has_perm("reviews.decide_proposal")


def test_running_it_again_updates_the_same_user() -> None:
    create_reviewer("dana", password="first-pass-phrase", group="reviewer")
    assert create_reviewer("dana", password="second-pass-phrase", group="senior_reviewer") == (
        "Updated senior_reviewer 'dana'.\n")
    user = get_user_model().objects.get(username="dana")  # one user, now in the new role only
    assert [g.name for g in user.groups.all()] == ["senior_reviewer"]
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
