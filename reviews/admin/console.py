"""Queues and the review page. The views are thin adapters over reviews.services.decisions.

A decision is one POST. When the console's script sends it (header ``X-Console-Swap: 1``), the
response is the next item's review page, already rendered and claimed, and the script swaps it in;
without the script the same POST answers with a redirect (303) to that page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html

from ..apps import admin_url_name, perm
from ..conf import hitlcrm_settings
from ..gate import thresholds_explained
from ..kinds import kind_of, registered_kinds
from ..models import (
    AuditEvent,
    CheckResult,
    CrmFieldChange,
    Decision,
    Proposal,
    ReasonCode,
)
from ..models.clients import login_path
from ..models.execution import Execution
from ..search import proposals_search, search_short_terms
from ..selectors import policy_find
from ..services.actors import Actor
from ..services.crm_identity import UNAVAILABLE, proposal_identities, proposal_identity
from ..services.decisions import (
    OVERWRITE,
    REBASE,
    DecisionRefused,
    EditChecksFailed,
    proposal_claim,
    proposal_decide,
    proposal_rebase,
    proposal_rescue,
    proposal_undo,
    proposals_decide_bulk,
    undo_deadline,
)
from ..services.reviewer_quality import review_opening_record
from ..state_machine import DECIDABLE, IllegalTransition, Status
from ..templatetags.check_flags import check_flags
from . import queue
from .headers import protect
from .queue import QUEUE_FILTERS, QUEUE_ORDER, QUEUE_ORDER_REVERSED, QueuePaginator

SWAP_HEADER = "X-Console-Swap"
UNDO_SESSION_KEY = "console_undo"
UNDO_LATE_NOTICE = timedelta(seconds=30)
BULK_LIMIT = 200
# How many items the next-item search passes over when others claim them first, before it gives up
# and shows the last one found (with who holds it).
NEXT_ITEM_TRIES = 5


def safe_link(url: Any) -> str | None:
    """Only plain web links become clickable; ``javascript:``, ``data:`` and the like stay text."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in {"http", "https"} and parts.netloc else None


