"""The one place hitlcrm builds a Salesforce connection (simple-salesforce over ``requests``).

Settings are read at call time (``hitlcrm/settings/salesforce.py``; tests use ``override_settings``):

- a ready session: ``SALESFORCE_INSTANCE_URL`` + ``SALESFORCE_SESSION_ID``;
- the OAuth 2.0 JWT bearer flow: ``SALESFORCE_USERNAME`` + ``SALESFORCE_CONSUMER_KEY`` +
  ``SALESFORCE_PRIVATE_KEY_FILE``;
- the OAuth 2.0 client credentials flow: ``SALESFORCE_CONSUMER_KEY`` + ``SALESFORCE_CONSUMER_SECRET``
  with the org's My Domain in ``SALESFORCE_DOMAIN`` (the flow is served there only);
- a SOAP username-password login: ``SALESFORCE_USERNAME`` + ``SALESFORCE_PASSWORD`` +
  ``SALESFORCE_SECURITY_TOKEN``, for API versions up to 64.0 only: SOAP ``login()`` is not available
  from 65.0, is off by default in new orgs and is retired in Summer '27
  (https://developer.salesforce.com/docs/platform/api/guide/api-eol-soap.html).

``SALESFORCE_DOMAIN`` is ``login`` (production), ``test`` (sandbox) or the org's My Domain as
simple-salesforce writes it, without ``https://`` and ``.salesforce.com``: ``acme.my``, or
``acme--uat.sandbox.my`` for a sandbox. A JWT's audience is always the login server
(``https://login.salesforce.com``, or ``https://test.salesforce.com`` for a sandbox) while the token
request goes to the My Domain
(https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm).

With a session and credentials both set, the session is used first and an expired one is replaced
by a login (once per call), then the call is retried. ``SALESFORCE_CA_BUNDLE`` is the trust store,
``SALESFORCE_TIMEOUT_SECONDS`` applies to every HTTP request, ``SALESFORCE_API_VERSION`` to every URL.

Clients are cached per thread (a ``requests.Session`` is not thread-safe) and rebuilt when the
settings change. API usage from each response's ``Sforce-Limit-Info`` header is published in Django's
cache so every web and worker process sees the org's latest figure (``api_usage``,
``budget_exhausted``). Nothing else is kept in process memory beyond the connection itself.

Every write says what the org's automation may do (``WriteOptions``): by default no assignment rule
runs (``Sforce-Auto-Assign: FALSE``; without it the REST API runs the active rules and an approved
Title change could hand a Lead to someone else) and a duplicate alert is not acknowledged
(``Sforce-Duplicate-Rule-Header: allowSave=false``). ``records.py`` sends the caller's choice with each
write; the transport adds the defaults to any data write that lacks them, such as the one
simple-salesforce repeats without the caller's headers after it renewed an expired session.

https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_duplicaterules.htm
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import requests
from django.core.cache import cache
from simple_salesforce import Salesforce
from simple_salesforce import exceptions as sf_exceptions

from reviews.conf import hitlcrm_settings

from .errors import (
    SalesforceConfigurationError,
    SalesforceError,
    SalesforceNotConfigured,
    SalesforceTransientError,
    map_exception,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

USAGE_CACHE_KEY = "hitlcrm:salesforce:api-usage:{org}"
# A published usage figure is trusted for this long. Past it, ``api_usage`` reports None and the next
# call measures again, so a pause for budget cannot outlive Salesforce's rolling 24-hour window.
USAGE_CACHE_SECONDS = 15 * 60
# The last API version whose SOAP login() Salesforce serves.
SOAP_LOGIN_LAST_VERSION = 64.0
# login, test, or a My Domain as simple-salesforce takes it (acme.my, acme--uat.sandbox.my).
_DOMAIN = re.compile(r"login|test|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.my")


@dataclass(frozen=True)
class SalesforceConfig:
    instance_url: str
    session_id: str
    username: str
    password: str
    security_token: str
    domain: str
    consumer_key: str
    consumer_secret: str
    private_key_file: str
    ca_bundle: str
    api_version: str
    timeout: float

    @property
    def login_method(self) -> str:
        """How to obtain a new session: ``jwt``, ``client_credentials``, ``password`` or ``""`` (none).
        The OAuth flows come first: they are what a 2026 org offers."""
        if self.username and self.consumer_key and self.private_key_file:
            return "jwt"
        if self.consumer_key and self.consumer_secret:
            return "client_credentials"
        if self.username and self.password:
            return "password"
        return ""

    @property
    def my_domain(self) -> bool:
        return self.domain not in ("login", "test")

    @property
    def sandbox(self) -> bool:
        return self.domain == "test" or self.domain.endswith(".sandbox.my")

    @property
    def org_key(self) -> str:
        """A short stable key for the org (cache keys), from the instance URL or the login identity."""
        identity = self.instance_url.rstrip("/").lower() or f"{self.username.lower()}@{self.domain.lower()}"
        return hashlib.sha256(identity.encode()).hexdigest()[:16]


def read_config() -> SalesforceConfig:
    """The Salesforce settings, checked; SalesforceConfigurationError names what is missing or wrong."""
    version = str(hitlcrm_settings.SALESFORCE_API_VERSION).strip().lstrip("vV")
    if not re.fullmatch(r"\d{2,3}\.0", version):
        raise SalesforceConfigurationError(
            f"SALESFORCE_API_VERSION must look like 62.0, got {hitlcrm_settings.SALESFORCE_API_VERSION!r}"
        )
    try:
        timeout = float(hitlcrm_settings.SALESFORCE_TIMEOUT_SECONDS)
    except (TypeError, ValueError):
        timeout = -1
    if timeout <= 0:
        raise SalesforceConfigurationError(
            f"SALESFORCE_TIMEOUT_SECONDS must be a positive number, got {hitlcrm_settings.SALESFORCE_TIMEOUT_SECONDS!r}"
        )
    config = SalesforceConfig(
        instance_url=str(hitlcrm_settings.SALESFORCE_INSTANCE_URL).strip().rstrip("/"),
        session_id=str(hitlcrm_settings.SALESFORCE_SESSION_ID).strip(),
        username=str(hitlcrm_settings.SALESFORCE_USERNAME).strip(),
        password=str(hitlcrm_settings.SALESFORCE_PASSWORD),
        security_token=str(hitlcrm_settings.SALESFORCE_SECURITY_TOKEN).strip(),
        domain=str(hitlcrm_settings.SALESFORCE_DOMAIN or "login").strip(),
        consumer_key=str(hitlcrm_settings.SALESFORCE_CONSUMER_KEY).strip(),
        consumer_secret=str(hitlcrm_settings.SALESFORCE_CONSUMER_SECRET).strip(),
        private_key_file=str(hitlcrm_settings.SALESFORCE_PRIVATE_KEY_FILE).strip(),
        ca_bundle=str(hitlcrm_settings.SALESFORCE_CA_BUNDLE).strip(),
        api_version=version,
        timeout=timeout,
    )
    if not _DOMAIN.fullmatch(config.domain):
        raise SalesforceConfigurationError(
            f"SALESFORCE_DOMAIN must be login, test or your My Domain without https:// and .salesforce.com "
            f"(acme.my for https://acme.my.salesforce.com, acme--uat.sandbox.my for a sandbox), got {config.domain!r}"
        )
    if config.ca_bundle and not Path(config.ca_bundle).exists():
        raise SalesforceConfigurationError(f"SALESFORCE_CA_BUNDLE points to {config.ca_bundle} which does not exist")
    if config.private_key_file and not Path(config.private_key_file).is_file():
        raise SalesforceConfigurationError(
            f"SALESFORCE_PRIVATE_KEY_FILE points to {config.private_key_file} which does not exist"
        )
    if config.instance_url and not config.instance_url.startswith("https://"):
        raise SalesforceConfigurationError(f"SALESFORCE_INSTANCE_URL must be an https:// URL, got {config.instance_url!r}")
    has_session = bool(config.instance_url and config.session_id)
    if not has_session and not config.login_method:
        if config.session_id and not config.instance_url:
            missing = "SALESFORCE_INSTANCE_URL (SALESFORCE_SESSION_ID is set)"
        elif config.instance_url and not config.session_id:
            missing = "SALESFORCE_SESSION_ID (SALESFORCE_INSTANCE_URL is set)"
        elif config.username:
            missing = (
                "SALESFORCE_CONSUMER_KEY and SALESFORCE_PRIVATE_KEY_FILE (JWT bearer), or SALESFORCE_PASSWORD "
                "(SALESFORCE_USERNAME is set)"
            )
        elif config.consumer_key:
            missing = ("SALESFORCE_CONSUMER_SECRET (client credentials), or SALESFORCE_USERNAME and "
                       "SALESFORCE_PRIVATE_KEY_FILE (JWT bearer) (SALESFORCE_CONSUMER_KEY is set)")
        else:
            missing = (
                "SALESFORCE_CONSUMER_KEY with SALESFORCE_USERNAME and SALESFORCE_PRIVATE_KEY_FILE (JWT bearer) "
                "or with SALESFORCE_CONSUMER_SECRET (client credentials), or SALESFORCE_INSTANCE_URL and "
                "SALESFORCE_SESSION_ID"
            )
        raise SalesforceNotConfigured(f"Salesforce is not configured: set {missing}")
    if config.login_method == "client_credentials" and not config.my_domain:
        raise SalesforceConfigurationError(
            f"the client credentials flow is served on the org's My Domain only: set SALESFORCE_DOMAIN to it "
            f"(acme.my for https://acme.my.salesforce.com), not {config.domain!r}"
        )
    if config.login_method == "password" and float(version) > SOAP_LOGIN_LAST_VERSION:
        raise SalesforceConfigurationError(
            f"SOAP login() (SALESFORCE_USERNAME + SALESFORCE_PASSWORD) is not available in API version {version}: "
            f"use the JWT bearer flow (SALESFORCE_CONSUMER_KEY + SALESFORCE_PRIVATE_KEY_FILE) or client credentials "
            f"(SALESFORCE_CONSUMER_KEY + SALESFORCE_CONSUMER_SECRET), or set SALESFORCE_API_VERSION to 64.0 or lower "
            f"until then (SOAP login() is retired in Summer '27)"
        )
    return config


def soap_login_warning(config: SalesforceConfig) -> str:
    """Why the configured login will stop working ("" when it will not): SOAP login() is off by
    default in new orgs and retired in Summer '27."""
    if config.login_method != "password":
        return ""
    return ("SALESFORCE_USERNAME + SALESFORCE_PASSWORD log in with SOAP login(), which new orgs disable by default "
            "and Salesforce retires in Summer '27 (not available from API 65.0): move to the JWT bearer flow "
            "(SALESFORCE_CONSUMER_KEY + SALESFORCE_PRIVATE_KEY_FILE) or client credentials "
            "(SALESFORCE_CONSUMER_KEY + SALESFORCE_CONSUMER_SECRET)")


