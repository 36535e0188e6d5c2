"""The emulator's behaviour, independent of the network: a request in, a response out.

Follows the REST API documentation (each handler names its page); where the documentation is silent
the emulator does what a real org does as far as we know it, and says so.

- Versions, resources, limits: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_list.htm
- Errors: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
- Sforce-Limit-Info: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
- SOAP login: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_login.htm,
  not available from API 65.0 and retired in Summer '27:
  https://developer.salesforce.com/docs/platform/api/guide/api-eol-soap.html
- OAuth JWT bearer: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
- OAuth client credentials: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
- Sforce-Auto-Assign: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm
- Sforce-Duplicate-Rule-Header: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_duplicaterules.htm
- Composite (up to 25 subrequests, each with its own ``httpHeaders``):
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/requests_composite.htm
- Conditional requests (``If-Unmodified-Since`` on sObject Rows, 412 when the record changed since):
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_conditional_requests.htm
- URI and header length: "In each REST call, the maximum length for the combined URI and headers is 16,384
  bytes. A request exceeding this limit returns a 431 Request Header Fields Too Large error. If the URI itself
  exceeds this limit, the request returns a 414 URI Too Long error."
  (https://help.salesforce.com/s/articleView?id=000386264&type=1; 414 and 431 in errorcodes.htm). The org's
  front door answers these with an HTML page, not the REST API's JSON error body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
import xml.etree.ElementTree as ET
from collections import Counter, deque
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs, unquote

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from . import ids, soql
from .schema import OBJECTS, OBJECTS_BY_PREFIX, ObjectSpec
from .store import (
    UI_EDIT,
    ApiError,
    AssignmentRule,
    DmlOptions,
    DuplicateRule,
    RecordError,
    Store,
    parse_datetime,
    parse_payload,
    render,
)

# Through Winter '27 (68.0), the newest release in December 2026.
API_VERSIONS = tuple(f"{number}.0" for number in range(31, 69))
# SOAP login() answers only up to this version ("not available in API version 65.0 onwards").
SOAP_LOGIN_LAST_VERSION = 64.0
ORG_ID = "00DEm0000000001"
USER_ID = "005Em0000000001AAA"
DEFAULT_USERNAME = "integration@hitlcrm.example"
DEFAULT_PASSWORD = "emulator-password"
DEFAULT_SECURITY_TOKEN = "EMULATORTOKEN"
COLLECTION_LIMIT = 200
COMPOSITE_LIMIT = 25
RETRIEVE_LIMIT = 2000
PRODUCTION_AUDIENCE, SANDBOX_AUDIENCE = "https://login.salesforce.com", "https://test.salesforce.com"
# The org's My Domain host; the token endpoint of the client credentials flow is only served there.
DEFAULT_MY_DOMAIN = "hitlcrm-emulator.my.salesforce.com"
_DATA_PATH = re.compile(r"^/services/data/v(?P<version>\d+\.\d)(?P<rest>/.*)?$")
_SOAP_PATH = re.compile(r"^/services/Soap/u/(?P<version>\d+\.\d)/?$")
# The combined length of the URI and the headers a REST call may have (bytes).
MAX_URI_AND_HEADER_BYTES = 16_384

# Default messages for injected faults, as Salesforce words them.
FAULT_MESSAGES = {
    "REQUEST_LIMIT_EXCEEDED": "TotalRequests Limit exceeded.",
    "SERVER_UNAVAILABLE": "Server temporarily unavailable. Please try again later.",
    "UNABLE_TO_LOCK_ROW": "unable to obtain exclusive access to this record or 1 records",
    "INVALID_SESSION_ID": "Session expired or invalid",
    # Refusals of the whole org (API fault codes, sforce_api_calls_concepts_core_data_objects.htm).
    "API_DISABLED_FOR_ORG": "The REST API is not enabled for this Organization.",
    "API_CURRENTLY_DISABLED": "API is disabled for this User",
    "QUERY_TIMEOUT": "Your query request was running for too long.",
    # HTTP 420 (errorcodes.htm): the front door cannot route the org's host.
    "EDGE_ROUTING_UNAVAILABLE": "Salesforce Edge doesn't have routing information for the org host.",
}
# Too many long-running requests at once: REQUEST_LIMIT_EXCEEDED with this message (the daily
# allocation's is "TotalRequests Limit exceeded."), salesforce_app_limits_platform_api.htm.
CONCURRENT_LIMIT_MESSAGE = "ConcurrentRequests (Concurrent API Requests) Limit exceeded."


def release_label(version: str) -> str:
    """'62.0' -> "Winter '25" (three releases a year: Spring, Summer, Winter)."""
    offset = 62 - int(float(version))
    step, season = divmod(offset, 3)
    if season == 0:
        return f"Winter '{25 - step:02d}"
    return f"{'Summer' if season == 1 else 'Spring'} '{24 - step:02d}"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    client_ip: str = "127.0.0.1"
    # The request target (path and query, as sent) and the header block, in bytes; the server fills
    # them in. 0: unknown (a request built in Python), measured from ``path``/``query``/``headers``.
    target_bytes: int = 0
    header_bytes: int = 0

    def sizes(self) -> tuple[int, int]:
        """(URI bytes, header bytes) as the org counts them."""
        target = self.target_bytes or len(self.path.encode()) + sum(
            len(name) + len(value) + 2 for name, values in self.query.items() for value in values
        )
        headers = self.header_bytes or sum(len(name) + len(value) + 4 for name, value in self.headers.items())
        return target, headers

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ApiError(400, "JSON_PARSER_ERROR", f"Unexpected character: {exc}") from None

    def param(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # For ``status`` 0 (no answer): seconds the connection is held open before it is dropped, so a
    # client with a shorter timeout gives up first (a response lost to a client timeout).
    hang_seconds: float = 0.0

    @classmethod
    def json(cls, status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json;charset=UTF-8", **(headers or {})})

    @classmethod
    def error(cls, exc: ApiError) -> Response:
        return cls.json(exc.status, exc.body())

    @classmethod
    def html(cls, status: int, title: str) -> Response:
        """A page from the org's front door (its web server, before the REST API sees the request)."""
        page = (f"<!DOCTYPE html><html><head><title>{status} {escape(title)}</title></head><body>"
                f"<h1>{escape(title)}</h1><hr><p>Salesforce</p></body></html>")
        return cls(status, page.encode(), {"Content-Type": "text/html;charset=UTF-8"})

    @classmethod
    def xml(cls, status: int, text: str) -> Response:
        return cls(status, text.encode(), {"Content-Type": "text/xml;charset=UTF-8"})

    def data(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Fault:
    error_code: str
    status: int
    message: str
    remaining: int  # 0: every matching request until clear_faults() (an outage)
    kinds: frozenset[str] | None = None
    skip: int = 0  # matching requests to let through first
    # Run the request, then drop the connection: the write lands, the client never hears so.
    after_handling: bool = False
    # With status 0: hold the connection this long before dropping it (the client times out first).
    hang_seconds: float = 0.0
    # Seconds sent in a Retry-After header with the refusal (None: no header).
    retry_after: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "after_handling": self.after_handling,
            "hang_seconds": self.hang_seconds,
            "retry_after": self.retry_after,
            "error_code": self.error_code,
            "status": self.status,
            "message": self.message,
            "remaining": self.remaining,
            "kinds": sorted(self.kinds) if self.kinds else None,
            "skip": self.skip,
        }


