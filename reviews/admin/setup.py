"""Configuration the console's admins and senior reviewers edit: policies and CRM allow-lists.

Every saved edit is kept by simple-history ("History" on each record), and a policy's version goes
up with each save, so an automatic approval names the exact rules it followed.
"""

import copy
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from ..conf import hitlcrm_settings
from ..models import CrmObjectRule, Policy
from ..services.actors import Actor
from ..services.policy_changes import policy_save
from ..services.replay import Replay, policy_replay
from .layout import FullWidthMixin

# The change form's "Preview impact" button: the form is validated and the replay shown; nothing is saved.
PREVIEW = "_preview"


def _lines(text: str, *, commas: bool = True) -> list[str]:
    if commas:
        text = text.replace(",", "\n")
    return [item for item in (part.strip() for part in text.splitlines()) if item]


class LinesField(forms.CharField):
    """A list typed one item a line (or, with ``commas``, comma-separated): what a JSON list was."""

    def __init__(self, *args: Any, commas: bool = True, upper: bool = False, rows: int = 3, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows, "cols": 60}))
        super().__init__(*args, **kwargs)
        self.commas, self.upper = commas, upper

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        items = _lines(super().to_python(value) or "", commas=self.commas)
        return [item.upper() for item in items] if self.upper else items


class LabelledMultiWidget(forms.MultiWidget):
    """One input per named key, each with its label (a length limit, a tone category)."""

    template_name = "admin/reviews/policy/labelled_multiwidget.html"

    def __init__(self, keys: list[str], widget: Any, labels: dict[str, str] | None = None) -> None:
        self.keys, self.labels = keys, labels or {}
        super().__init__({key: widget() for key in keys})

    def decompress(self, value: Any) -> list[Any]:
        value = value or {}
        return [value.get(key) for key in self.keys] if isinstance(value, dict) else [None] * len(self.keys)

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["rows"] = [(key, self.labels.get(key, key.replace("_", " ")), sub)
                                     for key, sub in zip(self.keys, context["widget"]["subwidgets"], strict=True)]
        return context


class LengthLimitsField(forms.MultiValueField):
    """A number of characters per limit; empty keeps HITLCRM_LENGTH_LIMITS' default."""

    def __init__(self, keys: list[str], defaults: dict[str, int], **kwargs: Any) -> None:
        self.keys = keys
        labels = {key: f"{key.replace('_', ' ').capitalize()} (default {defaults[key]})" if key in defaults
                  else key.replace("_", " ").capitalize() for key in keys}
        fields = [forms.IntegerField(required=False, min_value=1) for _ in keys]
        super().__init__(fields=fields, require_all_fields=False, required=False,
                         widget=LabelledMultiWidget(keys, lambda: forms.NumberInput(attrs={"min": 1, "style": "width: 8em"}),
                                                    labels), **kwargs)

    def compress(self, values: list[Any]) -> dict[str, int]:
        return {key: value for key, value in zip(self.keys, values or [], strict=False) if value is not None}


class PhrasesByCategoryField(forms.MultiValueField):
    """Phrases a line per tone category: the tone lexicon's additions for this task type."""

    def __init__(self, keys: list[str], **kwargs: Any) -> None:
        self.keys = keys
        fields = [LinesField(commas=False) for _ in keys]
        super().__init__(fields=fields, require_all_fields=False, required=False,
                         widget=LabelledMultiWidget(keys, lambda: forms.Textarea(attrs={"rows": 2, "cols": 60})),
                         **kwargs)

    def compress(self, values: list[Any]) -> dict[str, list[str]]:
        return {key: value for key, value in zip(self.keys, values or [], strict=False) if value}


def _check_choices() -> list[tuple[str, str]]:
    """Each installed check, with its severity, the kinds it judges and the first sentence of its docstring."""
    import inspect

    from ..checks import registry

    choices = []
    for name in registry.names():
        check = registry.get(name)
        doc = " ".join((inspect.getdoc(type(check)) or "").split()).replace("``", "")
        first = re.sub(r"\s*\((?:see|e\.g\.)[^)]*\)", "", doc.split(". ")[0]).rstrip(".")
        kinds = ", ".join(sorted(kind.replace("_", " ") for kind in check.kinds)) if check.kinds else "every kind"
        choices.append((name, f"{name} ({check.severity}; {kinds}){': ' + first if first else ''}"))
    return choices


