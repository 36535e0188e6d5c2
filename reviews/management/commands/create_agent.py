from django.core.management.base import BaseCommand, CommandError

from reviews.models import ApiClient
from reviews.services.actors import Actor
from reviews.services.tokens import api_client_create, token_issue

ACTOR = Actor.system("manage.py create_agent")


class Command(BaseCommand):
    help = ("Create an API client (an agent by default; --role integration for a system that executes approved "
            "CRM changes) and print its token as the last line. With --new-token, issue another token for an "
            "existing client (to rotate: issue, deploy, then revoke_token the old one).")

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("name")
        parser.add_argument("--role", choices=ApiClient.Role.values, default=ApiClient.Role.AGENT)
        parser.add_argument("--webhook-url", default="", help="Set directly (the host must still be allow-listed "
                                                              "for deliveries to be made).")
        parser.add_argument("--throttle-rate", default="", help="e.g. 600/min; blank uses the default.")
        parser.add_argument("--new-token", action="store_true", help="Issue a token for an existing client.")

    def handle(self, *args, name: str, role: str, webhook_url: str, throttle_rate: str, new_token: bool,
               **options) -> None:
        existing = ApiClient.objects.filter(name=name).first()
        if new_token:
            if existing is None:
                raise CommandError(f"no API client named {name!r}")
            _, raw = token_issue(client=existing, actor=ACTOR)
            self.stdout.write(f"Issued a new token for {existing.role} {name!r}. It is shown once; store it now:")
            self.stdout.write(raw)
            return
        if existing is not None:
            raise CommandError(f"an API client named {name!r} already exists (use --new-token for another token)")
        client, raw = api_client_create(name=name, role=role, webhook_url=webhook_url, throttle_rate=throttle_rate,
                                        actor=ACTOR)
        self.stdout.write(f"Created {role} {name!r}. The token is shown once; store it now:")
        if client.webhook_secret:
            self.stdout.write(f"Webhook signing secret: {client.webhook_secret}")
        self.stdout.write(raw)
