"""docs/configuration.md documents every environment variable the code reads, and nothing else.

The source is scanned (AST) for every read of a variable: the ``env_*``/``mandatory_secret``
helpers of ``hitlcrm/settings/env.py`` and direct ``os.environ``/``os.getenv`` reads, in the
project's packages (hitlcrm/, reviews/, integrations/) and in the test harness (tests/, for the
test-only variables). Each variable is one table row of the document (first cell: the name in
backticks). A variable read but not documented fails, and so does one documented but read nowhere,
so the document cannot rot either way.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"
README = ROOT / "README.md"
PRODUCT_PACKAGES = ("hitlcrm", "reviews", "integrations")
HARNESS = "tests"
# The helper module itself reads ``os.environ.get(name)`` for whatever name it is given.
HELPER_MODULE = Path("hitlcrm/settings/env.py")
HELPERS = {"env_str", "env_bool", "env_int", "env_float", "env_list", "env_setting", "mandatory_secret"}
ENVIRON_METHODS = {"get", "setdefault", "pop"}
# A row of a documentation table whose first cell is one variable name in backticks.
DOC_ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", re.MULTILINE)
NAME = re.compile(r"`([A-Z][A-Z0-9_]{2,})`")


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_environ(node: ast.AST) -> bool:
    """``os.environ`` (or ``environ`` imported from os)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "environ"


def _first_argument(call: ast.Call) -> ast.AST | None:
    if call.args:
        return call.args[0]
    return next((keyword.value for keyword in call.keywords if keyword.arg in {"name", "key"}), None)


def env_reads(source: str, *, helpers: bool = True) -> Iterator[tuple[str | None, int]]:
    """(variable name, line) of each environment read in ``source``; the name is None when it is
    not a string literal (and so cannot be checked)."""
    for node in ast.walk(ast.parse(source)):
        argument: ast.AST | None = None
        found = False
        if isinstance(node, ast.Call):
            func = node.func
            if helpers and _name_of(func) in HELPERS:
                found = True
            elif isinstance(func, ast.Attribute) and func.attr in ENVIRON_METHODS and _is_environ(func.value):
                found = True
            elif _name_of(func) == "getenv" and (isinstance(func, ast.Name) or _name_of(func.value) == "os"):
                found = True
            if found:
                argument = _first_argument(node)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value):
            found, argument = True, node.slice
        elif (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In | ast.NotIn)
              and _is_environ(node.comparators[0])):
            found, argument = True, node.left
        if found:
            literal = isinstance(argument, ast.Constant) and isinstance(argument.value, str)
            yield (argument.value if literal else None), node.lineno


def variables_read() -> dict[str, list[str]]:
    """Every variable the code reads -> where ("path:line"). Fails on a read whose name is not a
    literal in the project's packages: it would escape this check."""
    found: dict[str, list[str]] = {}
    unnamed: list[str] = []
    this_file = Path(__file__).resolve()
    folders = [(ROOT / package, True) for package in PRODUCT_PACKAGES] + [(ROOT / HARNESS, False)]
    for folder, product in folders:
        for path in sorted(folder.rglob("*.py")):
            if path.resolve() == this_file or ".venv" in path.parts:
                continue
            relative = path.relative_to(ROOT)
            for name, line in env_reads(path.read_text(encoding="utf-8"), helpers=product):
                if name is None:
                    if product and relative != HELPER_MODULE:
                        unnamed.append(f"{relative}:{line}")
                    continue
                found.setdefault(name, []).append(f"{relative}:{line}")
    assert not unnamed, (
        "environment reads whose variable name is not a string literal cannot be checked against "
        f"docs/configuration.md; use a literal name: {', '.join(unnamed)}"
    )
    return {name: sorted(where, key=lambda place: (place.split(":")[0], int(place.split(":")[1])))
            for name, where in found.items()}


def variables_documented(text: str) -> list[str]:
    return DOC_ROW.findall(text)


