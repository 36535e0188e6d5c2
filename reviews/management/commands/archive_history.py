"""``manage.py archive_history``: retention. Events older than the retention period are written
to a gzip JSON Lines file (a header carrying the chain's anchor first), then pruned, and the
chain's anchor moves to the last archived event, so ``verify_history`` still passes and the
file verifies on its own (``verify_history --archives``). Safe to run from a schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from reviews.services.history import ArchiveRefused, history_archive, retention_cutoff

from ...conf import hitlcrm_settings


class Command(BaseCommand):
    help = "Archive audit events older than the retention period to a file, then prune them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help="retention in days (default HITLCRM_AUDIT_RETENTION_DAYS)")
        parser.add_argument("--before", default=None,
                            help="archive events before this ISO date-time instead of applying --days")
        parser.add_argument("--output", default=None, help="folder for archive files (default HITLCRM_AUDIT_ARCHIVE_DIR)")
        parser.add_argument("--dry-run", action="store_true", help="say what would be archived; change nothing")

    def handle(self, *args: Any, days: int | None, before: str | None, output: str | None, dry_run: bool,
               **options: Any) -> None:
        if before:
            cutoff = parse_datetime(before)
            if cutoff is None or cutoff.tzinfo is None:
                raise CommandError("--before needs an ISO date-time with a time zone, e.g. 2020-01-01T00:00:00Z")
        else:
            days = hitlcrm_settings.AUDIT_RETENTION_DAYS if days is None else days
            if days < 0:
                raise CommandError("--days cannot be negative")
            cutoff = retention_cutoff(days)
        folder = output or hitlcrm_settings.AUDIT_ARCHIVE_DIR
        if not str(folder).strip():
            raise CommandError("no archive folder: set HITLCRM_AUDIT_ARCHIVE_DIR (durable storage) or pass --output")
        directory = Path(folder)
        try:
            result = history_archive(before=cutoff, directory=directory, dry_run=dry_run)
        except ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        if not result.count:
            self.stdout.write(f"nothing older than {cutoff:%Y-%m-%d %H:%M:%S %Z} to archive")
        elif dry_run:
            self.stdout.write(f"would archive {result.count} events (seq {result.anchor_seq + 1}–{result.last_seq})")
        else:
            self.stdout.write(f"archived {result.count} events (seq {result.anchor_seq + 1}–{result.last_seq}) to "
                              f"{result.path}; the chain's anchor is now seq {result.last_seq}")
