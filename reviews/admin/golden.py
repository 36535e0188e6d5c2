"""Golden items in the console: admins seed known-answer copies of proposals into the queue and read
the answers. Only admins see this page (reviewers must not be able to tell a golden item from the
agent's own): the queue and the review page show golden items exactly like the others.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from ..apps import admin_url_name
from ..models import Decision, GoldenExpectation, GoldenItem
from ..services.actors import Actor
from ..services.golden import MAX_COPIES, GoldenSeedRefused, golden_items_seed
from ..services.reviewer_quality import HUMAN, edits_are_material
from .headers import protect


class GoldenSeedForm(forms.Form):
    source = forms.IntegerField(min_value=1, label="Copy proposal #",
                                help_text="The agent's proposal to copy: its content, evidence and check results.")
    expected = forms.ChoiceField(choices=GoldenExpectation.choices, widget=forms.RadioSelect,
                                 label="Known answer")
    copies = forms.IntegerField(min_value=1, max_value=MAX_COPIES, initial=1,
                                help_text="Several copies let several reviewers answer the same item, so their "
                                          "agreement is measured too.")
    subject = forms.CharField(required=False, help_text="An email's subject, changed (e.g. to plant an error).")
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="An email's body, changed.")
    fields = forms.JSONField(required=False, label="CRM fields",
                             help_text='A CRM change\'s proposed values, changed: {"Title": "VP Sales"}.')
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="What the known answer rests on (e.g. the error planted).")

    def edits(self) -> dict[str, Any]:
        data = self.cleaned_data
        edits = {name: data[name] for name in ("subject", "body") if data.get(name)}
        if isinstance(data.get("fields"), dict):
            edits.update(data["fields"])
        return edits


@admin.register(GoldenItem)
class GoldenItemAdmin(admin.ModelAdmin):
    list_display = ("item", "expected", "source_link", "answers", "seeded_by", "seeded_at", "retired_at")
    list_filter = ("expected",)
    list_select_related = ("proposal", "source", "seeded_by")
    readonly_fields = ("proposal", "source", "expected", "note", "seeded_by", "seeded_at", "retired_at")
    seed_template = "admin/reviews/goldenitem/seed.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[GoldenItem]:
        human = Decision.objects.live().filter(action__in=HUMAN).select_related("reviewer")
        return super().get_queryset(request).prefetch_related(
            Prefetch("proposal__decisions", queryset=human.order_by("created_at", "pk"), to_attr="answers"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="golden item")
    def item(self, obj: GoldenItem) -> str:
        return format_html('<a href="{}">{}</a> · {}', obj.proposal.admin_url(), obj.proposal,
                           obj.proposal.get_status_display())

    @admin.display(description="copy of")
    def source_link(self, obj: GoldenItem) -> str:
        return format_html('<a href="{}">{}</a>', obj.source.admin_url(), obj.source) if obj.source else "—"

    @admin.display(description="answers")
    def answers(self, obj: GoldenItem) -> str:
        answers = getattr(obj.proposal, "answers", [])
        if not answers:
            return "—"
        expected_catch = obj.expected == GoldenExpectation.CATCH
        return format_html_join(", ", "{} {} ({})", (
            (decision.reviewer.get_username(), decision.get_action_display().lower(),
             "right" if _caught(decision) == expected_catch else "wrong")
            for decision in answers))

    def get_urls(self) -> list[Any]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_seed"
        return [path("seed/", self.admin_site.admin_view(self.seed_view), name=name), *super().get_urls()]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return self.seed_view(request)

    def seed_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = GoldenSeedForm(request.POST or None, initial={"source": request.GET.get("source")})
        if request.method == "POST" and form.is_valid():
            try:
                seeded = golden_items_seed(
                    source_id=form.cleaned_data["source"], expected=form.cleaned_data["expected"],
                    actor=Actor.for_user(request.user, request), copies=form.cleaned_data["copies"],
                    edits=form.edits(), note=form.cleaned_data["note"])
            except GoldenSeedRefused as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, f"{len(seeded)} golden item(s) in the queue: "
                                           f"{', '.join(f'#{item.proposal_id}' for item in seeded)}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse(admin_url_name("goldenitem", "changelist")))
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                   "title": "Seed golden items"}
        return protect(TemplateResponse(request, self.seed_template, context))


def _caught(decision: Decision) -> bool:
    """The reviewer caught an error: rejected, or approved after a material edit."""
    return decision.action == Decision.Action.REJECT or edits_are_material(decision.edits or {})