def documentation_problems(read: dict[str, list[str]], documented: list[str]) -> list[str]:
    problems = [f"{name} is read ({', '.join(where)}) but not documented in docs/configuration.md"
                for name, where in sorted(read.items()) if name not in documented]
    problems += [f"{name} is documented in docs/configuration.md but no code reads it"
                 for name in sorted(set(documented) - set(read))]
    problems += [f"{name} is documented more than once in docs/configuration.md"
                 for name in sorted({name for name in documented if documented.count(name) > 1})]
    return problems


def test_the_scanner_finds_every_kind_of_read() -> None:
    source = (
        "import os\nfrom os import environ\n"
        "A = env_int('HELPER_INT', 3)\nB = env.env_str(name='HELPER_KEYWORD')\nC = mandatory_secret('SECRET_X')\n"
        "D = os.environ.get('ENV_GET')\nE = os.environ['ENV_ITEM']\nos.environ.setdefault('ENV_SETDEFAULT', 'x')\n"
        "F = os.getenv('ENV_GETENV')\nG = 'ENV_IN' in os.environ\nH = environ.get('BARE_ENVIRON')\n"
        "os.environ['ENV_WRITTEN'] = 'x'\nI = {}.get('NOT_ENV')\nJ = os.environ.get(some_name)\n"
    )
    reads = [name for name, _ in env_reads(source)]
    assert sorted(name for name in reads if name) == sorted([
        "HELPER_INT", "HELPER_KEYWORD", "SECRET_X", "ENV_GET", "ENV_ITEM", "ENV_SETDEFAULT", "ENV_GETENV",
        "ENV_IN", "BARE_ENVIRON",
    ])
    assert reads.count(None) == 1  # the non-literal read is reported, not silently skipped
    assert "HELPER_INT" not in {name for name, _ in env_reads(source, helpers=False)}


def test_the_scan_sees_the_settings_and_the_test_harness() -> None:
    read = variables_read()
    for name in ("SECRET_KEY", "DATABASE_URL", "CELERY_VISIBILITY_TIMEOUT", "SALESFORCE_PUSH_MAX_ATTEMPTS",
                 "ANYMAIL_WEBHOOK_SECRET", "REDIS_CACHE_URL", "HITLCRM_TEST_RUN_ID", "HITLCRM_REQUIRE_SERVICES",
                 "DJANGO_SETTINGS_MODULE"):
        assert name in read, name
    assert len(read) > 50


def test_every_variable_read_is_documented_and_every_documented_one_is_read() -> None:
    problems = documentation_problems(variables_read(), variables_documented(DOC.read_text(encoding="utf-8")))
    assert not problems, "\n".join(problems)


def test_the_check_fails_when_a_row_goes_missing_or_a_stale_one_stays() -> None:
    """What the test above reports if the document loses a variable or keeps a dead one."""
    text = DOC.read_text(encoding="utf-8")
    read = variables_read()
    without = "\n".join(line for line in text.splitlines() if not line.startswith("| `SECRET_KEY`"))
    missing = f"SECRET_KEY is read ({', '.join(read['SECRET_KEY'])}) but not documented in docs/configuration.md"
    assert missing in documentation_problems(read, variables_documented(without))
    stale = text + "\n| `HITLCRM_NO_LONGER_READ` | `1` | base | gone |\n"
    assert "HITLCRM_NO_LONGER_READ is documented in docs/configuration.md but no code reads it" in (
        documentation_problems(read, variables_documented(stale)))
    twice = text + "\n| `SECRET_KEY` | again | base | twice |\n"
    assert "SECRET_KEY is documented more than once in docs/configuration.md" in (
        documentation_problems(read, variables_documented(twice)))


def test_the_readme_table_names_only_documented_variables() -> None:
    """README keeps the main variables; each is in docs/configuration.md, and README points there."""
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table = "\n".join(line for line in section.splitlines() if line.startswith("| `"))
    documented = set(variables_documented(DOC.read_text(encoding="utf-8")))
    assert sorted(set(NAME.findall(table)) - documented) == []
    assert "docs/configuration.md" in section
