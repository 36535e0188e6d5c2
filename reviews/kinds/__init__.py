"""The kinds of proposal and their registry.

``kind_of(proposal)`` (or of a ``Proposal.kind`` value) answers the kind's :class:`Kind`; shared
code asks it instead of branching on the kind. ``kinds_with(capability=True)`` answers the kinds
that have a capability, for the queries that concern only those (``kind__in=kind_values(...)``).

The built-in kinds (``BUILTIN``) register when the registry is first read, not when this package
is imported: their modules reach the services and the API, which import this package.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .base import EditRefused, Kind

__all__ = ["BUILTIN", "EditRefused", "Kind", "kind_of", "kind_values", "kinds_with", "register",
           "registered_kinds", "unregister"]

# One module per kind; each registers its kind on import.
BUILTIN = ("reviews.kinds.email_draft", "reviews.kinds.crm_change", "reviews.kinds.outbound_action")

_kinds: dict[str, Kind] = {}
_builtin_loaded = False


def _load_builtin() -> None:
    global _builtin_loaded
    if not _builtin_loaded:
        _builtin_loaded = True
        for module in BUILTIN:
            import_module(module)


def register(kind: type[Kind]) -> type[Kind]:
    """Register a kind (a class decorator): ``kind_of`` answers an instance of it for its value.
    Registering another class for a value already taken is refused; the same class again is harmless."""
    if not kind.value or not kind.model_name:
        raise ValueError(f"{kind.__name__} needs a value and a model_name")
    known = _kinds.get(kind.value)
    if known is not None and type(known) is not kind:
        raise ValueError(f"the kind {kind.value!r} is already registered ({type(known).__name__})")
    if known is None:
        _kinds[kind.value] = kind()
    return kind


def unregister(value: str) -> None:
    """Take a kind out of the registry (a test's throwaway kind)."""
    _kinds.pop(value, None)


def registered_kinds() -> list[Kind]:
    """Every kind: the built-in ones in ``BUILTIN`` order (whichever module was imported first), then
    the others in registration order."""
    _load_builtin()
    order = {module: index for index, module in enumerate(BUILTIN)}
    return sorted(_kinds.values(), key=lambda kind: order.get(type(kind).__module__, len(BUILTIN)))


def kind_of(proposal_or_value: Any) -> Kind:
    """The kind of a proposal (anything with a ``kind`` attribute) or of a ``Proposal.kind`` value.
    An unknown value raises ``LookupError``: a record whose kind is not installed is not guessed at."""
    _load_builtin()
    value = proposal_or_value if isinstance(proposal_or_value, str) else proposal_or_value.kind
    try:
        return _kinds[value]
    except KeyError:
        raise LookupError(f"no kind {value!r} is registered (reviews.kinds)") from None


def kinds_with(**declarations: Any) -> list[Kind]:
    """The kinds whose declarations have these values: ``kinds_with(sends_email=True)``,
    ``kinds_with(executor="salesforce")``."""
    unknown = [name for name in declarations if not hasattr(Kind, name)]
    if unknown:
        raise AttributeError(f"Kind declares no {', '.join(unknown)}")
    return [kind for kind in registered_kinds()
            if all(getattr(kind, name) == value for name, value in declarations.items())]


def kind_values(**declarations: Any) -> list[str]:
    """The ``Proposal.kind`` values of :func:`kinds_with`: ``filter(kind__in=kind_values(...))``."""
    return [kind.value for kind in kinds_with(**declarations)]
