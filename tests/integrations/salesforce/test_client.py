"""The client boundary: configuration, logins, re-login, TLS trust, error mapping, API usage."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.cache import cache
from django.test import override_settings

from integrations.salesforce import client as client_module
from integrations.salesforce.client import api_usage, budget_exhausted, count_requests, get_client, read_config
from integrations.salesforce.errors import (
    SalesforceAuthenticationError,
    SalesforceConfigurationError,
    SalesforceError,
    SalesforcePermanentError,
    SalesforceTransientError,
    map_record_errors,
)
from integrations.salesforce.records import create_records
from integrations.salesforce_emulator import EmulatorServer
from integrations.salesforce_emulator.store import DEFAULT_OWNER_ID

from .conftest import salesforce_settings

USERNAME, PASSWORD, TOKEN = "integration@hitlcrm.example", "emulator-password", "EMULATORTOKEN"


def count_contacts() -> int:
    return len(get_client().query_all("SELECT Id FROM Contact"))


# --- configuration -----------------------------------------------------------------------------------


def test_session_id_connection(emulator: EmulatorServer) -> None:
    emulator.create("Contact", {"LastName": "Doe"})
    assert count_contacts() == 1
    assert emulator.calls("login") == 0


def test_client_is_cached_per_thread_and_rebuilt_when_settings_change(emulator: EmulatorServer) -> None:
    first = get_client()
    assert get_client() is first
    with override_settings(SALESFORCE_TIMEOUT_SECONDS=5.0):
        assert get_client() is not first
        assert get_client().config.timeout == 5.0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SALESFORCE_CA_BUNDLE": "/nonexistent/ca.pem"}, "SALESFORCE_CA_BUNDLE points to /nonexistent/ca.pem which "
                                                          "does not exist"),
        ({"SALESFORCE_INSTANCE_URL": "", "SALESFORCE_SESSION_ID": ""}, "Salesforce is not configured: set "
                                                                       "SALESFORCE_CONSUMER_KEY with SALESFORCE_USERNAME"),
        ({"SALESFORCE_INSTANCE_URL": ""}, "SALESFORCE_INSTANCE_URL (SALESFORCE_SESSION_ID is set)"),
        ({"SALESFORCE_API_VERSION": "latest"}, "SALESFORCE_API_VERSION must look like 62.0"),
        ({"SALESFORCE_INSTANCE_URL": "http://127.0.0.1:1"}, "SALESFORCE_INSTANCE_URL must be an https:// URL"),
        ({"SALESFORCE_PRIVATE_KEY_FILE": "/nonexistent/key.pem"}, "SALESFORCE_PRIVATE_KEY_FILE points to"),
        ({"SALESFORCE_TIMEOUT_SECONDS": 0}, "SALESFORCE_TIMEOUT_SECONDS must be a positive number"),
        # The README once suggested the full host; simple-salesforce appends .salesforce.com itself.
        ({"SALESFORCE_DOMAIN": "https://acme.my.salesforce.com"}, "SALESFORCE_DOMAIN must be login, test or your My "
                                                                  "Domain without https:// and .salesforce.com"),
        ({"SALESFORCE_DOMAIN": "acme.my.salesforce.com"}, "(acme.my for https://acme.my.salesforce.com"),
        ({"SALESFORCE_DOMAIN": "acme"}, "got 'acme'"),
        ({"SALESFORCE_INSTANCE_URL": "", "SALESFORCE_CONSUMER_KEY": "key", "SALESFORCE_CONSUMER_SECRET": "secret"},
         "the client credentials flow is served on the org's My Domain only: set SALESFORCE_DOMAIN"),
    ],
)
def test_configuration_errors_name_the_setting(emulator: EmulatorServer, overrides: dict, message: str) -> None:
    with override_settings(**overrides), pytest.raises(SalesforceConfigurationError, match=message.replace("(", r"\(")
                                                       .replace(")", r"\)")):
        get_client()


def test_api_version_is_applied(emulator: EmulatorServer) -> None:
    with override_settings(SALESFORCE_API_VERSION="v58.0"):
        assert read_config().api_version == "58.0"
        count_contacts()
    assert any(entry["path"].startswith("/services/data/v58.0/") for entry in emulator.request_log)


# --- TLS ----------------------------------------------------------------------------------------------


def test_without_the_ca_bundle_tls_verification_fails(emulator: EmulatorServer) -> None:
    with override_settings(SALESFORCE_CA_BUNDLE=""), pytest.raises(SalesforceConfigurationError) as caught:
        count_contacts()
    assert caught.value.error_code == "TLS_VERIFICATION_FAILED"
    assert "SALESFORCE_CA_BUNDLE" in str(caught.value)
    assert emulator.calls("api") == 0


def test_ca_bundle_wins_over_requests_environment_variables(emulator: EmulatorServer, monkeypatch) -> None:
    # requests would let REQUESTS_CA_BUNDLE override Session.verify; SALESFORCE_CA_BUNDLE must win.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.setenv("CURL_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    assert count_contacts() == 0


# --- logins ---------------------------------------------------------------------------------------------


def login_settings(server: EmulatorServer, **overrides: object) -> dict[str, object]:
    values = {"SALESFORCE_INSTANCE_URL": "", "SALESFORCE_SESSION_ID": "", "SALESFORCE_USERNAME": USERNAME,
              "SALESFORCE_PASSWORD": PASSWORD, "SALESFORCE_SECURITY_TOKEN": TOKEN}
    return salesforce_settings(server, **{**values, **overrides})


def test_soap_username_password_login(emulator: EmulatorServer, pinned_dns: None) -> None:
    # simple-salesforce logs in at https://login.salesforce.com/services/Soap/u/62.0 (pinned to the emulator);
    # the serverUrl of the login result decides the instance:
    # https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_login_loginresult.htm
    with override_settings(**login_settings(emulator)):
        assert count_contacts() == 0
        assert get_client().sf.sf_instance == emulator.instance
    assert emulator.calls("login") == 1
    soap = next(entry for entry in emulator.request_log if entry["kind"] == "login")
    assert soap["path"] == "/services/Soap/u/62.0"


def test_wrong_password_is_a_clear_authentication_error(emulator: EmulatorServer, pinned_dns: None) -> None:
    # A refused login is a SOAP fault with exceptionCode INVALID_LOGIN:
    # https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm
    with override_settings(**login_settings(emulator, SALESFORCE_PASSWORD="wrong")):
        with pytest.raises(SalesforceAuthenticationError) as caught:
            count_contacts()
    assert caught.value.error_code == "INVALID_LOGIN"
    assert "SALESFORCE_PASSWORD" in str(caught.value)
    assert isinstance(caught.value, SalesforceConfigurationError)


def test_expired_session_logs_in_again_and_retries(emulator: EmulatorServer, pinned_dns: None) -> None:
    # 401 INVALID_SESSION_ID: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
    emulator.create("Contact", {"LastName": "Doe"})
    settings = login_settings(emulator, SALESFORCE_INSTANCE_URL=emulator.base_url,
                              SALESFORCE_SESSION_ID=emulator.session_id)
    with override_settings(**settings):
        assert count_contacts() == 1
        assert emulator.calls("login") == 0
        emulator.expire_sessions()
        assert count_contacts() == 1
        assert emulator.calls("login") == 1
        assert emulator.calls("rejected_session") == 1
        emulator.expire_sessions()  # the new session expires too: simple-salesforce renews it itself
        assert count_contacts() == 1
        assert emulator.calls("login") == 2


def test_a_write_repeated_after_a_renewed_session_still_keeps_assignment_rules_out(
    emulator: EmulatorServer, pinned_dns: None
) -> None:
    """simple-salesforce renews a session it logged in for and repeats the request, but without the
    request's own headers; the transport puts ``Sforce-Auto-Assign: FALSE`` back on the repeated write,
    or the org's Lead assignment rule would run ("If the header is not provided in the request, the
    default value is TRUE").
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm"""
    with override_settings(**login_settings(emulator)):
        assert create_records("Lead", [{"LastName": "Doe", "Company": "Contoso"}])[0].status == "done"
        emulator.expire_sessions()
        (outcome,) = create_records("Lead", [{"LastName": "Roe", "Company": "Contoso"}])
    assert outcome.status == "done" and emulator.calls("login") == 2
    assert emulator.get("Lead", outcome.crm_id)["OwnerId"] == DEFAULT_OWNER_ID
    creates = [entry for entry in emulator.request_log if entry["kind"] == "collections_create"]
    assert len(creates) == 3  # the first write, the refused one, and the one repeated after the renewal
    assert {entry["sforce"]["sforce-auto-assign"] for entry in creates} == {"FALSE"}


def test_expired_session_without_credentials_names_the_settings(emulator: EmulatorServer) -> None:
    emulator.expire_sessions()
    with pytest.raises(SalesforceAuthenticationError) as caught:
        count_contacts()
    assert caught.value.error_code == "INVALID_SESSION_ID"
    assert "SALESFORCE_SESSION_ID" in str(caught.value)


@pytest.fixture
def jwt_app(emulator: EmulatorServer, tmp_path: Path) -> Path:
    """A connected app whose certificate the emulator knows; returns the private key file."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hitlcrm-test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    emulator.add_connected_app("hitlcrm-consumer-key",
                               certificate_pem=certificate.public_bytes(serialization.Encoding.PEM))
    path = tmp_path / "jwt-key.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return path