class PolicyForm(forms.ModelForm):
    """The policy form, every field a form field with help text (lists one item a line, checks as
    checkboxes, limits and tone phrases a box each: no JSON). With ``preview`` (the "Preview impact"
    button, see ``PolicyAdmin.get_form``), validating it replays the values typed
    (reviews/services/replay.py) and never passes: the change form renders again with what was typed
    and the replay, and nothing is saved."""

    preview = False
    replay: Replay | None = None

    class Meta:
        model = Policy
        # Every field but the bookkeeping the save sets (version, updated_at).
        fields = [field.name for field in Policy._meta.fields if field.name not in ("id", "version", "updated_at")]
        help_texts = {
            "task_type": "The agent's task type this policy governs (e.g. cold_email); \"*\" is the default policy "
                         "for task types without their own.",
            "agent_version": "Only the outputs naming this agent version (e.g. 2.3.1), exactly as the agent sends it "
                             "as agent_version. Blank: any.",
            "prompt_version": "Only the outputs naming this prompt version (e.g. v7), as the agent sends it as "
                              "prompt_version. Blank: any.",
            "agent_model": "Only the outputs naming this model (e.g. gpt-4o-2024-08-06), as the agent sends it as "
                           "model. Blank: any.",
            "mode": "Always review: a person decides every item. Calibrated: an item that passes every check and "
                    "clears both confidence thresholds is approved automatically (a share still goes to a person, "
                    "the audit sample). Log only: approved and logged, for reversible actions only.",
            "confidence_threshold": "Calibrated mode: the agent's overall confidence (0 to 1) an item needs to be "
                                    "approved without a person. The confidence check flags items under it.",
            "field_confidence_threshold": "CRM changes: each changed field's own confidence (0 to 1) must reach this "
                                          "too; one field under it sends the whole change to a person.",
            "stakes": "How much a wrong item costs; with reversibility, it orders the queue (risk).",
            "reversible": "The action can be undone after it executes (a CRM value, not a sent email). Needed for "
                          "log only.",
            "required_approvals": "2: four eyes for every item of this task type (a senior reviewer gives the second).",
            "sla_minutes": "Minutes an item may wait for a decision before it is escalated.",
            "expire_after_minutes": "Unreviewed items expire after this many minutes; empty: never.",
            "send_window_start_hour": "Approved emails are sent from this hour (0–23) in the time zone below; "
                                      "empty: any time.",
            "send_window_end_hour": "…until this hour (0–23).",
            "send_window_timezone": "An IANA time zone, e.g. Europe/Berlin.",
            "four_eyes_min_risk": "Items at or above this risk (stakes, plus one when not reversible) need two "
                                  "approvers; empty: none by risk.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.preview and kwargs.get("instance") is not None:
            # Validation writes the typed values into the instance: a copy's, so the page's title and the
            # "saved policy" column still show the policy as saved.
            kwargs["instance"] = copy.copy(kwargs["instance"])
        super().__init__(*args, **kwargs)
        from ..checks.lexicon import DEFAULT_TONE_LEXICON

        instance = self.instance
        fields = self.fields
        fields["checks"] = forms.MultipleChoiceField(
            choices=_check_choices(), widget=forms.CheckboxSelectMultiple, required=False, label="Checks to run",
            help_text="None ticked: the kind's default checks run. Hard checks block an item; soft ones send it "
                      "to a person.")
        fields["four_eyes_fields"] = LinesField(
            label="Four-eyes fields", help_text="CRM field API names, one a line (e.g. Amount): a change to one of "
                                                "them needs two approvers.")
        defaults = dict(hitlcrm_settings.LENGTH_LIMITS)
        limit_keys = [*defaults, *(key for key in (instance.length_limits or {}) if key not in defaults)]
        fields["length_limits"] = LengthLimitsField(
            limit_keys, defaults, label="Length limits",
            help_text="Characters at most, for this task type; empty keeps the default (HITLCRM_LENGTH_LIMITS).")
        categories = [*DEFAULT_TONE_LEXICON, *(key for key in (instance.tone_lexicon or {})
                                               if key not in DEFAULT_TONE_LEXICON)]
        fields["tone_lexicon"] = PhrasesByCategoryField(
            categories, label="Tone phrases added",
            help_text="Phrases the tone check flags for this task type, one a line per category, on top of the "
                      "built-in lexicon.")
        fields["tone_allowed"] = LinesField(
            commas=False, label="Tone phrases allowed",
            help_text="Phrases of the lexicon this task type may use, one a line (e.g. \"limited time\" for a "
                      "genuine deadline).")
        fields["lawful_basis_regions"] = LinesField(
            upper=True, rows=2, label="Lawful basis required in",
            help_text="Recipient countries (ISO 3166-1 alpha-2, or EU, EEA), comma-separated, e.g. EEA, GB, CA: "
                      "an email there needs a recorded consent or legitimate interest.")

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
    if any(o.held_for_version or o.canaries for _, o in outcomes):
        rows.append(("Held for a person by the version rule (a version whose own record had not cleared the bound)",
                     {name: str(o.held_for_version) for name, o in outcomes}))
    if any(o.canaries for _, o in outcomes):
        rows.append(("… let through as a new version's canary", {name: str(o.canaries) for name, o in outcomes}))
    upper = replay.candidate.error_rate_upper_95
    return {
        "replay": replay, "rows": rows, "has_saved": replay.saved is not None, "target": f"{target:.1%}",
        "clears_target": upper is not None and upper < target,
        "caught_by": list(replay.candidate.caught_by.items()), "uncaught": replay.candidate.uncaught,
        "checks_not_run": sorted(replay.candidate.checks_not_run.items()),
    }


SCOPE_DESCRIPTION = (
    "Blank, the policy governs every output of its task type that no more specific policy governs. Name an agent "
    "version, a prompt version and/or a model to give those outputs rules of their own (a new prompt held under "
    "always review, say). For each output the gate follows the most specific of the task type's policies that "
    "covers it: the one naming the most of the three, then, between two naming as many, the one naming the "
    "prompt version, then the model. A task type has one policy per combination. The task type's own policies "
    "come before the default policy's, whatever their scope.")


def policy_column(field: str, header: str) -> Any:
    """A list column showing the policy's ``field`` under a short ``header``, sortable by it."""

    @admin.display(description=header, ordering=field)
    def column(self: Any, obj: Policy) -> Any:
        return getattr(obj, field)

    return column


@admin.register(Policy)
class PolicyAdmin(FullWidthMixin, SimpleHistoryAdmin):
    form = PolicyForm
    change_form_template = "admin/reviews/policy/change_form.html"
    list_display = ("task_type", "scope", "mode_column", "threshold_column", "field_threshold_column",
                    "sample_column", "approvals_column", "sla_column", "version")
    list_filter = ("mode", "allow_bulk_decisions", "reversible")
    search_fields = ("task_type", "agent_version", "prompt_version", "agent_model")
    readonly_fields = ("version", "updated_at")

    fieldsets = (
        (None, {"fields": ("task_type", "mode")}),
        ("Versions it governs", {
            "description": SCOPE_DESCRIPTION,
            "fields": ("agent_version", "prompt_version", "agent_model")}),
        ("When an item is approved without a person", {
            "description": "Only in calibrated mode: an item must pass every check and reach both thresholds.",
            "fields": ("confidence_threshold", "field_confidence_threshold", "audit_sample_rate",
                       "error_rate_target")}),
        ("Checks", {"fields": ("checks", "length_limits", "tone_lexicon", "tone_allowed")}),
        ("Review", {"fields": ("stakes", "reversible", "required_approvals", "four_eyes_fields",
                               "four_eyes_min_risk", "allow_bulk_decisions", "sla_minutes", "expire_after_minutes")}),
        ("Email sending rules", {"fields": ("quiet_period_days", "send_window_start_hour", "send_window_end_hour",
                                            "send_window_timezone", "lawful_basis_regions", "cap_per_account",
                                            "cap_per_person", "cap_window_days")}),
        ("Version", {"fields": ("version", "updated_at")}),
    )

    # Short headers: the fields' own names (CONFIDENCE THRESHOLD, FIELD CONFIDENCE THRESHOLD…) with the
    # scope column made the list wider than a laptop screen.
    threshold_column = policy_column("confidence_threshold", "threshold")
    field_threshold_column = policy_column("field_confidence_threshold", "field threshold")
    sample_column = policy_column("audit_sample_rate", "sample")
    approvals_column = policy_column("required_approvals", "approvals")
    sla_column = policy_column("sla_minutes", "SLA min")

    @admin.display(description="versions it governs", ordering="prompt_version")
    def scope(self, obj: Policy) -> str:
        return obj.scope_label

    @admin.display(description="mode", ordering="mode")
    def mode_column(self, obj: Policy) -> str:
        # The mode's name, its explanation in the tooltip: the whole label squeezed the column to a word a line.
        return format_html('<span title="{}">{}</span>', obj.get_mode_display(), obj.mode_name)

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


# The CRM object rule form's "Show its fields" button: the object's describe is read and its fields
# offered; nothing is saved.
SHOW_FIELDS = "_show_fields"


@dataclass(frozen=True)
class CrmFieldChoice:
    """One field as the picker shows it: from the org's describe, or a name saved before that the
    describe no longer has (offered ticked, so it is dropped knowingly)."""

    name: str
    label: str
    type: str = ""
    length: int = 0
    in_describe: bool = True

    @property
    def size(self) -> str:
        return str(self.length) if self.length else ""


class FieldPicker(forms.CheckboxSelectMultiple):
    """Checkboxes in a table: label, API name, type and length, grouped under the object's label."""

    template_name = "admin/reviews/crmobjectrule/field_picker.html"
    option_template_name = "django/forms/widgets/checkbox_option.html"
    meta: dict[str, CrmFieldChoice]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meta = {}

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: Any, **kwargs: Any) -> dict:
        option = super().create_option(name, value, label, selected, index, **kwargs)
        option["field"] = self.meta.get(str(value))
        return option


