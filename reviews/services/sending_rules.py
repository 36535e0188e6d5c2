"""The sending rules every approved email must meet (docs/mail.md, "Sending rules"), as plain reads
shared by the checks (at approval) and the pre-send stops (at send):

- sender identification and a postal address (CAN-SPAM, CASL): the footer hitlcrm appends, or, with
  ``HITLCRM_FOOTER_MODE=require``, the draft's own text must carry them;
- a recorded lawful basis per recipient in the countries a policy names (GDPR, CASL);
- contact caps per account (the recipients' email domain) and per person, across agents.

The one-click unsubscribe is in ``unsubscribe.py``, the complaint and bounce circuit breaker in
``sender_health.py``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from ..conf import hitlcrm_settings
from ..models.mail import normalise_address
from ..state_machine import Status

FOOTER_APPEND, FOOTER_REQUIRE = "append", "require"
FOOTER_MODES = (FOOTER_APPEND, FOOTER_REQUIRE)
# Shown in the review page where the per-recipient link will be.
UNSUBSCRIBE_PLACEHOLDER = "<one-click unsubscribe link for each recipient>"

EU = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())
REGIONS = {"EU": EU, "EEA": EU | {"IS", "LI", "NO"}}
# Country names as a CRM's free-text country field may hold them (Salesforce's MailingCountry is text
# unless state and country picklists are on); codes are taken as they are.
COUNTRY_NAMES = {
    "austria": "AT", "belgium": "BE", "bulgaria": "BG", "croatia": "HR", "cyprus": "CY", "czechia": "CZ",
    "czech republic": "CZ", "denmark": "DK", "estonia": "EE", "finland": "FI", "france": "FR", "germany": "DE",
    "deutschland": "DE", "greece": "GR", "ireland": "IE", "italy": "IT", "latvia": "LV", "lithuania": "LT",
    "luxembourg": "LU", "malta": "MT", "netherlands": "NL", "the netherlands": "NL", "poland": "PL",
    "portugal": "PT", "romania": "RO", "slovakia": "SK", "slovenia": "SI", "spain": "ES", "sweden": "SE",
    "iceland": "IS", "liechtenstein": "LI", "norway": "NO", "switzerland": "CH", "united kingdom": "GB",
    "uk": "GB", "great britain": "GB", "canada": "CA", "united states": "US", "usa": "US",
    "united states of america": "US", "australia": "AU",
}
BASES = ("consent", "legitimate_interest")
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


# --- sender identification and postal address ---------------------------------------------------------

def footer_mode() -> str:
    return hitlcrm_settings.FOOTER_MODE


def sender_identity_problem(body: str = "") -> str:
    """Why an email may not go out for want of a sender identity and postal address, or "".

    Both settings are needed in every mode: in ``append`` mode hitlcrm adds them, in ``require``
    mode the draft's own text must contain them (compared without letter case and spacing)."""
    missing = [name for name, value in (("HITLCRM_SENDER_IDENTITY", hitlcrm_settings.SENDER_IDENTITY),
                                        ("HITLCRM_POSTAL_ADDRESS", hitlcrm_settings.POSTAL_ADDRESS))
               if not str(value or "").strip()]
    if missing:
        return (f"No sender identity and postal address are configured ({' and '.join(missing)} not set): "
                "cold email cannot go out without them (CAN-SPAM, CASL)")
    if footer_mode() == FOOTER_REQUIRE:
        text = _squeeze(body)
        absent = [what for what, value in (("the sender identity", hitlcrm_settings.SENDER_IDENTITY),
                                           ("the postal address", hitlcrm_settings.POSTAL_ADDRESS))
                  if _squeeze(value) not in text]
        if absent:
            return (f"The email does not contain {' and '.join(absent)} (HITLCRM_FOOTER_MODE=require): "
                    "add them to the body")
    return ""


def _squeeze(text: str) -> str:
    return " ".join(str(text or "").replace(",", " ").split()).casefold()


def footer_text(unsubscribe_url: str) -> str:
    """The plain-text footer added in ``append`` mode ("" in ``require`` mode)."""
    if footer_mode() != FOOTER_APPEND:
        return ""
    lines = ["--", hitlcrm_settings.SENDER_IDENTITY.strip(), *hitlcrm_settings.POSTAL_ADDRESS.strip().splitlines(),
             f"To stop receiving these emails: {unsubscribe_url}"]
    return "\n".join(line.strip() for line in lines if line.strip())


