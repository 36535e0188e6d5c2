"""Configuration the console's admins and senior reviewers edit: policies and CRM allow-lists.

Every saved edit is kept by simple-history ("History" on each record), and a policy's version goes
up with each save, so an automatic approval names the exact rules it followed.
"""

import copy
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..conf import hitlcrm_settings
from ..models import CrmObjectRule, Policy
from ..services.actors import Actor
from ..services.policy_changes import policy_save
from ..services.replay import Replay, policy_replay

# The change form's "Preview impact" button: the form is validated and the replay shown; nothing is saved.
PREVIEW = "_preview"


class PolicyForm(forms.ModelForm):
    """The policy form. With ``preview`` (the "Preview impact" button, see ``PolicyAdmin.get_form``),
    validating it replays the values typed (reviews/services/replay.py) and never passes: the change
    form renders again with what was typed and the replay, and nothing is saved."""

    preview = False
    replay: Replay | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.preview and kwargs.get("instance") is not None:
            # Validation writes the typed values into the instance: a copy's, so the page's title and the
            # "saved policy" column still show the policy as saved.
            kwargs["instance"] = copy.copy(kwargs["instance"])
        super().__init__(*args, **kwargs)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if valid and self.preview:
            saved = Policy.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
            self.replay = policy_replay(candidate=self.instance, saved=saved)
            return False
        return valid


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def _bound(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def replay_shown(replay: Replay, *, target: float) -> dict[str, Any]:
    """The replay as the change form shows it: a row per figure, the values typed beside the saved ones."""
    outcomes = [("typed", replay.candidate), *([("saved", replay.saved)] if replay.saved else [])]
    rows = [
        ("Would have auto-approved", {name: f"{o.auto_approved} ({_share(o.auto_approved, replay.decisions)})"
                                      for name, o in outcomes}),
        ("… of which a reviewer had rejected or materially edited",
         {name: f"{o.errors_let_through} ({_share(o.errors_let_through, o.auto_approved)})" for name, o in outcomes}),
        ("95% upper bound of that error rate", {name: _bound(o.error_rate_upper_95) for name, o in outcomes}),
        ("Sent to a person by the audit sample", {name: str(o.sampled_for_audit) for name, o in outcomes}),
    ]
    upper = replay.candidate.error_rate_upper_95
    return {
        "replay": replay, "rows": rows, "has_saved": replay.saved is not None, "target": f"{target:.1%}",
        "clears_target": upper is not None and upper < target,
        "caught_by": list(replay.candidate.caught_by.items()), "uncaught": replay.candidate.uncaught,
        "checks_not_run": sorted(replay.candidate.checks_not_run.items()),
    }


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):
    form = PolicyForm
    change_form_template = "admin/reviews/policy/change_form.html"
    list_display = ("task_type", "mode", "confidence_threshold", "audit_sample_rate", "required_approvals",
                    "allow_bulk_decisions", "stakes", "reversible", "sla_minutes", "version")
    list_filter = ("mode", "allow_bulk_decisions", "reversible")
    search_fields = ("task_type",)
    readonly_fields = ("version", "updated_at")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.method == "POST" and PREVIEW in request.POST:
            return type(form.__name__, (form,), {"preview": True})  # a class of this request's own
        return form

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        context["replay_limit"] = hitlcrm_settings.REPLAY_DECISIONS
        form = context["adminform"].form
        if getattr(form, "replay", None) is not None:
            context["replay"] = replay_shown(form.replay, target=form.instance.error_rate_target)
        return super().render_change_form(request, context, *args, **kwargs)

    def save_model(self, request: HttpRequest, obj: Policy, form: forms.ModelForm, change: bool) -> None:
        # Audited with the replay of the rules saved (reviews/services/policy_changes.py).
        obj._history_user = request.user
        policy_save(policy=obj, actor=Actor.for_user(request.user, request))


@admin.register(CrmObjectRule)
class CrmObjectRuleAdmin(SimpleHistoryAdmin):
    list_display = ("crm_object", "executor", "enabled", "run_assignment_rules", "allow_duplicate_save",
                    "strict_writes")
    list_filter = ("executor", "enabled", "run_assignment_rules", "allow_duplicate_save", "strict_writes")
    search_fields = ("crm_object",)
