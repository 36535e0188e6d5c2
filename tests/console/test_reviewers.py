"""The admin role manages the console's people on the Reviewers page: creates them, gives them a
hitlcrm role, deactivates them, every change audited; a host project's users, superusers and groups are
never listed or changed (docs/plugin.md, "Users and roles")."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from reviews.models import AuditEvent, ConsoleAccount
from reviews.roles import group_name
from tests.factories import UserFactory

from .conftest import logged_in

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"
ADD = "/admin/hitlcrm_reviews/consoleaccount/add/"


def new_reviewer(client, login: str = "nina", role: str = "reviewer", **extra):
    return client.post(ADD, {"login": login, "email": f"{login}@example.com", "role": role, "password": PASSWORD,
                             "password_again": PASSWORD, "_save": "Save", **extra})


def test_only_the_admin_role_reaches_the_reviewers_page(rita, sam, carl, ada) -> None:
    got = [logged_in(user).get("/admin/hitlcrm_reviews/consoleaccount/").status_code for user in (rita, sam, carl, ada)]
    assert got == [403, 403, 403, 200]
    assert logged_in(rita).get(ADD).status_code == 403


def test_an_admin_creates_a_reviewer_who_can_sign_in(ada) -> None:
    client = logged_in(ada)
    form = client.get(ADD).content.decode()
    # A role is picked among hitlcrm's four, each saying what it may do; no JSON, no group list.
    assert form.count('name="role"') == 4 and "Reviewer — works the queues" in form and 'name="groups"' not in form

    response = new_reviewer(client, "nina", "senior_reviewer")

    assert response.status_code == 302, response.content.decode()[:3000]
    user = get_user_model().objects.get(username="nina")
    assert user.is_staff and user.is_active and not user.is_superuser and user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == [group_name("senior_reviewer")]
    assert ConsoleAccount.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="reviewer_created")
    assert (event.actor, event.data["login"], event.data["role"]) == ("ada", "nina", "senior_reviewer")
    assert logged_in(user).get("/admin/hitlcrm_reviews/policy/").status_code == 200  # the role's pages
    listing = client.get("/admin/hitlcrm_reviews/consoleaccount/").content.decode()
    assert "nina" in listing and "Senior reviewer" in listing


def test_bad_input_is_named_and_nothing_is_created(ada) -> None:
    client = logged_in(ada)
    page = client.post(ADD, {"login": "ada", "role": "reviewer", "password": PASSWORD,
                             "password_again": PASSWORD}).content.decode()
    assert "A user &#x27;ada&#x27; already exists" in page
    page = client.post(ADD, {"login": "olaf", "role": "reviewer", "password": PASSWORD,
                             "password_again": "something else"}).content.decode()
    assert "The two passwords differ" in page
    page = client.post(ADD, {"login": "olaf", "role": "root", "password": PASSWORD,
                             "password_again": PASSWORD}).content.decode()
    assert "Select a valid choice" in page
    assert not get_user_model().objects.filter(username="olaf").exists()
    assert not AuditEvent.objects.filter(action="reviewer_created").exists()


def test_an_admin_changes_a_role_and_deactivates_keeping_the_hosts_groups(ada) -> None:
    client = logged_in(ada)
    new_reviewer(client, "nina")
    account = ConsoleAccount.objects.get(user__username="nina")
    hosts = Group.objects.create(name="marketing")  # a group of the host project's
    account.user.groups.add(hosts)
    url = f"/admin/hitlcrm_reviews/consoleaccount/{account.pk}/change/"

    response = client.post(url, {"role": "compliance", "_save": "Save"})  # "active" unticked

    assert response.status_code == 302, response.content.decode()[:3000]
    user = get_user_model().objects.get(username="nina")
    assert sorted(user.groups.values_list("name", flat=True)) == [group_name("compliance"), "marketing"]
    assert not user.is_active
    assert logged_in(user).get("/admin/hitlcrm_reviews/emaildraft/").status_code == 302  # signed out: to the login page
    actions = list(AuditEvent.objects.filter(action__startswith="reviewer_").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["reviewer_created", "reviewer_role_changed", "reviewer_deactivated"]
    assert AuditEvent.objects.get(action="reviewer_role_changed").data["role"] == ["reviewer", "compliance"]


def test_an_admin_cannot_lock_themselves_out(ada) -> None:
    client = logged_in(ada)
    new_reviewer(client, "adele", "admin")
    adele = get_user_model().objects.get(username="adele")
    client = logged_in(adele)
    url = f"/admin/hitlcrm_reviews/consoleaccount/{adele.hitlcrm_console_account.pk}/change/"
    page = client.post(url, {"role": "admin"}).content.decode()
    assert "You cannot deactivate your own login" in page
    page = client.post(url, {"role": "reviewer", "active": "on"}).content.decode()
    assert "You cannot take the admin role from yourself" in page
    adele.refresh_from_db()
    assert adele.is_active and list(adele.groups.values_list("name", flat=True)) == [group_name("admin")]


def test_the_hosts_users_and_superusers_are_neither_listed_nor_changed(ada) -> None:
    hosts = UserFactory(username="host_staff")
    root = UserFactory(username="root", is_superuser=True)
    ConsoleAccount.objects.create(user=root)  # even one marked as hitlcrm's: a superuser is the host's
    client = logged_in(ada)
    listing = client.get("/admin/hitlcrm_reviews/consoleaccount/").content.decode()
    assert "host_staff" not in listing and ">root<" not in listing
    assert client.get(f"/admin/hitlcrm_reviews/consoleaccount/{root.hitlcrm_console_account.pk}/change/").status_code == 302
    assert client.post(f"/admin/hitlcrm_reviews/consoleaccount/{root.hitlcrm_console_account.pk}/change/",
                       {"role": "reviewer"}).status_code == 302
    root.refresh_from_db()
    assert root.is_active and not root.groups.exists() and not hosts.groups.exists()
    # There is no delete: decisions and audit events point at the person.
    assert client.get(f"/admin/hitlcrm_reviews/consoleaccount/{root.hitlcrm_console_account.pk}/delete/").status_code in (
        302, 403)


def test_the_deactivate_action_audits_each_reviewer(ada) -> None:
    client = logged_in(ada)
    for login in ("nina", "omar"):
        new_reviewer(client, login)
    ids = list(ConsoleAccount.objects.filter(user__username__in=["nina", "omar"]).values_list("pk", flat=True))
    response = client.post("/admin/hitlcrm_reviews/consoleaccount/", {"action": "deactivate", "_selected_action": ids})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(username__in=["nina", "omar"], is_active=True).exists()
    assert AuditEvent.objects.filter(action="reviewer_deactivated").count() == 2
