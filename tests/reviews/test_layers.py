"""Adapters depend on the core, never the other way round, nor on each other: the models, services,
selectors and tasks import nothing from the API, and the console imports nothing from it either
(what both need lives in a module of its own, e.g. ``reviews.representation``, ``reviews.downloads``)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REVIEWS = ROOT / "reviews"
# Everything in reviews/ but the API itself and the management commands (a command may validate
# a payload as the API does, e.g. the demo's seeding).
LEFT_OUT = {REVIEWS / "api", REVIEWS / "management", REVIEWS / "migrations"}


def _imported(path: Path) -> list[tuple[str, int]]:
    """The absolute names of the modules ``path`` imports (a relative import resolved against its package)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found += [(module, node.lineno)] + [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def test_the_core_and_the_console_import_nothing_from_the_api() -> None:
    offenders = []
    for path in sorted(REVIEWS.rglob("*.py")):
        if any(part in path.parents for part in LEFT_OUT):
            continue
        offenders += [f"{path.relative_to(ROOT)}:{line}: {module}" for module, line in _imported(path)
                      if module == "reviews.api" or module.startswith("reviews.api.")]
    assert offenders == []
