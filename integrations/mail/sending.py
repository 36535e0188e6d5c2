"""Sending one message through Django's email framework: plain data in, a normalised result out.

Any Django email backend works: the SMTP backend, or any django-anymail ESP, chosen by settings
alone. Failures are split by the one question that matters for an email that cannot be recalled,
*did it leave?*

- :class:`MailTransientError`: certainly not sent, may work later (server unreachable, 4xx reply,
  the ESP asking us to slow down). Safe to retry.
- :class:`MailPermanentError`: certainly not sent, refused (5xx reply, the ESP rejecting the
  request or every recipient, a message the ESP cannot represent). Retrying will not help.
- :class:`MailOutcomeUnknownError`: it may have been accepted (the connection broke or timed out
  after the message was handed over, or the ESP failed with a 5xx). Never retried automatically.
"""

from __future__ import annotations

import json
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection


class MailError(Exception):
    """Root of mail errors."""


class MailTransientError(MailError):
    """The message certainly did not leave; the provider could not be reached or asked us to retry."""


class MailPermanentError(MailError):
    """The message certainly did not leave; the provider refused it and retrying will not help."""


class MailOutcomeUnknownError(MailError):
    """The provider may or may not have accepted the message; a person must find out."""


@dataclass(frozen=True)
class OutgoingMessage:
    to: list[str]
    subject: str
    body: str
    from_email: str
    message_id: str
    body_html: str = ""
    idempotency_key: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    # Sent to ESPs that echo it back in tracking events (anymail's ``metadata``); ignored by SMTP.
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SendResult:
    provider: str  # "smtp", or the anymail ESP name ("Postmark", ...)
    provider_id: str  # the ESP's message id; for SMTP the Message-ID header we set
    response: dict[str, Any]


# --- providers ------------------------------------------------------------------------------

def provider_name(connection: Any) -> str:
    esp_name = getattr(connection, "esp_name", None)
    if isinstance(esp_name, str):
        return esp_name
    return "smtp" if hasattr(connection, "connection_class") else type(connection).__name__


def idempotency_headers(connection: Any, key: str) -> dict[str, str]:
    """The provider's own idempotency key, where one exists and can travel in the message.

    - Brevo: ``headers.idempotencyKey`` in its send API (anymail's Brevo backend copies message
      headers there); Brevo drops a repeat with the same key for 15 minutes.
    - Resend's SMTP relay honours a ``Resend-Idempotency-Key`` header (24 hours). Its HTTP API
      wants an ``Idempotency-Key`` *request* header, which anymail's Resend backend cannot set.
    - Postmark, Mailgun, SendGrid, Amazon SES, SparkPost, Mailjet: no idempotency key; the
      deterministic Message-ID and hitlcrm's "sending" mark are the only guard.
    """
    if not key:
        return {}
    name = provider_name(connection)
    if name in {"Brevo", "SendinBlue"}:
        return {"idempotencyKey": key}
    if name == "smtp" and str(getattr(connection, "host", "")).lower().endswith("resend.com"):
        return {"Resend-Idempotency-Key": key}
    return {}


def open_connection() -> Any:
    """The configured backend, for a batch of sends (one SMTP session or one HTTP session);
    MailTransientError when it cannot even be set up (a missing setting, named in the message)."""
    try:
        return get_connection(fail_silently=False)
    except (ImproperlyConfigured, ImportError) as exc:
        raise MailTransientError(f"mail is not configured: {exc}") from exc


@contextmanager
def mail_connection() -> Iterator[Any]:
    connection = open_connection()
    try:
        yield connection
    finally:
        close_connection(connection)


def close_connection(connection: Any) -> None:
    _close_quietly(connection)


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        pass  # a broken connection has nothing left to close cleanly


# --- SMTP: knowing whether DATA began ---------------------------------------------------------

def _track_data_phase(connection: Any) -> None:
    """Mark the open smtplib session so a failure can tell "before DATA" (the server cannot have
    the message: safe to retry) from "DATA began" (it may have accepted it: outcome unknown).

    Wraps the ``data`` method of this one session object rather than replacing Django's SMTP
    backend, so ``EMAIL_BACKEND`` stays Django's own (or any subclass of it)."""
    smtp = getattr(connection, "connection", None)
    if not isinstance(smtp, smtplib.SMTP):
        return
    smtp.hitlcrm_data_started = False
    if getattr(smtp, "hitlcrm_tracked", False):
        return
    original = smtp.data

    def data(msg: Any) -> Any:
        smtp.hitlcrm_data_started = True
        return original(msg)

    smtp.data = data
    smtp.hitlcrm_tracked = True


def _data_started(connection: Any) -> bool | None:
    """True/False for a tracked SMTP session; None when it cannot be known."""
    smtp = getattr(connection, "connection", None)
    return getattr(smtp, "hitlcrm_data_started", None) if smtp is not None else None


def _by_code(code: int, text: str) -> MailError:
    return (MailTransientError if 400 <= code < 500 else MailPermanentError)(text)


def _smtp_error(exc: BaseException, connection: Any) -> MailError:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        transient = codes and all(400 <= code < 500 for code in codes)
        return (MailTransientError if transient else MailPermanentError)(f"recipients refused: {exc.recipients}")
    if isinstance(exc, smtplib.SMTPResponseException):
        # The server answered with an error code: it did not take the message.
        return _by_code(exc.smtp_code, f"mail server answered {exc.smtp_code}: {exc.smtp_error!r}")
    started = _data_started(connection)
    if started is False:
        return MailTransientError(f"mail server connection failed before the message was sent: {exc!r}")
    if started is None:
        return MailOutcomeUnknownError(f"mail backend failed; whether the message left is unknown: {exc!r}")
    return MailOutcomeUnknownError(f"the mail server connection broke after the message was handed over: {exc!r}")