def _names(text: str) -> list[str]:
    return [name for name in (part.strip() for part in text.replace(",", "\n").splitlines()) if name]


class NamesField(forms.CharField):
    """Field API names typed one a line (or comma-separated): the picker's stand-in while the CRM cannot
    be read."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 40})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value: Any) -> list[str]:
        names = _names(super().to_python(value) or "")
        bad = [name for name in names if not name.replace("_", "").isalnum()]
        if bad:
            raise ValidationError(f"Not a field API name: {', '.join(bad)} (letters, digits and underscores, "
                                  "one name a line).")
        return names


class CrmObjectRuleForm(forms.ModelForm):
    """The rule's object is picked among those the org lets hitlcrm write, and its fields from the org's
    describe (reviews/crm.py); when the CRM cannot be read, the form says why and takes names typed one
    a line instead (never JSON)."""

    show_fields = False  # the "Show its fields" button (a class of the request's own, see get_form)

    class Meta:
        model = CrmObjectRule
        fields = ["crm_object", "allowed_fields", "executor", "enabled", "run_assignment_rules",
                  "allow_duplicate_save", "strict_writes", "strict_fields"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crm_problem = ""
        self.description: Any = None
        chosen = (self.data.get("crm_object") if self.is_bound else None) or self.initial.get("crm_object") \
            or self.instance.crm_object
        objects = self._objects()
        if objects is not None:
            known = dict(objects)
            if chosen and chosen not in known:
                known[chosen] = chosen
            self.fields["crm_object"] = forms.ChoiceField(
                choices=[("", "— choose an object —"), *sorted(known.items(), key=lambda item: item[1].lower())],
                help_text="The objects your org lets hitlcrm create or update. Choose one, then press "
                          "\u201cShow its fields\u201d.", label="CRM object")
        if chosen:
            self.description = self._describe(chosen)
        saved = [str(name) for name in (self.instance.allowed_fields or [])] if self.instance.pk else []
        if self.description is not None or not self.crm_problem:
            choices = self._choices(saved) if self.description is not None else []
            label = self.description.label if self.description is not None else ""
            self.fields["allowed_fields"] = forms.MultipleChoiceField(
                choices=[(label, [(c.name, c.label) for c in choices])] if choices else [],
                widget=FieldPicker, required=False, label="Fields agents may propose",
                help_text="Tick each field an agent may change. Only fields the org lets hitlcrm write are listed.")
            self.fields["allowed_fields"].widget.meta = {c.name: c for c in choices}
            self.fields["strict_fields"] = forms.MultipleChoiceField(
                choices=[(label, [(c.name, c.label) for c in choices])] if choices else [],
                widget=FieldPicker, required=False, label="Strict fields",
                help_text=CrmObjectRule._meta.get_field("strict_fields").help_text)
            self.fields["strict_fields"].widget.meta = {c.name: c for c in choices}
        else:
            self.fields["allowed_fields"] = NamesField(
                required=False, label="Fields agents may propose",
                help_text="Field API names, one a line (e.g. Title): the org's fields cannot be listed right now "
                          "(above).")
            self.fields["strict_fields"] = NamesField(
                required=False, label="Strict fields",
                help_text=CrmObjectRule._meta.get_field("strict_fields").help_text + " One API name a line.")

    def _objects(self) -> list[tuple[str, str]] | None:
        from .. import crm

        if not crm.crm_configured():
            self.crm_problem = ("Salesforce is not configured (SALESFORCE_INSTANCE_URL and SALESFORCE_SESSION_ID, "
                                "SALESFORCE_USERNAME, or SALESFORCE_CONSUMER_KEY; see docs/configuration.md).")
            return None
        try:
            return crm.writable_objects()
        except crm.CrmError as exc:
            self.crm_problem = f"Salesforce cannot be read: {exc}"
            return None

    def _describe(self, name: str) -> Any:
        from .. import crm

        if self.crm_problem:
            return None
        try:
            return crm.describe_object(name)
        except crm.CrmPermanentError as exc:
            self.crm_problem = f"Salesforce has no object {name!r} this login can describe: {exc}"
        except crm.CrmError as exc:
            self.crm_problem = f"Salesforce cannot describe {name}: {exc}"
        return None

    def _choices(self, saved: list[str]) -> list[CrmFieldChoice]:
        fields = [CrmFieldChoice(name=spec.name, label=spec.label, type=spec.type, length=spec.length)
                  for spec in self.description.fields.values()
                  if (spec.updateable or spec.createable) and not spec.calculated]
        known = {choice.name.lower() for choice in fields}
        gone = [CrmFieldChoice(name=name, label=name, in_describe=False) for name in saved if name.lower() not in known]
        return [*sorted(fields, key=lambda choice: choice.label.lower()), *gone]

    def clean_allowed_fields(self) -> list[str]:
        names = list(self.cleaned_data.get("allowed_fields") or [])
        if self.description is not None:
            # The describe's own spelling, so lists stay one case (Salesforce names are case-insensitive).
            spelled = {spec.name.lower(): spec.name for spec in self.description.fields.values()}
            names = [spelled.get(name.lower(), name) for name in names]
        return names

    def clean_strict_fields(self) -> list[str]:
        return list(self.cleaned_data.get("strict_fields") or [])

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return valid and not self.show_fields


@admin.register(CrmObjectRule)
class CrmObjectRuleAdmin(FullWidthMixin, SimpleHistoryAdmin):
    form = CrmObjectRuleForm
    change_form_template = "admin/reviews/crmobjectrule/change_form.html"
    list_display = ("crm_object", "fields_allowed", "executor", "enabled", "run_assignment_rules",
                    "allow_duplicate_save", "strict_writes")
    list_filter = ("executor", "enabled", "run_assignment_rules", "allow_duplicate_save", "strict_writes")
    search_fields = ("crm_object",)
    fieldsets = (
        (None, {"fields": ("crm_object", "allowed_fields")}),
        ("Execution", {"fields": ("executor", "enabled", "strict_writes", "strict_fields")}),
        ("Salesforce automation", {"fields": ("run_assignment_rules", "allow_duplicate_save")}),
    )

    @admin.display(description="fields agents may propose")
    def fields_allowed(self, rule: CrmObjectRule) -> str:
        names = [str(name) for name in rule.allowed_fields or []]
        return ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "") if names else "—"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.method == "POST" and SHOW_FIELDS in request.POST:
            return type(form.__name__, (form,), {"show_fields": True})  # a class of this request's own
        return form

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        form = context["adminform"].form
        context["crm_problem"] = getattr(form, "crm_problem", "")
        context["crm_description"] = getattr(form, "description", None)
        return super().render_change_form(request, context, *args, **kwargs)
