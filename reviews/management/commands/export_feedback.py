"""Export reviewer feedback (original AI output, final approved output, reason) as JSONL."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from reviews.services.feedback import feedback_pairs, feedback_write_jsonl


def _moment(value: str | None, option: str) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"{option}: give a date (YYYY-MM-DD) or an ISO 8601 date and time, not {value!r}")
        moment = datetime.combine(day, time.min)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.get_default_timezone())


class Command(BaseCommand):
    help = ("Write reviewer edits as JSON lines: original AI output, final approved output, reason "
            "(to improve prompts). To stdout unless --output is given.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--task-type", help="Only this task type.")
        parser.add_argument("--since", help="Decided at or after this date/time.")
        parser.add_argument("--until", help="Decided before this date/time.")
        parser.add_argument("--include-rejections", action="store_true",
                            help="Also export rejected outputs (final is null).")

    def handle(self, *args: Any, **options: Any) -> None:
        records = feedback_pairs(
            task_type=options["task_type"], since=_moment(options["since"], "--since"),
            until=_moment(options["until"], "--until"), include_rejections=options["include_rejections"],
        )
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as stream:
                count = feedback_write_jsonl(records, stream)
            self.stderr.write(f"Wrote {count} feedback record(s) to {options['output']}")
        else:
            count = feedback_write_jsonl(records, self.stdout)
            self.stderr.write(f"Wrote {count} feedback record(s)")