def test_jwt_bearer_login(emulator: EmulatorServer, pinned_dns: None, jwt_app: Path) -> None:
    # https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
    settings = salesforce_settings(emulator, SALESFORCE_INSTANCE_URL="", SALESFORCE_SESSION_ID="",
                                   SALESFORCE_USERNAME=USERNAME, SALESFORCE_CONSUMER_KEY="hitlcrm-consumer-key",
                                   SALESFORCE_PRIVATE_KEY_FILE=str(jwt_app))
    with override_settings(**settings):
        assert count_contacts() == 0
    assert emulator.calls("oauth_token") == 1


def test_jwt_signed_with_another_key_is_refused(emulator: EmulatorServer, pinned_dns: None, jwt_app: Path,
                                                tmp_path: Path) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    wrong = tmp_path / "other.pem"
    wrong.write_bytes(other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    settings = salesforce_settings(emulator, SALESFORCE_INSTANCE_URL="", SALESFORCE_SESSION_ID="",
                                   SALESFORCE_USERNAME=USERNAME, SALESFORCE_CONSUMER_KEY="hitlcrm-consumer-key",
                                   SALESFORCE_PRIVATE_KEY_FILE=str(wrong))
    with override_settings(**settings), pytest.raises(SalesforceAuthenticationError) as caught:
        count_contacts()
    assert caught.value.error_code == "invalid_grant"


# --- error mapping ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error_code", "status", "expected"),
    [
        # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
        ("REQUEST_LIMIT_EXCEEDED", 403, SalesforceTransientError),
        ("SERVER_UNAVAILABLE", 503, SalesforceTransientError),
        ("UNABLE_TO_LOCK_ROW", 400, SalesforceTransientError),
        ("UNKNOWN_EXCEPTION", 500, SalesforceTransientError),
        ("INVALID_FIELD", 400, SalesforcePermanentError),
        ("INSUFFICIENT_ACCESS_OR_READONLY", 403, SalesforcePermanentError),
        ("NOT_FOUND", 404, SalesforcePermanentError),
    ],
)
def test_injected_faults_map_to_transient_or_permanent(emulator: EmulatorServer, error_code: str, status: int,
                                                       expected: type[SalesforceError]) -> None:
    emulator.inject_fault(error_code, status)
    with pytest.raises(SalesforceError) as caught:
        count_contacts()
    assert type(caught.value) is expected
    assert (caught.value.error_code, caught.value.status) == (error_code, status)
    assert count_contacts() == 0  # the fault is spent


