"""A local Salesforce org for development, tests and the demo, over real HTTPS (trustme certificates).

It is a stand-in, not a judge: it follows Salesforce's documented REST behaviour (SOAP and OAuth
logins, versions, limits, describe, sObject rows, upsert by external id, SOQL (with a parent's fields
through a relationship, ``Account.Name``, ``Owner.Name``), sObject Collections, Composite
with ``If-Unmodified-Since`` on its sObject Rows subrequests,
``Sforce-Limit-Info``, error bodies, an org's assignment and duplicate rules with the
``Sforce-Auto-Assign`` and ``Sforce-Duplicate-Rule-Header`` request headers) so that code proven
against it works against a real org.

Python::

    with EmulatorServer(port=0, cert_dir=tmp) as sf:       # or .start() / .stop()
        sf.base_url, sf.instance, sf.ca_path, sf.session_id, sf.env, sf.store
        sf.create("Contact", {...}) -> id; sf.seed(obj, [..]) -> ids; sf.get(obj, id); sf.update(obj, id, {...})
        sf.delete(obj, id); sf.reset()
        sf.inject_fault("SERVER_UNAVAILABLE", 503, count=1, kinds=["query"], skip=0)   # status 0: drop
        sf.inject_fault("LOST", 0, kinds=["collections_update"], after_handling=True)  # lands, answer lost
        sf.inject_fault("LOST", 0, after_handling=True, hang_seconds=3)   # lands, the client times out first
        sf.inject_fault("SERVER_UNAVAILABLE", 503, retry_after=120)      # with Retry-After: 120
        sf.inject_record_error("UNABLE_TO_LOCK_ROW", count=1, record_ids=[...])       # per-record
        sf.inject_record_error("FIELD_CUSTOM_VALIDATION_EXCEPTION", message=..., fields=["Title"])
        sf.edit_before(["collections_update"], "Contact", id, {...})   # a person's edit before that request
        sf.clear_faults(); sf.set_latency(ms); sf.set_api_usage(used, max)
        sf.expire_sessions(); sf.issue_session(); sf.add_user(u, pw, token)
        sf.add_connected_app(key, consumer_secret=..., certificate_pem=...)
        sf.set_assignment_rule("Lead", owner_id or None)   # on by default for Lead and Account
        sf.set_duplicate_rule("Contact", ["Email"] or None, block=False)   # on by default: Lead, Contact by Email
        sf.set_owner(user_id, "Sam Rep", "sam@x")   # a user records are owned by (Owner.Name in SOQL)
        sf.enable_person_accounts()   # Account gains IsPersonAccount, PersonEmail, PersonHasOptedOutOfEmail, ...
        sf.call_counts() / sf.calls("collections_update"); sf.request_log (with each request's Sforce-* headers)
        sf.state()

Control endpoint (loopback clients only, no session): under ``/__emulator__/``
``GET state``, ``GET calls``, ``POST reset``, ``POST faults`` {error_code, status, count, message,
kinds, skip, after_handling, hang_seconds, retry_after}, ``DELETE faults``, ``POST record-faults``
{error_code, count, message, ids, fields},
``POST latency`` {ms}, ``POST api-usage`` {used, max}, ``POST expire-sessions``, ``POST sessions``
(-> {session_id}), ``POST records/<Object>`` {records: [...]} (-> {ids}), ``GET records/<Object>``.

Call kinds: login, oauth_token, versions, resources, limits, describe_global, sobject_info, describe,
sobject_get, sobject_create, sobject_patch, sobject_delete, external_id_get, upsert, query, query_all,
query_more, collections_create, collections_update, collections_upsert, collections_get,
collections_delete, composite (its subrequests as composite_<kind>); plus ``api`` (every authorised
data request), ``rejected_session`` and ``refused_too_large``
(URI or URI + headers over 16,384 bytes: 414 or 431 with an HTML page, before any API call).
"""

from .app import SalesforceEmulator
from .server import EmulatorServer

__all__ = ["EmulatorServer", "SalesforceEmulator"]