def age(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return ""
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


class QueueChangeList(ChangeList):
    """Rows open the review page, and the page's rows come with what the queue shows of them in
    a fixed number of queries (failing checks, CRM field names, live approvals)."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet[Proposal]:
        return super().get_queryset(request, exclude_parameters).prefetch_related(
            Prefetch("check_results", queryset=CheckResult.objects.filter(passed=False).only("proposal_id", "name"),
                     to_attr="failed_checks"),
            Prefetch("field_changes", queryset=CrmFieldChange.objects.only("proposal_id", "field").order_by("pk"),
                     to_attr="field_names"),
            Prefetch("decisions", queryset=Decision.objects.live_approvals()
                     .select_related("reviewer").only("proposal_id", login_path("reviewer")), to_attr="approvals"),
        )

    def get_results(self, request: HttpRequest) -> None:
        """The page's rows, each with who its CRM record is (``crm_identity``), read for the whole
        page at once: one cache read, and on a miss one CRM query per object, never one per row."""
        super().get_results(request)
        identities = proposal_identities(self.result_list)
        for result in self.result_list:
            result.crm_identity = identities.get(result.pk)
        problems = {identity.problem for identity in identities.values()
                    if identity.problem.startswith(UNAVAILABLE)}
        self.crm_unavailable = sorted(problems)[0] if problems else ""

    def url_for_result(self, result: Proposal) -> str:
        return reverse(self.model_admin.url_name("review"), args=[result.pk], current_app=self.model_admin.admin_site.name)


class ProposalAdmin(admin.ModelAdmin):
    """One admin for every kind; the kind comes from the (proxy) model's manager."""

    list_display = ("item", "crm_column", "status_badge", "risk_badge", "checks_column", "approvals_column",
                    "age_column", "holder")
    list_display_links = ("item",)
    list_filter = QUEUE_FILTERS
    list_select_related = ("agent", "claimed_by")
    ordering = QUEUE_ORDER
    sortable_by = ()  # the queue is always most urgent first, so "next item" means the same everywhere
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = QueuePaginator
    list_per_page = 50
    empty_value_display = ""
    # The search box: reviews.search (subject, body, recipients, company, the record's fields and
    # values, ids, references); search_fields only makes the admin show the box.
    search_fields = ("search_text",)
    search_help_text = ("Find by name, email, company, a word of the subject or body, an id or a reference; "
                        "every word must match.")
    actions = ("approve_selected", "reject_selected")
    change_list_template = "admin/reviews/queue.html"
    review_template = "admin/reviews/review.html"
    bulk_reject_template = "admin/reviews/bulk_reject.html"

    # --- permissions ----------------------------------------------------------------------
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # records change only through decisions on the review page

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(perm("decide_proposal"))

    def has_rescue_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(perm("rescue_proposal"))

    # --- the queue ------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[Proposal]:
        return super().get_queryset(request).defer(
            "body", "body_html", "original_output", "final_output", "evidence", "assumptions", "request_fingerprint",
            "decision_note", "search_text",
        )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Proposal],
                           search_term: str) -> tuple[QuerySet[Proposal], bool]:
        return proposals_search(queryset, search_term), False

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return QueueChangeList

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = {"queue_tabs": self.queue_tabs(request), "is_nav_sidebar_enabled": False, **(extra_context or {})}
        short = search_short_terms(request.GET.get("q", ""))
        if short:
            self.message_user(request, f"Left out of the search (under 3 characters, not an id): {', '.join(short)}.",
                              messages.WARNING)
        return protect(super().changelist_view(request, context))

    def queue_tabs(self, request: HttpRequest, current: str | None = None) -> list[dict[str, Any]]:
        """The queues a reviewer moves between, with capped counts of what waits in each."""
        tabs = []
        user = request.user
        for kind in registered_kinds():
            if user.has_perm(kind.view_permission):
                waiting = kind.model.objects.filter(status__in=DECIDABLE)
                tabs.append({"label": kind.plural_label, "count": QueuePaginator(waiting, 1).count,
                             "model": kind.model_name, "url": reverse(kind.admin_url_name("changelist"))})
        if user.has_perm(perm("view_proposal")):
            # No count here: finding second approvals means reading every waiting item's row.
            tabs.append({"label": "My queue", "count": None, "model": "mine",
                         "url": reverse(admin_url_name("proposal", "changelist")) + "?queue=mine"})
            tabs.append({"label": "Dashboard", "count": None, "model": "dashboard",
                         "url": reverse(admin_url_name("proposal", "dashboard"))})
        current = current or ("mine" if request.GET.get("queue") == "mine" else self.opts.model_name)
        for tab in tabs:
            tab["current"] = tab["model"] == current
        return tabs

    @admin.display(description="Item")
    def item(self, obj: Proposal) -> str:
        title, about = kind_of(obj).queue_item(obj, getattr(obj, "crm_identity", None))
        return format_html('<span class="q-title">{}</span><span class="q-sub">{} · {} · {}</span>', title, about,
                           obj.task_type, obj.agent)

    @admin.display(description="CRM")
    def crm_column(self, obj: Proposal) -> str:
        """The link that opens the record in the CRM (a column of its own: the item cell is a link)."""
        identity = getattr(obj, "crm_identity", None)
        if identity is None or not identity.url:
            return ""
        return format_html('<a class="crm-link" href="{}" target="_blank" rel="noopener noreferrer" '
                           'title="open {} {} in the CRM">{} ↗</a>', identity.url, identity.crm_object,
                           identity.crm_id, identity.crm_object)

    @admin.display(description="Status")
    def status_badge(self, obj: Proposal) -> str:
        return format_html('<span class="badge status-{}">{}</span>', obj.status, obj.get_status_display())

    @admin.display(description="Risk")
    def risk_badge(self, obj: Proposal) -> str:
        return format_html('<span class="badge risk risk-{}" title="{}">{}</span>', obj.risk,
                           queue.RISK_LABELS.get(obj.risk, ""), obj.risk)

    @admin.display(description="Checks")
    def checks_column(self, obj: Proposal) -> str:
        failed = [result.name for result in getattr(obj, "failed_checks", [])]
        if not failed:
            return format_html('<span class="ok">{}</span>', "✔ all passed")
        return format_html('<span class="fail q-checks">✘ {}</span>', ", ".join(failed))

    @admin.display(description="4-eyes")
    def approvals_column(self, obj: Proposal) -> str:
        if obj.required_approvals < 2:
            return ""
        given = getattr(obj, "approvals", [])
        names = ", ".join(decision.reviewer.get_username() for decision in given if decision.reviewer)
        return format_html('<span class="badge four-eyes" title="{}">{} of {}</span>', names, len(given),
                           obj.required_approvals)

    @admin.display(description="Age")
    def age_column(self, obj: Proposal) -> str:
        now = timezone.now()
        overdue = obj.status in DECIDABLE and obj.sla_due_at and obj.sla_due_at < now
        return format_html('<span class="{}" title="submitted {}">{}</span>', "overdue" if overdue else "",
                           obj.submitted_at, age(obj.submitted_at, now) + (" · SLA" if overdue else ""))

    @admin.display(description="Held by")
    def holder(self, obj: Proposal) -> str:
        if obj.claimed_by_id and obj.claimed_until and obj.claimed_until > timezone.now() and obj.status in DECIDABLE:
            return obj.claimed_by.get_username()
        return ""

    # --- bulk decisions -------------------------------------------------------------------
    @admin.action(description="Approve selected (items that passed every check)", permissions=["decide"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        self._decide_in_bulk(request, queryset, Decision.Action.APPROVE)

    @admin.action(description="Reject selected (items that passed every check)…", permissions=["decide"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> HttpResponse | None:
        reason_code = request.POST.get("reason_code", "")
        if request.POST.get("confirm") and reason_code in ReasonCode.values:
            self._decide_in_bulk(request, queryset, Decision.Action.REJECT, reason_code, request.POST.get("note", ""))
            return None
        selected = list(queryset.values_list("pk", flat=True)[: BULK_LIMIT + 1])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Reject the selected items",
            "selected": selected[:BULK_LIMIT],
            "too_many": len(selected) > BULK_LIMIT,
            "reason_codes": ReasonCode.choices,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "missing_reason": bool(request.POST.get("confirm")),
        }
        return protect(TemplateResponse(request, self.bulk_reject_template, context))

    def _decide_in_bulk(self, request: HttpRequest, queryset: QuerySet[Proposal], action: str, reason_code: str = "",
                        note: str = "") -> None:
        ids = list(queryset.values_list("pk", flat=True)[: BULK_LIMIT + 1])
        if len(ids) > BULK_LIMIT:
            self.message_user(request, f"Select at most {BULK_LIMIT} items for one bulk decision.", messages.ERROR)
            return
        outcome = proposals_decide_bulk(proposal_ids=ids, actor=Actor.for_user(request.user, request), action=action,
                                        reason_code=reason_code, note=note)
        verb = "Approved" if action == Decision.Action.APPROVE else "Rejected"
        if outcome.decided:
            self.message_user(request, f"{verb} {len(outcome.decided)} item(s).", messages.SUCCESS)
        if outcome.refused:
            shown_refusals = "; ".join(f"#{pk}: {why}" for pk, why in list(outcome.refused.items())[:10])
            more = f" (and {len(outcome.refused) - 10} more)" if len(outcome.refused) > 10 else ""
            self.message_user(request, f"Not decided, {len(outcome.refused)} item(s): {shown_refusals}{more}",
                              messages.WARNING)

    # --- review pages ---------------------------------------------------------------------
    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:pk>/review/", wrap(self.review_view), name=f"{prefix}_review"),
            path("<int:pk>/decide/", wrap(self.decide_view), name=f"{prefix}_decide"),
            path("<int:pk>/undo/", wrap(self.undo_view), name=f"{prefix}_undo"),
            path("<int:pk>/rescue/", wrap(self.rescue_view), name=f"{prefix}_rescue"),
            path("<int:pk>/step/", wrap(self.step_view), name=f"{prefix}_step"),
            path("first/", wrap(self.first_view), name=f"{prefix}_first"),
            *super().get_urls(),
        ]

    def url_name(self, view: str) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def _url(self, request: HttpRequest, view: str, pk: int, **query: str) -> str:
        """A console URL that keeps the queue the reviewer came from (Django's preserved filters)."""
        parts = [self.get_preserved_filters(request), *(f"{key}={value}" for key, value in query.items())]
        querystring = "&".join(part for part in parts if part)
        return reverse(self.url_name(view), args=[pk]) + (f"?{querystring}" if querystring else "")

    def _changelist_url(self, request: HttpRequest) -> str:
        filters = request.GET.get("_changelist_filters", "")
        return reverse(self.url_name("changelist")) + (f"?{filters}" if filters else "")

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None):  # noqa: ANN201
        if not object_id.isdigit():
            raise PermissionDenied
        return HttpResponseRedirect(self._url(request, "review", int(object_id)))

    def queue_params(self, request: HttpRequest) -> QueryDict:
        return QueryDict(request.GET.get("_changelist_filters", ""))

    def neighbour(self, request: HttpRequest, current: Proposal | None, *, forward: bool,
                  wrap: bool = False) -> int | None:
        """The next (or previous) item of the reviewer's queue that is theirs to take, claimed for
        them when they may decide. Two reviewers who finish at the same moment are otherwise handed
        the same item, and one of them loses the decision: an item someone else claimed in between
        is passed over for the one after it."""
        items = queue.available_to(self.queue_items(request), request.user)
        order = QUEUE_ORDER if forward else QUEUE_ORDER_REVERSED
        may_decide = self.has_decide_permission(request)
        passed_over: list[int] = []
        position = current
        for _ in range(NEXT_ITEM_TRIES):
            after = items if position is None else items.filter(queue.keyset_beyond(position, forward=forward))
            following = queue.first_open(after.exclude(pk__in=passed_over).order_by(*order), request.user)
            if following is None and wrap and current is not None:
                following = queue.first_open(items.exclude(pk__in=[current.pk, *passed_over]).order_by(*QUEUE_ORDER),
                                             request.user)
            if following is None or not may_decide:
                request.held_by_others = len(passed_over)  # what was passed over on the way, if anything
                return following
            claimed, _ = proposal_claim(proposal_id=following, actor=Actor.for_user(request.user, request))
            if claimed:
                return following
            passed_over.append(following)
            position = self._position(following)
        # Every item tried was claimed by someone else meanwhile: none is handed over as if it were free.
        request.held_by_others = len(passed_over)
        return None

    def queue_items(self, request: HttpRequest) -> QuerySet[Proposal]:
        """The queue the reviewer came from (its filters and search), unordered."""
        params = self.queue_params(request)
        items = queue.filtered(self.model.objects.all(), params, request.user)
        if params.get("q"):
            items, _duplicates = self.get_search_results(request, items, params["q"])
        return items

    def queue_position(self, request: HttpRequest, proposal: Proposal) -> dict[str, Any] | None:
        """Where the item stands in that queue ("12 of 107"), counted up to the paginator's cap; None
        when it is not in it (decided, or outside the filters)."""
        items = self.queue_items(request)
        cap = QueuePaginator.cap
        if not items.filter(pk=proposal.pk).exists():
            return None
        before = items.filter(queue.keyset_beyond(proposal, forward=False)).order_by().values("pk")[:cap].count()
        total = items.order_by().values("pk")[:cap + 1].count()
        return {"index": before + 1, "total": min(total, cap), "more": total > cap}

    def _position(self, pk: int) -> Proposal:
        return get_object_or_404(self.model.objects.only("pk", "kind", *(name for name, _ in queue.QUEUE_KEYS[:-1])), pk=pk)

    def _load(self, pk: int) -> Proposal:
        queryset = self.model.objects.select_related("agent", "decided_by", "claimed_by", "execution").prefetch_related(
            Prefetch("check_results", queryset=CheckResult.objects.order_by("passed", "severity", "name")),
            Prefetch("field_changes", queryset=CrmFieldChange.objects.order_by("pk")),
            Prefetch("decisions", queryset=Decision.objects.select_related("reviewer").order_by("created_at", "pk")),
        )
        return get_object_or_404(queryset, pk=pk)

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._render_review(request, pk)

    def step_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """``j`` / ``k``: the next or previous item of the queue, in one request."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        forward = request.GET.get("to") != "prev"
        target = self.neighbour(request, self._position(pk), forward=forward)
        if target is None and getattr(request, "held_by_others", 0):
            self.message_user(request, f"The {'next' if forward else 'previous'} items are held by other reviewers; "
                                       f"try again in a moment.", messages.INFO)
        elif target is None:
            self.message_user(request, f"No {'next' if forward else 'previous'} item in this queue.", messages.INFO)
        return self._respond(request, target or pk)

    def first_view(self, request: HttpRequest) -> HttpResponse:
        """``j`` on a queue page: its first item this reviewer is free to take, claimed for them (the
        first row may be one someone else holds)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        target = self.neighbour(request, None, forward=True)
        if target is None:
            held = getattr(request, "held_by_others", 0)
            self.message_user(request, "Every item here is held by another reviewer; try again in a moment." if held
                              else "Nothing in this queue is free for you to review.", messages.INFO)
            return HttpResponseRedirect(self._changelist_url(request))
        return HttpResponseRedirect(self._url(request, "review", target))

    def decide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseRedirect(self._url(request, "review", pk))
        if not self.has_decide_permission(request):
            raise PermissionDenied
        current = self._position(pk)
        action = request.POST.get("action", "")
        actor = Actor.for_user(request.user, request)
        note = request.POST.get("note", "").strip()
        try:
            if action == REBASE:
                decided = proposal_rebase(proposal_id=pk, actor=actor, note=note)
            else:
                resolution = OVERWRITE if action == OVERWRITE else ""
                if resolution and not request.POST.get("confirm_overwrite"):
                    raise DecisionRefused("tick the confirmation to write over the CRM's newer value; nothing changed")
                action = Decision.Action.APPROVE if resolution else action
                decided = proposal_decide(
                    proposal_id=pk, actor=actor, action=action, reason_code=request.POST.get("reason_code", ""),
                    note=note, conflict_resolution=resolution, confirm_soft=request.POST.get("confirm_soft") == "1",
                    **self._decision_input(request, current, action),
                )
        except EditChecksFailed as exc:
            return self._refuse_edit(request, current, exc)
        except (DecisionRefused, IllegalTransition) as exc:
            self.message_user(request, f"{current}: {exc}", messages.ERROR)
            return self._respond(request, pk, status=409)
        self._after_decision(request, decided)
        following = self.neighbour(request, current, forward=True, wrap=True)
        if following is None and getattr(request, "held_by_others", 0):
            self.message_user(request, "Nothing more for you now: the items left are held by other reviewers.",
                              messages.INFO)
            return self._leave(request, self._changelist_url(request))
        if following is None:
            self.message_user(request, "The queue is clear.", messages.SUCCESS)
            return self._leave(request, self._changelist_url(request))
        return self._respond(request, following)

    def rescue_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A blocked item edited back into review (senior reviewers and admins)."""
        if request.method != "POST":
            return HttpResponseRedirect(self._url(request, "review", pk))
        if not self.has_rescue_permission(request):
            raise PermissionDenied
        current = self._position(pk)
        try:
            proposal_rescue(proposal_id=pk, actor=Actor.for_user(request.user, request),
                            edits=self._edit_input(request, current), note=request.POST.get("note", "").strip())
        except EditChecksFailed as exc:
            return self._refuse_edit(request, current, exc)
        except (DecisionRefused, IllegalTransition) as exc:
            self.message_user(request, f"{current}: {exc}", messages.ERROR)
            return self._respond(request, pk, status=409)
        self.message_user(request, f"{current} passes the hard checks now and is back in review.", messages.SUCCESS)
        return self._respond(request, pk)

    def _refuse_edit(self, request: HttpRequest, proposal: Proposal, refused: EditChecksFailed) -> HttpResponse:
        """The same page again, still in edit mode with what the reviewer typed, and the checks it
        failed beside the buttons (with the confirmation when they are all soft). Rendered, never
        redirected: a redirect would lose the edit."""
        typed_in, approved = kind_of(proposal).form_typed_back(request.POST)
        kept = {"values": typed_in, "failures": refused.failures, "confirmable": refused.confirmable,
                "approved": approved}
        return self._render_review(request, proposal.pk, status=409, refused_edit=kept)

    def _edit_input(self, request: HttpRequest, proposal: Proposal) -> dict[str, Any]:
        """The edits a review form carries, typed like the values they replace."""
        return kind_of(proposal).form_edits(request.POST, proposal)

    def _decision_input(self, request: HttpRequest, proposal: Proposal, action: str) -> dict[str, Any]:
        """The edits and per-part decisions a review form carries."""
        edits = self._edit_input(request, proposal) if action == Decision.Action.EDIT_APPROVE else None
        return {"edits": edits, **kind_of(proposal).form_decision(request.POST, proposal)}

    def _after_decision(self, request: HttpRequest, decided: Proposal) -> None:
        """Say what the decision did. A decision its reviewer may still take back (an approval before
        it executes, a rejection, a first approval, for the grace period) is said by the undo bar,
        which offers ``u`` until then; the rest by a message."""
        now = timezone.now()
        offer: tuple[str, Any] | None = None
        if decided.status == Status.CHECKING:
            self.message_user(request, f"{decided} rebased on the CRM's current values; it is checked again and "
                                       f"comes back to the queue for a new decision.", messages.SUCCESS)
        elif decided.status == Status.APPROVED and decided.execute_after and decided.execute_after > now:
            offer = ("approved; it executes in", decided.execute_after)
        elif decided.status == Status.APPROVED and decided.decision_action == "conflict_overwritten":
            self.message_user(request, f"{decided} approved to overwrite the CRM's newer value.", messages.SUCCESS)
        elif decided.status == Status.APPROVED:
            self.message_user(request, f"{decided} approved.", messages.SUCCESS)
        elif decided.status == Status.REJECTED:
            said = f"rejected ({ReasonCode(decided.reason_code).label})"
            offer = (f"{said}; undo within", undo_deadline(decided))
            if not offer[1] or offer[1] <= now:
                self.message_user(request, f"{decided} {said}.", messages.SUCCESS)
        else:
            said = (f"approval {self._approvals_given(decided)} of {decided.required_approvals} recorded; it now "
                    f"waits for a second reviewer")
            offer = (f"{said}. Undo within", now + timedelta(seconds=hitlcrm_settings.UNDO_GRACE_SECONDS))
            if offer[1] <= now:
                self.message_user(request, f"{decided}: {said}.", messages.SUCCESS)
        if offer and offer[1] and offer[1] > now:
            request.session[UNDO_SESSION_KEY] = {
                "pk": decided.pk, "label": str(decided), "said": offer[0], "until": offer[1].isoformat(),
                "url": self._url(request, "undo", decided.pk),
            }

    @staticmethod
    def _approvals_given(proposal: Proposal) -> int:
        return proposal.decisions.live_approvals().count()

    def undo_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseRedirect(self._url(request, "review", pk))
        if not self.has_decide_permission(request):
            raise PermissionDenied
        request.session.pop(UNDO_SESSION_KEY, None)
        back_to = int(request.POST["current"]) if request.POST.get("current", "").isdigit() else pk
        try:
            proposal_undo(proposal_id=pk, actor=Actor.for_user(request.user, request))
        except (DecisionRefused, IllegalTransition) as exc:
            self.message_user(request, f"#{pk}: {exc}", messages.ERROR)
            return self._respond(request, back_to, status=409)
        self.message_user(request, f"Your decision on #{pk} is undone; it is back in the queue.", messages.SUCCESS)
        return self._respond(request, pk)

    def _leave(self, request: HttpRequest, url: str) -> HttpResponse:
        """Send the reviewer to a page that is not a review page. The script gets no body but the
        address, so the messages stay queued for the page it then opens."""
        if request.headers.get(SWAP_HEADER) != "1":
            return HttpResponseRedirect(url)
        response = HttpResponse(status=204)
        response["X-Location"] = url
        return response

    def _respond(self, request: HttpRequest, pk: int, *, status: int = 200) -> HttpResponse:
        url = self._url(request, "review", pk)
        if request.headers.get(SWAP_HEADER) != "1":
            response = HttpResponseRedirect(url)
            response.status_code = 303  # see other: the reviewer's browser GETs the page, never re-POSTs
            return response
        return self._render_review(request, pk, status=status)

    def _render_review(self, request: HttpRequest, pk: int, *, status: int = 200,
                       refused_edit: dict[str, Any] | None = None) -> HttpResponse:
        proposal = self._load(pk)
        user = request.user
        may_decide = self.has_decide_permission(request)
        if may_decide and proposal.status in DECIDABLE:
            _claimed, claim = proposal_claim(proposal_id=pk, actor=Actor.for_user(user, request))
            proposal.claimed_by_id, proposal.claimed_until = claim.claimed_by_id, claim.claimed_until
            if claim.claimed_by_id == user.pk:
                proposal.claimed_by = user
            elif claim.claimed_by_id != getattr(proposal.claimed_by, "pk", None):
                proposal.claimed_by = claim.claimed_by
            # The content is on this reviewer's screen from now: their decision is timed from here.
            review_opening_record(proposal_id=pk, user=user)
        # An item someone else holds opens read-only, labelled so: it is theirs to decide.
        held_elsewhere = (proposal.claimed_by_id not in (None, user.pk) and proposal.claimed_until is not None
                          and proposal.claimed_until > timezone.now() and proposal.status in DECIDABLE)
        can_decide = may_decide and proposal.status in DECIDABLE and not held_elsewhere
        can_rescue = proposal.status == Status.BLOCKED and self.has_rescue_permission(request)
        context = {
            **self.admin_site.each_context(request),
            **review_context(proposal, user, refused_edit=refused_edit),
            "opts": self.opts,
            "title": str(proposal),
            "is_nav_sidebar_enabled": False,
            "can_decide": can_decide,
            "can_rescue": can_rescue,
            # The editor belongs to the decision form, or on a blocked item to the rescue form.
            "edit_form": "decide-form" if can_decide else "rescue-form" if can_rescue else "",
            "urls": {
                "decide": self._url(request, "decide", pk),
                "rescue": self._url(request, "rescue", pk),
                "next": self._url(request, "step", pk, to="next"),
                "prev": self._url(request, "step", pk, to="prev"),
                "self": self._url(request, "review", pk),
                "changelist": self._changelist_url(request),
            },
            "undo": self._pending_undo(request, current=pk),
            "read_only_held": held_elsewhere and may_decide,
            "position": self.queue_position(request, proposal),
        }
        response = TemplateResponse(request, self.review_template, context, status=status)
        response["X-Location"] = context["urls"]["self"]
        response["Cache-Control"] = "no-store"
        return protect(response)

    def _pending_undo(self, request: HttpRequest, *, current: int) -> dict[str, Any] | None:
        pending = request.session.get(UNDO_SESSION_KEY)
        if not pending or pending.get("pk") == current:
            return None
        until = parse_datetime(pending["until"])
        now = timezone.now()
        if until is None or until + UNDO_LATE_NOTICE <= now:
            return None
        # Just past the grace period the bar stays a moment, saying it is too late (and u says so too).
        return {**pending, "until_ms": int(until.timestamp() * 1000), "late": until <= now,
                "said": pending.get("said", "approved; it executes in"),
                "seconds": max(int((until - now).total_seconds()) + 1, 0)}


def execution_log(proposal: Proposal, execution: Execution | None) -> dict[str, Any] | None:
    """What the item's execution recorded beyond its summary, as its kind keeps it (a CRM change: its
    pushes to Salesforce; an email: its delivery), in at most one query, none before it ran."""
    if execution is None:
        return None
    return kind_of(proposal).execution_log(proposal)


CONFLICT_HINT = ("The CRM value changed after this change was approved: a plain approval would write over it. "
                 "Rebase it on the CRM's value, overwrite the CRM's value, or reject the change.")


def review_context(proposal: Proposal, user: Any, *, refused_edit: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the review page shows, prepared from an item loaded by ``ProposalAdmin._load``: what every
    kind shows, and what its own templates show (``Kind.review_context``).
    ``refused_edit``: an edit the checks refused (what was typed, the failing checks), shown again."""
    now = timezone.now()
    kind = kind_of(proposal)
    typed_in = (refused_edit or {}).get("values", {})
    approved_fields = (refused_edit or {}).get("approved")
    policy = policy_find(proposal.task_type)
    checks = list(proposal.check_results.all())
    decisions = list(proposal.decisions.all())
    approvals = [d for d in decisions if d.is_live_approval]
    entries = {
        index: {"source": item.get("source", ""), "quote": item.get("quote", ""), "url": item.get("url", ""),
                "link": safe_link(item.get("url"))}
        for index, item in enumerate(proposal.evidence) if isinstance(item, dict)
    }
    evidence = list(entries.values())
    holder = None
    if (proposal.claimed_by_id and proposal.claimed_by_id != user.pk and proposal.claimed_until
            and proposal.claimed_until > now and proposal.status in DECIDABLE):
        holder = {"name": proposal.claimed_by.get_username(), "until": proposal.claimed_until}
    approve_blocked = ""
    if proposal.status == Status.CONFLICT:
        approve_blocked = CONFLICT_HINT  # the "a" key and Approve write over nothing (decisions.proposal_decide)
    elif proposal.required_approvals > 1 and proposal.status == Status.NEEDS_REVIEW:
        if any(d.reviewer_id == user.pk for d in approvals):
            approve_blocked = "You gave an approval; the next one must come from someone else."
        elif len(approvals) + 1 >= proposal.required_approvals and not user.has_perm(perm("second_approve_proposal")):
            approve_blocked = "The second approval needs a senior reviewer."
    try:
        execution = proposal.execution
    except Execution.DoesNotExist:
        execution = None
    rescue = AuditEvent.objects.filter(proposal_id_ref=proposal.pk, action="rescued").order_by("-seq").first()
    # Who it is about: cached per record, so after the queue page that led here no CRM query at all.
    identity = proposal_identity(proposal)
    return {
        "proposal": proposal,
        "kind": kind,
        "refused_edit": refused_edit,
        "rescue": rescue,
        "checks": checks,
        "flags": check_flags(checks),  # the passages failing checks point at, highlighted in the draft
        "failed_checks": sum(1 for check in checks if not check.passed),
        "in_conflict": proposal.status == Status.CONFLICT,
        "evidence": evidence,
        "assumptions": [str(item) for item in proposal.assumptions],
        "decisions": decisions,
        "approvals": approvals,
        "holder": holder,
        "approve_blocked": approve_blocked,
        "reason_codes": list(enumerate(ReasonCode.choices, start=1)),
        "execution": execution,
        "execution_log": execution_log(proposal, execution),
        "age": age(proposal.submitted_at, now),
        "overdue": proposal.status in DECIDABLE and proposal.sla_due_at is not None and proposal.sla_due_at < now,
        "policy": policy,
        # The policy's thresholds in words, each with how it applied to this item.
        "thresholds": thresholds_explained(proposal, kind.policy_as_applied(proposal, policy),
                                           list(proposal.field_changes.all()), per_field=kind.writes_crm_fields)
        if policy else [],
        "crm_identity": identity,
        **kind.review_context(proposal, user=user, typed_in=typed_in, approved_fields=approved_fields, policy=policy,
                              evidence=entries, decisions=decisions, now=now),
    }


# Each kind's queue: its proxy model's changelist and review pages.
for _kind in registered_kinds():
    admin.site.register(_kind.model, ProposalAdmin)


@admin.register(Proposal)
class AllProposalsAdmin(ProposalAdmin):
    """Every kind in one queue: "My queue" lives here (``?queue=mine``), and so do the dashboard and
    the setup page."""

    def get_urls(self) -> list[Any]:
        from .dashboard import dashboard_view, setup_view

        return [
            path("dashboard/", self.admin_site.admin_view(lambda request: dashboard_view(request, self)),
                 name=f"{self.opts.app_label}_{self.opts.model_name}_dashboard"),
            path("setup/", self.admin_site.admin_view(lambda request: setup_view(request, self)),
                 name=f"{self.opts.app_label}_{self.opts.model_name}_setup"),
            *super().get_urls(),
        ]

