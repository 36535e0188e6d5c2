"""hitlcrm's API sets its own authentication and permissions: in a host project with a
REST_FRAMEWORK of its own, an agent token opens hitlcrm's endpoints and none of the host's, and the
host's own API keeps working for the host's users."""

from __future__ import annotations


def test_an_agent_token_opens_hitlcrms_api_and_not_the_hosts(host) -> None:
    out = host.python("""
        from io import StringIO
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from rest_framework.test import APIClient
        from tests.host_project.accounts.models import Invoice

        invoice = Invoice.objects.create(number="INV-1", amount="10.00")
        created = StringIO()
        call_command("create_agent", "sdr-agent", stdout=created)
        agent = APIClient()
        agent.credentials(HTTP_AUTHORIZATION="Token " + created.getvalue().split()[-1])
        print("hitlcrm", agent.get("/hitlcrm/api/v1/email-drafts/").status_code)
        # Refused as an unknown token by the host's authentication (403 rather than 401: its first
        # authenticator, the session, sends no WWW-Authenticate challenge).
        print("host list", agent.get("/internal-api/invoices/").status_code in {401, 403})
        print("host delete", agent.delete(f"/internal-api/invoices/{invoice.pk}/").status_code in {401, 403},
              Invoice.objects.count())

        owner = APIClient()
        owner.force_login(get_user_model().objects.create_superuser("owner@host.example", "pw"))
        print("owner", owner.get("/internal-api/invoices/").status_code)
        # The host keeps DRF's default schema class: hitlcrm's document is still drf-spectacular's
        # whole one, its per-method annotations included (the submit body, the history filters).
        paths = APIClient().get("/hitlcrm/api/v1/schema/?format=json").json()["paths"]
        submit = paths["/hitlcrm/api/v1/email-drafts/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        history = [parameter["name"] for parameter in paths["/hitlcrm/api/v1/history/"]["get"]["parameters"]]
        print("schema", len(paths) > 5, any("invoices" in path for path in paths), submit["$ref"], "action" in history)
    """)
    assert out.splitlines() == ["hitlcrm 200", "host list True", "host delete True 1", "owner 200",
                                "schema True False #/components/schemas/EmailDraftSubmitRequest True"]