def with_footer(body: str, body_html: str, unsubscribe_url: str) -> tuple[str, str]:
    """The bodies as sent: the footer after the text, and (for an HTML part) before ``</body>``."""
    footer = footer_text(unsubscribe_url)
    if not footer:
        return body, body_html
    body = f"{body.rstrip()}\n\n{footer}\n"
    if body_html:
        lines = [html.escape(line) for line in footer.splitlines()[1:-1]]
        link = f'<a href="{html.escape(unsubscribe_url, quote=True)}">Unsubscribe</a>'
        block = f'<p style="color:#666;font-size:12px">{"<br>".join(lines)}<br>{link}</p>'
        at = body_html.lower().rfind("</body>")
        body_html = body_html[:at] + block + body_html[at:] if at >= 0 else body_html + block
    return body, body_html


# --- lawful basis -----------------------------------------------------------------------------------------

def region_errors(regions: Any) -> list[str]:
    """Problems with a policy's ``lawful_basis_regions`` (a list of country codes or EU/EEA)."""
    if not isinstance(regions or [], list):
        return ["Give a list of country codes (ISO 3166-1 alpha-2) or EU, EEA, e.g. [\"EEA\", \"GB\"]."]
    bad = [str(r) for r in regions or [] if not (isinstance(r, str) and (r in REGIONS or COUNTRY_CODE.match(r)))]
    return [f"Not a country code or region: {', '.join(bad)} (use ISO 3166-1 alpha-2 codes, EU or EEA)."] if bad else []


def countries_of(regions: list[str]) -> set[str]:
    found: set[str] = set()
    for region in regions or []:
        found |= REGIONS.get(region, {region})
    return found


def country_code(value: Any) -> str:
    """An ISO 3166-1 alpha-2 code from a code or an English country name; "" when unknown."""
    text = " ".join(str(value or "").split())
    if COUNTRY_CODE.match(text.upper()) and len(text) == 2:
        return "GB" if text.upper() == "UK" else text.upper()
    return COUNTRY_NAMES.get(text.casefold(), "")


CRM_COUNTRY_FIELDS = {"Contact": "MailingCountry", "Lead": "Country"}


@dataclass(frozen=True)
class RecipientBasis:
    address: str
    country: str  # ISO code, "" when unknown
    country_source: str  # "draft", "crm" or ""
    basis: dict[str, Any] | None  # as the agent recorded it
    required: bool | None  # True: the policy requires a basis; None: the country is unknown


def lawful_bases(proposal: Any, policy: Any, crm_record: dict[str, Any] | None = None) -> list[RecipientBasis]:
    """Each recipient's country and recorded lawful basis, and whether the policy requires one.

    The draft's ``country`` (the agent's) comes first, else the CRM record's country field; the
    basis is the draft's ``lawful_basis`` entry in the same position as the address in ``to``."""
    original = proposal.original_output or {}
    entries = original.get("lawful_basis") or []
    country, source = country_code(original.get("country")), "draft" if original.get("country") else ""
    if not country and crm_record:
        field = CRM_COUNTRY_FIELDS.get(proposal.crm_object, "")
        country, source = country_code(crm_record.get(field)), ("crm" if crm_record.get(field) else "")
    wanted = countries_of(policy.lawful_basis_regions or [])
    rows = []
    for index, address in enumerate(proposal.recipients or []):
        basis = entries[index] if index < len(entries) and isinstance(entries[index], dict) else None
        required = (country in wanted) if country else (None if wanted else False)
        rows.append(RecipientBasis(normalise_address(address), country, source, basis, required))
    return rows


def bases_missing(proposal: Any, policy: Any, checked: list[dict[str, Any]]) -> list[RecipientBasis]:
    """At send: the recipients known to be in one of the policy's countries with no recorded basis.
    The country the check found (from the CRM record, not read again at send) completes the draft's."""
    wanted = countries_of(policy.lawful_basis_regions or [])
    if not wanted:
        return []
    found = {row.get("address"): row.get("country") or "" for row in checked}
    return [row for row in lawful_bases(proposal, policy)
            if not row.basis and (row.country or found.get(row.address, "")) in wanted]


