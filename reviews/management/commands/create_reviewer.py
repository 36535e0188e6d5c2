from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews.models import ApiClient, ConsoleAccount
from reviews.roles import ROLES, ensure_roles, group_name


class Command(BaseCommand):
    help = ("Create (or update) a console user in one of the roles. Only users this command created are updated: "
            "the project's other users and its superusers are never changed.")

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("username", help="The login: the user model's USERNAME_FIELD (an email address for "
                                             "a model that signs in by email).")
        parser.add_argument("--password", required=True)
        parser.add_argument("--group", choices=ROLES, default="reviewer")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, password: str, group: str, email: str, **options) -> None:
        if group not in ROLES:  # argparse checks the shell; call_command("create_reviewer", group=...) does not
            raise CommandError(f"--group {group!r} is not a role; choose from {', '.join(ROLES)}")
        model = get_user_model()
        login_field = model.USERNAME_FIELD
        with transaction.atomic():
            groups = ensure_roles()
            user = model._default_manager.select_for_update().filter(**{login_field: username}).first()
            created = user is None
            if created:
                fields = {login_field: username}
                email_field = model.get_email_field_name()
                if email and email_field != login_field and hasattr(model, email_field):
                    fields[email_field] = email
                user = model(**fields)
            else:
                self._refuse_a_user_not_ours(user, username)
            user.is_staff = True
            user.set_password(password)
            user.save()
            ConsoleAccount.objects.get_or_create(user=user)
            # Only hitlcrm's role groups change; any group of the project's the user is in stays.
            others = user.groups.exclude(pk__in=[g.pk for g in groups.values()])
            user.groups.set([*others, groups[group]])
        self.stdout.write(f"{'Created' if created else 'Updated'} {group} {username!r}.")

    @staticmethod
    def _refuse_a_user_not_ours(user, username: str) -> None:  # noqa: ANN001
        # An API client's user is the agent (or integration) itself: making it a console user would
        # let an agent log in and decide what it submitted.
        client = ApiClient.objects.filter(user=user).first()
        if client is not None:
            raise CommandError(f"{username!r} is the user of API client {client.name!r}; "
                               "console users and API clients must be different users")
        if user.is_superuser:
            raise CommandError(f"{username!r} is a superuser; create_reviewer changes no superuser (it would reset "
                               "the password and the rights of the project's own administrator). Choose another login.")
        if not ConsoleAccount.objects.filter(user=user).exists():
            raise CommandError(f"{username!r} is an existing user create_reviewer did not create; it changes only its "
                               f"own users. To give this user a role, add it to the group {group_name('reviewer')!r} "
                               "(or another hitlcrm role group) in the admin.")