# --- request counting -------------------------------------------------------------------------


@dataclass
class RequestCounter:
    """HTTP requests made to Salesforce while the ``count_requests()`` block was active."""

    count: int = 0


_COUNTERS: contextvars.ContextVar[tuple[RequestCounter, ...]] = contextvars.ContextVar(
    "salesforce_request_counters", default=()
)


@contextmanager
def count_requests() -> Iterator[RequestCounter]:
    """Count the HTTP requests (logins included) made inside the block; blocks may nest."""
    counter = RequestCounter()
    token = _COUNTERS.set((*_COUNTERS.get(), counter))
    try:
        yield counter
    finally:
        _COUNTERS.reset(token)


# --- what a write lets the org's automation do ------------------------------------------------------

AUTO_ASSIGN_HEADER = "Sforce-Auto-Assign"
DUPLICATE_RULE_HEADER = "Sforce-Duplicate-Rule-Header"
_WRITE_METHODS = frozenset({"POST", "PATCH", "PUT"})


@dataclass(frozen=True)
class WriteOptions:
    """The org automation a write may trigger; the defaults trigger none that nobody approved.

    ``run_assignment_rules``: the org's active assignment rules (Lead, Account, Case) run on the records
    written and may change their owner. ``allow_duplicate_save``: a duplicate rule's alert is
    acknowledged and the duplicate saved; otherwise the record fails with DUPLICATES_DETECTED (a rule
    whose action is Block refuses either way).
    """

    run_assignment_rules: bool = False
    allow_duplicate_save: bool = False

    def headers(self) -> dict[str, str]:
        # "TRUE and FALSE are not case-sensitive"; duplicate options: "The default value for all fields
        # is false". includeRecordDetails=false: the duplicate's ids come back, not its field values.
        return {
            AUTO_ASSIGN_HEADER: "TRUE" if self.run_assignment_rules else "FALSE",
            DUPLICATE_RULE_HEADER: f"allowSave={str(self.allow_duplicate_save).lower()}; "
            "includeRecordDetails=false; runAsCurrentUser=false",
        }


