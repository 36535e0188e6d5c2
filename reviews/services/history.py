"""Reading the audit trail: filters, per-CRM-record timelines, streaming exports, the monthly
report, and retention (archive to a file, then prune).

Every filter is an equality on an indexed column plus a range of ``seq`` (a time range becomes a
seq range, because ``occurred_at`` never decreases along the chain), so a page of history, or a
cursor into it, is one index range scan whatever the size of the table. Exports stream rows with
a server-side cursor (``iterator``) and never hold more than one chunk in memory.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import Count, F, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ..crm import normalise_id
from ..models import Decision, ReasonCode
from ..models.audit import AuditActorType, AuditChainHead, AuditEvent
from ..models.clients import login_path
from ..models.decisions import LIVE
from .audit import ChainReport, audit_guard_lifted, chain_walk

EXPORT_FORMATS = ("csv", "jsonl")
# Model fields read for the API, exports and archives (in this order), and the names they go out under.
EVENT_FIELDS = ("id", "seq", "occurred_at", "action", "actor_type", "actor", "proposal_id_ref", "crm_object",
                "crm_id", "origin_ip", "user_agent", "data", "prev_hash", "hash")
EVENT_COLUMNS = ("id", "seq", "occurred_at", "action", "actor_type", "actor", "record", "crm_object", "crm_id",
                 "origin_ip", "user_agent", "data", "prev_hash", "hash")
EXPORT_CHUNK = 2000
ARCHIVE_FORMAT = "hitlcrm-audit-archive"
PRUNE_BATCH = 50_000
NO_UPPER_BOUND = 2**63 - 1


# --- filters --------------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryFilters:
    """The history's filters (``GET /api/v1/history/`` and the console use the same)."""

    crm_object: str = ""
    crm_id: str = ""
    actor: str = ""
    actor_type: str = ""
    action: str = ""
    since: datetime | None = None
    until: datetime | None = None
    record: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> HistoryFilters:
        """Parse query parameters (a QueryDict, or the admin's {name: [values]}); unknown names are
        ignored. Raises ValidationError naming each bad field."""
        values: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for spec in fields(cls):
            raw = params.get(spec.name)
            if isinstance(raw, list | tuple):
                raw = raw[-1] if raw else None
            if raw is None or str(raw).strip() == "":
                continue
            try:
                values[spec.name] = _PARSERS[spec.name](str(raw).strip())
            except ValueError as exc:
                errors[spec.name] = [str(exc)]
        if not errors and values.get("since") and values.get("until") and values["since"] >= values["until"]:
            errors["until"] = ["must be later than since"]
        if errors:
            raise ValidationError(errors)
        return cls(**values)

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for links: export, timeline, next page)."""
        out = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if value in (None, ""):
                continue
            out[spec.name] = _iso(value) if isinstance(value, datetime) else str(value)
        return out


def _text(limit: int) -> Any:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"at most {limit} characters")
        return value
    return parse


def _crm_id(value: str) -> str:
    if len(value) > 18:
        raise ValueError("at most 18 characters")
    # Records are stored under the 18-character id; a 15-character id finds them too.
    return normalise_id(value)


def _moment(value: str) -> datetime:
    if " " in value and "T" in value:
        value = value.replace(" ", "+")  # an unencoded "+00:00" arrives as " 00:00"
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise ValueError("an ISO 8601 date (2025-01-31) or date-time (2025-01-31T09:30:00Z)")
    if moment is None:
        moment = datetime.combine(day, time.min)
    moment = moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
    try:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts (up to ±23:59).
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("a date-time between the years 1 and 9999 (in UTC)") from None


def _actor_type(value: str) -> str:
    if value not in AuditActorType.values:
        raise ValueError(f"one of {', '.join(AuditActorType.values)}")
    return value


def _record(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ValueError("a proposal id (a positive integer)")
    return int(value)


_PARSERS = {
    "crm_object": _text(80), "crm_id": _crm_id, "actor": _text(150), "actor_type": _actor_type,
    "action": _text(40), "since": _moment, "until": _moment, "record": _record,
}


# The first seq at or after a moment: one probe of the (occurred_at, seq) index.
_FIRST_SEQ_FROM = (f"(SELECT seq FROM {AuditEvent._meta.db_table} WHERE occurred_at >= %s "
                   f"ORDER BY occurred_at, seq LIMIT 1)")


def _first_seq_at_or_after(moment: datetime) -> int | None:
    return (AuditEvent.objects.filter(occurred_at__gte=moment).order_by("occurred_at", "seq")
            .values_list("seq", flat=True).first())


def history_events(filters: HistoryFilters, queryset: QuerySet[AuditEvent] | None = None) -> QuerySet[AuditEvent]:
    """The events matching ``filters`` (within ``queryset``, by default all), unordered: pages order
    by seq, newest first; exports and timelines oldest first."""
    queryset = AuditEvent.objects.all() if queryset is None else queryset
    exact = {"crm_object": filters.crm_object, "crm_id": filters.crm_id, "actor": filters.actor,
             "actor_type": filters.actor_type, "action": filters.action, "proposal_id_ref": filters.record}
    queryset = queryset.filter(**{name: value for name, value in exact.items() if value not in ("", None)})
    # Bounds computed inside the same statement (one round trip, written out because composing
    # them from querysets costs more to compile than the database spends answering). No event at
    # or after ``since``: NULL, so nothing matches; none at or after ``until``: no upper bound.
    adapt = connections[queryset.db].ops.adapt_datetimefield_value  # as the ORM would store it
    if filters.since is not None:
        queryset = queryset.filter(seq__gte=RawSQL(_FIRST_SEQ_FROM, [adapt(filters.since)]))
    if filters.until is not None:
        queryset = queryset.filter(seq__lt=RawSQL(f"COALESCE({_FIRST_SEQ_FROM}, {NO_UPPER_BOUND})",
                                                  [adapt(filters.until)]))
    return queryset


def timeline_filters(crm_object: str, crm_id: str, params: Mapping[str, Any] | None = None) -> HistoryFilters:
    """One CRM record's timeline: every proposal, decision and write that touched it."""
    return HistoryFilters.from_params({**(params or {}), "crm_object": crm_object, "crm_id": crm_id})


