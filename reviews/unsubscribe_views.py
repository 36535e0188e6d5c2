"""The one-click unsubscribe URL of every sent email (RFC 8058), a thin adapter over
``services.unsubscribe.email_unsubscribe``.

- POST (what a mailbox provider sends for its "Unsubscribe" button, body
  ``List-Unsubscribe=One-Click``; or the recipient submitting the page below): unsubscribes at once.
  No login and no CSRF token (the signed token in the URL is the credential, and RFC 8058 forbids
  asking for more); replay-safe: a second POST changes nothing and answers 200 again.
- GET (the recipient opening the link): a plain page with one button that POSTs. A GET never
  unsubscribes, since link scanners and previews fetch URLs on their own.
- A forged or damaged token: 400 with a plain message.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .services.actors import Actor
from .services.unsubscribe import UnsubscribeRefused, email_unsubscribe, unsubscribe_read

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 3em auto; padding: 0 1em">
<h1 style="font-size: 1.4em">{title}</h1>{body}</body></html>"""


def _page(title: str, body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(PAGE.format(title=escape(title), body=body), status=status,
                            content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "GET":
            _, addresses = unsubscribe_read(token)
            return _page("Unsubscribe", f"<p>Stop emails to {escape(', '.join(addresses))}?</p>"
                                        '<form method="post"><input type="hidden" name="List-Unsubscribe" '
                                        'value="One-Click"><button type="submit">Unsubscribe</button></form>')
        result = email_unsubscribe(token=token, actor=Actor.system("unsubscribe:one-click", request))
    except UnsubscribeRefused as exc:
        response = HttpResponse(f"{exc}\n", status=400, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response
    return _page("You are unsubscribed", f"<p>{escape(', '.join(result.addresses))} will not receive these "
                                         "emails any more.</p>")