# --- ESPs (anymail) -----------------------------------------------------------------------------

def _request_never_sent(exc: BaseException | None) -> bool:
    """True when the HTTP request surely never reached the ESP (no connection, no TLS session)."""
    import requests
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError) and exc.args:
        reason = exc.args[0]
        return isinstance(reason, NewConnectionError) or (
            isinstance(reason, MaxRetryError) and isinstance(reason.reason, NewConnectionError)
        )
    return False


def _esp_error(exc: BaseException) -> MailError:
    from anymail.exceptions import AnymailRecipientsRefused

    if isinstance(exc, AnymailRecipientsRefused):
        return MailPermanentError(f"the provider refused every recipient: {exc}")
    status = getattr(exc, "status_code", None)
    if status is not None:
        if status in (429, 503):
            return MailTransientError(f"the provider asked to retry later (HTTP {status}): {exc}")
        if 400 <= status < 500:
            return MailPermanentError(f"the provider refused the message (HTTP {status}): {exc}")
        # A 500/502/504 can come after the ESP queued the message.
        return MailOutcomeUnknownError(f"the provider failed (HTTP {status}); it may have the message: {exc}")
    if _request_never_sent(exc.__cause__):
        return MailTransientError(f"the provider could not be reached: {exc.__cause__!r}")
    return MailOutcomeUnknownError(f"the request to the provider broke; it may have the message: {exc!r}")


def _before_send_error(exc: BaseException) -> MailError | None:
    """Errors anymail raises while building the request: nothing was sent."""
    from anymail.exceptions import AnymailInvalidAddress, AnymailSerializationError, AnymailUnsupportedFeature

    if isinstance(exc, AnymailInvalidAddress | AnymailUnsupportedFeature | AnymailSerializationError):
        return MailPermanentError(f"the provider cannot take this message: {exc}")
    return None


# --- sending -------------------------------------------------------------------------------------

def build_email(message: OutgoingMessage, connection: Any) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        headers={
            "Message-ID": message.message_id,
            **idempotency_headers(connection, message.idempotency_key),
            **message.headers,
        },
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.metadata:
        email.metadata = dict(message.metadata)  # anymail: echoed back in tracking events
    return email


def send_message(message: OutgoingMessage, *, connection: Any = None) -> SendResult:
    """Send one message; raises one of the three :class:`MailError` kinds when it did not go
    (or may not have gone) out. ``connection`` (see :func:`mail_connection`) is reused if given."""
    if connection is None:
        with mail_connection() as own:
            return send_message(message, connection=own)
    from anymail.exceptions import AnymailError

    reused = bool(getattr(connection, "connection", None) or getattr(connection, "session", None))
    for attempt in (1, 2):
        email = build_email(message, connection)
        try:
            connection.open()
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, f"mail server refused the session {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise MailTransientError(f"mail server unreachable: {exc!r}") from exc
        _track_data_phase(connection)
        try:
            sent = connection.send_messages([email])
        except AnymailError as exc:
            _close_quietly(connection)
            raise (_before_send_error(exc) or _esp_error(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            error = _smtp_error(exc, connection)
            _close_quietly(connection)
            if attempt == 1 and reused and isinstance(error, MailTransientError) and not isinstance(
                exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused
            ):
                continue  # an idle session the server dropped before DATA: once more on a fresh one
            raise error from exc
        except Exception as exc:  # noqa: BLE001
            # Any other backend failing mid-send: whether the message left cannot be known,
            # so it is reported as unknown rather than retried.
            _close_quietly(connection)
            raise MailOutcomeUnknownError(f"the mail backend failed: {exc!r}") from exc
        if not sent:
            raise MailPermanentError("the mail backend accepted no message")
        return _result(message, email, connection)
    raise AssertionError("unreachable")


def _result(message: OutgoingMessage, email: EmailMultiAlternatives, connection: Any) -> SendResult:
    provider = provider_name(connection)
    status = getattr(email, "anymail_status", None)
    if status is None:  # SMTP and other plain Django backends: our Message-ID is the only id
        return SendResult(provider=provider, provider_id=message.message_id,
                          response={"provider": provider, "accepted": True})
    provider_id = status.message_id
    if isinstance(provider_id, set):  # one id per recipient: keep them all, stably ordered
        provider_id = ",".join(sorted(str(one) for one in provider_id if one))
    response: dict[str, Any] = {
        "provider": provider,
        "status": sorted(status.status or []),
        "recipients": {address: {"status": one.status, "message_id": str(one.message_id or "")}
                       for address, one in status.recipients.items()},
    }
    raw = status.esp_response
    if hasattr(raw, "status_code"):  # a requests.Response
        response["http_status"] = raw.status_code
        try:
            response["body"] = raw.json()
        except ValueError:
            response["body"] = raw.text[:2000]
        # Some backends parse an error answer (Postmark's 422) into per-recipient statuses; an error
        # answer that accepted no recipient is a refusal, whatever the statuses say.
        if raw.status_code >= 400 and not (set(status.status or ()) & {"sent", "queued"}):
            raise MailPermanentError(f"the provider refused the message (HTTP {raw.status_code}): "
                                     f"{str(response['body'])[:500]}")
    # Only JSON-safe data is kept on the record.
    response = json.loads(json.dumps(response, default=str))
    if provider_id is None or provider_id == "":
        provider_id = message.message_id
    return SendResult(provider=provider, provider_id=str(provider_id), response=response)