SAFE_WRITE_HEADERS = WriteOptions().headers()


def _with_write_defaults(method: str | bytes, url: str | bytes, headers: Any) -> Any:
    """``headers`` plus the safe defaults when the request is a REST data write that lacks them."""
    method_name = method.decode() if isinstance(method, bytes) else method
    url_text = url.decode() if isinstance(url, bytes) else url
    if method_name.upper() not in _WRITE_METHODS or "/services/data/" not in url_text:
        return headers
    merged = dict(headers or {})
    present = {str(name).lower() for name in merged}
    for name, value in SAFE_WRITE_HEADERS.items():
        if name.lower() not in present:
            merged[name] = value
    return merged


class SalesforceHTTPSession(requests.Session):
    """The transport: a default timeout, the configured CA bundle, request counting, usage tracking,
    and the safe ``WriteOptions`` headers on every data write that names none."""

    def __init__(self, *, verify: bool | str, timeout: float) -> None:
        super().__init__()
        self.verify = verify
        self.timeout = timeout
        self.last_usage: tuple[int, int] | None = None
        # The last response's Retry-After in seconds (None: no header, or no response at all).
        self.last_retry_after: float | None = None

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override ``Session.verify``; passing it per
        # request makes SALESFORCE_CA_BUNDLE win.
        kwargs.setdefault("verify", self.verify)
        kwargs["headers"] = _with_write_defaults(method, url, kwargs.get("headers"))
        for counter in _COUNTERS.get():
            counter.count += 1
        self.last_retry_after = None
        response = super().request(method, url, *args, **kwargs)
        self.last_retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        limit_info = response.headers.get("Sforce-Limit-Info")
        if limit_info:
            usage = Salesforce.parse_api_usage(limit_info).get("api-usage")
            if usage is not None:
                self.last_usage = (usage.used, usage.total)
        return response


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header as seconds from now: delay-seconds or an HTTP date (RFC 9110, section
    10.2.3); None when absent or unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _transport_adapter(config: SalesforceConfig) -> requests.adapters.HTTPAdapter | None:
    """An adapter to mount for ``https://`` (None: requests' default). Tests pin DNS here."""
    return None


