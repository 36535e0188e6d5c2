"""The check interface, the context checks read, and the registry."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.module_loading import import_string

from ..conf import hitlcrm_settings

logger = logging.getLogger(__name__)

HARD = "hard"
SOFT = "soft"


@dataclass(frozen=True)
class Span:
    """Where in the draft a finding is, shared by every check: a check puts its spans in its outcome's
    ``details["spans"]`` (``as_dict()`` each), which is stored with the result (``CheckResult.details``)
    and highlighted on the review page. ``start``/``end`` index the part's text as checks read it
    (``text.email_parts``: the same length as the field, typographic quotes aside; for an HTML body its
    visible text); ``field`` is ``subject``, ``body`` or ``body_html``; ``text`` is what the span covers
    (masked for personal data, which is never stored twice)."""

    start: int
    end: int
    text: str
    field: str

    def as_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text, "field": self.field}


# The field each part a recipient reads comes from (text.email_parts names them so).
PART_FIELDS = {"subject": "subject", "body": "body", "HTML body": "body_html"}
MAX_SPANS = 20


@dataclass(frozen=True)
class CheckOutcome:
    """What a check found. ``severity`` overrides the check's own for this outcome: a hard check
    that could not look (the CRM was unreadable) fails soft, so a person looks instead."""

    passed: bool
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None


@dataclass
class CheckContext:
    """What checks may read besides the proposal, gathered before the row lock is taken (it may
    need network calls).

    ``crm_record`` is the CRM record's current values, or None when it could not be read
    (``crm_error`` says why; empty when Salesforce is simply not configured). ``describe`` is the
    CRM object's metadata (``reviews.crm.ObjectDescription``) or None.
    ``field_changes`` are the proposal's ``CrmFieldChange`` rows, loaded once for every check.
    ``crm_opt_outs``: see the field.
    """

    policy: Any
    crm_record: dict[str, Any] | None = None
    crm_error: str = ""
    describe: Any = None
    field_changes: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # An email's recipients, each with the CRM records across the org that hold the address and opted
    # out of email ([] for none), or None when not looked up (Salesforce not configured);
    # ``crm_opt_outs_error``: why the look-up failed.
    crm_opt_outs: dict[str, list[Any]] | None = None
    crm_opt_outs_error: str = ""


class Check:
    """A small named unit that judges one proposal. Subclasses set ``name`` (stable: policies
    and stored results refer to it), ``severity`` (``hard`` blocks, ``soft`` sends to review),
    ``kinds`` and implement :meth:`run`. Messages are one sentence a reviewer acts on."""

    name: ClassVar[str] = ""
    severity: ClassVar[str] = SOFT
    # The ``Proposal.kind`` values it judges; None: every kind (what a kind's content looks like it
    # reads through the kind, e.g. ``text.readable_parts``).
    kinds: ClassVar[frozenset[str] | None] = None
    # Run when the policy names no checks.
    default: ClassVar[bool] = True

    def gather(self, proposal: Any, policy: Any) -> Any:
        """Slow reads this check needs (a network call), made before the record's row lock is taken;
        what it returns is ``context.extra[name]`` for :meth:`run`. None: nothing to gather."""
        return None

    def run(self, proposal: Any, context: CheckContext) -> CheckOutcome:
        raise NotImplementedError


class CheckRegistry:
    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}
        self._extras_loaded = False

    def register(self, check_class: type[Check]) -> type[Check]:
        if not check_class.name:
            raise ValueError(f"{check_class.__name__} has no name")
        if check_class.severity not in (HARD, SOFT):
            raise ValueError(f"{check_class.__name__}.severity must be '{HARD}' or '{SOFT}'")
        self._checks[check_class.name] = check_class()
        return check_class

    def _load_extras(self) -> None:
        if not self._extras_loaded:
            self._extras_loaded = True
            from . import builtin  # noqa: F401  (the built-in checks register on import)

            for path in hitlcrm_settings.EXTRA_CHECKS:
                self.register(import_string(path))

    def names(self) -> list[str]:
        self._load_extras()
        return sorted(self._checks)

    def get(self, name: str) -> Check:
        self._load_extras()
        return self._checks[name]

    def resolve(self, kind: str, configured: Iterable[str] | None) -> tuple[list[Check], list[str]]:
        """The checks to run for a kind: those the policy names, else the defaults; and the names
        the policy gives that no installed check has (the caller reports them, never skips them)."""
        self._load_extras()
        names = list(configured or [])
        if names:
            unknown = [name for name in names if name not in self._checks]
            chosen = [self._checks[name] for name in names if name in self._checks]
        else:
            unknown = []
            chosen = [check for check in self._checks.values() if check.default]
        return [check for check in chosen if check.kinds is None or kind in check.kinds], unknown

    def gather(self, proposal: Any, policy: Any) -> dict[str, Any]:
        """What the checks to run gather before the lock (``CheckContext.extra``). A check whose
        gathering crashes is left out: its ``run`` meets the error again and it is recorded there."""
        gathered = {}
        for check in self.resolve(proposal.kind, policy.checks)[0]:
            try:
                value = check.gather(proposal, policy)
            except Exception:  # noqa: BLE001  (reported by the check's own run, where crashes are recorded)
                logger.exception("check %s could not gather for proposal %s", check.name, proposal.pk)
                continue
            if value is not None:
                gathered[check.name] = value
        return gathered

    def for_proposal(self, kind: str, configured: Iterable[str] | None) -> list[Check]:
        """The checks to run; unknown configured names raise ``KeyError``."""
        checks, unknown = self.resolve(kind, configured)
        if unknown:
            raise KeyError(f"policy names unknown checks: {', '.join(unknown)}")
        return checks


registry = CheckRegistry()
