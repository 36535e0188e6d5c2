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
# A kind declares its own API parts (its submit serializer, its routes, its payload's JSON Schema):
# it reaches them only when asked for them, inside the method, so importing a kind imports no API.
LAZY_ONLY = {REVIEWS / "kinds"}


def _imported(path: Path, *, top_level: bool = False) -> list[tuple[str, int]]:
    """The absolute names of the modules ``path`` imports (a relative import resolved against its
    package); ``top_level``: only those imported when the module is (not inside a function)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    tree = ast.parse(path.read_text())
    nodes = [node for node in tree.body if not isinstance(node, ast.If)] if top_level else ast.walk(tree)
    for node in nodes:
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
        lazy = any(part in path.parents for part in LAZY_ONLY)
        offenders += [f"{path.relative_to(ROOT)}:{line}: {module}" for module, line in _imported(path, top_level=lazy)
                      if module == "reviews.api" or module.startswith("reviews.api.")]
    assert offenders == []


# The CRM boundary: reviews/ reaches the CRM through reviews/crm.py (the port), which loads the
# configured backend by its dotted path from the settings; nothing in reviews/ names Salesforce's
# modules. The migrations are history, and tests may import the integration directly.
CRM_PORT_EXEMPT = {REVIEWS / "migrations"}


def test_reviews_reaches_the_crm_only_through_the_port() -> None:
    offenders = []
    for path in sorted(REVIEWS.rglob("*.py")):
        if any(part in path.parents for part in CRM_PORT_EXEMPT):
            continue
        offenders += [f"{path.relative_to(ROOT)}:{line}: {module}" for module, line in _imported(path)
                      if module == "integrations.salesforce" or module.startswith("integrations.salesforce.")]
        # Nor by a dotted path in the code (an import_string): only the settings' defaults name it.
        if path != REVIEWS / "conf.py" and "integrations.salesforce" in path.read_text():
            offenders.append(f"{path.relative_to(ROOT)}: names integrations.salesforce")
    assert offenders == []