# --- shapes ---------------------------------------------------------------------------------

def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def event_as_dict(row: Mapping[str, Any] | AuditEvent) -> dict[str, Any]:
    """An event as the API, the JSONL export and the archive show it (``record`` = proposal id)."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name)
    out = {column: get(name) for column, name in zip(EVENT_COLUMNS, EVENT_FIELDS, strict=True)}
    out["occurred_at"] = _iso(out["occurred_at"])
    return out


def event_from_dict(item: Mapping[str, Any]) -> AuditEvent:
    """An unsaved event back from its dict (to re-hash an archived or exported event)."""
    values = {name: item[column] for column, name in zip(EVENT_COLUMNS, EVENT_FIELDS, strict=True)}
    values["occurred_at"] = _moment(values["occurred_at"])
    return AuditEvent(**values)


# --- exports --------------------------------------------------------------------------------

class _Echo:
    """csv.writer's file: hands each formatted line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


# A spreadsheet runs a cell that starts like a formula; such text cells are quoted with "'" in CSV
# (the JSONL export keeps every value verbatim).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FREE_TEXT = [EVENT_COLUMNS.index(name) for name in ("action", "actor_type", "actor", "crm_object", "crm_id",
                                                     "user_agent")]
_OCCURRED_AT = EVENT_COLUMNS.index("occurred_at")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def history_export(queryset: QuerySet[AuditEvent], fmt: str, *, chunk_size: int = EXPORT_CHUNK,
                   lines_per_piece: int = 500) -> Iterator[bytes]:
    """The events of ``queryset``, oldest first, as CSV (a header row, ``data`` as JSON text) or
    JSON Lines, in pieces of ``lines_per_piece`` lines. Memory stays bounded by the chunk size.

    ``data`` is read as the database's JSON text and written as is (it is JSON already): decoding
    and re-encoding it would double the cost of an export of millions of events.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    selected = [("data_text" if name == "data" else name) for name in EVENT_FIELDS]
    rows = (queryset.order_by("seq").annotate(data_text=Cast("data", TextField())).values_list(*selected)
            .iterator(chunk_size=chunk_size))
    writer = csv.writer(_Echo())
    piece: list[str] = [writer.writerow(EVENT_COLUMNS)] if fmt == "csv" else []
    for row in rows:
        cells = list(row)
        cells[_OCCURRED_AT] = _iso(cells[_OCCURRED_AT])
        if fmt == "csv":
            for index in _FREE_TEXT:
                if cells[index].startswith(FORMULA_START):
                    cells[index] = "'" + cells[index]
            piece.append(writer.writerow(cells))
        else:
            event = dict(zip(EVENT_COLUMNS, cells, strict=True))
            data = event.pop("data")
            piece.append(json.dumps(event, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"data":' + data + "}\n")
        if len(piece) >= lines_per_piece:
            yield "".join(piece).encode()
            piece = []
    if piece:
        yield "".join(piece).encode()


def export_filename(prefix: str, fmt: str) -> str:
    return f"{prefix}-{timezone.now():%Y%m%dT%H%M%SZ}.{fmt}"


# --- monthly report -------------------------------------------------------------------------

REPORT_COLUMNS = (
    "month", "task_type", "reviewer", "decisions", "approved", "edited_and_approved", "rejected",
    "material_edits", *(f"rejected_{code}" for code in ReasonCode.values), "undone", "errors", "error_rate",
    "previous_error_rate", "error_rate_change",
)
ALL_REVIEWERS = "(all reviewers)"


def _month_start(moment: datetime, months_back: int = 0) -> datetime:
    index = moment.year * 12 + moment.month - 1 - months_back
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def monthly_report(*, months: int = 12, now: datetime | None = None) -> list[dict[str, Any]]:
    """Human decisions per month, task type and reviewer (and all reviewers of a task type): how
    many, of which kind, the error types (rejection reasons, material edits) and the error rate
    with its change from the month before. An error is a rejection or a materially edited approval;
    undone approvals are counted apart and are not decisions."""
    now = now or timezone.now()
    start, end = _month_start(now, months), _month_start(now, -1)  # one month more, for the first trend
    base = Decision.objects.filter(reviewer__isnull=False, created_at__gte=start, created_at__lt=end)
    counts = {
        "decisions": Count("pk", filter=LIVE),
        "approved": Count("pk", filter=LIVE & Q(action=Decision.Action.APPROVE)),
        "edited_and_approved": Count("pk", filter=LIVE & Q(action=Decision.Action.EDIT_APPROVE)),
        "rejected": Count("pk", filter=LIVE & Q(action=Decision.Action.REJECT)),
        "material_edits": Count("pk", filter=LIVE & Q(action=Decision.Action.EDIT_APPROVE,
                                                     proposal__materially_edited=True)),
        **{f"rejected_{code}": Count("pk", filter=LIVE & Q(action=Decision.Action.REJECT, reason_code=code))
           for code in ReasonCode.values},
        # Approvals taken back in the grace period; not those of a round whose execution failed or met
        # a conflict (settled when the record was decided again).
        "undone": Count("pk", filter=~LIVE & ~Q(settled__in=[Decision.Settled.EXECUTION_FAILED,
                                                             Decision.Settled.CONFLICT])),
    }
    month = TruncMonth("created_at", tzinfo=UTC)
    grouped = [
        *base.annotate(month=month, reviewer_login=F(login_path("reviewer")))
        .values("month", "proposal__task_type", "reviewer_login").annotate(**counts),
        *({**row, "reviewer_login": ALL_REVIEWERS}
          for row in base.annotate(month=month).values("month", "proposal__task_type").annotate(**counts)),
    ]
    rows: list[dict[str, Any]] = []
    for item in grouped:
        row = {"month": f"{item['month']:%Y-%m}", "task_type": item["proposal__task_type"],
               "reviewer": item["reviewer_login"], **{name: item[name] for name in counts}}
        row["errors"] = row["rejected"] + row["material_edits"]
        row["error_rate"] = round(row["errors"] / row["decisions"], 4) if row["decisions"] else None
        rows.append(row)
    rows.sort(key=lambda r: (r["task_type"], r["reviewer"] == ALL_REVIEWERS, r["reviewer"], r["month"]))
    by_key = {(r["task_type"], r["reviewer"], r["month"]): r for r in rows}
    for row in rows:
        previous_month = f"{_month_start(datetime.strptime(row['month'], '%Y-%m'), 1):%Y-%m}"
        previous = by_key.get((row["task_type"], row["reviewer"], previous_month))
        row["previous_error_rate"] = previous["error_rate"] if previous else None
        both = previous is not None and previous["error_rate"] is not None and row["error_rate"] is not None
        row["error_rate_change"] = round(row["error_rate"] - previous["error_rate"], 4) if both else None
    first = f"{_month_start(now, months - 1):%Y-%m}"
    return [row for row in rows if row["month"] >= first]


def report_csv(rows: Iterable[Mapping[str, Any]], columns: Iterable[str] = REPORT_COLUMNS) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    columns = list(columns)
    yield writer.writerow(columns).encode()
    for row in rows:
        yield writer.writerow(["" if row.get(c) is None else _csv_cell(row.get(c)) for c in columns]).encode()


# --- retention ------------------------------------------------------------------------------

class ArchiveRefused(Exception):
    """Nothing was pruned; the message says why."""


@dataclass
class ArchiveResult:
    path: Path | None
    count: int
    anchor_seq: int
    last_seq: int
    last_hash: str


def retention_cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=days)


def history_archive(*, before: datetime, directory: Path, dry_run: bool = False,
                    chunk_size: int = EXPORT_CHUNK) -> ArchiveResult:
    """Archive the events older than ``before`` to ``directory`` as gzip JSON Lines (a header with
    the chain's anchor first, so the file verifies on its own), then prune them and move the chain's
    anchor to the last archived event, so the remaining chain still verifies.

    The archived stretch is verified while it is written; a broken chain is never archived or
    pruned (the evidence stays in the database for ``verify_history``).
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return ArchiveResult(None, 0, 0, 0, "")
    anchor_seq, anchor_hash = head.anchor_seq, head.anchor_hash
    first_kept = _first_seq_at_or_after(before)
    last = (first_kept - 1) if first_kept is not None else head.last_seq
    if last <= anchor_seq:
        return ArchiveResult(None, 0, anchor_seq, anchor_seq, anchor_hash)
    last_hash = AuditEvent.objects.filter(seq=last).values_list("hash", flat=True).first()
    if last_hash is None:
        raise ArchiveRefused(f"seq {last} missing — deleted; run verify_history, nothing was archived")
    if dry_run:
        return ArchiveResult(None, last - anchor_seq, anchor_seq, last, last_hash)

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-{anchor_seq + 1:012d}-{last:012d}.jsonl.gz"
    partial = path.with_name(path.name + ".partial")
    header = {"format": ARCHIVE_FORMAT, "version": 1, "anchor_seq": anchor_seq, "anchor_hash": anchor_hash,
              "first_seq": anchor_seq + 1, "last_seq": last, "last_hash": last_hash, "count": last - anchor_seq,
              "before": _iso(before), "created_at": _iso(timezone.now())}
    events = AuditEvent.objects.filter(seq__gt=anchor_seq, seq__lte=last).order_by("seq").iterator(chunk_size)
    with gzip.open(partial, "wt", encoding="utf-8") as out:
        out.write(json.dumps(header) + "\n")

        def written() -> Iterator[AuditEvent]:
            for event in events:
                out.write(json.dumps(event_as_dict(event), ensure_ascii=False, separators=(",", ":")) + "\n")
                yield event

        report = chain_walk(written(), anchor_seq=anchor_seq, anchor_hash=anchor_hash, head_seq=last,
                            head_hash=last_hash)
    if not report.ok:
        partial.unlink()
        raise ArchiveRefused(f"{report.problem}; nothing was archived")
    _fsync(partial)
    os.replace(partial, path)  # the file is complete on disk before a single event is pruned
    _fsync(directory)
    _prune_through(last, expected_anchor=anchor_seq)
    return ArchiveResult(path, last - anchor_seq, anchor_seq, last, last_hash)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _prune_through(last: int, *, expected_anchor: int) -> None:
    """Delete the archived events up to ``last`` and move the anchor along, in short batches (each
    its own transaction, so appends wait on the head's lock only briefly and the chain verifies
    after every batch). The one code path that deletes audit events."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    anchor = expected_anchor
    while anchor < last:
        upto = min(anchor + PRUNE_BATCH, last)
        with transaction.atomic():
            head = AuditChainHead.objects.select_for_update().get(pk=1)
            if head.anchor_seq != anchor:
                raise ArchiveRefused(f"the chain's anchor moved to seq {head.anchor_seq} meanwhile (another "
                                     f"archive run?); stopped at seq {anchor}")
            upto_hash = AuditEvent.objects.filter(seq=upto).values_list("hash", flat=True).get()
            with audit_guard_lifted(), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE seq > %s AND seq <= %s", [anchor, upto])  # noqa: S608
            AuditChainHead.objects.filter(pk=1).update(anchor_seq=upto, anchor_hash=upto_hash)
        anchor = upto


def archive_read(path: Path) -> tuple[dict[str, Any], Iterator[AuditEvent]]:
    """An archive's header and its events (streamed; close by exhausting the iterator)."""
    stream = gzip.open(path, "rt", encoding="utf-8")
    header = json.loads(stream.readline())
    if header.get("format") != ARCHIVE_FORMAT:
        stream.close()
        raise ValueError(f"{path} is not a hitlcrm audit archive")

    def events() -> Iterator[AuditEvent]:
        with stream:
            for line in stream:
                if line.strip():
                    yield event_from_dict(json.loads(line))

    return header, events()


def archive_hashes(path: Path, seqs: set[int]) -> dict[int, str]:
    """The hashes of the events ``seqs`` among an archive's events (streamed)."""
    header, events = archive_read(path)
    found = {}
    for event in events:
        if event.seq in seqs:
            found[event.seq] = event.hash
    return found


def archive_verify(path: Path) -> tuple[dict[str, Any], ChainReport]:
    """Walk one archive's chain from its header's anchor to its last event."""
    header, events = archive_read(path)
    report = chain_walk(events, anchor_seq=header["anchor_seq"], anchor_hash=header["anchor_hash"],
                        head_seq=header["last_seq"], head_hash=header["last_hash"])
    return header, report


__all__ = [
    "ArchiveRefused", "HistoryFilters", "archive_hashes", "archive_verify", "event_as_dict", "history_archive",
    "history_events", "history_export", "monthly_report", "report_csv", "timeline_filters",
]
