from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from reviews.relabel import RelabelRefused, pending, relabel


class Command(BaseCommand):
    help = ("Once, before `migrate`, on a database made before the apps' labels became hitlcrm_reviews and "
            "hitlcrm_integrations: move the applied migrations and the content types (so permissions, groups, "
            "the admin's log) from the old labels reviews and integrations to the new ones, in one transaction. "
            "The tables keep their names. Run again, it does nothing.")
    # It must run on the very database the checks refuse (hitlcrm.E020), and before any migration.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to relabel (default: default).")
        parser.add_argument("--check", action="store_true", help="Only say what would move; exit 1 if anything would.")

    def handle(self, *args, database: str, check: bool, **options) -> None:
        if check:
            moves = pending(database)
            for move in moves:
                self.stdout.write(f"To move: {move}.")
            if moves:
                raise CommandError("the database has rows under the old app labels; run manage.py hitlcrm_relabel",
                                   returncode=1)
            self.stdout.write("Nothing to relabel.")
            return
        try:
            moves = relabel(database)
        except RelabelRefused as exc:
            raise CommandError(str(exc)) from exc
        for move in moves:
            self.stdout.write(f"Moved {move}.")
        if not moves:
            self.stdout.write("Nothing to relabel: no rows under the old app labels reviews and integrations.")
