"""Demo data: reviewer logins, agents, policies, CRM allow-lists, Contacts in Salesforce (the
emulator in the demo) and a realistic mix of proposals from the labelled corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.exceptions import ValidationError

from reviews.conf import hitlcrm_settings
from reviews.crm import WriteOptions, create_records, crm_configured
from reviews.kinds import kind_of
from reviews.models import ApiClient, CrmObjectRule, Policy
from reviews.services.actors import Actor
from reviews.services.checking import proposal_run_checks
from reviews.services.submission import proposal_submit
from reviews.services.tokens import api_client_create

CORPUS = Path(__file__).resolve().parents[2] / "demo" / "proposals.jsonl"
DEMO_PASSWORD = "review-demo-2026"
CRM_FIELDS = {
    "Contact": ["FirstName", "LastName", "Email", "Title", "Department", "Phone", "MobilePhone", "Description",
                "LeadSource", "MailingCity", "LinkedIn_URL__c"],
    "Lead": ["FirstName", "LastName", "Email", "Title", "Company", "Status", "Phone", "LeadSource"],
    "Account": ["Name", "Industry", "Website", "NumberOfEmployees", "AnnualRevenue", "Description"],
    "Opportunity": ["StageName", "Amount", "CloseDate", "Probability"],
}
POLICIES: list[dict[str, Any]] = [
    {"task_type": "*", "mode": "always_review"},
    {"task_type": "cold_email", "mode": "calibrated", "confidence_threshold": 0.85, "audit_sample_rate": 0.1,
     "stakes": 2, "reversible": False, "sla_minutes": 240, "quiet_period_days": 14},
    {"task_type": "contact_update", "mode": "calibrated", "confidence_threshold": 0.9,
     "field_confidence_threshold": 0.8, "audit_sample_rate": 0.1, "stakes": 2, "reversible": True},
    {"task_type": "title_enrichment", "mode": "log_only", "audit_sample_rate": 0.2, "stakes": 1, "reversible": True},
    {"task_type": "opportunity_update", "mode": "always_review", "stakes": 3, "four_eyes_fields": ["Amount", "StageName"]},
]
PEOPLE = [("reviewer", "reviewer"), ("senior", "senior_reviewer"), ("auditor", "compliance"), ("admin", "admin")]


class Command(BaseCommand):
    help = "Load demo data (people, agents, policies, CRM records and proposals). Run on an empty database."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--limit", type=int, default=300, help="How many corpus proposals to load.")
        parser.add_argument("--token-file", default="", help="Write the demo agent's token here.")

    def handle(self, *args: Any, limit: int, token_file: str, **options: Any) -> None:
        if not hitlcrm_settings.DEMO:
            raise CommandError("seed_demo runs only under the demo settings (HITLCRM_DEMO = True, the standalone "
                               "project's development settings): it makes logins with a public password")
        if ApiClient.objects.filter(name="sdr-agent").exists():
            raise CommandError("demo data is already loaded (agent 'sdr-agent' exists); start from an empty database")
        # One transaction: a failure part-way (Salesforce unreachable, say) leaves no login with the
        # public demo password behind.
        with transaction.atomic():
            self._seed(limit=limit, token_file=token_file)

    def _seed(self, *, limit: int, token_file: str) -> None:
        for username, group in PEOPLE:
            call_command("create_reviewer", username, password=DEMO_PASSWORD, group=group, stdout=self.stderr)
        for values in POLICIES:
            Policy.objects.update_or_create(task_type=values["task_type"], defaults=values)
        for crm_object, fields in CRM_FIELDS.items():
            CrmObjectRule.objects.update_or_create(crm_object=crm_object, defaults={"allowed_fields": fields})
        agent, token = self._agent("sdr-agent")
        if token_file:
            Path(token_file).write_text(token + "\n")
        lines = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()][:limit]
        crm_ids = self._create_crm_records(lines)
        loaded = refused = 0
        for line, crm_id in zip(lines, crm_ids, strict=True):
            payload = {**line["payload"], "crm_id": crm_id}
            kind = kind_of(line["kind"])
            serializer = kind.submit_serializer_class()(data=payload)
            try:
                serializer.is_valid(raise_exception=True)
            except ValidationError:
                refused += 1  # e.g. a field outside the allow-list: the API refuses it the same way
                continue
            with transaction.atomic():
                proposal, _ = proposal_submit(client=agent, kind=kind.value, data=serializer.validated_data, payload=payload,
                                              actor=Actor.for_client(agent))
            proposal_run_checks(proposal_id=proposal.pk)
            loaded += 1
        self.stdout.write(f"Loaded {loaded} proposals ({refused} refused at submission as the API would).")
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}): " + ", ".join(f"{u} ({g})" for u, g in PEOPLE))

    def _agent(self, name: str) -> tuple[ApiClient, str]:
        return api_client_create(name=name, actor=Actor.system("manage.py seed_demo"))

    def _create_crm_records(self, lines: list[dict[str, Any]]) -> list[str]:
        """Create each line's CRM record in Salesforce; the ids go into the proposals."""
        if not crm_configured():
            raise CommandError("Salesforce is not configured: set SALESFORCE_INSTANCE_URL and SALESFORCE_SESSION_ID "
                               "(make demo starts the local emulator and sets them)")
        # Demo fixtures, not a reviewed write: several lines may name the same person, and each gets its
        # own Contact past the org's duplicate rule alert (assignment rules still stay out).
        fixtures = WriteOptions(allow_duplicate_save=True)
        ids: list[str] = []
        for start in range(0, len(lines), 200):
            chunk = lines[start:start + 200]
            outcomes = create_records("Contact", [line["crm"]["fields"] for line in chunk], options=fixtures)
            for outcome in outcomes:
                if outcome.status != "done":
                    raise CommandError(f"could not create a demo Contact: {outcome.message}")
                ids.append(outcome.record_id)
        return ids
