"""The Content-Security-Policy every console page that shows AI-written content is sent with."""

from __future__ import annotations

from django.http import HttpResponse

# Nothing an agent wrote may run in a reviewer's browser: only the console's own script runs, and an
# HTML email is shown in a sandboxed frame (which inherits this policy, so its remote images stay
# unloaded: no tracking pixel fires because a reviewer looked). Inline styles stay allowed because
# HTML email is styled inline and the stock admin templates use a few.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


def protect(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response