def test_timeout_is_transient(emulator: EmulatorServer) -> None:
    emulator.set_latency(1500)
    with override_settings(SALESFORCE_TIMEOUT_SECONDS=0.3), pytest.raises(SalesforceTransientError) as caught:
        count_contacts()
    assert caught.value.error_code == "TIMEOUT"


def test_dropped_connection_is_transient(emulator: EmulatorServer) -> None:
    emulator.inject_fault("CONNECTION_RESET", 0)
    with pytest.raises(SalesforceTransientError) as caught:
        count_contacts()
    assert caught.value.error_code == "CONNECTION_ERROR"


def test_record_errors_map_like_request_errors() -> None:
    # Per-record errors: {"statusCode", "message", "fields"}
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
    permanent = map_record_errors([{"statusCode": "STRING_TOO_LONG", "message": "Title: data value too large",
                                    "fields": ["Title"]}])
    assert isinstance(permanent, SalesforcePermanentError)
    assert (permanent.error_code, permanent.fields) == ("STRING_TOO_LONG", ("Title",))
    transient = map_record_errors([{"statusCode": "UNABLE_TO_LOCK_ROW", "message": "locked", "fields": []}])
    assert isinstance(transient, SalesforceTransientError)


# --- API usage ----------------------------------------------------------------------------------------


