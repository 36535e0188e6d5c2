"""Automated checks: small named units that judge one proposal.

A check declares its name, severity (``hard`` blocks, ``soft`` sends to review) and the kinds it
applies to, and returns a :class:`CheckOutcome`. Built-in checks register themselves on import;
projects add their own by dotted path in ``HITLCRM_EXTRA_CHECKS``.
"""

from .base import Check, CheckContext, CheckOutcome, registry

__all__ = ["Check", "CheckContext", "CheckOutcome", "registry"]
