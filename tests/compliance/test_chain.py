"""The audit trail is append-only and hash-chained: verify_history names the first event that
was altered, deleted or inserted behind the application's back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from reviews.models import AuditChainHead, AuditEvent
from reviews.models.audit import GENESIS_HASH
from reviews.services.actors import Actor
from reviews.services.audit import append_only_guard_present, audit_record, chain_verify
from tests.conftest import ROOT, database_url_for_subprocess

from .conftest import TABLE, append, tampering

pytestmark = pytest.mark.django_db


def verify() -> str:
    """verify_history's message; raises CommandError (exit status 1) when the chain is broken."""
    from io import StringIO

    out = StringIO()
    call_command("verify_history", stdout=out, stderr=StringIO())
    return out.getvalue()


def broken() -> str:
    with pytest.raises(CommandError) as failure:
        verify()
    assert failure.value.returncode == 1  # what `manage.py verify_history` exits with
    return str(failure.value)


def test_each_event_carries_the_previous_hash_and_the_head_follows() -> None:
    events = append(5)
    head = AuditChainHead.objects.get(pk=1)
    first_seq = events[0].seq
    stored = list(AuditEvent.objects.filter(seq__gte=first_seq).order_by("seq"))
    assert [e.seq for e in stored] == list(range(first_seq, first_seq + 5))
    for before, after in zip(stored, stored[1:], strict=False):
        assert after.prev_hash == before.hash
    assert all(event.compute_hash() == event.hash for event in stored)
    assert (head.last_seq, head.last_hash) == (stored[-1].seq, stored[-1].hash)
    assert "OK: " in verify() and f"head seq {head.last_seq} hash {head.last_hash}" in verify()


def test_time_never_runs_backwards_along_the_chain() -> None:
    append(3)
    AuditChainHead.objects.filter(pk=1).update(last_occurred_at="2999-01-01T00:00:00Z")  # a clock far ahead
    event = audit_record(action="login", actor=Actor.system())
    assert event.occurred_at.year == 2999
    assert chain_verify().ok


def test_the_orm_refuses_to_change_or_delete_events() -> None:
    event = append(1)[0]
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(actor="mallory")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        event.delete()
    event.actor = "mallory"
    with pytest.raises(PermissionError):
        event.save()


@pytest.mark.parametrize("statement", [f"UPDATE {TABLE} SET actor = 'mallory'", f"DELETE FROM {TABLE}"])
def test_the_database_refuses_raw_updates_and_deletes(statement: str) -> None:
    append(2)
    assert append_only_guard_present()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.filter(actor="mallory").count() == 0
    assert chain_verify().ok


def test_an_altered_event_is_named() -> None:
    events = append(10)
    victim = events[4]
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET data = %s WHERE seq = %s", [json.dumps({"n": 4, "note": "changed"}),
                                                                        victim.seq])
    assert broken() == f"event #{victim.pk} (seq {victim.seq}): hash mismatch — altered"


def test_an_altered_and_rehashed_event_breaks_the_next_link() -> None:
    events = append(10)
    victim = AuditEvent.objects.get(seq=events[4].seq)
    victim.actor = "mallory"
    forged_hash = victim.compute_hash()
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor = 'mallory', hash = %s WHERE seq = %s", [forged_hash, victim.seq])
    message = broken()
    assert message.startswith(f"event with seq {victim.seq + 1} does not link to seq {victim.seq} — inserted")


def test_a_deleted_event_is_named() -> None:
    events = append(10)
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [events[3].seq])
    assert broken().startswith(f"seq {events[3].seq} missing — deleted")


def test_a_deleted_newest_event_is_named() -> None:
    events = append(4)
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [events[-1].seq])
    assert broken().startswith(f"seq {events[-1].seq} missing — deleted")


def _insert(cursor, event: AuditEvent) -> None:
    cursor.execute(
        f"INSERT INTO {TABLE} (seq, occurred_at, action, actor_type, actor, proposal_id, crm_object, crm_id, "
        f"origin_ip, user_agent, data, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, NULL, '', '', NULL, '', %s, %s, %s)",
        [event.seq, event.occurred_at, event.action, event.actor_type, event.actor, json.dumps(event.data),
         event.prev_hash, event.hash],
    )


def test_an_event_inserted_in_place_of_another_is_named() -> None:
    events = append(10)
    original = events[5]
    forged = AuditEvent(seq=original.seq, occurred_at=original.occurred_at, action="approved", actor_type="user",
                        actor="mallory", data={}, prev_hash=original.prev_hash)
    forged.hash = forged.compute_hash()  # a forger can compute a valid hash for the row itself...
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [original.seq])
        _insert(cursor, forged)
    # ...but the next event is chained to the original's hash.
    assert broken().startswith(f"event with seq {original.seq + 1} does not link to seq {original.seq} — inserted")


