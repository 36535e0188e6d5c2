"""What is still to configure, for a page outside the console's own views (the standalone project's
admin index): ``{% load console_setup %}{% setup_todo as setup_todo %}``."""

from __future__ import annotations

from typing import Any

from django import template

from ..admin.dashboard import sets_up
from ..services.setup_status import SetupItem, setup_todo

register = template.Library()


@register.simple_tag(name="setup_todo", takes_context=True)
def setup_todo_tag(context: Any) -> list[SetupItem]:
    """The items left to configure, for a user who configures hitlcrm; nothing for anyone else."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated or not sets_up(request.user):
        return []
    return setup_todo()
