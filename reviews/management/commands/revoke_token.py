from django.core.management.base import BaseCommand, CommandError

from reviews.models import ApiClient
from reviews.services.actors import Actor
from reviews.services.tokens import tokens_revoke


class Command(BaseCommand):
    help = "Revoke an API client's tokens: all of them, or the one whose hint (shown in the admin) is given."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("name", help="The API client's name.")
        parser.add_argument("--hint", default="", help="Revoke only the token starting with this hint.")

    def handle(self, *args, name: str, hint: str, **options) -> None:
        client = ApiClient.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"no API client named {name!r}")
        tokens = client.tokens.all()
        if hint:
            tokens = tokens.filter(hint__startswith=hint.rstrip("…"))
        revoked = [token.hint for token in tokens_revoke(tokens=tokens, actor=Actor.system("manage.py revoke_token"))]
        if not revoked:
            raise CommandError(f"{name!r} has no active token" + (f" starting with {hint!r}" if hint else ""))
        self.stdout.write(f"Revoked {len(revoked)} token(s) of {name!r}: {', '.join(revoked)}")