def test_an_event_appended_behind_the_applications_back_is_named() -> None:
    events = append(3)
    last = events[-1]
    extra = AuditEvent(seq=last.seq + 1, occurred_at=last.occurred_at, action="approved", actor_type="user",
                       actor="mallory", data={}, prev_hash=last.hash)
    extra.hash = extra.compute_hash()
    with tampering() as cursor:
        _insert(cursor, extra)
    assert broken().startswith(f"event #{AuditEvent.objects.get(seq=extra.seq).pk} (seq {extra.seq}) lies beyond "
                               f"the chain head (seq {last.seq}) — inserted")


def test_an_unlinked_event_is_named() -> None:
    events = append(3)
    last = events[-1]
    extra = AuditEvent(seq=last.seq + 1, occurred_at=last.occurred_at, action="approved", actor_type="user",
                       actor="mallory", data={}, prev_hash=GENESIS_HASH)
    extra.hash = extra.compute_hash()
    with tampering() as cursor:
        _insert(cursor, extra)
    AuditChainHead.objects.filter(pk=1).update(last_seq=extra.seq, last_hash=extra.hash)  # the head moved too
    assert broken().startswith(f"event with seq {extra.seq} does not link to seq {last.seq} — inserted")


@pytest.mark.django_db(transaction=True)
def test_manage_py_verify_history_exits_non_zero_naming_the_event() -> None:
    events = append(6)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hitlcrm.settings.test", "DATABASE_URL": database_url_for_subprocess()}
    command = [sys.executable, "manage.py", "verify_history"]
    ok = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "OK: 6 events verified" in ok.stdout
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor = 'mallory' WHERE seq = %s", [events[2].seq])
    failed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1
    assert f"event #{events[2].pk} (seq {events[2].seq}): hash mismatch — altered" in failed.stderr


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_serialise_on_the_chain_head() -> None:
    workers, per_worker = 4, 25
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            start.wait(timeout=30)
            for n in range(per_worker):
                with transaction.atomic():
                    audit_record(action="login", actor=Actor.system(f"worker-{number}"), data={"n": n})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(number,)) for number in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, workers * per_worker + 1))
    report = chain_verify()
    assert report.ok, report.problem
    assert report.checked == workers * per_worker


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_append_waits_for_the_open_transaction_holding_the_head() -> None:
    first_in = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                audit_record(action="login", actor=Actor.system("holder"))
                first_in.set()
                release.wait(timeout=30)
                order.append("holder commits")
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_in.wait(timeout=30)
            with transaction.atomic():
                audit_record(action="login", actor=Actor.system("second"))
                order.append("second appended")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=holder), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(timeout=30)
    threads[1].join(timeout=1)  # the second append is blocked on the head's row lock
    assert threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert order == ["holder commits", "second appended"]
    assert list(AuditEvent.objects.order_by("seq").values_list("actor", flat=True)) == ["holder", "second"]
    assert chain_verify().ok


def head_printed(output: str) -> str:
    """``SEQ:HASH`` of the head verify_history printed (what an operator keeps outside the database)."""
    words = output.split()
    return f"{words[words.index('head') + 2]}:{words[words.index('hash') + 1]}"


def test_newest_events_deleted_with_the_head_moved_back_are_caught_by_a_head_recorded_earlier() -> None:
    events = append(6)
    recorded = head_printed(verify())
    survivor = events[2]
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq > %s", [survivor.seq])
    AuditChainHead.objects.filter(pk=1).update(last_seq=survivor.seq, last_hash=survivor.hash)
    verify()  # on its own the shortened chain is consistent...
    with pytest.raises(CommandError) as failure:
        call_command("verify_history", "--expect", recorded, stdout=StringIO(), stderr=StringIO())
    # ...but not with the head recorded before.
    assert str(failure.value).startswith(f"seq {events[-1].seq} (a head recorded earlier) is missing")


def test_a_rewritten_chain_is_caught_by_a_head_recorded_earlier() -> None:
    events = append(4)
    recorded = head_printed(verify())
    with tampering() as cursor:  # every hash recomputed from seq 2 on, by someone who can
        for event in AuditEvent.objects.filter(seq__gte=events[1].seq).order_by("seq"):
            previous = AuditEvent.objects.get(seq=event.seq - 1).hash if event.seq > events[0].seq else event.prev_hash
            event.actor, event.prev_hash = "mallory", previous
            cursor.execute(f"UPDATE {TABLE} SET actor = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                           [event.actor, event.prev_hash, event.compute_hash(), event.seq])
    last = AuditEvent.objects.order_by("-seq").first()
    AuditChainHead.objects.filter(pk=1).update(last_hash=last.hash)
    verify()
    with pytest.raises(CommandError) as failure:
        call_command("verify_history", "--expect", recorded, stdout=StringIO(), stderr=StringIO())
    assert "the chain was rewritten" in str(failure.value)


def test_a_recorded_head_still_in_the_chain_passes() -> None:
    append(3)
    recorded = head_printed(verify())
    append(2)
    out = StringIO()
    call_command("verify_history", "--expect", recorded, stdout=out, stderr=StringIO())
    assert out.getvalue().startswith("OK: 5 events verified")