def new_http_session(config: SalesforceConfig) -> SalesforceHTTPSession:
    session = SalesforceHTTPSession(verify=config.ca_bundle or True, timeout=config.timeout)
    adapter = _transport_adapter(config)
    if adapter is not None:
        session.mount("https://", adapter)
    return session


# --- the client -----------------------------------------------------------------------------------


class SalesforceClient:
    """A simple-salesforce connection plus hitlcrm's error mapping, re-login and usage publishing."""

    def __init__(self, config: SalesforceConfig) -> None:
        self.config = config
        self.http = new_http_session(config)
        self._sf: Salesforce | None = None
        self._published_usage: tuple[int, int] | None = None

    # connection
    def _connect(self, *, login: bool = False) -> Salesforce:
        config = self.config
        common: dict[str, Any] = {"session": self.http, "version": config.api_version}
        if not login and config.instance_url and config.session_id:
            return Salesforce(instance_url=config.instance_url, session_id=config.session_id, **common)
        if config.login_method == "jwt":
            # simple-salesforce signs the audience https://{domain}.salesforce.com and posts to
            # https://{instance_url or domain}.salesforce.com: the audience must be the login server, the
            # token request may go to the My Domain.
            my_domain = {"instance_url": config.domain} if config.my_domain else {}
            return Salesforce(
                username=config.username,
                consumer_key=config.consumer_key,
                privatekey_file=config.private_key_file,
                domain="test" if config.sandbox else "login",
                **my_domain,
                **common,
            )
        if config.login_method == "client_credentials":
            return Salesforce(consumer_key=config.consumer_key, consumer_secret=config.consumer_secret,
                              domain=config.domain, **common)
        if config.login_method == "password":
            logger.warning("%s", soap_login_warning(config))
            # security_token="" (not None) is right for orgs that trust the caller's IP range.
            return Salesforce(
                username=config.username,
                password=config.password,
                security_token=config.security_token,
                domain=config.domain,
                **common,
            )
        raise SalesforceConfigurationError(
            "no Salesforce credentials to log in with; set SALESFORCE_CONSUMER_KEY with SALESFORCE_USERNAME and "
            "SALESFORCE_PRIVATE_KEY_FILE (JWT bearer) or with SALESFORCE_CONSUMER_SECRET (client credentials)"
        )

    @property
    def sf(self) -> Salesforce:
        if self._sf is None:
            self._sf = self._connect()
        return self._sf

    @property
    def api_usage(self) -> tuple[int, int] | None:
        return self.http.last_usage

    def call(self, operation: Callable[[Salesforce], T]) -> T:
        """Run ``operation(sf)``; map errors; on an expired session log in once and run it again."""
        try:
            try:
                return operation(self.sf)
            except sf_exceptions.SalesforceExpiredSession:
                # simple-salesforce renews sessions it obtained by logging in; a session id given in
                # settings can only be replaced here, and only when credentials are configured.
                if self._sf is not None and getattr(self._sf, "auth_type", "") != "direct":
                    raise
                if not self.config.login_method:
                    raise
                logger.info("Salesforce session expired; logging in again (%s)", self.config.login_method)
                self._sf = self._connect(login=True)
                return operation(self._sf)
        except (sf_exceptions.SalesforceError, requests.RequestException) as exc:
            error = map_exception(exc)
            if isinstance(error, SalesforceTransientError) and error.status is not None:
                # simple-salesforce's exceptions carry no headers; the refusal was the last response.
                error.retry_after = self.http.last_retry_after
            raise error from exc
        finally:
            self._publish_usage()

    # conveniences used by describe.py and records.py
    def query_all(self, soql: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Every record of a SOQL query, following ``nextRecordsUrl`` pages."""
        result = self.call(lambda sf: sf.query_all(soql, include_deleted=include_deleted))
        return [dict(record) for record in result["records"]]

    def query_url_bytes(self, soql: str, *, include_deleted: bool = False) -> int:
        """The length of the URL ``query_all`` sends for ``soql``: simple-salesforce GETs
        ``query/?q=…`` (``queryAll/``), which requests URL-encodes with ``urlencode``."""
        resource = "queryAll/" if include_deleted else "query/"
        return len(f"{self.sf.base_url}{resource}?{urlencode({'q': soql})}".encode())

    def restful(self, path: str, method: str = "GET", **kwargs: Any) -> Any:
        """A REST call relative to ``/services/data/vXX.X/``; the parsed JSON body (None for 204)."""
        return self.call(lambda sf: sf.restful(path, method=method, **kwargs))

    def _publish_usage(self) -> None:
        usage = self.http.last_usage
        if usage is None or usage == self._published_usage:
            return
        try:
            cache.set(
                USAGE_CACHE_KEY.format(org=self.config.org_key),
                {"used": usage[0], "max": usage[1], "at": time.time()},
                USAGE_CACHE_SECONDS,
            )
            self._published_usage = usage
        except Exception:  # the figure is advisory: a cache outage must not fail a Salesforce write
            logger.warning("could not publish Salesforce API usage to the cache", exc_info=True)


_local = threading.local()


def get_client() -> SalesforceClient:
    """This thread's client for the current settings (rebuilt when they change)."""
    config = read_config()
    client: SalesforceClient | None = getattr(_local, "client", None)
    if client is None or client.config != config:
        client = SalesforceClient(config)
        _local.client = client
    return client


def reset_clients() -> None:
    """Forget this thread's client (tests; after rotating credentials)."""
    _local.__dict__.pop("client", None)


# --- API budget -----------------------------------------------------------------------------------


def _usage_key() -> str | None:
    try:
        return USAGE_CACHE_KEY.format(org=read_config().org_key)
    except SalesforceConfigurationError:
        return None


def api_usage() -> tuple[int, int] | None:
    """(used, max) daily API requests as last reported by Salesforce to any process, or None if unknown."""
    key = _usage_key()
    value = cache.get(key) if key else None
    if value:
        return int(value["used"]), int(value["max"])
    client: SalesforceClient | None = getattr(_local, "client", None)
    return client.api_usage if client is not None else None


def budget_exhausted() -> bool:
    """True when the org's reported usage is at or above SALESFORCE_API_BUDGET_SHARE of its allowance."""
    usage = api_usage()
    if usage is None or usage[1] <= 0:
        return False
    share = float(hitlcrm_settings.SALESFORCE_API_BUDGET_SHARE)
    return usage[0] >= share * usage[1]


def refresh_api_usage() -> tuple[int, int] | None:
    """Ask Salesforce for the current figure (one ``GET limits/`` call) and publish it."""
    client = get_client()
    limits = client.restful("limits/")
    daily = (limits or {}).get("DailyApiRequests") or {}
    if "Max" in daily and "Remaining" in daily and client.api_usage is None:
        client.http.last_usage = (int(daily["Max"]) - int(daily["Remaining"]), int(daily["Max"]))
        client._publish_usage()
    return client.api_usage


__all__ = [
    "RequestCounter",
    "SalesforceClient",
    "SalesforceConfig",
    "SalesforceError",
    "WriteOptions",
    "api_usage",
    "budget_exhausted",
    "count_requests",
    "get_client",
    "read_config",
    "refresh_api_usage",
    "reset_clients",
    "soap_login_warning",
]