@dataclass
class RecordFault:
    error_code: str
    message: str
    remaining: int
    record_ids: frozenset[str] | None = None
    fields: tuple[str, ...] = ()  # the fields the error is about (a validation rule shown at a field)


@dataclass
class ConnectedApp:
    consumer_key: str
    consumer_secret: str | None = None
    public_key: Any = None  # a cryptography public key (JWT bearer)
    approved_users: frozenset[str] | None = None  # None: every user is pre-authorised
    run_as: str | None = None  # the client credentials flow's execution user (None: the flow is off)


class SalesforceEmulator:
    """State and request handling. ``EmulatorServer`` puts it behind HTTPS."""

    def __init__(self, *, session_id: str | None = None, api_max: int = 15000) -> None:
        self.store = Store()
        # One lock for the org: requests, DML and the Python control API never interleave.
        self.lock = self.store.lock
        self.base_url = "https://127.0.0.1"
        self.api_max = self._initial_api_max = api_max
        self.api_used = 0
        self.latency_ms = 0
        self.query_batch_size = 2000
        self.session_id = session_id or self.new_session_token()
        self._sessions: set[str] = {self.session_id}
        self._faults: deque[Fault] = deque()
        self._record_faults: deque[RecordFault] = deque()
        self._edits_before: deque[tuple[frozenset[str], str, str, dict[str, Any]]] = deque()
        self._calls: Counter[str] = Counter()
        self._cursors: dict[str, tuple[str, list[dict[str, Any]]]] = {}
        self.request_log: deque[dict[str, Any]] = deque(maxlen=2000)
        self.users: dict[str, tuple[str, str]] = {}
        self.connected_apps: dict[str, ConnectedApp] = {}
        self.add_user(DEFAULT_USERNAME, DEFAULT_PASSWORD, DEFAULT_SECURITY_TOKEN)
        self.my_domain = DEFAULT_MY_DOMAIN
        self.sandbox = False
        # New orgs have SOAP login() off ("Disable SOAP API login()" is on by default since Summer '25);
        # the emulator keeps it on unless a test turns it off, for the demo's username-password login.
        self.soap_login_enabled = True

    # ------------------------------------------------------------------ Python control API
    @staticmethod
    def new_session_token() -> str:
        return f"{ORG_ID}!AQ{secrets.token_urlsafe(72)}"

    def add_user(self, username: str, password: str, security_token: str = "") -> None:
        with self.lock:
            self.users[username] = (password, security_token)

    def add_connected_app(
        self,
        consumer_key: str,
        *,
        consumer_secret: str | None = None,
        certificate_pem: bytes | str | None = None,
        approved_users: list[str] | None = None,
        run_as: str | None = None,
    ) -> None:
        """Register a connected app; ``certificate_pem`` (certificate or public key) enables JWT bearer,
        ``consumer_secret`` with ``run_as`` (a username) the client credentials flow."""
        public_key = None
        if certificate_pem:
            pem = certificate_pem.encode() if isinstance(certificate_pem, str) else certificate_pem
            if b"CERTIFICATE" in pem:
                public_key = x509.load_pem_x509_certificate(pem).public_key()
            else:
                public_key = serialization.load_pem_public_key(pem)
        with self.lock:
            self.connected_apps[consumer_key] = ConnectedApp(
                consumer_key, consumer_secret, public_key, frozenset(approved_users) if approved_users else None,
                run_as,
            )

    def reset(self) -> None:
        """A fresh org: no records, faults, counters or latency; usage 0 of the initial allowance; the
        default user only, no connected apps; only the primary session valid."""
        with self.lock:
            self.api_max = self._initial_api_max
            self.query_batch_size = 2000
            self.users = {}
            self.connected_apps = {}
            self.add_user(DEFAULT_USERNAME, DEFAULT_PASSWORD, DEFAULT_SECURITY_TOKEN)
            self.my_domain, self.sandbox, self.soap_login_enabled = DEFAULT_MY_DOMAIN, False, True
            self.store.reset()
            self._faults.clear()
            self._record_faults.clear()
            self._edits_before.clear()
            self._calls.clear()
            self._cursors.clear()
            self.request_log.clear()
            self.api_used = 0
            self.latency_ms = 0
            self._sessions = {self.session_id}

    def inject_fault(
        self,
        error_code: str,
        status: int,
        *,
        count: int = 1,
        message: str | None = None,
        kinds: list[str] | None = None,
        skip: int = 0,
        after_handling: bool = False,
        hang_seconds: float = 0.0,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``count`` data requests (of ``kinds``, if given) with this error, after letting
        ``skip`` matching requests through; ``count=0``: every one until :meth:`clear_faults` (an org
        refusing all requests for hours: API access disabled, a maintenance window). ``status=0``
        drops the connection without an answer, after holding it ``hang_seconds`` (a client with a
        shorter timeout gives up first); with ``after_handling`` the request runs first (a response
        lost after the write landed). ``retry_after``: the refusal carries ``Retry-After: <seconds>``,
        as a server unavailable for maintenance may say when to come back (RFC 9110, section 10.2.3).
        """
        with self.lock:
            self._faults.append(
                Fault(
                    error_code,
                    status,
                    message or FAULT_MESSAGES.get(error_code, f"{error_code} (injected)"),
                    max(0, int(count)),
                    frozenset(kinds) if kinds else None,
                    max(0, int(skip)),
                    after_handling,
                    max(0.0, float(hang_seconds)),
                    None if retry_after is None else max(0, int(retry_after)),
                )
            )

    def inject_record_error(
        self, error_code: str, *, count: int = 1, message: str | None = None, record_ids: list[str] | None = None,
        fields: list[str] | None = None,
    ) -> None:
        """Fail the next ``count`` records written through sObject Collections with this per-record error;
        ``fields``: the error's ``fields`` (a validation rule whose error shows at a field names it)."""
        with self.lock:
            wanted = frozenset(filter(None, (ids.normalise(value) for value in record_ids))) if record_ids else None
            self._record_faults.append(
                RecordFault(error_code, message or FAULT_MESSAGES.get(error_code, f"{error_code} (injected)"), count, wanted,
                            tuple(fields or ()))
            )

    def edit_before(self, kinds: list[str], object_name: str, record_id: str, fields: dict[str, Any]) -> None:
        """A person edits the record (as ``update`` does) just before the next data request of ``kinds``
        runs: a concurrent edit between a client's read and its write."""
        with self.lock:
            self._edits_before.append((frozenset(kinds), object_name, record_id, dict(fields)))

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()
            self._record_faults.clear()

    def set_latency(self, milliseconds: int) -> None:
        self.latency_ms = max(0, int(milliseconds))

    def set_api_usage(self, used: int, maximum: int | None = None) -> None:
        with self.lock:
            self.api_used = int(used)
            if maximum is not None:
                self.api_max = int(maximum)

    def api_usage(self) -> tuple[int, int]:
        return self.api_used, self.api_max

    def expire_sessions(self) -> None:
        """Invalidate every session (the primary one too, until ``reset`` or a new login)."""
        with self.lock:
            self._sessions.clear()

    def issue_session(self) -> str:
        token = self.new_session_token()
        with self.lock:
            self._sessions.add(token)
        return token

    def seed(self, object_name: str, records: list[dict[str, Any]]) -> list[str]:
        """Insert records directly (no API call counted; Id and system fields may be given); their ids."""
        return self.store.seed(object_name, records)

    def create(self, object_name: str, fields: dict[str, Any]) -> str:
        """Seed one record; its 18-character id."""
        return self.store.seed(object_name, [fields])[0]

    def update(self, object_name: str, record_id: str, fields: dict[str, Any]) -> None:
        """Change a record as a Salesforce user would (DML rules apply; no API call counted)."""
        spec = self.store.objects[object_name]
        with self.store.lock:
            self.store.update(spec, record_id, parse_payload(spec, fields), UI_EDIT)

    def enable_person_accounts(self) -> None:
        """The org has Person Accounts (until ``reset``): Account's describe and SOQL know
        ``IsPersonAccount``, ``PersonEmail``, ``PersonHasOptedOutOfEmail`` and its other Person* fields."""
        self.store.enable_person_accounts()

    def set_owner(self, user_id: str, name: str, email: str = "") -> None:
        """A user records may be owned by (``OwnerId``), as ``Owner.Name`` and ``Owner.Email`` read it."""
        with self.store.lock:
            self.store.owners[user_id] = {"Id": user_id, "Name": name, "Email": email, "Username": email or name,
                                          "IsActive": True}

    def set_assignment_rule(self, object_name: str, owner_id: str | None) -> None:
        """Give ``object_name`` an active assignment rule that hands records to ``owner_id``; None: no
        active rule. (Lead and Account have one after ``reset``.)"""
        with self.lock:
            if owner_id is None:
                self.store.assignment_rules.pop(object_name, None)
            else:
                self.store.assignment_rules[object_name] = AssignmentRule(f"Custom_{object_name}_Assignment", owner_id)

    def set_duplicate_rule(self, object_name: str, fields: list[str] | None, *, block: bool = False) -> None:
        """Give ``object_name`` an active duplicate rule matching on ``fields`` (``block``: action "Block"
        rather than "Allow" with an alert); None: no active rule. (Lead and Contact match on Email after
        ``reset``.)"""
        spec = self.store.objects[object_name]
        with self.lock:
            if fields is None:
                self.store.duplicate_rules.pop(object_name, None)
                return
            names = tuple(spec.field(name).name for name in fields)
            self.store.duplicate_rules[object_name] = DuplicateRule(
                f"Custom_{object_name}_Duplicate_Rule", f"Custom_{object_name}_Match_Rule", names, block=block
            )

    def delete(self, object_name: str, record_id: str) -> None:
        """Delete a record (to the recycle bin: IsDeleted = true), as a Salesforce user would."""
        with self.store.lock:
            self.store.delete(self.store.objects[object_name], record_id)

    def get(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        """A stored record (all fields, deleted ones too) by 15- or 18-character id, or None."""
        return self.store.get_record(object_name, record_id)

    def call_counts(self) -> dict[str, int]:
        with self.lock:
            return dict(self._calls)

    def calls(self, kind: str) -> int:
        with self.lock:
            return self._calls[kind]

    def state(self) -> dict[str, Any]:
        with self.lock:
            return {
                "calls": dict(self._calls),
                "api_usage": {"used": self.api_used, "max": self.api_max},
                "latency_ms": self.latency_ms,
                "faults": [fault.as_dict() for fault in self._faults],
                "records": {name: self.store.count(name) for name in OBJECTS},
                "sessions": len(self._sessions),
            }

    # ------------------------------------------------------------------ entry point
    def handle(self, request: Request) -> Response:
        if request.path.startswith("/__emulator__/"):
            return self._control(request)
        uri_bytes, header_bytes = request.sizes()
        if uri_bytes > MAX_URI_AND_HEADER_BYTES or uri_bytes + header_bytes > MAX_URI_AND_HEADER_BYTES:
            # Refused at the front door: no API call is counted and nothing runs.
            with self.lock:
                self._calls["refused_too_large"] += 1
                self.request_log.append({"method": request.method, "path": request.path, "query": {},
                                         "kind": "refused_too_large", "sforce": {}})
            if uri_bytes > MAX_URI_AND_HEADER_BYTES:
                return Response.html(414, "URI Too Long")
            return Response.html(431, "Request Header Fields Too Large")
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        kind = "unknown"
        try:
            soap = _SOAP_PATH.match(request.path)
            if soap and request.method == "POST":
                kind = "login"
                with self.lock:
                    self._calls[kind] += 1
                return self._soap_login(request, soap.group("version"))
            if request.path == "/services/oauth2/token" and request.method == "POST":
                kind = "oauth_token"
                with self.lock:
                    self._calls[kind] += 1
                return self._oauth_token(request)
            if request.path in {"/services/data", "/services/data/"} and request.method == "GET":
                kind = "versions"
                with self.lock:
                    self._calls[kind] += 1
                return Response.json(
                    200, [{"label": release_label(v), "url": f"/services/data/v{v}", "version": v} for v in API_VERSIONS]
                )
            match = _DATA_PATH.match(request.path)
            if not match:
                raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
            response, kind = self._data(request, match.group("version"), match.group("rest") or "/")
            return response
        except ApiError as exc:
            return Response.error(exc)
        finally:
            # The Sforce-* request headers (assignment and duplicate rules, query options), never the session.
            sforce = {name: value for name, value in request.headers.items() if name.startswith("sforce-")}
            self.request_log.append(
                {"method": request.method, "path": request.path, "query": request.query, "kind": kind, "sforce": sforce}
            )

    # ------------------------------------------------------------------ data API
    def _data(self, request: Request, version: str, rest: str) -> tuple[Response, str]:
        # Every response below the versions URI carries Sforce-Limit-Info, refusals included: "This
        # response header is returned in each request to REST API (except for calls to the Versions
        # URI, /, which do not count towards your org's limit)" (headers_api_usage.htm). A refused
        # call reports the usage without adding to it.
        if version not in API_VERSIONS:
            with self.lock:
                return Response.json(
                    404, ApiError(404, "NOT_FOUND", "The requested resource does not exist").body(), self._limit_header()
                ), "unknown"
        kind, handler, args = self._route(request.method, rest)
        with self.lock:
            if not self._authorised(request):
                self._calls["rejected_session"] += 1
                return Response.json(
                    401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}],
                    self._limit_header(),
                ), kind
            self._calls[kind] += 1
            self._calls["api"] += 1
            for edit in [edit for edit in self._edits_before if kind in edit[0]]:
                self._edits_before.remove(edit)
                self.update(edit[1], edit[2], edit[3])
            fault = self._next_fault(kind)
            if fault is not None and fault.after_handling:
                try:
                    handler(request, version, *args)
                except ApiError:
                    pass
                self.api_used += 1
                return Response(0, hang_seconds=fault.hang_seconds), kind
            if fault is not None:
                if fault.status == 0:
                    return Response(0, hang_seconds=fault.hang_seconds), kind
                headers = self._limit_header()
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
                return Response.json(
                    fault.status, [{"message": fault.message, "errorCode": fault.error_code}], headers
                ), kind
            if self.api_used >= self.api_max:
                return Response.json(
                    403,
                    [{"message": FAULT_MESSAGES["REQUEST_LIMIT_EXCEEDED"], "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
                    self._limit_header(),
                ), kind
            self.api_used += 1
            try:
                response = handler(request, version, *args)
            except ApiError as exc:
                response = Response.error(exc)
            response.headers["Sforce-Limit-Info"] = self._limit_header()["Sforce-Limit-Info"]
            return response, kind

    def _limit_header(self) -> dict[str, str]:
        return {"Sforce-Limit-Info": f"api-usage={self.api_used}/{self.api_max}"}

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        return scheme.lower() in {"bearer", "oauth"} and token.strip() in self._sessions

    def _next_fault(self, kind: str) -> Fault | None:
        for fault in self._faults:
            if fault.kinds is None or kind in fault.kinds:
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                if fault.remaining == 0:
                    return fault  # an outage: until cleared
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _next_record_fault(self, record_id: str | None) -> RecordFault | None:
        for fault in self._record_faults:
            if fault.record_ids is None or (record_id and ids.normalise(record_id) in fault.record_ids):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._record_faults.remove(fault)
                return fault
        return None

    def _route(self, method: str, rest: str) -> tuple[str, Any, tuple[Any, ...]]:
        parts = [unquote(part) for part in rest.strip("/").split("/")] if rest.strip("/") else []
        not_found = ("unknown", self._not_found, ())

        def allow(methods: dict[str, tuple[str, Any, tuple[Any, ...]]]) -> tuple[str, Any, tuple[Any, ...]]:
            if method in methods:
                return methods[method]
            allowed = ",".join(sorted(methods))
            return "unknown", self._method_not_allowed(method, allowed), ()

        if not parts:
            return allow({"GET": ("resources", self._resources, ())})
        head, tail = parts[0], parts[1:]
        if head == "limits" and not tail:
            return allow({"GET": ("limits", self._limits, ())})
        if head in {"query", "queryAll"}:
            if not tail:
                kind = "query" if head == "query" else "query_all"
                return allow({"GET": (kind, self._query, (head == "queryAll",))})
            if len(tail) == 1:
                return allow({"GET": ("query_more", self._query_more, (tail[0],))})
            return not_found
        if head == "sobjects":
            if not tail:
                return allow({"GET": ("describe_global", self._describe_global, ())})
            spec = self.store.lookup(tail[0])
            if spec is None:
                return not_found
            if len(tail) == 1:
                return allow(
                    {
                        "GET": ("sobject_info", self._sobject_info, (spec,)),
                        "POST": ("sobject_create", self._create_one, (spec,)),
                    }
                )
            if len(tail) == 2 and tail[1] == "describe":
                return allow({"GET": ("describe", self._describe, (spec,))})
            if len(tail) == 2:
                return allow(
                    {
                        "GET": ("sobject_get", self._get_one, (spec, tail[1])),
                        "PATCH": ("sobject_patch", self._patch_one, (spec, tail[1])),
                        "DELETE": ("sobject_delete", self._delete_one, (spec, tail[1])),
                    }
                )
            if len(tail) == 3:
                return allow(
                    {
                        "GET": ("external_id_get", self._get_by_external_id, (spec, tail[1], tail[2])),
                        "PATCH": ("upsert", self._upsert_one, (spec, tail[1], tail[2])),
                    }
                )
            return not_found
        if head == "composite" and not tail:
            return allow({"POST": ("composite", self._composite, ())})
        if head == "composite" and tail and tail[0] == "sobjects":
            rest_parts = tail[1:]
            if not rest_parts:
                return allow(
                    {
                        "POST": ("collections_create", self._collections_create, ()),
                        "PATCH": ("collections_update", self._collections_update, ()),
                        "DELETE": ("collections_delete", self._collections_delete, ()),
                    }
                )
            spec = self.store.lookup(rest_parts[0])
            if spec is None:
                return not_found
            if len(rest_parts) == 1:
                return allow(
                    {
                        "GET": ("collections_get", self._collections_get, (spec,)),
                        "POST": ("collections_get", self._collections_get, (spec,)),
                    }
                )
            if len(rest_parts) == 2:
                return allow({"PATCH": ("collections_upsert", self._collections_upsert, (spec, rest_parts[1]))})
        return not_found

    @staticmethod
    def _not_found(request: Request, version: str) -> Response:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")

    @staticmethod
    def _method_not_allowed(method: str, allowed: str) -> Any:
        def handler(request: Request, version: str) -> Response:
            raise ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are {allowed}")

        return handler

    # --- resources, limits, describe
    def _resources(self, request: Request, version: str) -> Response:
        base = f"/services/data/v{version}"
        return Response.json(
            200,
            {
                name: f"{base}/{name}"
                for name in ("sobjects", "query", "queryAll", "limits", "composite", "search", "recent")
            },
        )

    def _limits(self, request: Request, version: str) -> Response:
        # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
        return Response.json(
            200,
            {
                "DailyApiRequests": {"Max": self.api_max, "Remaining": max(0, self.api_max - self.api_used)},
                "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
                "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000},
                "DataStorageMB": {"Max": 5, "Remaining": 5},
                "SingleEmail": {"Max": 15, "Remaining": 15},
            },
        )

    def _describe_global(self, request: Request, version: str) -> Response:
        return Response.json(
            200,
            {
                "encoding": "UTF-8",
                "maxBatchSize": 200,
                "sobjects": [spec.global_entry(version) for spec in self.store.objects.values()],
            },
        )

    def _sobject_info(self, request: Request, version: str, spec: ObjectSpec) -> Response:
        recent = [
            render(spec, record, ["Id", "Name"] if spec.field("Name") else ["Id"], version)
            for record in self.store.all(spec.name)[-10:]
        ]
        return Response.json(200, {"objectDescribe": spec.global_entry(version), "recentItems": recent})

    def _describe(self, request: Request, version: str, spec: ObjectSpec) -> Response:
        # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
        return Response.json(200, spec.describe(version))

    # --- single records
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_retrieve.htm
    def _resolve_row(self, spec: ObjectSpec, raw_id: str, *, allow_deleted: bool = False) -> dict[str, Any]:
        if ids.normalise(raw_id) is None:
            # A second path segment that is not an id is read as an external id field name.
            raise ApiError(404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {raw_id}")
        try:
            return self.store.locate(spec, raw_id, allow_deleted=allow_deleted)
        except RecordError as exc:
            status = 400 if exc.status_code == "MALFORMED_ID" else 404
            raise ApiError(status, exc.status_code, exc.message, exc.fields or None) from None

    def _selected_fields(self, spec: ObjectSpec, raw: str) -> list[str] | None:
        if not raw:
            return None
        names = [name.strip() for name in raw.split(",") if name.strip()]
        unknown = [name for name in names if spec.field(name) is None]
        if unknown:
            raise ApiError(
                400,
                "INVALID_FIELD",
                f"No such column '{unknown[0]}' on entity '{spec.name}'. If you "
                "are attempting to use a custom field, be sure to append the '__c' after the custom field "
                "name. Please reference your WSDL or the describe call for the appropriate names.",
            )
        return [spec.field(name).name for name in names]

    def _get_one(self, request: Request, version: str, spec: ObjectSpec, raw_id: str) -> Response:
        record = self._resolve_row(spec, raw_id)
        return Response.json(200, render(spec, record, self._selected_fields(spec, request.param("fields")), version))

    def _create_one(self, request: Request, version: str, spec: ObjectSpec) -> Response:
        # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm
        values = parse_payload(spec, request.json())
        try:
            new_id = self.store.create(spec, values, DmlOptions.from_headers(request.headers))
        except RecordError as exc:
            raise ApiError(400, exc.status_code, exc.message, exc.fields, exc.extra) from None
        return Response.json(
            201,
            {"id": new_id, "success": True, "errors": []},
            {"Location": f"/services/data/v{version}/sobjects/{spec.name}/{new_id}"},
        )

    @staticmethod
    def _check_unmodified_since(request: Request, record: dict[str, Any]) -> None:
        """``If-Unmodified-Since``: 412 when the record was modified after that date; "When you include
        an invalid header value for ... If-Unmodified-Since on a PATCH or POST request, a 400 Bad Request
        status code is returned" (intro_rest_conditional_requests.htm). The org keeps LastModifiedDate
        to the second, as HTTP dates are."""
        raw = request.headers.get("if-unmodified-since")
        if raw is None:
            return
        try:
            since = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            since = None
        if since is None or since.tzinfo is None:
            raise ApiError(400, "INVALID_HEADER_TYPE", f"Invalid If-Unmodified-Since header value: {raw}")
        modified = parse_datetime(record["LastModifiedDate"])
        if modified is not None and modified > since:
            # The org's wording is not documented; the status is.
            raise ApiError(412, "PRECONDITION_FAILED",
                           f"The requested resource was modified after {raw} (LastModifiedDate "
                           f"{record['LastModifiedDate']})")

    def _patch_one(self, request: Request, version: str, spec: ObjectSpec, raw_id: str) -> Response:
        # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
        record = self._resolve_row(spec, raw_id)
        self._check_unmodified_since(request, record)
        values = parse_payload(spec, request.json(), ignore=("attributes", "Id"))
        try:
            self.store.update(spec, record["Id"], values, DmlOptions.from_headers(request.headers))
        except RecordError as exc:
            raise ApiError(400, exc.status_code, exc.message, exc.fields, exc.extra) from None
        return Response(204)

    def _delete_one(self, request: Request, version: str, spec: ObjectSpec, raw_id: str) -> Response:
        record = self._resolve_row(spec, raw_id)
        self.store.delete(spec, record["Id"])
        return Response(204)

    def _external_field(self, spec: ObjectSpec, name: str, *, upsert: bool = False) -> Any:
        found = spec.field(name)
        if found is None or not (found.external_id or found.name == "Id"):
            raise ApiError(404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {name}")
        if upsert and found.name == "Id":
            # "In REST API, upsert uses external ids, not record ids" (dome_upsert.htm); the wording of
            # the refusal is the emulator's.
            raise ApiError(400, "INVALID_FIELD", f"Id is not an external ID field of {spec.name}: an upsert matches "
                           "on an External ID field")
        return found

    def _get_by_external_id(self, request: Request, version: str, spec: ObjectSpec, name: str, value: str) -> Response:
        # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_get_field_values.htm
        found = self._external_field(spec, name)
        matches = self.store.find_by_external_id(spec, found, value)
        if not matches:
            raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        if len(matches) > 1:
            return Response.json(300, [f"/services/data/v{version}/sobjects/{spec.name}/{r['Id']}" for r in matches])
        return Response.json(200, render(spec, matches[0], self._selected_fields(spec, request.param("fields")), version))

    def _upsert_one(self, request: Request, version: str, spec: ObjectSpec, name: str, value: str) -> Response:
        # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
        # Created: 201 with the id. Updated: 200 with {"created": false} from API 46.0 on, 204 before
        # (the "created" flag exists in 46.0 and later).
        found = self._external_field(spec, name, upsert=True)
        values = parse_payload(spec, request.json())
        self.store.begin()
        try:
            record_id, created = self.store.upsert(spec, found, value, values, DmlOptions.from_headers(request.headers))
        except RecordError as exc:
            self.store.rollback()
            if exc.status_code == "DUPLICATE_EXTERNAL_ID":
                urls = [f"/services/data/v{version}/sobjects/{spec.name}/{rid}" for rid in exc.matches]  # type: ignore[attr-defined]
                return Response.json(300, urls)
            raise ApiError(
                404 if exc.status_code == "NOT_FOUND" else 400, exc.status_code, exc.message, exc.fields or None,
                exc.extra,
            ) from None
        self.store.commit()
        modern = float(version) >= 46.0
        body: dict[str, Any] = {"id": record_id, "success": True, "errors": []}
        if modern:
            body["created"] = created
        if created:
            return Response.json(201, body)
        return Response.json(200, body) if modern else Response(204)

    # --- Composite
    def _composite(self, request: Request, version: str) -> Response:
        """Subrequests run in order, one API call in all. Each carries its own headers (``httpHeaders``;
        only Accept, Authorization and Content-Type come from the top-level request), so the Sforce-*
        and conditional headers of a subrequest are the ones in its ``httpHeaders``. ``allOrNone``
        true rolls every subrequest back when one fails."""
        body = request.json()
        subrequests = body.get("compositeRequest") if isinstance(body, dict) else None
        if not isinstance(subrequests, list) or not subrequests:
            raise ApiError(400, "JSON_PARSER_ERROR", "The request body must be an object with a compositeRequest list")
        if len(subrequests) > COMPOSITE_LIMIT:
            # The limit is documented ("up to 25 subrequests"); the error's wording is the emulator's.
            raise ApiError(400, "LIMIT_EXCEEDED", f"A composite request can contain at most {COMPOSITE_LIMIT} "
                           f"subrequests; this one has {len(subrequests)}")
        all_or_none = bool(body.get("allOrNone", False))
        results: list[dict[str, Any]] = []
        self.store.begin()
        failed = False
        for subrequest in subrequests:
            if not isinstance(subrequest, dict) or not subrequest.get("method") or not subrequest.get("url"):
                raise ApiError(400, "JSON_PARSER_ERROR", "Every subrequest needs a method and a url")
            headers = {str(name).lower(): str(value) for name, value in (subrequest.get("httpHeaders") or {}).items()}
            if {"accept", "authorization", "content-type"} & set(headers):
                raise ApiError(400, "INVALID_HEADER_TYPE", "Accept, Authorization and Content-Type are inherited "
                               "from the composite request and cannot be set on a subrequest")
            path, _, query = str(subrequest["url"]).partition("?")
            inner = Request(method=str(subrequest["method"]), path=path, query=parse_qs(query),
                            headers={"authorization": request.headers.get("authorization", ""), **headers},
                            body=json.dumps(subrequest["body"]).encode() if "body" in subrequest else b"",
                            client_ip=request.client_ip)
            match = _DATA_PATH.match(path)
            if match is None or match.group("version") not in API_VERSIONS:
                response = Response.error(ApiError(404, "NOT_FOUND", "The requested resource does not exist"))
            else:
                kind, handler, args = self._route(inner.method, match.group("rest") or "/")
                self._calls[f"composite_{kind}"] += 1
                try:
                    response = handler(inner, match.group("version"), *args)
                except ApiError as exc:
                    response = Response.error(exc)
            failed = failed or response.status >= 400
            results.append({"body": response.data() if response.body else None, "httpHeaders": {},
                            "httpStatusCode": response.status, "referenceId": subrequest.get("referenceId")})
        if all_or_none and failed:
            self.store.rollback()
        else:
            self.store.commit()
        return Response.json(200, {"compositeResponse": results})

    # --- SOQL
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
    def _query(self, request: Request, version: str, include_deleted: bool) -> Response:
        text = request.param("q")
        query = soql.parse(text, self.store.lookup)
        rows = soql.execute(query, self.store, include_deleted=include_deleted)
        if query.count_only:
            return Response.json(200, {"totalSize": len(rows), "done": True, "records": []})
        records = [render(query.spec, row, query.fields, version, self.store) for row in rows]
        batch = self._batch_size(request)
        return Response.json(200, self._page(version, records, 0, batch))

    def _batch_size(self, request: Request) -> int:
        # Sforce-Query-Options: batchSize=N (200..2000); the default is 2000.
        options = request.headers.get("sforce-query-options", "")
        match = re.search(r"batchSize=(\d+)", options)
        size = int(match.group(1)) if match else self.query_batch_size
        return min(2000, max(200, size)) if match else size

    def _page(self, version: str, records: list[dict[str, Any]], start: int, batch: int) -> dict[str, Any]:
        page = records[start : start + batch]
        result: dict[str, Any] = {"totalSize": len(records), "done": start + batch >= len(records), "records": page}
        if not result["done"]:
            locator = f"01g{secrets.token_hex(6)}"
            self._cursors[locator] = (version, records)
            result["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{start + batch}"
        return result

    def _query_more(self, request: Request, version: str, token: str) -> Response:
        locator, _, start = token.rpartition("-")
        cursor = self._cursors.get(locator)
        if cursor is None or not start.isdigit():
            raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        _, records = cursor
        return Response.json(200, self._page(version, records, int(start), self._batch_size(request)))

    # --- sObject Collections
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
    def _collection_body(self, request: Request) -> tuple[bool, list[Any]]:
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            raise ApiError(400, "JSON_PARSER_ERROR", "The request body must be an object with a records list")
        records = body["records"]
        if len(records) > COLLECTION_LIMIT:
            # The documented limit is 200 records; Salesforce refuses the request with this error.
            raise ApiError(
                400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"
            )
        all_or_none = body.get("allOrNone", False)
        if not isinstance(all_or_none, bool):
            raise ApiError(
                400,
                "JSON_PARSER_ERROR",
                f"Cannot deserialize instance of boolean from {type(all_or_none).__name__} value {all_or_none}",
            )
        return all_or_none, records

    def _record_type(self, record: Any) -> ObjectSpec:
        if not isinstance(record, dict):
            raise ApiError(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of SObject from a non-object value")
        attributes = record.get("attributes")
        type_name = attributes.get("type") if isinstance(attributes, dict) else None
        if not type_name:
            raise ApiError(400, "INVALID_TYPE", "Must specify a type in the attributes map of every record")
        spec = self.store.lookup(str(type_name))
        if spec is None:
            raise ApiError(400, "INVALID_TYPE", f"sObject type '{type_name}' is not supported.")
        return spec

    def _run_collection(self, all_or_none: bool, operations: list[Any]) -> list[dict[str, Any]]:
        """Run per-record operations (callables returning a result dict or raising RecordError)."""
        self.store.begin()
        results: list[dict[str, Any]] = []
        failed = False
        for record_id, operation in operations:
            fault = self._next_record_fault(record_id)
            try:
                if fault is not None:
                    raise RecordError(fault.error_code, fault.message, list(fault.fields))
                results.append(operation())
            except RecordError as exc:
                failed = True
                result: dict[str, Any] = {"success": False, "errors": [exc.as_dict()]}
                if record_id and exc.status_code != "MALFORMED_ID":
                    result = {"id": record_id, **result}
                results.append(result)
        if all_or_none and failed:
            self.store.rollback()
            rolled_back = {
                "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                "message": "Record rolled back because not all records were valid and the request was using "
                "AllOrNone header",
                "fields": [],
            }
            for index, result in enumerate(results):
                if result["success"]:
                    # Updates keep the record's id; rolled-back creates never had one.
                    kept = {"id": result["id"]} if operations[index][0] else {}
                    results[index] = {**kept, "success": False, "errors": [rolled_back]}
        else:
            self.store.commit()
        return results

    def _collections_create(self, request: Request, version: str) -> Response:
        all_or_none, records = self._collection_body(request)
        options = DmlOptions.from_headers(request.headers)
        parsed = []
        for record in records:
            spec = self._record_type(record)
            parsed.append((spec, record, parse_payload(spec, record, ignore=("attributes", "Id"))))

        def create(spec: ObjectSpec, record: dict[str, Any], values: dict[str, Any]) -> Any:
            def run() -> dict[str, Any]:
                if any(key.lower() == "id" for key in record):
                    raise RecordError("INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
                return {"id": self.store.create(spec, values, options), "success": True, "errors": []}

            return run

        return Response.json(200, self._run_collection(all_or_none, [(None, create(*item)) for item in parsed]))

    def _collections_update(self, request: Request, version: str) -> Response:
        all_or_none, records = self._collection_body(request)
        options = DmlOptions.from_headers(request.headers)
        parsed = []
        for record in records:
            spec = self._record_type(record)
            raw_id = next((record[key] for key in record if key.lower() == "id"), None)
            parsed.append((spec, raw_id, parse_payload(spec, record, ignore=("attributes", "Id"))))

        def update(spec: ObjectSpec, raw_id: Any, values: dict[str, Any]) -> Any:
            def run() -> dict[str, Any]:
                if not raw_id:
                    raise RecordError("MISSING_ARGUMENT", "Id not specified in an update call", [])
                return {"id": self.store.update(spec, raw_id, values, options), "success": True, "errors": []}

            return run

        operations = [
            (ids.normalise(raw_id) if isinstance(raw_id, str) else None, update(spec, raw_id, values))
            for spec, raw_id, values in parsed
        ]
        return Response.json(200, self._run_collection(all_or_none, operations))

    def _collections_upsert(self, request: Request, version: str, spec: ObjectSpec, name: str) -> Response:
        # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
        found = self._external_field(spec, name, upsert=True)
        all_or_none, records = self._collection_body(request)
        options = DmlOptions.from_headers(request.headers)
        parsed = []
        for record in records:
            record_spec = self._record_type(record)
            if record_spec.name != spec.name:
                raise ApiError(
                    400,
                    "INVALID_TYPE",
                    f"The record type {record_spec.name} does not match the sObject type {spec.name} in the request URI",
                )
            values = parse_payload(spec, record, ignore=("attributes",))
            parsed.append((values.pop(found.name, None), values))

        def upsert(value: Any, values: dict[str, Any]) -> Any:
            def run() -> dict[str, Any]:
                if value in (None, ""):
                    raise RecordError("MISSING_ARGUMENT", f"{found.name} not specified", [found.name])
                record_id, created = self.store.upsert(spec, found, value, values, options)
                return {"id": record_id, "success": True, "errors": [], "created": created}

            return run

        results = self._run_collection(all_or_none, [(None, upsert(*item)) for item in parsed])
        for result in results:
            result.setdefault("created", False)
        return Response.json(200, results)

    def _collections_get(self, request: Request, version: str, spec: ObjectSpec) -> Response:
        # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_retrieve.htm
        if request.method == "POST":
            body = request.json() or {}
            id_list, field_list = list(body.get("ids") or []), list(body.get("fields") or [])
        else:
            id_list = [value for value in request.param("ids").split(",") if value]
            field_list = [value for value in request.param("fields").split(",") if value]
        if not field_list:
            raise ApiError(400, "MISSING_ARGUMENT", "fields must be specified")
        if len(id_list) > RETRIEVE_LIMIT:
            raise ApiError(
                400,
                "EXCEEDED_ID_LIMIT",
                f"record limit reached. cannot submit more than {RETRIEVE_LIMIT} records into this call",
            )
        fields = self._selected_fields(spec, ",".join(field_list))
        results = []
        for raw_id in id_list:
            try:
                record = self.store.locate(spec, raw_id)
            except RecordError:
                results.append(None)
                continue
            results.append(render(spec, record, fields, version))
        return Response.json(200, results)

    def _collections_delete(self, request: Request, version: str) -> Response:
        # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_delete.htm
        id_list = [value for value in request.param("ids").split(",") if value]
        if len(id_list) > COLLECTION_LIMIT:
            raise ApiError(
                400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"
            )
        all_or_none = request.param("allOrNone", "false").lower() == "true"

        def delete(raw_id: str) -> Any:
            def run() -> dict[str, Any]:
                full = ids.normalise(raw_id)
                spec = OBJECTS_BY_PREFIX.get(full[:3]) if full else None
                if spec is None:
                    raise RecordError("MALFORMED_ID", f"malformed id {raw_id}", [])
                return {"id": self.store.delete(spec, full), "success": True, "errors": []}

            return run

        operations = [(ids.normalise(raw_id), delete(raw_id)) for raw_id in id_list]
        return Response.json(200, self._run_collection(all_or_none, operations))

    # ------------------------------------------------------------------ logins
    def _soap_login(self, request: Request, version: str) -> Response:
        # The partner WSDL login() call simple-salesforce sends; failures are SOAP faults with HTTP 500.
        if float(version) > SOAP_LOGIN_LAST_VERSION:
            return _soap_fault("sf:UNSUPPORTED_API_VERSION", "UNSUPPORTED_API_VERSION",
                               f"login() is not available in API version {version}; use OAuth 2.0")
        if not self.soap_login_enabled:
            return _soap_fault("sf:INVALID_OPERATION", "INVALID_OPERATION",
                               "SOAP API login() is disabled by default in this org.")
        try:
            root = ET.fromstring(request.body)
        except ET.ParseError:
            return _soap_fault("soapenv:Client", "UNKNOWN_EXCEPTION", "Element type is malformed")
        username = password = None
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1]
            if local == "username":
                username = element.text or ""
            elif local == "password":
                password = element.text or ""
        if username is None or password is None:
            return _soap_fault(
                "soapenv:Client", "INVALID_LOGIN", "Invalid username, password, security token; or user locked out."
            )
        with self.lock:
            known = self.users.get(username)
            valid = known is not None and password in {known[0] + known[1]} | ({known[0]} if not known[1] else set())
            if not valid:
                return _soap_fault(
                    "sf:INVALID_LOGIN", "INVALID_LOGIN", "Invalid username, password, security token; or user locked out."
                )
            token = self.issue_session()
        server_url = f"{self.base_url}/services/Soap/u/{version}/{ORG_ID}"
        return Response.xml(
            200,
            f"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result>\
<metadataServerUrl>{self.base_url}/services/Soap/m/{version}/{ORG_ID}</metadataServerUrl>\
<passwordExpired>false</passwordExpired><sandbox>false</sandbox><serverUrl>{server_url}</serverUrl>\
<sessionId>{escape(token)}</sessionId><userId>{USER_ID}</userId><userInfo>\
<organizationId>{ORG_ID}{ids.case_safe_suffix(ORG_ID)}</organizationId>\
<userName>{escape(username)}</userName></userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>""",
        )

    def _oauth_token(self, request: Request) -> Response:
        # https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
        # https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_username_password_flow.htm
        form = {key: values[0] for key, values in parse_qs(request.body.decode("utf-8", "replace")).items()}
        grant = form.get("grant_type", "")
        with self.lock:
            if grant == "password":
                app = self.connected_apps.get(form.get("client_id", ""))
                if app is None:
                    return _oauth_error("invalid_client_id", "client identifier invalid")
                if app.consumer_secret is None or not hmac.compare_digest(
                    app.consumer_secret, form.get("client_secret", "")
                ):
                    return _oauth_error("invalid_client", "invalid client credentials")
                known = self.users.get(form.get("username", ""))
                password = form.get("password", "")
                if known is None or password not in {known[0] + known[1], known[0]}:
                    return _oauth_error("invalid_grant", "authentication failure")
                return self._token_response()
            if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
                return self._jwt_bearer(form.get("assertion", ""))
            if grant == "client_credentials":
                return self._client_credentials(request, form)
        return _oauth_error("unsupported_grant_type", "grant type not supported")

    def _client_credentials(self, request: Request, form: dict[str, str]) -> Response:
        # Only the org's My Domain serves this flow; login.salesforce.com and test.salesforce.com refuse it.
        # The consumer key and secret come as HTTP Basic credentials or as client_id / client_secret.
        if request.headers.get("host", "").split(":")[0].lower() != self.my_domain:
            return _oauth_error("invalid_request", "request not supported on this domain")
        consumer_key, consumer_secret = form.get("client_id", ""), form.get("client_secret", "")
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                consumer_key, _, consumer_secret = base64.b64decode(encoded).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return _oauth_error("invalid_client", "invalid client credentials")
        app = self.connected_apps.get(consumer_key)
        if app is None:
            return _oauth_error("invalid_client_id", "client identifier invalid")
        if app.consumer_secret is None or not hmac.compare_digest(app.consumer_secret, consumer_secret):
            return _oauth_error("invalid_client", "invalid client credentials")
        if app.run_as is None or app.run_as not in self.users:
            return _oauth_error("invalid_grant", "no client credentials user enabled")
        return self._token_response()

    def _jwt_bearer(self, assertion: str) -> Response:
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError:
            return _oauth_error("invalid_grant", "invalid assertion")
        app = self.connected_apps.get(str(claims.get("iss", "")))
        if app is None:
            return _oauth_error("invalid_client_id", "client identifier invalid")
        if app.public_key is None:
            return _oauth_error("invalid_grant", "invalid assertion")
        try:
            # simple-salesforce sends "exp" as a string of digits, which Salesforce accepts; PyJWT's own
            # exp check insists on a number, so the emulator checks exp itself below.
            jwt.decode(
                assertion,
                app.public_key,
                algorithms=["RS256"],
                options={"verify_exp": False, "verify_aud": False, "verify_iat": False, "verify_nbf": False},
            )
        except jwt.PyJWTError:
            return _oauth_error("invalid_grant", "invalid assertion")
        # The audience is the login server, whichever host the token request went to (the My Domain
        # included): https://login.salesforce.com for production, https://test.salesforce.com for a sandbox.
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if (SANDBOX_AUDIENCE if self.sandbox else PRODUCTION_AUDIENCE) not in audiences:
            return _oauth_error("invalid_grant", "audience is invalid")
        try:
            expires = int(str(claims.get("exp")))
        except ValueError:
            return _oauth_error("invalid_grant", "invalid assertion")
        if expires < time.time() - 30:
            return _oauth_error("invalid_grant", "expired authorization code")
        subject = str(claims.get("sub", ""))
        if subject not in self.users:
            return _oauth_error("invalid_grant", "invalid assertion")
        if app.approved_users is not None and subject not in app.approved_users:
            return _oauth_error("invalid_grant", "user hasn't approved this consumer")
        return self._token_response()

    def _token_response(self) -> Response:
        token = self.issue_session()
        issued = str(int(time.time() * 1000))
        user_url = f"{self.base_url}/id/{ORG_ID}{ids.case_safe_suffix(ORG_ID)}/{USER_ID}"
        signature = base64.b64encode(hmac.new(b"emulator", (user_url + issued).encode(), hashlib.sha256).digest())
        return Response.json(
            200,
            {
                "access_token": token,
                "instance_url": self.base_url,
                "id": user_url,
                "token_type": "Bearer",
                "issued_at": issued,
                "scope": "api",
                "signature": signature.decode(),
            },
        )

    # ------------------------------------------------------------------ control endpoint
    def _control(self, request: Request) -> Response:
        """Fault injection and inspection; answers loopback clients only and needs no session."""
        if request.client_ip not in {"127.0.0.1", "::1", "::ffff:127.0.0.1"}:
            return Response.json(403, {"error": "the control endpoint answers loopback clients only"})
        action = request.path[len("/__emulator__/") :].strip("/")
        try:
            body = request.json() if request.body else {}
        except ApiError as exc:
            return Response.json(400, {"error": exc.message})
        body = body or {}
        try:
            if request.method == "GET" and action == "state":
                return Response.json(200, self.state())
            if request.method == "GET" and action == "calls":
                return Response.json(200, self.call_counts())
            if request.method == "POST" and action == "reset":
                self.reset()
                return Response.json(200, {"ok": True})
            if action == "faults" and request.method == "POST":
                self.inject_fault(
                    str(body["error_code"]),
                    int(body["status"]),
                    count=int(body.get("count", 1)),
                    message=body.get("message"),
                    kinds=body.get("kinds"),
                    skip=int(body.get("skip", 0)),
                    after_handling=bool(body.get("after_handling", False)),
                    hang_seconds=float(body.get("hang_seconds", 0)),
                    retry_after=None if body.get("retry_after") is None else int(body["retry_after"]),
                )
                return Response.json(200, {"ok": True})
            if action == "faults" and request.method == "DELETE":
                self.clear_faults()
                return Response.json(200, {"ok": True})
            if action == "record-faults" and request.method == "POST":
                self.inject_record_error(
                    str(body["error_code"]),
                    count=int(body.get("count", 1)),
                    message=body.get("message"),
                    record_ids=body.get("ids"),
                    fields=body.get("fields"),
                )
                return Response.json(200, {"ok": True})
            if action == "latency" and request.method == "POST":
                self.set_latency(int(body.get("ms", 0)))
                return Response.json(200, {"ok": True})
            if action == "api-usage" and request.method == "POST":
                self.set_api_usage(int(body["used"]), body.get("max"))
                return Response.json(200, {"used": self.api_used, "max": self.api_max})
            if action == "expire-sessions" and request.method == "POST":
                self.expire_sessions()
                return Response.json(200, {"ok": True})
            if action == "sessions" and request.method == "POST":
                return Response.json(200, {"session_id": self.issue_session()})
            if action.startswith("records/"):
                object_name = action.split("/", 1)[1]
                if object_name not in OBJECTS:
                    return Response.json(404, {"error": f"unknown object {object_name}"})
                if request.method == "POST":
                    return Response.json(200, {"ids": self.seed(object_name, list(body.get("records") or []))})
                if request.method == "GET":
                    include = request.param("include_deleted") in {"1", "true"}
                    return Response.json(200, {"records": self.store.all(object_name, include_deleted=include)})
        except (KeyError, TypeError, ValueError) as exc:
            return Response.json(400, {"error": str(exc)})
        return Response.json(404, {"error": f"unknown control action {request.method} {action}"})


def _soap_fault(faultcode: str, exception_code: str, message: str) -> Response:
    return Response.xml(
        500,
        f"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>{faultcode}</faultcode>\
<faultstring>{exception_code}: {escape(message)}</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault">\
<sf:exceptionCode>{exception_code}</sf:exceptionCode><sf:exceptionMessage>{escape(message)}</sf:exceptionMessage>\
</sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>""",
    )


def _oauth_error(error: str, description: str) -> Response:
    return Response.json(400, {"error": error, "error_description": description})
