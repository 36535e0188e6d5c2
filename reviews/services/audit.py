"""Appending to the hash-chained audit trail, and walking it to prove nothing was changed."""

from __future__ import annotations

import contextlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from ..models.audit import APPEND_ONLY_TRIGGER, GENESIS_HASH, AuditChainHead, AuditEvent
from .actors import Actor

# The per-transaction (PostgreSQL) or per-connection (SQLite) switch the append-only trigger reads.
PRUNE_SETTING = "hitlcrm.audit_prune"
SQLITE_PRUNE_FUNCTION = "hitlcrm_audit_prune_allowed"
SQLITE_PRUNE_FLAG = "_hitlcrm_audit_prune"


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON now, so the hash covers exactly what the database will return.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _ip(value: str | None) -> str | None:
    """The address as the database will return it (an invalid one is dropped, not stored)."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"  # how Django and PostgreSQL spell a mapped address
    return str(address)


def audit_record(
    *,
    action: str,
    actor: Actor,
    proposal: Any = None,
    crm_object: str = "",
    crm_id: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Runs inside the caller's transaction, so the event commits (or rolls back)
    with the change it describes."""
    return audit_record_many([{
        "action": action, "actor": actor, "proposal": proposal, "crm_object": crm_object, "crm_id": crm_id,
        "data": data,
    }])[0]