def basis_summary(rows: list[RecipientBasis]) -> list[dict[str, Any]]:
    """JSON for the review page and the send's audit event."""
    return [{"address": row.address, "country": row.country, "country_source": row.country_source,
             "basis": row.basis, "required": row.required} for row in rows]


# --- contact caps ---------------------------------------------------------------------------------------

ACCOUNT = "account:"


def account_of(address: str) -> str:
    """The account an address belongs to: its domain (one company, whichever agent writes to it)."""
    return normalise_address(address).rpartition("@")[2]


def account_keys(proposal: Any) -> list[str]:
    """The outreach-index keys that count an email against its accounts' caps."""
    return list(dict.fromkeys(ACCOUNT + account_of(a) for a in proposal.recipients or [] if account_of(a)))


@dataclass(frozen=True)
class CapCount:
    what: str  # "account" or "person"
    name: str  # the domain or the address
    count: int  # other emails counted
    cap: int


def caps_reached(proposal: Any, policy: Any, *, now: datetime | None = None) -> list[CapCount]:
    """At approval: the caps this email would pass. Counts the other emails, from any agent, that are
    approved (about to go) or went out within the policy's ``cap_window_days``, through the outreach
    index ("to:" keys per person, "account:" keys per domain)."""
    from ..models import GoldenItem
    from ..models.outreach import OutreachKey

    if not (policy.cap_per_account or policy.cap_per_person):
        return []
    since = (now or timezone.now()) - timedelta(days=policy.cap_window_days)
    # A golden item and its source are one item (reviews/services/golden.py): the source is not counted.
    source = GoldenItem.objects.filter(proposal_id=proposal.pk, source__isnull=False).values("source_id")
    wanted: dict[str, tuple[str, str, int]] = {}
    for address in proposal.recipients or []:
        if policy.cap_per_person:
            wanted["to:" + str(address).strip().lower()] = ("person", normalise_address(address), policy.cap_per_person)
        if policy.cap_per_account and account_of(address):
            wanted[ACCOUNT + account_of(address)] = ("account", account_of(address), policy.cap_per_account)
    counts = dict(
        OutreachKey.objects.filter(key__in=list(wanted))
        .exclude(proposal_id=proposal.pk).exclude(proposal_id__in=source)
        .filter(Q(proposal__status=Status.APPROVED)
                | Q(proposal__status__in=[Status.EXECUTING, Status.DONE], proposal__status_changed_at__gte=since))
        .values("key").annotate(n=Count("proposal_id", distinct=True)).values_list("key", "n")
    )
    return [CapCount(what, name, counts.get(key, 0), cap) for key, (what, name, cap) in wanted.items()
            if counts.get(key, 0) >= cap]


def caps_reached_at_send(proposal_id: int, addresses: list[str], policy: Any, *, now: datetime) -> list[CapCount]:
    """At send, under the recipients' row locks: the caps passed by the emails that went (or are
    going) out within the window, counted from the contact log (``MailContact``) like the quiet
    period, so approved emails not yet sent do not count against each other."""
    from ..models.mail import MailContact

    if not (policy.cap_per_account or policy.cap_per_person):
        return []
    since = now - timedelta(days=policy.cap_window_days)
    sent = (MailContact.objects.filter(contacted_at__gte=since, proposal__status__in=[Status.EXECUTING, Status.DONE])
            .exclude(proposal_id=proposal_id))
    reached = []
    if policy.cap_per_person:
        for address in sorted(set(addresses)):
            count = sent.filter(recipient__address=address).values("proposal_id").distinct().count()
            if count >= policy.cap_per_person:
                reached.append(CapCount("person", address, count, policy.cap_per_person))
    if policy.cap_per_account:
        for domain in sorted({account_of(a) for a in addresses if account_of(a)}):
            count = sent.filter(recipient__address__endswith="@" + domain).values("proposal_id").distinct().count()
            if count >= policy.cap_per_account:
                reached.append(CapCount("account", domain, count, policy.cap_per_account))
    return reached


def caps_message(reached: list[CapCount], days: int) -> str:
    return "; ".join(f"{'the account ' if c.what == 'account' else ''}{c.name} had {c.count} cold email(s) in the "
                     f"last {days} days (cap {c.cap})" for c in reached)
