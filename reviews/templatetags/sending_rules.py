"""What the sending rules add to an email, for the review page: the footer hitlcrm appends and each
recipient's lawful basis (reviews/services/sending_rules.py)."""

from __future__ import annotations

from typing import Any

from django import template

from ..services.sending_rules import UNSUBSCRIBE_PLACEHOLDER, footer_text

register = template.Library()


@register.simple_tag
def mail_footer() -> str:
    """The footer appended at send time ("" when the draft must carry it itself)."""
    return footer_text(UNSUBSCRIBE_PLACEHOLDER)


@register.simple_tag
def lawful_basis_rows(proposal: Any) -> list[dict[str, Any]]:
    """The recipients' lawful bases as the ``lawful_basis`` check recorded them (none when it did not run)."""
    for result in proposal.check_results.all():
        if result.name == "lawful_basis":
            return [row for row in (result.details or {}).get("recipients") or [] if row.get("basis") or row.get("required")]
    return []
