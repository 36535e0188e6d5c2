"""One exception root for everything that goes wrong talking to Salesforce, split by what the
caller should do about it:

- ``SalesforceTransientError``: try again later (API limit reached, record locked, server unavailable,
  any 5xx, timeouts, connection failures). Celery tasks retry these and nothing else.
- ``SalesforcePermanentError``: retrying the same request cannot succeed (unknown field, value too long,
  deleted record, validation rule...). The item fails and a person looks at it.
- ``SalesforceConfigurationError``: hitlcrm is set up wrongly (missing or wrong setting, untrusted
  certificate, refused login); the message names the setting to fix.

Every error carries ``error_code`` (Salesforce's errorCode/statusCode), ``message``, ``fields`` and the
HTTP ``status`` when there was one. ``map_exception`` and ``map_record_errors`` are the only places that
turn simple-salesforce / requests exceptions and per-record results into these classes.

A duplicate rule's refusal (DUPLICATES_DETECTED) is permanent: its message names the rule, the
matching records and fields, and the org's own alert text, so a person can merge or correct them.

Error codes: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
Duplicates: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_duplicateerror.htm
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import requests
from simple_salesforce import exceptions as sf_exceptions

# Codes that describe a passing condition of the org rather than a problem with the request.
TRANSIENT_ERROR_CODES = frozenset({"REQUEST_LIMIT_EXCEEDED", "UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"})
# Refusals of the whole org, not of any record: every request is refused alike until an admin (or
# time) changes something. API_DISABLED_FOR_ORG / API_CURRENTLY_DISABLED: the org or user lost API
# access; QUERY_TIMEOUT: the org's query ran too long (the read of a push is one query for up to 200
# records: retried at once it runs as long again). The API fault codes:
# https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm
ORG_REFUSAL_CODES = frozenset({"API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED", "QUERY_TIMEOUT"})
# HTTP 420: "Salesforce Edge doesn't have routing information for the org host" (errorcodes.htm):
# the org's domain is not reachable through Salesforce's front door, whatever the request.
ORG_REFUSAL_STATUSES = frozenset({420})
# Login failures that are the server's, not the credentials'.
_TRANSIENT_LOGIN_CODES = frozenset({"SERVER_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED", "LOGIN_RATE_EXCEEDED"})


class SalesforceError(Exception):
    """Root of every Salesforce failure hitlcrm reports."""

    def __init__(
        self,
        message: str,
        *,
        error_code: str = "",
        fields: Iterable[str] = (),
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error_code = error_code
        self.fields = tuple(fields)
        self.status = status
        # Seconds the org asked to be left alone (its Retry-After header), set by the client on a
        # transient refusal that carried one; the retry waits at least that long.
        self.retry_after: float | None = None

    def __str__(self) -> str:
        return f"{self.error_code}: {self.message}" if self.error_code else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.error_code!r}, {self.message!r}, status={self.status!r})"


class SalesforceConfigurationError(SalesforceError):
    """A setting is missing or wrong; the message names it."""


class SalesforceNotConfigured(SalesforceConfigurationError):
    """No connection settings at all (as opposed to wrong ones); the message names what to set."""


class SalesforceAuthenticationError(SalesforceConfigurationError):
    """Salesforce refused the configured credentials (wrong password, expired session, unknown app)."""


class SalesforceRequestTooLarge(SalesforceConfigurationError):
    """The org refused a request for its size before reading it (HTTP 414 URI Too Long, 431 Request
    Header Fields Too Large: "the maximum length for the combined URI and headers is 16,384 bytes",
    https://help.salesforce.com/s/articleView?id=000386264&type=1). No record was read or written, and
    it says nothing about any record, so it is not a record's failure: the push stops and is retried
    as a whole once the request fits (hitlcrm keeps its query URLs near 8 KB; headers a proxy adds
    can still push a request over)."""


class SalesforceOrgRefusal(SalesforceConfigurationError):
    """The org refuses every request for a reason of its own (``ORG_REFUSAL_CODES``, HTTP 420): no
    record is at fault, so pushes pause (nothing fails) until the org answers again."""


class SalesforceTransientError(SalesforceError):
    """The same request may succeed later."""


def is_daily_limit(error: SalesforceError) -> bool:
    """Whether ``error`` is the org's 24-hour allocation running out ("TotalRequests Limit exceeded"),
    as opposed to too many long-running requests at once ("ConcurrentRequests ... Limit exceeded"),
    which clears within seconds to minutes. Both are REQUEST_LIMIT_EXCEEDED; only the message tells.
    https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm"""
    return error.error_code == "REQUEST_LIMIT_EXCEEDED" and "concurrent" not in error.message.lower()


def pause_reason(error: BaseException | None) -> str:
    """Why ``error`` pauses every push rather than failing or retrying records ("" when it does
    not): ``login`` (the credentials or session are refused), ``org`` (the org refuses requests, or
    the request is too large for it whatever the record), ``configuration`` (a setting is wrong) or
    ``daily_limit`` (the org's 24-hour API allocation is used up)."""
    if isinstance(error, SalesforceAuthenticationError):
        return "login"
    if isinstance(error, (SalesforceOrgRefusal, SalesforceRequestTooLarge)):
        return "org"
    if isinstance(error, SalesforceConfigurationError):
        return "configuration"
    if isinstance(error, SalesforceTransientError) and is_daily_limit(error):
        return "daily_limit"
    return ""


class SalesforcePermanentError(SalesforceError):
    """The same request will fail again; something about the data or the org must change."""


class SalesforceInvalidInputError(SalesforcePermanentError, ValueError):
    """Refused before any request: a malformed id, object or field name (nothing reached Salesforce)."""


def is_transient(error_code: str, status: int | None = None) -> bool:
    return error_code in TRANSIENT_ERROR_CODES or (status is not None and (status >= 500 or status == 429))


def _described(error: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    """(message, fields) of one error object; for a DuplicateError, spelled out from its DuplicateResult
    (which rule refused, which records it matched on which fields), since Salesforce's own ``message``
    is only the admin's alert text and its ``fields`` are empty."""
    message = str(error.get("message") or error.get("error_description") or "")
    fields = tuple(str(name) for name in error.get("fields") or ())
    result = error.get("duplicateResult")
    if not isinstance(result, Mapping):
        return message, fields
    matched: list[str] = []
    same: list[str] = []
    for match in result.get("matchResults") or ():
        for found in match.get("matchRecords") or ():
            record = found.get("record") or {}
            kind = (record.get("attributes") or {}).get("type") or match.get("entityType") or ""
            if record.get("Id"):
                matched.append(f"{kind} {record['Id']}".strip())
            same += [str(diff.get("name")) for diff in found.get("fieldDiffs") or ()
                     if diff.get("difference") == "SAME" and str(diff.get("name")) not in same]
    text = f"Salesforce's duplicate rule {result.get('duplicateRule') or '(unnamed)'} refused the save"
    if matched:
        text += f": it matches {', '.join(matched)}"
    if same:
        text += f" on {', '.join(same)}"
    alert = str(result.get("errorMessage") or message)
    if alert:
        text += f" (the org says: {alert})"
    text += ". Merge or correct the records in Salesforce, or allow duplicate saves in the object's CRM object rule."
    return text, fields or tuple(same)


# Reason phrases for the statuses whose bodies are not the REST API's JSON (the front door's pages).
_REASONS = {300: "Multiple Choices", 412: "Precondition Failed", 414: "URI Too Long", 420: "Edge Routing Unavailable",
            431: "Request Header Fields Too Large", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout"}
MAX_URI_AND_HEADER_BYTES = 16_384


def _first_error(content: Any) -> tuple[str, str, tuple[str, ...]]:
    """(errorCode, message, fields) from a REST error body: ``[{"message", "errorCode", "fields"}]``.

    Any other body (an HTML page from a proxy or the org's front door) gives no message: a person
    would read markup, and the page says no more than its status does.
    """
    error: Any = content
    if isinstance(error, list) and error:
        error = error[0]
    if isinstance(error, Mapping):
        code = str(error.get("errorCode") or error.get("statusCode") or error.get("error") or "")
        message, fields = _described(error)
        return code, message, fields
    if isinstance(error, bytes):
        error = error.decode("utf-8", "replace")
    text = " ".join(str(error or "").split())
    if "<" in text and ">" in text:  # markup
        return "", "", ()
    return "", text[:300], ()


def short_url(url: str) -> str:
    """``url`` without its query (a SOQL query can be 16 KB long) and with its length, for messages."""
    path, _, query = str(url or "").partition("?")
    return f"{path} (a {len(url.encode()):,}-byte URL)" if query else path


# Markup tags (a letter, "/" or "!" right after "<": "a < b" and "<100" are text, not tags).
_TAG = re.compile(r"</?[a-zA-Z!][^<>]*>")
# A URL, absolute or a REST path, up to the next space.
_URL = re.compile(r"(?:https?://|/services/)\S+")
# Longer URLs lose their query in messages.
_LONGEST_URL = 200
MAX_MESSAGE_CHARS = 1_000


def readable(text: str, *, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` as a person should read it: markup tags removed (a page a trigger or proxy quoted), a
    long URL without its query (see :func:`short_url`), whitespace collapsed, at most ``limit``
    characters."""
    text = " ".join(_TAG.sub(" ", str(text or "")).split())
    text = _URL.sub(lambda found: found.group() if len(found.group()) <= _LONGEST_URL else short_url(found.group()), text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _multiple_matches_text(matches: list[str]) -> str:
    found = f" ({', '.join(matches)})" if matches else ""
    return (f"the external id matches {len(matches) or 'several'} records{found}; Salesforce updates none "
            "of them. Merge the duplicates in Salesforce or write the change by record id")


def _multiple_matches(exc: sf_exceptions.SalesforceMoreThanOneRecord) -> str:
    """The 300 answer to an upsert by external id: "The response body contains the list of matching
    records" (errorcodes.htm), as record URLs; named by their ids."""
    matches = [str(entry).rstrip("/").rsplit("/", 1)[-1] for entry in exc.content or ()
               if isinstance(entry, str)] if isinstance(exc.content, list) else []
    return _multiple_matches_text(matches)


# A record id (15 or 18 characters) in an org's message.
_RECORD_ID = re.compile(r"\b[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?\b")


def map_exception(exc: BaseException) -> SalesforceError:
    """The hitlcrm error for an exception raised by simple-salesforce or requests."""
    if isinstance(exc, SalesforceError):
        return exc
    if isinstance(exc, sf_exceptions.SalesforceAuthenticationFailed):
        code = str(exc.code) if exc.code is not None else "AUTHENTICATION_FAILED"
        message = exc.auth_message or "authentication failed"
        if code in _TRANSIENT_LOGIN_CODES or (isinstance(exc.code, int) and exc.code >= 500):
            return SalesforceTransientError(f"Salesforce login failed: {message}", error_code=code)
        return SalesforceAuthenticationError(
            f"Salesforce refused the login ({message}); check SALESFORCE_DOMAIN and the login's settings: "
            "SALESFORCE_CONSUMER_KEY, SALESFORCE_USERNAME and SALESFORCE_PRIVATE_KEY_FILE (JWT bearer), "
            "SALESFORCE_CONSUMER_KEY and SALESFORCE_CONSUMER_SECRET (client credentials), or SALESFORCE_USERNAME, "
            "SALESFORCE_PASSWORD and SALESFORCE_SECURITY_TOKEN (SOAP login)",
            error_code=code,
        )
    if isinstance(exc, sf_exceptions.SalesforceError):
        code, message, fields = _first_error(exc.content)
        status = exc.status
        if isinstance(exc, sf_exceptions.SalesforceExpiredSession):
            return SalesforceAuthenticationError(
                f"Salesforce rejected the session ({message or 'Session expired or invalid'}); set a fresh "
                "SALESFORCE_SESSION_ID, or SALESFORCE_USERNAME/SALESFORCE_PASSWORD/SALESFORCE_SECURITY_TOKEN "
                "(or the JWT settings) so hitlcrm can log in again",
                error_code=code or "INVALID_SESSION_ID",
                status=status,
            )
        if isinstance(exc, sf_exceptions.SalesforceMoreThanOneRecord):
            code, message = "MULTIPLE_MATCHES", _multiple_matches(exc)
        if status in (414, 431):
            return SalesforceRequestTooLarge(
                f"Salesforce refused the request before reading it: HTTP {status} {_REASONS[status]} (the org "
                f"limits the URI plus headers to {MAX_URI_AND_HEADER_BYTES:,} bytes) for {short_url(exc.url)}",
                error_code="URI_TOO_LONG" if status == 414 else "REQUEST_HEADER_FIELDS_TOO_LARGE",
                status=status,
            )
        message = message or f"HTTP {status} {_REASONS.get(status, '')} from {short_url(exc.url)}".replace("  ", " ")
        if code in ORG_REFUSAL_CODES or status in ORG_REFUSAL_STATUSES:
            return SalesforceOrgRefusal(message, error_code=code or f"HTTP_{status}", fields=fields, status=status)
        if is_transient(code, status):
            return SalesforceTransientError(message, error_code=code or f"HTTP_{status}", fields=fields, status=status)
        return SalesforcePermanentError(message, error_code=code or f"HTTP_{status}", fields=fields, status=status)
    if isinstance(exc, requests.exceptions.SSLError):
        return SalesforceConfigurationError(
            f"TLS verification of the Salesforce server failed ({exc}); set SALESFORCE_CA_BUNDLE to a CA "
            "bundle that trusts it (a local emulator or a corporate TLS proxy)",
            error_code="TLS_VERIFICATION_FAILED",
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return SalesforceTransientError(f"Salesforce did not answer in time: {exc}", error_code="TIMEOUT")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return SalesforceTransientError(f"Could not reach Salesforce: {exc}", error_code="CONNECTION_ERROR")
    if isinstance(exc, requests.exceptions.RequestException):
        return SalesforceTransientError(f"HTTP request to Salesforce failed: {exc}", error_code="HTTP_ERROR")
    raise TypeError(f"not a Salesforce or HTTP error: {exc!r}") from exc


def map_record_errors(errors: Iterable[Mapping[str, Any]], *, status: int | None = None) -> SalesforceError:
    """The hitlcrm error for one record's ``errors`` in an sObject Collections result.

    A record can fail for several reasons at once; the first decides the class unless a later one is
    transient (a locked row makes the whole record worth retrying). Messages are joined.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
    """
    items = list(errors)
    if not items:
        return SalesforcePermanentError(
            "the record failed without an error message", error_code="UNKNOWN_ERROR", status=status
        )
    codes = [str(item.get("statusCode") or item.get("errorCode") or "UNKNOWN_ERROR") for item in items]
    described = [_described(item) for item in items]
    for index, code in enumerate(codes):
        if code == "DUPLICATE_EXTERNAL_ID":
            # sObject Collections' form of the single-record upsert's 300 Multiple Choices: "<field>:
            # more than one record found for external id field: [ids]" (nothing created or updated).
            # The same outcome, named the same way (resources_composite_sobjects_collections_upsert.htm).
            text, names = described[index]
            codes[index] = "MULTIPLE_MATCHES"
            listed = re.search(r"\[([^\]]*)\]", text)
            described[index] = (_multiple_matches_text(_RECORD_ID.findall(listed.group(1) if listed else "")), names)
    # The org's words as a person reads them (a trigger may quote a page or a long URL).
    message = readable("; ".join(text for text, _ in described))
    fields = [name for _, names in described for name in names]
    transient = next((code for code in codes if is_transient(code)), None)
    if transient:
        return SalesforceTransientError(message, error_code=transient, fields=fields, status=status)
    return SalesforcePermanentError(message, error_code=codes[0], fields=fields, status=status)
