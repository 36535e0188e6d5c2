"""Reviewers: the console's own people, managed by the ``admin`` role without the command line.

The page lists only users hitlcrm created (``ConsoleAccount``): a host project's users, superusers
and groups never appear and are never changed (docs/plugin.md). Each save goes through
reviews/services/reviewers.py, which audits it; there is no delete (audit events and decisions point
at the person): deactivate instead.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from ..models import ConsoleAccount
from ..roles import GROUP_PREFIX, ROLES
from ..services.actors import Actor
from ..services.reviewers import (
    login_check,
    password_check,
    reviewer_create,
    reviewer_role,
    reviewer_update,
    self_change_check,
)
from .layout import FullWidthMixin

ROLE_HELP = {
    "reviewer": "Works the queues: approves, edits and rejects.",
    "senior_reviewer": "A reviewer who also gives the second approval of four-eyes items, rescues blocked items "
                       "and edits policies and CRM object rules.",
    "compliance": "Reads queues, review pages, policies and the audit history and exports; decides nothing.",
    "admin": "Everything above, plus reviewers, API clients and tokens, outbound action types and golden items.",
}
ROLE_CHOICES = [(role, f"{role.replace('_', ' ').capitalize()} — {ROLE_HELP[role][0].lower()}{ROLE_HELP[role][1:]}")
                for role in ROLES]


class _ServiceForm(forms.ModelForm):
    """A form whose save is the service's: ``ReviewerAdmin.save_model`` calls it with the cleaned data."""

    class Meta:
        model = ConsoleAccount
        fields: list[str] = []

    def _post_clean(self) -> None:
        pass  # the model instance is made by the service, not by this form


class ReviewerAddForm(_ServiceForm):
    login = forms.CharField(max_length=150, help_text="What they type to sign in.")
    email = forms.EmailField(required=False, help_text="Optional; where notifications go.")
    role = forms.ChoiceField(choices=ROLE_CHOICES, widget=forms.RadioSelect, initial="reviewer")
    password = forms.CharField(widget=forms.PasswordInput(render_value=False), strip=False,
                               help_text="Give it to them in person; the project's password rules apply.")
    password_again = forms.CharField(widget=forms.PasswordInput(render_value=False), strip=False,
                                     label="Password (again)")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        try:
            if data.get("login"):
                login_check(data["login"])
            if data.get("password") and data.get("login"):
                model = get_user_model()
                password_check(data["password"], model(**{model.USERNAME_FIELD: data["login"]}))
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class ReviewerChangeForm(_ServiceForm):
    editor: Any = None  # the admin editing (set on a class of the request's own, see ReviewerAdmin.get_form)
    role = forms.ChoiceField(choices=ROLE_CHOICES, widget=forms.RadioSelect)
    active = forms.BooleanField(required=False, help_text="Unticked, they can no longer sign in; their decisions "
                                                           "and audit events stay theirs.")
    password = forms.CharField(widget=forms.PasswordInput(render_value=False), strip=False, required=False,
                               label="New password", help_text="Leave empty to keep the current one.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role"].initial = reviewer_role(self.instance.user)
            self.fields["active"].initial = self.instance.user.is_active

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            if data.get("role"):
                self_change_check(actor_user=self.editor, user=self.instance.user, role=data["role"],
                                  active=bool(data.get("active")))
            if data.get("password"):
                password_check(data["password"], self.instance.user)
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(role, role.replace("_", " ").capitalize()) for role in ROLES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ConsoleAccount]) -> QuerySet[ConsoleAccount]:
        if self.value() in ROLES:
            return queryset.filter(user__groups__name=GROUP_PREFIX + self.value())
        return queryset


@admin.register(ConsoleAccount)
class ReviewerAdmin(FullWidthMixin, admin.ModelAdmin):
    list_display = ("login", "email", "role", "active", "last_login", "created_at")
    list_filter = (RoleFilter, "user__is_active")
    search_fields = ("user__" + get_user_model().USERNAME_FIELD,)
    actions = ["deactivate"]
    add_fieldsets = ((None, {"fields": ("login", "email", "role", "password", "password_again")}),)
    change_fieldsets = ((None, {"fields": ("role", "active", "password")}),)

    class Media:
        css = {"all": ("reviews/console.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsoleAccount]:
        # A superuser is the host's, whatever made it: never listed, never changed here.
        return super().get_queryset(request).select_related("user").filter(user__is_superuser=False)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = ReviewerChangeForm if obj is not None else ReviewerAddForm
        kwargs["fields"] = None
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user})  # a class of this request's own

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.change_fieldsets if obj is not None else self.add_fieldsets

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # decisions and audit events point at the person: deactivate instead

    @admin.display(description="login", ordering="user__username")
    def login(self, account: ConsoleAccount) -> str:
        return account.user.get_username()

    @admin.display(description="email")
    def email(self, account: ConsoleAccount) -> str:
        return getattr(account.user, account.user.get_email_field_name(), "") or ""

    @admin.display(description="role")
    def role(self, account: ConsoleAccount) -> str:
        role = reviewer_role(account.user)
        return role.replace("_", " ").capitalize() if role else "—"

    @admin.display(description="active", boolean=True)
    def active(self, account: ConsoleAccount) -> bool:
        return account.user.is_active

    @admin.display(description="last sign-in")
    def last_login(self, account: ConsoleAccount) -> Any:
        return account.user.last_login

    def save_model(self, request: HttpRequest, obj: ConsoleAccount, form: forms.ModelForm, change: bool) -> None:
        # Validated by the form; the service re-checks what only it can (a login taken meanwhile,
        # password rules, an admin demoting themselves) and its ValidationError becomes a form error
        # in ``_changeform_view`` below.
        actor = Actor.for_user(request.user, request)
        data = form.cleaned_data
        if change:
            reviewer_update(account=obj, role=data["role"], active=data["active"], password=data.get("password") or "",
                            actor=actor)
        else:
            account = reviewer_create(login=data["login"], email=data.get("email") or "", password=data["password"],
                                      role=data["role"], actor=actor)
            obj.pk, obj.user = account.pk, account.user

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        pass  # nothing related is edited here; the role groups are the service's

    def log_addition(self, *args: Any, **kwargs: Any) -> Any:
        return None  # the audit trail records it (reviewer_created); Django's LogEntry would duplicate it

    def log_change(self, *args: Any, **kwargs: Any) -> Any:
        return None

    def _changeform_view(self, request: HttpRequest, object_id: Any, form_url: str, extra_context: Any) -> Any:
        try:
            return super()._changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # What the service refused, shown on the form it came from (nothing was saved: the
            # service's transaction rolled back).
            self.message_user(request, " ".join(_messages(exc)), messages.ERROR)
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description="Deactivate the selected reviewers", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[ConsoleAccount]) -> None:
        actor = Actor.for_user(request.user, request)
        done, refused = 0, []
        for account in queryset.select_related("user"):
            if not account.user.is_active:
                continue
            try:
                reviewer_update(account=account, role=reviewer_role(account.user) or "reviewer", active=False,
                                actor=actor)
                done += 1
            except ValidationError as exc:
                refused.append(f"{account}: {' '.join(_messages(exc))}")
        if done:
            self.message_user(request, f"Deactivated {done} reviewer{'s' if done != 1 else ''}.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [message for errors in exc.message_dict.values() for message in errors]
    return list(exc.messages)
