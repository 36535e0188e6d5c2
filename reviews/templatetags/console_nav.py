"""The console's header: a queue per registered kind the reader may see (the kind registry says
which there are, so a new kind gets its queue in the header without a template edit)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from ..kinds import registered_kinds

register = template.Library()


@register.simple_tag(takes_context=True)
def kind_queues(context: Any) -> list[tuple[str, str]]:
    """(label, changelist URL) of each kind's queue that the signed-in user may view."""
    user = context["request"].user
    return [(kind.plural_label, reverse(kind.admin_url_name("changelist")))
            for kind in registered_kinds() if user.has_perm(kind.view_permission)]
