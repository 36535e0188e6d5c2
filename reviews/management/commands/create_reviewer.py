from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews.models import ApiClient
from reviews.roles import ROLES, ensure_roles


class Command(BaseCommand):
    help = "Create (or update) a console user in one of the roles."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--group", choices=ROLES, default="reviewer")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, password: str, group: str, email: str, **options) -> None:
        if group not in ROLES:  # argparse checks the shell; call_command("create_reviewer", group=...) does not
            raise CommandError(f"--group {group!r} is not a role; choose from {', '.join(ROLES)}")
        with transaction.atomic():
            groups = ensure_roles()
            user, created = get_user_model().objects.select_for_update().get_or_create(
                username=username, defaults={"email": email})
            # An API client's user is the agent (or integration) itself: making it a console user would
            # let an agent log in and decide what it submitted.
            client = ApiClient.objects.filter(user=user).first()
            if client is not None:
                raise CommandError(f"{username!r} is the user of API client {client.name!r}; "
                                   "console users and API clients must be different users")
            user.is_staff = True
            user.is_superuser = False
            user.set_password(password)
            user.save()
            user.groups.set([groups[group]])
        self.stdout.write(f"{'Created' if created else 'Updated'} {group} {username!r}.")
