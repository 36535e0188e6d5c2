from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from reviews.roles import ROLES, ensure_roles


class Command(BaseCommand):
    help = "Create (or update) a console user in one of the roles."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--group", choices=ROLES, default="reviewer")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, password: str, group: str, email: str, **options) -> None:
        with transaction.atomic():
            groups = ensure_roles()
            user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
            user.is_staff = True
            user.is_superuser = False
            user.set_password(password)
            user.save()
            user.groups.set([groups[group]])
        self.stdout.write(f"{'Created' if created else 'Updated'} {group} {username!r}.")