def test_usage_header_is_tracked_and_budget_flips_at_the_share(emulator: EmulatorServer) -> None:
    # Sforce-Limit-Info: api-usage=USED/MAX
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
    assert api_usage() is None and budget_exhausted() is False
    emulator.set_api_usage(11998, 15000)
    count_contacts()
    assert api_usage() == (11999, 15000)
    assert budget_exhausted() is False  # 79.99 %
    count_contacts()
    assert api_usage() == (12000, 15000)
    assert budget_exhausted() is True  # 80 %
    with override_settings(SALESFORCE_API_BUDGET_SHARE=0.9):
        assert budget_exhausted() is False


def test_usage_is_shared_through_the_cache(emulator: EmulatorServer) -> None:
    emulator.set_api_usage(500, 1000)
    count_contacts()
    client_module.reset_clients()  # another process: no client of its own yet
    assert api_usage() == (501, 1000)
    key = client_module.USAGE_CACHE_KEY.format(org=read_config().org_key)
    assert cache.get(key)["used"] == 501
    cache.clear()
    assert api_usage() is None


def test_refresh_api_usage_reads_limits(emulator: EmulatorServer) -> None:
    emulator.set_api_usage(7, 100)
    assert client_module.refresh_api_usage() == (8, 100)


def test_count_requests(emulator: EmulatorServer) -> None:
    with count_requests() as outer:
        count_contacts()
        with count_requests() as inner:
            count_contacts()
    assert (outer.count, inner.count) == (2, 1)


# --- logins that work in a 2026 org -------------------------------------------------------------------
# SOAP login() is not available from API 65.0, is off by default in new orgs and is retired in Summer '27:
# https://developer.salesforce.com/docs/platform/api/guide/api-eol-soap.html
# JWT bearer: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm ("aud": the
# authorization server, https://login.salesforce.com, https://test.salesforce.com for a sandbox; the token
# request may go to the My Domain).
# Client credentials: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
# (the token request goes to the org's My Domain, with the app's key and secret; the app names a run-as user).


