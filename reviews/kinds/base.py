"""The shape of a kind of proposal: what differs by kind, declared in one module per kind.

All kinds share one table (``Proposal``), one state machine, one audit trail and one queue order;
a kind says what its records hold and how the shared use cases treat them. The services, the API,
the console and the checks ask ``kind_of(proposal)`` instead of branching on the kind (as wagtail's
workflow engine asks a task's ``specific`` object), so a new kind needs no edit to the shared code:

- a module here with a registered ``Kind`` subclass, listed in ``reviews.kinds.BUILTIN``;
- its templates (``admin/reviews/kinds/<value>/``) and its submit serializers;
- its ``ProposalKind`` value and a proxy model of ``Proposal`` in ``reviews/models/proposals.py``
  (the table's vocabulary), with the migration of the ``kind`` field's choices (the check
  constraint ``proposal_crm_change_has_change_kind`` asks a ``change_kind`` of CRM changes only);
- checks of its own, registered with ``kinds = frozenset({<value>})`` (a check declaring no kinds
  judges every kind, reading its text through ``Kind.readable_parts``).

Three sorts of members:

- declarations (class attributes): the value, labels, the proxy model, the executor, the API route,
  serializers and review templates, and the capabilities shared code selects kinds by
  (``kinds_with(sends_email=True)``);
- hooks with a default that fits a kind with nothing of its own to add (no per-part decisions, no
  console notices, nothing to hold auto-approval for);
- hooks every kind must give (what an approval executes, which edits a reviewer may make), which
  raise ``NotImplementedError`` here.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.module_loading import import_string

from ..apps import LABEL, admin_url_name, perm

# A primary key no record has, reversed once and replaced: a page of hundreds of records reverses
# each kind's review URL once (see ``Kind.review_path``).
_PK_PLACEHOLDER = 987654321987654321


class EditRefused(ValueError):
    """A reviewer's edit or per-part decision the kind cannot take; the message says why, in words a
    reviewer understands (the decision use cases turn it into their own refusal)."""


@functools.lru_cache(maxsize=64)
def _path_template(url_name: str, urlconf: str, script_prefix: str) -> str:
    return reverse(url_name, args=[_PK_PLACEHOLDER], urlconf=urlconf).replace(str(_PK_PLACEHOLDER), "{pk}")


class Kind:
    """One kind of proposal. Subclasses set the declarations and override the hooks that differ;
    ``reviews.kinds.register`` makes an instance the answer of ``kind_of`` for its ``value``."""

    # --- declarations ------------------------------------------------------------------------
    value: ClassVar[str] = ""  # the ProposalKind value stored in Proposal.kind
    label: ClassVar[str] = ""  # "Email draft"
    plural_label: ClassVar[str] = ""  # the console's queue tab: "Email drafts"
    # The proxy model of Proposal that gives the kind its own console queue, admin URLs
    # (``admin:hitlcrm_reviews_<model_name>_review``) and view permission (``hitlcrm_reviews.view_<model_name>``).
    model_name: ClassVar[str] = ""
    # The executor that carries out an approved record (the executor port looks it up by this name).
    executor: ClassVar[str] = ""

    # Capabilities: shared code picks the kinds that have one (``kinds_with``), never a kind by name.
    # The record is an outbound email to ``recipients``: suppression, unsubscribe, opt-out look-ups,
    # the outreach index and sender-domain pauses apply to it.
    sends_email: ClassVar[bool] = False
    # The record proposes CRM field values (``CrmFieldChange`` rows, decided field by field): their
    # baselines are read by the checks, and overlapping changes to one record and field are ordered.
    writes_crm_fields: ClassVar[bool] = False
    # An external integration may execute it instead of the built-in executor (``CrmObjectRule.executor``
    # of its CRM object): the integration reads the approved-changes feed and reports the result.
    externally_executable: ClassVar[bool] = False

    # The API: ``/api/v1/<api_prefix>/`` (route names ``<api_basename>-list`` ...). Serializers by
    # dotted path, imported when first used (they import the services, which import this package).
    api_prefix: ClassVar[str] = ""
    api_basename: ClassVar[str] = ""
    submit_serializer: ClassVar[str] = ""
    bulk_item_serializer: ClassVar[str] = ""  # the submit serializer plus an item's idempotency_key
    bulk_doc_serializer: ClassVar[str] = ""  # documents a bulk body in the OpenAPI schema
    # Viewset mixins (dotted paths) with the kind's own actions, besides those every kind has.
    api_actions: ClassVar[tuple[str, ...]] = ()

    # The review page's parts (template names, included by admin/reviews/review.html): the output
    # with its editor, and notices above it ("" for none).
    review_output_template: ClassVar[str] = ""
    review_notices_template: ClassVar[str] = ""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.value}>"

    # --- names derived from the declarations ------------------------------------------------
    @property
    def model(self) -> type[Any]:
        """The kind's proxy model."""
        return apps.get_model(LABEL, self.model_name)

    @property
    def view_permission(self) -> str:
        return perm(f"view_{self.model_name}")

    def admin_url_name(self, view: str) -> str:
        """``admin:hitlcrm_reviews_<model>_<view>``: review, decide, changelist, ..."""
        return admin_url_name(self.model_name, view)

    def review_path(self, pk: int) -> str:
        """The path of a record's review page. The one way to it: ``Proposal.admin_url`` and
        ``review_url``, the API's records and the audit timeline all come here. Reversed once per
        kind, URL configuration and script prefix, so a page listing hundreds costs no reversal each."""
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        return _path_template(self.admin_url_name("review"), urlconf, get_script_prefix()).format(pk=pk)

    def submit_serializer_class(self) -> type[Any]:
        return import_string(self.submit_serializer)

    def bulk_item_serializer_class(self) -> type[Any]:
        return import_string(self.bulk_item_serializer)

    def bulk_doc_serializer_class(self) -> type[Any]:
        return import_string(self.bulk_doc_serializer)

    def api_action_classes(self) -> list[type[Any]]:
        return [import_string(path) for path in self.api_actions]

    def payload_schema(self) -> dict[str, Any]:
        """The JSON Schema of a submission of this kind, as the API's OpenAPI document has it (built by
        drf-spectacular from ``submit_serializer``, which is what validates it)."""
        from ..api.base import request_schema

        return request_schema(self.submit_serializer_class())

    # --- submission ---------------------------------------------------------------------------
    def default_task_type(self, data: Mapping[str, Any]) -> str:
        """The task type (which policy applies) of a submission that names none."""
        raise NotImplementedError

    def payload_store(self, proposal: Any, data: Mapping[str, Any], *, now: datetime) -> list[Any]:
        """Put the validated submission's own parts on the unsaved ``proposal`` (the common ones are
        set already); returns its unsaved ``CrmFieldChange`` rows, which submission saves with it."""
        raise NotImplementedError

    # --- checks and the gate ------------------------------------------------------------------
    def readable_parts(self, proposal: Any, field_changes: list[Any]) -> list[tuple[str, str]]:
        """(where, text) pairs of everything the record sends out of hitlcrm as text: what the
        content checks (personal data, repetition) read."""
        return []

    def search_parts(self, proposal: Any, field_changes: list[Any]) -> list[str]:
        """The record's own text a queue search finds it by (``reviews.search``), beside what every
        record has (ids, references, company, evidence, assumptions): by default what it sends out."""
        return [text for _where, text in self.readable_parts(proposal, field_changes)]

    def policy_as_applied(self, proposal: Any, policy: Any) -> Any:
        """The policy as the gate applies it to this record: its task type's policy, or an unsaved
        copy the kind adjusts from the record's own declarations (an outbound action type's stakes,
        reversibility and "ungated but logged"). The risk, four eyes and the gate's verdict follow it."""
        return policy

    def auto_approval_hold(self, proposal: Any) -> str:
        """Why the gate must not auto-approve the record now, whatever its checks say ("" when
        nothing holds it): a person may still approve it."""
        return ""

    def as_edited(self, proposal: Any, edits: Mapping[str, Any], *,
                  fields: Collection[str] | None = None) -> tuple[Any, list[Any]]:
        """The record as it would be executed with ``edits`` (part -> final value) applied, unsaved,
        and the field rows the checks read (``fields``: the approved ones; all when None). Copies:
        the stored record and its rows stay untouched."""
        view = copy.copy(proposal)
        for name, value in edits.items():
            setattr(view, name, value)
        return view, []

    # --- golden copies (reviews/services/golden.py) ---------------------------------------------
    def golden_edits_problem(self, source: Any, edits: Mapping[str, Any]) -> str:
        """Why ``edits`` (planted in a golden copy of ``source``) cannot be made; "" when they can."""
        return f"a {self.label.lower()} has no part a golden copy may change" if edits else ""

    def golden_copy_apply(self, source: Any, copy_: Any, edits: Mapping[str, Any], *, now: datetime) -> None:
        """Give the unsaved golden ``copy_`` the content ``edits`` change (``source``: the original)."""

    def golden_copy_rows(self, source: Any, copy_: Any, edits: Mapping[str, Any], *, now: datetime) -> None:
        """After the copy is saved: the rows of its own that ``source`` has (a CRM change's fields)."""

    # --- decisions ----------------------------------------------------------------------------
    def editable_fields(self, proposal: Any) -> list[str]:
        """The parts of the record a reviewer may edit."""
        raise NotImplementedError

    def edits_of(self, proposal: Any, edits: Mapping[str, Any]) -> dict[str, list[Any]]:
        """The edits that really change something, as {part: [original, edited]}. Raises
        :class:`EditRefused` for a part that cannot be edited or a value it cannot take."""
        raise NotImplementedError

    def approved_before(self, proposal: Any) -> tuple[dict[str, Any], dict[str, bool] | None]:
        """What the earlier round approved of a record approved again after its execution failed or
        conflicted: its edits (part -> edited value) and its per-part decisions (None: not decided
        part by part). The new round starts from there."""
        return {}, None

    def approval_record(self, proposal: Any, *, field_decisions: dict[str, bool] | None,
                        edits: Mapping[str, Any] | None) -> None:
        """A reviewer's approval that completes the record's approvals: record what of it is
        approved (``field_decisions``: part -> approved, None for all). Raises :class:`EditRefused`
        when nothing is."""

    def approval_settle(self, proposal: Any, *, edits: Mapping[str, Any] | None) -> None:
        """Any approval (a person's or a policy's), just before the record becomes approved: what
        nobody decided part by part is approved as a whole."""

    def final_output(self, proposal: Any, edits: Mapping[str, Any] | None) -> dict[str, Any]:
        """What will be executed: the agent's output with the reviewers' edits applied."""
        raise NotImplementedError

    def execution_payload(self, proposal: Any) -> dict[str, Any]:
        """The exact payload the kind's executor will send for the approved record (after
        ``final_output`` is set), as JSON: what an approval's digest covers (approve A, execute A,
        docs/gate.md). The executor builds the same shape from what it is about to send and refuses
        when the two digests differ, so this must be what it sends, not a summary of it."""
        raise NotImplementedError

    def rescue_apply(self, proposal: Any, final: Mapping[str, Any]) -> list[str]:
        """A blocked record's rescue: its edited parts become its content. Returns the record's
        fields to save with the transition (rows of its own are saved here)."""
        raise NotImplementedError

    def output_edits(self, original: Mapping[str, Any], final: Mapping[str, Any]) -> dict[str, list[Any]]:
        """What the reviewers changed of the agent's output, from the submission as received and the
        approved output: part -> [proposed, approved]."""
        raise NotImplementedError

    # --- execution ----------------------------------------------------------------------------
    def execution_delay_seconds(self) -> float:
        """How long past the undo grace period the execution task waits: the executor's coalescing
        (a batching executor takes the records approved meanwhile along)."""
        from ..executors import executor_named

        return executor_named(self.executor).coalesce_seconds()

    # --- the API and the console ----------------------------------------------------------------
    def api_record_parts(self, proposal: Any, *, new_field_changes: list[Any] | None) -> dict[str, Any]:
        """What a single-record API answer adds for this kind (``new_field_changes``: a record just
        stored, whose rows are not read back)."""
        return {}

    def crm_record_ref(self, proposal: Any) -> tuple[str, str] | None:
        """The CRM record the proposal is about, as (object, id), whose identity the console shows
        (``services.crm_identity``); None for none."""
        if proposal.crm_object and proposal.crm_id:
            return proposal.crm_object, proposal.crm_id
        return None

    def queue_item(self, proposal: Any, identity: Any = None) -> tuple[str, str]:
        """The queue row's title and the line under it. ``identity``: who the record is
        (``services.crm_identity.CrmIdentity``), read for the whole page, or None."""
        raise NotImplementedError

    def review_context(self, proposal: Any, *, user: Any, typed_in: Mapping[str, Any],
                       approved_fields: Collection[str] | None, policy: Any, evidence: Mapping[int, Any],
                       decisions: list[Any], now: datetime) -> dict[str, Any]:
        """What the kind's review templates show besides the shared context. ``typed_in``: a refused
        edit's values, shown again; ``evidence``: the entries by position, as the page shows them."""
        return {}

    def form_edits(self, post: Any, proposal: Any) -> dict[str, Any]:
        """The edits a review form carries, typed like the values they replace."""
        return {}

    def form_decision(self, post: Any, proposal: Any) -> dict[str, Any]:
        """What else a review form's decision carries, as ``proposal_decide`` keyword arguments."""
        return {}

    def form_typed_back(self, post: Any) -> tuple[dict[str, Any], set[str] | None]:
        """A refused edit as typed (part -> text) and the parts ticked as approved (None: not
        decided part by part), to show the form again as the reviewer left it."""
        return {}, None

    def execution_log(self, proposal: Any) -> dict[str, Any] | None:
        """What the record's execution recorded beyond its summary (admin/reviews/execution_log.html)."""
        return None
