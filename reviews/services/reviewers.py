"""Use cases: an admin creates a console user, gives them a role, sets a password, deactivates them.

hitlcrm manages only the people it created (a ``ConsoleAccount`` marks them): in a host project the
project's own users, its superusers and its groups are never touched. A role is one of hitlcrm's
namespaced groups (reviews/roles.py); changing a person's role swaps that group only, and any group of
the host's they are in stays. Every change is an audit event in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from ..audit_actions import AuditAction
from ..models import ApiClient, ConsoleAccount
from ..roles import GROUP_PREFIX, ROLES, ensure_roles
from .actors import Actor
from .audit import audit_record


def reviewer_role(user: Any) -> str | None:
    """The hitlcrm role ``user`` holds (the first in ROLES order if several), or None."""
    held = {name[len(GROUP_PREFIX):] for name in user.groups.filter(name__startswith=GROUP_PREFIX)
            .values_list("name", flat=True)}
    return next((role for role in ROLES if role in held), None)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError({"role": f"{role!r} is not a role; choose one of {', '.join(ROLES)}."})


def _set_role(user: Any, role: str) -> None:
    groups = ensure_roles()
    # Only hitlcrm's role groups change; any group of the host project's the user is in stays.
    others = user.groups.exclude(pk__in=[group.pk for group in groups.values()])
    user.groups.set([*others, groups[role]])


def login_check(login: str) -> None:
    """Refuse a login that already exists: an existing user is the host project's to manage."""
    model = get_user_model()
    if model._default_manager.filter(**{f"{model.USERNAME_FIELD}__iexact": login.strip()}).exists():
        raise ValidationError({"login": f"A user {login.strip()!r} already exists. hitlcrm manages only the users it "
                                        "creates: give an existing user a role by adding them to a hitlcrm group "
                                        "in your project's admin, or choose another login."})


def password_check(password: str, user: Any) -> None:
    """The project's password rules (AUTH_PASSWORD_VALIDATORS), as a form error on ``password``."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def self_change_check(*, actor_user: Any, user: Any, role: str, active: bool) -> None:
    """An admin may not deactivate or demote themselves: the console could be left without an admin."""
    if actor_user is None or actor_user.pk != user.pk:
        return
    if not active:
        raise ValidationError({"active": "You cannot deactivate your own login; ask another admin."})
    if reviewer_role(user) == "admin" and role != "admin":
        raise ValidationError({"role": "You cannot take the admin role from yourself; ask another admin."})


def _subject(account: ConsoleAccount) -> dict[str, Any]:
    return {"login": account.user.get_username(), "user_id": account.user.pk}


def reviewer_create(*, login: str, email: str = "", password: str, role: str, actor: Actor) -> ConsoleAccount:
    """A new console user (staff, active) in ``role``, marked as hitlcrm's own. Refuses a login that
    already exists: an existing user is the host project's to manage (its admin's groups)."""
    _check_role(role)
    model = get_user_model()
    login = login.strip()
    if not login:
        raise ValidationError({"login": "Give a login."})
    login_check(login)
    login_field = model.USERNAME_FIELD
    fields = {login_field: login}
    email_field = model.get_email_field_name()
    if email and email_field != login_field and hasattr(model, email_field):
        fields[email_field] = email
    user = model(**fields)
    password_check(password, user)
    with transaction.atomic():
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        account = ConsoleAccount.objects.create(user=user)
        _set_role(user, role)
        audit_record(action=AuditAction.REVIEWER_CREATED, actor=actor,
                     data={**_subject(account), "role": role, "email": email})
    return account


def _refuse_not_ours(account: ConsoleAccount) -> None:
    user = account.user
    if user.is_superuser:
        raise ValidationError(f"{user.get_username()!r} is a superuser; hitlcrm changes no superuser.")
    if ApiClient.objects.filter(user=user).exists():
        raise ValidationError(f"{user.get_username()!r} is an API client's user, not a console user.")


def reviewer_update(*, account: ConsoleAccount, role: str, active: bool, password: str = "",
                    actor: Actor) -> list[str]:
    """Give ``account`` ``role``, (de)activate it and, with ``password``, set a new one. Records one
    audit event per change and returns their actions. An admin may not deactivate or demote themselves
    (the console could otherwise be left without an admin)."""
    _check_role(role)
    with transaction.atomic():
        account = ConsoleAccount.objects.select_related("user").select_for_update(of=("self",)).get(pk=account.pk)
        _refuse_not_ours(account)
        user = account.user
        old_role, was_active = reviewer_role(user), user.is_active
        self_change_check(actor_user=actor.user, user=user, role=role, active=active)
        if password:
            password_check(password, user)
        done = []
        if role != old_role:
            _set_role(user, role)
            audit_record(action=AuditAction.REVIEWER_ROLE_CHANGED, actor=actor,
                         data={**_subject(account), "role": [old_role, role]})
            done.append(AuditAction.REVIEWER_ROLE_CHANGED)
        if active != was_active:
            user.is_active = active
            action = AuditAction.REVIEWER_REACTIVATED if active else AuditAction.REVIEWER_DEACTIVATED
            audit_record(action=action, actor=actor, data=_subject(account))
            done.append(action)
        if password:
            user.set_password(password)
            audit_record(action=AuditAction.REVIEWER_PASSWORD_SET, actor=actor, data=_subject(account))
            done.append(AuditAction.REVIEWER_PASSWORD_SET)
        if active != was_active or password:
            user.save(update_fields=["is_active", "password"])
    return done