def test_the_emulator_refuses_soap_login_from_api_65_and_when_the_org_disables_it(emulator: EmulatorServer) -> None:
    envelope = (b'<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>'
                b'<n1:login xmlns:n1="urn:partner.soap.sforce.com"><n1:username>integration@hitlcrm.example'
                b'</n1:username><n1:password>emulator-passwordEMULATORTOKEN</n1:password></n1:login></env:Body>'
                b'</env:Envelope>')
    from integrations.salesforce_emulator.app import Request

    def login(version: str) -> tuple[int, str]:
        response = emulator.handle(Request("POST", f"/services/Soap/u/{version}", {}, {}, envelope))
        return response.status, response.body.decode()

    assert login("64.0")[0] == 200
    status, body = login("65.0")
    assert status == 500 and "UNSUPPORTED_API_VERSION" in body
    emulator.soap_login_enabled = False
    status, body = login("62.0")
    assert status == 500 and "INVALID_OPERATION" in body


def test_soap_login_is_refused_before_any_request_from_api_65(emulator: EmulatorServer, pinned_dns: None) -> None:
    with override_settings(**login_settings(emulator, SALESFORCE_API_VERSION="65.0")):
        with pytest.raises(SalesforceConfigurationError) as caught:
            get_client()
    message = str(caught.value)
    assert "SOAP login() (SALESFORCE_USERNAME + SALESFORCE_PASSWORD) is not available in API version 65.0" in message
    assert "SALESFORCE_CONSUMER_KEY + SALESFORCE_PRIVATE_KEY_FILE" in message and "64.0 or lower" in message
    assert emulator.calls("login") == 0