def audit_record_many(events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events (each a dict of :func:`audit_record`'s keyword arguments) under one
    lock of the chain head and with one INSERT: what a bulk submission needs."""
    if not events:
        return []
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            AuditChainHead.objects.get_or_create(pk=1)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        # Time never runs backwards along the chain (a clock stepped back on one machine is
        # clamped), so "events since T" is exactly "events from the first seq at or after T".
        now = timezone.now()
        if head.last_occurred_at is not None and now < head.last_occurred_at:
            now = head.last_occurred_at
        seq, prev_hash = head.last_seq, head.last_hash
        rows = []
        for spec in events:
            actor, proposal = spec["actor"], spec.get("proposal")
            seq += 1
            event = AuditEvent(
                seq=seq,
                occurred_at=now,
                action=spec["action"],
                actor_type=actor.type,
                actor=actor.name[:150],
                proposal_id_ref=getattr(proposal, "pk", None),
                crm_object=(spec.get("crm_object") or getattr(proposal, "crm_object", "") or "")[:80],
                crm_id=(spec.get("crm_id") or getattr(proposal, "crm_id", "") or "")[:18],
                origin_ip=_ip(actor.ip),
                user_agent=(actor.user_agent or "")[:300],
                data=_jsonable(spec.get("data") or {}),
                prev_hash=prev_hash,
            )
            event.hash = prev_hash = event.compute_hash()
            rows.append(event)
        if len(rows) == 1:
            rows[0].save()
        else:
            AuditEvent.objects.bulk_create(rows)
        AuditChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev_hash, last_occurred_at=now)
        return rows


@contextlib.contextmanager
def audit_guard_lifted(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let this connection DELETE audit events (never UPDATE them). Only the retention command's
    prune (and ``flush``, which empties the whole database) may use it.

    PostgreSQL: a transaction-local setting, so it ends with the caller's transaction whatever
    happens. SQLite: a flag on this connection that the trigger reads through a SQL function.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        if not connection.in_atomic_block:
            raise RuntimeError("lift the audit guard inside transaction.atomic; it ends with the transaction")
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [PRUNE_SETTING])
        yield
        return
    setattr(connection, SQLITE_PRUNE_FLAG, True)
    try:
        yield
    finally:
        setattr(connection, SQLITE_PRUNE_FLAG, False)


def sqlite_register_prune_function(connection: Any) -> None:
    """Give a new SQLite connection the function the append-only trigger consults."""
    connection.connection.create_function(
        SQLITE_PRUNE_FUNCTION, 0, lambda: 1 if getattr(connection, SQLITE_PRUNE_FLAG, False) else 0
    )


def append_only_guard_present(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database trigger that refuses UPDATE/DELETE is installed and enabled."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass AND tgenabled <> 'D'",
                [APPEND_ONLY_TRIGGER, AuditEvent._meta.db_table],
            )
            return cursor.fetchone() is not None
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s AND name LIKE %s",
                [AuditEvent._meta.db_table, f"{APPEND_ONLY_TRIGGER}%"],
            )
            return cursor.fetchone()[0] == 2  # one for UPDATE, one for DELETE
    return False


# --- verification ---------------------------------------------------------------------------

@dataclass
class ChainReport:
    """The outcome of walking a chain: ``problem`` names the first broken event, if any."""

    checked: int = 0
    first_seq: int | None = None
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    problem: str = ""
    broken_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def chain_walk(
    events: Iterable[AuditEvent],
    *,
    anchor_seq: int = 0,
    anchor_hash: str = GENESIS_HASH,
    head_seq: int | None = None,
    head_hash: str | None = None,
) -> ChainReport:
    """Walk ``events`` (in seq order, streamed) from the anchor; stop at the first break.

    Each event must come right after the previous one (else one was deleted), carry the previous
    event's hash (else it, or the one before it, was inserted or rewritten) and hash to its stored
    hash (else it was altered). The chain head, when given, must name the last event.
    """
    report = ChainReport(last_seq=anchor_seq, last_hash=anchor_hash)

    def broken(seq: int, problem: str) -> ChainReport:
        report.problem, report.broken_seq = problem, seq
        return report

    expected = anchor_seq + 1
    for event in events:
        if event.seq < expected:
            return broken(event.seq, f"event #{event.pk} (seq {event.seq}) lies at or before the chain anchor "
                                     f"(seq {anchor_seq}) — inserted")
        if event.seq > expected:
            gone = f"seq {expected}" if event.seq == expected + 1 else f"seqs {expected}–{event.seq - 1}"
            return broken(expected, f"seq {expected} missing — deleted ({gone} gone before seq {event.seq})")
        if head_seq is not None and event.seq > head_seq:
            return broken(event.seq, f"event #{event.pk} (seq {event.seq}) lies beyond the chain head "
                                     f"(seq {head_seq}) — inserted")
        if event.prev_hash != report.last_hash:
            before = "the chain anchor" if event.seq == anchor_seq + 1 else f"seq {event.seq - 1}"
            return broken(event.seq, f"event with seq {event.seq} does not link to {before} — inserted "
                                     f"(or {before} was rewritten)")
        if event.compute_hash() != event.hash:
            return broken(event.seq, f"event #{event.pk} (seq {event.seq}): hash mismatch — altered")
        if report.first_seq is None:
            report.first_seq = event.seq
        report.checked += 1
        report.last_seq, report.last_hash = event.seq, event.hash
        expected += 1
    if head_seq is not None and report.last_seq < head_seq:
        return broken(expected, f"seq {expected} missing — deleted (the chain head is at seq {head_seq})")
    if head_hash is not None and report.last_hash != head_hash:
        return broken(report.last_seq, f"event with seq {report.last_seq} is not the one the chain head recorded "
                                       f"— altered and re-hashed, or replaced")
    return report


def chain_verify(*, using: str = DEFAULT_DB_ALIAS, chunk_size: int = 2000) -> ChainReport:
    """Walk the live chain from its anchor to its head, in one snapshot and in bounded memory."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            # The head and every event from one snapshot: appends that commit meanwhile are not
            # mistaken for events inserted beyond the head.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        head = AuditChainHead.objects.using(using).filter(pk=1).first() or AuditChainHead()
        events = AuditEvent.objects.using(using).order_by("seq").iterator(chunk_size=chunk_size)
        return chain_walk(events, anchor_seq=head.anchor_seq, anchor_hash=head.anchor_hash,
                          head_seq=head.last_seq, head_hash=head.last_hash)
