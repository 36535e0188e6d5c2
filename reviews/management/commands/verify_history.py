"""``manage.py verify_history``: prove the audit trail is intact, or name its first broken event.

Walks the chain from its anchor (the genesis, or the last event archived by ``archive_history``)
to its head in seq order, streaming, recomputing every hash and checking every link. With
``--archives``, the archive files are walked first and must join one another and the live chain.
Exits 1 at the first problem; on success prints the head's seq and hash, which are worth keeping
outside the database: a chain rewritten wholesale (by someone able to recompute every hash), or cut
short with its head row moved back, still differs from a head recorded earlier. Give such recorded
heads back with ``--expect SEQ:HASH`` (repeatable): each must still be in the chain (or, once
archived, in the archives given), with that hash.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.models import AuditChainHead, AuditEvent
from reviews.services.audit import append_only_guard_present, chain_verify
from reviews.services.history import archive_hashes, archive_verify


def checkpoint(value: str) -> tuple[int, str]:
    """``SEQ:HASH`` as printed by an earlier run."""
    seq, _, digest = value.partition(":")
    if not seq.isdigit() or len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
        raise ValueError(value)
    return int(seq), digest


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exit 1 naming the first altered, deleted or inserted event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--archives", nargs="+", default=[], metavar="PATH",
                            help="archive files (or folders of them) written by archive_history, verified first")
        parser.add_argument("--expect", nargs="+", default=[], metavar="SEQ:HASH", type=checkpoint,
                            help="heads printed by earlier runs (kept outside the database) that must still be "
                                 "in the chain with that hash")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, archives: list[str], expect: list[tuple[int, str]], database: str,
               **options: Any) -> None:
        archive_files = self._verify_archives(archives, database) if archives else []
        report = chain_verify(using=database)
        if not report.ok:
            raise CommandError(report.problem)
        head = AuditChainHead.objects.using(database).filter(pk=1).first() or AuditChainHead()
        archived: dict[int, str] = {}
        for path in archive_files:
            archived.update(archive_hashes(path, {seq for seq, _ in expect if seq < head.anchor_seq}))
        for seq, expected in expect:
            self._check_recorded_head(seq, expected, head=head, last_seq=report.last_seq, archived=archived,
                                      database=database)
        if not append_only_guard_present(database):
            self.stderr.write("WARNING: the database trigger that keeps the audit table append-only is missing "
                              "or disabled (re-apply migration reviews 0003_audit_append_only).")
        span = f"seq {report.first_seq}–{report.last_seq}" if report.checked else "no events"
        self.stdout.write(f"OK: {report.checked} events verified ({span}) from anchor seq {head.anchor_seq}; "
                          f"head seq {report.last_seq} hash {report.last_hash}")

    def _check_recorded_head(self, seq: int, expected: str, *, head: AuditChainHead, last_seq: int,
                             archived: dict[int, str], database: str) -> None:
        """A head recorded earlier must still be in the chain: a chain whose newest events were
        deleted, with its head row moved back to match, verifies on its own but not against it."""
        if seq > last_seq:
            raise CommandError(f"seq {seq} (a head recorded earlier) is missing: the chain ends at seq {last_seq} — "
                               f"events after it were deleted and the head moved back")
        if seq < head.anchor_seq and seq not in archived:
            raise CommandError(f"seq {seq} (a head recorded earlier) lies before the live chain's anchor "
                               f"(seq {head.anchor_seq}): give the archives that hold it (--archives)")
        if seq in archived:
            found = archived[seq]
        elif seq == head.anchor_seq:
            found = head.anchor_hash
        else:
            found = AuditEvent.objects.using(database).filter(seq=seq).values_list("hash", flat=True).first() or ""
        if found != expected:
            raise CommandError(f"seq {seq} (a head recorded earlier) now has hash {found or '(none)'}, "
                               f"not {expected} — the chain was rewritten")

    def _verify_archives(self, archives: list[str], database: str) -> list[Path]:
        """Verify the archive files and how they join one another and the live chain; returns them."""
        files = []
        for name in archives:
            path = Path(name)
            files.extend(sorted(path.glob("audit-*.jsonl.gz")) if path.is_dir() else [path])
        if not files:
            raise CommandError("no archive files found")
        checked = []
        for path in files:
            header, report = archive_verify(path)
            if not report.ok:
                raise CommandError(f"{path.name}: {report.problem}")
            checked.append((header, path))
        checked.sort(key=lambda item: item[0]["anchor_seq"])
        for (before, before_path), (after, after_path) in zip(checked, checked[1:], strict=False):
            if (after["anchor_seq"], after["anchor_hash"]) != (before["last_seq"], before["last_hash"]):
                raise CommandError(f"{after_path.name} does not continue {before_path.name}: seqs "
                                   f"{before['last_seq'] + 1}–{after['anchor_seq']} missing or rewritten")
        last = checked[-1][0]
        head = AuditChainHead.objects.using(database).filter(pk=1).first() or AuditChainHead()
        if (last["last_seq"], last["last_hash"]) != (head.anchor_seq, head.anchor_hash):
            raise CommandError(f"the live chain's anchor (seq {head.anchor_seq}) is not the last archived event "
                               f"(seq {last['last_seq']}): an archive is missing or was rewritten")
        first = checked[0][0]
        if first["anchor_seq"] != 0:
            self.stdout.write(f"note: the archives given start after seq {first['anchor_seq']}")
        self.stdout.write(f"OK: {len(checked)} archive files, seq {first['first_seq']}–{last['last_seq']}")
        return [path for _header, path in checked]