def test_soap_login_up_to_64_works_with_a_warning_that_it_is_retired(emulator: EmulatorServer, pinned_dns: None,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    with override_settings(**login_settings(emulator, SALESFORCE_API_VERSION="64.0")):
        assert count_contacts() == 0
        assert "retires in Summer '27" in client_module.soap_login_warning(read_config())
    assert emulator.calls("login") == 1
    assert any("retires in Summer '27" in record.getMessage() for record in caplog.records)


def jwt_settings(emulator: EmulatorServer, key: Path, **overrides: object) -> dict[str, object]:
    return salesforce_settings(emulator, SALESFORCE_INSTANCE_URL="", SALESFORCE_SESSION_ID="",
                               SALESFORCE_USERNAME=USERNAME, SALESFORCE_CONSUMER_KEY="hitlcrm-consumer-key",
                               SALESFORCE_PRIVATE_KEY_FILE=str(key), **overrides)


def token_requests(emulator: EmulatorServer) -> list[dict]:
    return [entry for entry in emulator.request_log if entry["kind"] == "oauth_token"]


def test_jwt_bearer_with_a_my_domain_posts_there_and_signs_the_login_audience(
        emulator: EmulatorServer, pinned_dns: None, jwt_app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hosts: list[str] = []
    handle = emulator.handle

    def recording(request):  # the Host each token request was sent to
        if request.path == "/services/oauth2/token":
            hosts.append(request.headers.get("host", ""))
        return handle(request)

    monkeypatch.setattr(emulator, "handle", recording)
    with override_settings(**jwt_settings(emulator, jwt_app, SALESFORCE_DOMAIN="acme.my")):
        assert count_contacts() == 0
    assert hosts == ["acme.my.salesforce.com"]
    assert len(token_requests(emulator)) == 1


def test_jwt_bearer_for_a_sandbox_my_domain_signs_the_sandbox_audience(
        emulator: EmulatorServer, pinned_dns: None, jwt_app: Path) -> None:
    emulator.sandbox = True
    with override_settings(**jwt_settings(emulator, jwt_app, SALESFORCE_DOMAIN="acme--uat.sandbox.my")):
        assert count_contacts() == 0
    # The production audience is refused by a sandbox, as a real one does.
    client_module.reset_clients()
    with override_settings(**jwt_settings(emulator, jwt_app, SALESFORCE_DOMAIN="login")), \
            pytest.raises(SalesforceAuthenticationError) as caught:
        count_contacts()
    assert caught.value.error_code == "invalid_grant" and "audience is invalid" in str(caught.value)


def test_client_credentials_flow_on_the_my_domain(emulator: EmulatorServer, pinned_dns: None) -> None:
    emulator.add_connected_app("cc-key", consumer_secret="cc-secret", run_as=USERNAME)
    settings = salesforce_settings(emulator, SALESFORCE_INSTANCE_URL="", SALESFORCE_SESSION_ID="",
                                   SALESFORCE_CONSUMER_KEY="cc-key", SALESFORCE_CONSUMER_SECRET="cc-secret",
                                   SALESFORCE_DOMAIN="hitlcrm-emulator.my")
    with override_settings(**settings):
        assert read_config().login_method == "client_credentials"
        assert count_contacts() == 0
    assert len(token_requests(emulator)) == 1
    client_module.reset_clients()
    with override_settings(**{**settings, "SALESFORCE_CONSUMER_SECRET": "wrong"}), \
            pytest.raises(SalesforceAuthenticationError) as caught:
        count_contacts()
    assert caught.value.error_code == "invalid_client" and "SALESFORCE_CONSUMER_SECRET" in str(caught.value)


def test_the_emulator_serves_client_credentials_on_the_my_domain_only(emulator: EmulatorServer) -> None:
    import base64

    from integrations.salesforce_emulator.app import Request

    emulator.add_connected_app("cc-key", consumer_secret="cc-secret", run_as=USERNAME)
    basic = "Basic " + base64.b64encode(b"cc-key:cc-secret").decode()

    def token(host: str) -> tuple[int, dict]:
        response = emulator.handle(Request("POST", "/services/oauth2/token", {},
                                                    {"host": host, "authorization": basic},
                                                    b"grant_type=client_credentials"))
        import json
        return response.status, json.loads(response.body)

    assert token("hitlcrm-emulator.my.salesforce.com")[0] == 200
    status, body = token("login.salesforce.com")
    assert status == 400 and body["error"] == "invalid_request"


def test_the_start_up_check_names_a_malformed_domain_and_warns_of_soap_login(emulator: EmulatorServer) -> None:
    from integrations.salesforce.checks import salesforce_settings_usable

    with override_settings(SALESFORCE_DOMAIN="https://acme.my.salesforce.com"):
        [problem] = salesforce_settings_usable()
    assert problem.is_serious() and problem.id == "hitlcrm.E010" and "SALESFORCE_DOMAIN" in problem.msg
    with override_settings(SALESFORCE_API_VERSION="v62"):
        [problem] = salesforce_settings_usable()
    assert problem.is_serious() and "SALESFORCE_API_VERSION" in problem.msg
    with override_settings(**login_settings(emulator, SALESFORCE_API_VERSION="64.0")):
        [warning] = salesforce_settings_usable()
    assert not warning.is_serious() and warning.id == "hitlcrm.W010"
    with override_settings(SALESFORCE_INSTANCE_URL="", SALESFORCE_SESSION_ID=""):
        assert salesforce_settings_usable() == []  # not configured at all: the push names what to set
    assert salesforce_settings_usable() == []


@pytest.mark.parametrize(("header", "seconds"), [
    ("120", 120.0),
    (None, None),
    ("soon", None),
    ("in-the-past", 0.0),
    ("in-five-minutes", 300.0),
])
def test_retry_after_is_read_as_seconds_or_an_http_date(header, seconds) -> None:
    """Retry-After = HTTP-date / delay-seconds (https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3)."""
    from email.utils import format_datetime

    from integrations.salesforce.client import retry_after_seconds

    now = datetime.datetime.now(datetime.UTC)
    dates = {"in-the-past": now - datetime.timedelta(minutes=5), "in-five-minutes": now + datetime.timedelta(minutes=5)}
    if header in dates:
        header = format_datetime(dates[header].replace(microsecond=0), usegmt=True)
    found = retry_after_seconds(header)
    if seconds is None or seconds == 0.0 or header.isdigit():
        assert found == seconds
    else:
        assert seconds - 2 <= found <= seconds
