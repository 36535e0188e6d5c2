"""A host whose user model has no ``username`` (people sign in with their email address):
create_agent, create_reviewer, the console's sign-in, its dashboard and the monthly report all work
with the model's USERNAME_FIELD."""

from __future__ import annotations


def test_the_commands_sign_in_dashboard_and_report_work_with_an_email_login_user_model(host) -> None:
    out = host.python("""
        from io import StringIO
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone
        from reviews.models import ApiClient, Decision, Proposal

        print(get_user_model().USERNAME_FIELD, hasattr(get_user_model(), "username"))
        created = StringIO()
        call_command("create_agent", "sdr-agent", stdout=created)
        agent = ApiClient.objects.get(name="sdr-agent")
        print(agent.user.get_username().endswith("@agents.invalid"), agent.user.has_usable_password())
        call_command("create_reviewer", "rita@host.example", password="rita-pass-phrase-2026", group="admin",
                     stdout=StringIO())
        rita = get_user_model().objects.get(email="rita@host.example")
        proposal = Proposal.objects.create(kind="email_draft", task_type="cold_email", status="rejected", agent=agent,
                                           submitted_at=timezone.now(), original_output={"subject": "s", "body": "b"})
        Decision.objects.create(proposal=proposal, submitted_by=agent.user, action="reject", reviewer=rita,
                                reason_code="tone")

        browser = Client()
        signed_in = browser.post("/admin/login/", {"username": "rita@host.example", "password": "rita-pass-phrase-2026",
                                                   "next": "/admin/"})
        print(signed_in.status_code, signed_in.headers.get("Location"))
        dashboard = browser.get(reverse("admin:hitlcrm_reviews_proposal_dashboard")).content.decode()
        print("rita@host.example" in dashboard)
        report = browser.get(reverse("admin:hitlcrm_reviews_auditevent_report") + "?format=csv")
        print(report.status_code, "rita@host.example" in b"".join(report.streaming_content).decode())
        refused = browser.post("/admin/login/", {"username": "rita@host.example", "password": "wrong"})
        from reviews.models import AuditEvent
        print(AuditEvent.objects.filter(action="login_failed").values_list("data__username", flat=True).first())
    """)
    assert out.splitlines() == ["email False", "True False", "302 /admin/", "True", "200 True", "rita@host.example"]
