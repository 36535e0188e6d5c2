"""The audit vocabulary: every action the code records is a member of ``AuditAction`` and so in the
catalogue (the console's filter, the API's documentation, docs/audit.md), and the catalogue lists
nothing the code never records.

The source is scanned (AST) for what reaches an ``action`` that becomes an audit event: the
``action=`` argument of the recording functions and the ``"action"`` key of the events given to
``audit_record_many``, and the ``action=`` of reads of ``AuditEvent.objects`` (a read of an action
never recorded finds nothing, silently). String literals, ``AuditAction`` members, conditional
expressions, dict look-ups and names assigned in the module are followed; a recording function's
own parameter passed through is checked where that function is called.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from anymail.signals import EventType

from reviews.audit_actions import AuditAction, catalogue_markdown
from reviews.models.audit import AUDIT_ACTIONS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("reviews", "integrations")
# Functions whose ``action`` argument is recorded as the event's action (``proposal_transition``
# records its target status when it is given none: every caller must name the action).
RECORDERS = {"audit_record", "proposal_transition", "proposals_transition", "approval_finalise"}
BATCH_RECORDER = "audit_record_many"
# Actions made at run time from a prefix: the prefix -> the suffixes the code can give it.
# ``mail_events.mail_event_receive`` records ``mail_<event type>`` for each tracking event anymail
# normalises (inbound mail is not a tracking event and never reaches it).
DYNAMIC_PREFIXES = {
    "mail_": {value for name, value in vars(EventType).items()
              if name.isupper() and value not in (EventType.INBOUND, EventType.INBOUND_FAILED)},
}


@dataclass(frozen=True)
class Found:
    where: str
    actions: frozenset[str]
    problem: str = ""


class _Module:
    def __init__(self, path: Path) -> None:
        self.where = str(path.relative_to(ROOT))
        self.tree = ast.parse(path.read_text())
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.assigned: dict[str, list[ast.AST]] = {}
        for node in ast.walk(self.tree):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, ast.AnnAssign) and node.value is not None else []
            for target in targets:
                if isinstance(target, ast.Name):
                    self.assigned.setdefault(target.id, []).append(node.value)

    def function_of(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    def resolve(self, node: ast.AST, at: ast.AST, seen: frozenset[str] = frozenset()) -> tuple[set[str], str]:
        """The action strings ``node`` can evaluate to, and a problem if it cannot be followed.
        A parameter of a recording function yields nothing: its callers are checked instead."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}, ""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "AuditAction":
            member = AuditAction.__members__.get(node.attr)
            return ({member.value}, "") if member else (set(), f"AuditAction has no member {node.attr}")
        if isinstance(node, ast.JoinedStr):
            head = node.values[0]
            prefix = head.value if isinstance(head, ast.Constant) else ""
            if prefix in DYNAMIC_PREFIXES:
                return {prefix + suffix for suffix in DYNAMIC_PREFIXES[prefix]}, ""
            return set(), f"an action built at run time with an unknown prefix {prefix!r}"
        if isinstance(node, ast.IfExp):
            return self._union([node.body, node.orelse], at, seen)
        if isinstance(node, ast.BoolOp):
            return self._union(node.values, at, seen)
        if isinstance(node, ast.Dict):  # a look-up table: its values are the actions
            return self._union(node.values, at, seen)
        if isinstance(node, ast.Subscript):
            return self.resolve(node.value, at, seen)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            return self._union([node.func.value, *node.args[1:]], at, seen)
        if isinstance(node, ast.Name):
            function = self.function_of(at)
            parameters = {arg.arg for arg in ast.walk(function.args) if isinstance(arg, ast.arg)} if function else set()
            if node.id in parameters:
                if function.name in RECORDERS | {BATCH_RECORDER}:
                    return set(), ""  # passed through: checked at the recording function's callers
                return set(), f"{node.id} is a parameter of {function.name}, which is not a recording function"
            if node.id in seen or node.id not in self.assigned:
                return set(), f"cannot follow {node.id}"
            return self._union(self.assigned[node.id], at, seen | {node.id})
        return set(), f"cannot follow {ast.unparse(node)}"

    def _union(self, nodes: list[ast.AST], at: ast.AST, seen: frozenset[str]) -> tuple[set[str], str]:
        actions: set[str] = set()
        problems = []
        for node in nodes:
            found, problem = self.resolve(node, at, seen)
            actions |= found
            problems += [problem] if problem else []
        return actions, "; ".join(problems)

    def recorded(self) -> Iterator[Found]:
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            where = f"{self.where}:{node.lineno}"
            keyword = next((k.value for k in node.keywords if k.arg == "action"), None)
            if name in RECORDERS:
                if keyword is None:
                    yield Found(where, frozenset(), f"{name}(...) without action=")
                    continue
                actions, problem = self.resolve(keyword, node)
                yield Found(where, frozenset(actions), problem)
            elif name == BATCH_RECORDER:
                for event in (n for argument in node.args for n in ast.walk(argument) if isinstance(n, ast.Dict)):
                    for key, value in zip(event.keys, event.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value == "action":
                            actions, problem = self.resolve(value, node)
                            yield Found(where, frozenset(actions), problem)
            elif keyword is not None and _reads_audit_events(node.func):
                actions, problem = self.resolve(keyword, node)
                yield Found(where, frozenset(actions), problem)


def _reads_audit_events(func: ast.AST) -> bool:
    """``AuditEvent.objects.filter(...)`` (or ``.exclude``, ``.get`` ...), however it is chained."""
    node = func
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.value if isinstance(node, ast.Attribute) else node.func
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return isinstance(node.value, ast.Name) and node.value.id == "AuditEvent"
    return False


def recorded_actions() -> list[Found]:
    found = []
    for package in PACKAGES:
        for path in sorted(ROOT.joinpath(package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found += list(_Module(path).recorded())
    return found


@pytest.fixture(scope="module")
def found() -> list[Found]:
    return recorded_actions()


def test_the_scan_finds_the_recording_calls(found) -> None:
    recorded = {action for entry in found for action in entry.actions}
    # A sample across the doors: a lifecycle transition, a batch append, a security signal, a token
    # service, the sender circuit breaker (a module constant) and a provider event (run-time name).
    assert {"rejected", "submitted", "login_failed", "token_revoked", "held_for_sender_pause",
            "mail_bounced"} <= recorded


def test_every_action_the_code_records_is_in_the_vocabulary(found) -> None:
    problems = [f"{entry.where}: {entry.problem}" for entry in found if entry.problem]
    unknown = sorted(f"{entry.where}: {action}" for entry in found for action in entry.actions
                     if action not in AuditAction.values)
    assert problems == [] and unknown == []


def test_the_vocabulary_names_nothing_the_code_never_records(found) -> None:
    recorded = {action for entry in found for action in entry.actions}
    assert sorted(set(AuditAction.values) - recorded) == []


def test_the_catalogue_is_the_vocabulary() -> None:
    assert AUDIT_ACTIONS == {action.value: action.label for action in AuditAction}
    assert all(label.strip() for label in AUDIT_ACTIONS.values())


def test_docs_list_every_action_as_the_vocabulary_describes_it() -> None:
    """docs/audit.md is written from the enum (``make docs``); it must not fall behind."""
    assert ROOT.joinpath("docs", "audit.md").read_text() == catalogue_markdown(), "run `make docs`"
