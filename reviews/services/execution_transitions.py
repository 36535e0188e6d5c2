"""The only place an execution's state changes: checked against the execution state machine
(``reviews/execution_state_machine.py``), on rows the caller has locked (``Execution.objects.locked()``)
or just made. A test greps the code base so nothing else writes ``Execution.state``.

Three shapes, for the three ways executions are written:

- :func:`execution_transition`: one execution, saved (inserted when new);
- :func:`executions_transition`: many, each to its own state with values of its own (a claim, the
  record phase): one ``executemany`` UPDATE (plus one INSERT for new rows);
- :func:`executions_transition_where`: many to one state with the same values: one UPDATE whose
  WHERE admits only the states the table allows to move there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from ..execution_state_machine import IllegalExecutionTransition, assert_transition, sources
from ..models import Execution


def _require_transaction(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name} must run inside transaction.atomic with the execution rows locked")


def _move(execution: Execution, target: str) -> str:
    """Set the new state on an execution (unsaved); returns the previous one."""
    previous = execution.state
    assert_transition(previous, target)
    execution.state = target
    return previous


def execution_transition(execution: Execution, target: str, *, update_fields: Iterable[str] = ()) -> str:
    """Move one locked (or new) execution to ``target`` and save it: its state and ``update_fields``,
    the other fields the caller changed alongside; a new one is inserted whole. Returns the previous
    state; raises :class:`IllegalExecutionTransition` when the table forbids the move."""
    _require_transaction("execution_transition")
    previous = _move(execution, target)
    if execution._state.adding:
        execution.save(force_insert=True)
    else:
        execution.save(update_fields=list(dict.fromkeys(["state", *update_fields])))
    return previous


def executions_transition(moves: Iterable[tuple[Execution, str]], *, update_fields: Sequence[str] = ()) -> None:
    """Move many locked (or new) executions, each to its own target, and save them with
    ``update_fields`` (whose values may differ per row). New ones: one bulk INSERT. The others: one
    prepared UPDATE run for every row (``executemany``: one round trip on PostgreSQL's pipeline; a
    save() each costs a round trip per row, and bulk_update's CASE per row and field costs more
    still), each row's WHERE naming the state it was checked in. Execution rows have no history,
    so nothing is bypassed. If one may not move, none does."""
    _require_transaction("executions_transition")
    moves = list(moves)
    previous = [_move(execution, target) for execution, target in moves]
    new = [execution for execution, _ in moves if execution._state.adding]
    if new:
        Execution.objects.bulk_create(new, batch_size=500)
    created = {id(execution) for execution in new}
    saved = [(execution, state) for (execution, _), state in zip(moves, previous, strict=True)
             if id(execution) not in created]
    if not saved:
        return
    fields = [Execution._meta.get_field(name) for name in dict.fromkeys(["state", *update_fields])]
    state_column = Execution._meta.get_field("state").column
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(Execution._meta.db_table)} SET "
           f"{', '.join(f'{quote(field.column)} = %s' for field in fields)} "
           f"WHERE {quote('id')} = %s AND {quote(state_column)} = %s")
    rows: list[list[Any]] = [
        [*(field.get_db_prep_save(getattr(execution, field.attname), connection) for field in fields),
         execution.pk, state]
        for execution, state in saved
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        changed = cursor.rowcount
    if 0 <= changed < len(rows):  # a row changed state under the caller's lock: nothing is written
        raise IllegalExecutionTransition("changed", moves[0][1], f"{len(rows) - changed} execution(s) changed state "
                                                               "while they were locked; nothing is written")


def executions_transition_where(executions: QuerySet[Execution], target: str, **values: Any) -> int:
    """Move the executions of ``executions`` that may move to ``target`` (the table's sources of it),
    setting ``values`` alike on each, in one UPDATE; the others are left as they are. Returns how
    many moved."""
    _require_transaction("executions_transition_where")
    return executions.filter(state__in=sources(target)).update(state=target, **values)


__all__ = ["execution_transition", "executions_transition", "executions_transition_where"]
