"""Retention: events older than the period are archived to a file that carries the chain's
anchor, then pruned; the remaining chain (and the archive) still verify."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from reviews.models import AuditChainHead, AuditEvent
from reviews.models.audit import GENESIS_HASH
from reviews.services.history import archive_verify

from .conftest import TABLE, append, tampering

pytestmark = pytest.mark.django_db


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def older_then_newer(older: int, newer: int) -> tuple[list[AuditEvent], list[AuditEvent], str]:
    """``older`` events, then ``newer`` ones a day later; returns them and a moment in between."""
    first = append(older)
    AuditChainHead.objects.filter(pk=1).update(last_occurred_at=first[-1].occurred_at + timedelta(days=1))
    second = append(newer)
    return first, second, (first[-1].occurred_at + timedelta(hours=1)).isoformat()


def read(path: Path) -> tuple[dict, list[dict]]:
    with gzip.open(path, "rt") as stream:
        lines = [json.loads(line) for line in stream]
    return lines[0], lines[1:]


def test_archive_then_prune_keeps_the_chain_verifiable(tmp_path: Path) -> None:
    old, new, cutoff = older_then_newer(30, 10)
    output = run("archive_history", "--before", cutoff, "--output", str(tmp_path))
    assert f"archived 30 events (seq 1–{old[-1].seq})" in output
    path = tmp_path / f"audit-{1:012d}-{old[-1].seq:012d}.jsonl.gz"
    header, lines = read(path)
    assert (header["anchor_seq"], header["anchor_hash"]) == (0, GENESIS_HASH)
    assert (header["last_seq"], header["last_hash"], header["count"]) == (old[-1].seq, old[-1].hash, 30)
    assert [line["seq"] for line in lines] == [event.seq for event in old]
    assert lines[3]["data"] == old[3].data and lines[3]["hash"] == old[3].hash

    assert not AuditEvent.objects.filter(seq__lte=old[-1].seq).exists()
    head = AuditChainHead.objects.get(pk=1)
    assert (head.anchor_seq, head.anchor_hash) == (old[-1].seq, old[-1].hash)
    assert "OK: 10 events verified" in run("verify_history")
    assert archive_verify(path)[1].ok
    assert "OK: 1 archive files" in run("verify_history", "--archives", str(tmp_path))

    # A second run continues from the anchor; archives chain to one another and to the live chain.
    later = append(5)
    AuditChainHead.objects.filter(pk=1).update(last_occurred_at=later[-1].occurred_at + timedelta(days=1))
    append(2)
    run("archive_history", "--before", (later[-1].occurred_at + timedelta(hours=1)).isoformat(),
        "--output", str(tmp_path))
    second_header, _ = read(tmp_path / f"audit-{old[-1].seq + 1:012d}-{later[-1].seq:012d}.jsonl.gz")
    assert (second_header["anchor_seq"], second_header["anchor_hash"]) == (old[-1].seq, old[-1].hash)
    assert "OK: 2 archive files" in run("verify_history", "--archives", str(tmp_path))
    assert "OK: 2 events verified" in run("verify_history")


def test_retention_days_from_settings(tmp_path: Path) -> None:
    append(3)
    with override_settings(HITLCRM_AUDIT_RETENTION_DAYS=30, HITLCRM_AUDIT_ARCHIVE_DIR=str(tmp_path)):
        assert "nothing older than" in run("archive_history")
        assert AuditEvent.objects.count() == 3
        assert "archived 3 events" in run("archive_history", "--days", "0")
    assert AuditEvent.objects.count() == 0
    assert "OK: 0 events verified (no events) from anchor seq 3" in run("verify_history")
    append(1)
    assert "OK: 1 events verified" in run("verify_history")


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    _, _, cutoff = older_then_newer(4, 1)
    assert "would archive 4 events" in run("archive_history", "--before", cutoff, "--output", str(tmp_path),
                                           "--dry-run")
    assert AuditEvent.objects.count() == 5 and not list(tmp_path.iterdir())


def test_a_broken_chain_is_never_archived(tmp_path: Path) -> None:
    old, _, cutoff = older_then_newer(8, 2)
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor = 'mallory' WHERE seq = %s", [old[2].seq])
    with pytest.raises(CommandError, match=f"seq {old[2].seq}\\): hash mismatch — altered; nothing was archived"):
        run("archive_history", "--before", cutoff, "--output", str(tmp_path))
    assert AuditEvent.objects.count() == 10 and not list(tmp_path.iterdir())
    assert AuditChainHead.objects.get(pk=1).anchor_seq == 0


def test_a_tampered_archive_is_named(tmp_path: Path) -> None:
    _, _, cutoff = older_then_newer(6, 1)
    run("archive_history", "--before", cutoff, "--output", str(tmp_path))
    [path] = list(tmp_path.iterdir())
    header, lines = read(path)
    lines[2]["actor"] = "mallory"
    with gzip.open(path, "wt") as stream:
        for item in (header, *lines):
            stream.write(json.dumps(item) + "\n")
    with pytest.raises(CommandError, match=f"{path.name}: event #{lines[2]['id']} \\(seq 3\\): hash mismatch"):
        run("verify_history", "--archives", str(path))


def test_a_missing_archive_is_noticed(tmp_path: Path) -> None:
    first, _, cutoff = older_then_newer(3, 1)
    run("archive_history", "--before", cutoff, "--output", str(tmp_path / "one"))
    later = append(2)
    AuditChainHead.objects.filter(pk=1).update(last_occurred_at=later[-1].occurred_at + timedelta(days=1))
    append(1)
    run("archive_history", "--before", (later[-1].occurred_at + timedelta(hours=1)).isoformat(),
        "--output", str(tmp_path / "two"))
    with pytest.raises(CommandError, match="an archive is missing"):
        run("verify_history", "--archives", str(tmp_path / "one"))
    assert "OK: 2 archive files" in run("verify_history", "--archives", str(tmp_path / "one"), str(tmp_path / "two"))
