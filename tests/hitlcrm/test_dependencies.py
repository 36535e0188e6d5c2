"""pyproject.toml declares ranges; constraints.txt pins the exact versions make and CI install.
The two must agree, the lower bounds must be the versions actually tested, and a plain
``pip install hitlcrm`` must have what SPEC's production broker (Redis) needs at run time."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")


def pins() -> dict[str, Version]:
    found: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"constraints.txt: {line!r} is not an exact pin (name==version)"
        found[canonicalize_name(match.group(1))] = Version(match.group(2))
    return found


def declared() -> list[tuple[str, Requirement]]:
    """(where, requirement) of every dependency pyproject declares, the extras' included; an extra
    that names the project itself (``hitlcrm[server]``) is left out."""
    found = [("dependencies", Requirement(text)) for text in PROJECT["dependencies"]]
    for extra, texts in PROJECT["optional-dependencies"].items():
        found += [(f"extra {extra}", Requirement(text)) for text in texts
                  if canonicalize_name(Requirement(text).name) != PROJECT["name"]]
    return found


def test_every_declared_dependency_is_pinned_inside_its_range_and_its_lower_bound_is_the_tested_minor() -> None:
    pinned = pins()
    for where, requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement} ({where}) has no pin in constraints.txt"
        assert requirement.specifier.contains(pinned[name]), f"{name}=={pinned[name]} is outside {requirement} ({where})"
        assert not any(spec.operator == "==" for spec in requirement.specifier), f"{requirement}: a range, not a pin"
        lower = [Version(spec.version) for spec in requirement.specifier if spec.operator == ">="]
        assert lower, f"{requirement} ({where}) has no lower bound"
        tested = pinned[name]
        assert lower[0].release[:2] == tested.release[:2], (
            f"{requirement}: the lower bound should be the tested {tested.major}.{tested.minor}")


def test_the_constraints_pin_the_environment_make_installs() -> None:
    """Every installed distribution (but the project and its agent client) is pinned, at the installed version."""
    pinned = pins()
    for distribution in metadata.distributions():
        name = canonicalize_name(distribution.metadata["Name"])
        if name in {PROJECT["name"], "hitlcrm-client", "pip", "setuptools", "wheel"}:  # the two editable installs
            continue
        assert pinned.get(name) == Version(distribution.version), (
            f"{name} {distribution.version} is installed but constraints.txt pins {pinned.get(name)}")


def test_the_base_install_runs_on_redis() -> None:
    """kombu's Redis transport imports ``redis`` and ``packaging``, which kombu declares only in its
    ``redis`` extra: without them in the base dependencies, ``pip install hitlcrm`` answered every
    submission on Redis with a 500 (ModuleNotFoundError: packaging)."""
    base = {canonicalize_name(Requirement(text).name) for text in PROJECT["dependencies"]}
    needed = {canonicalize_name(Requirement(text).name) for text in metadata.requires("kombu") or []
              if Requirement(text).marker is not None and Requirement(text).marker.evaluate({"extra": "redis"})
              and not Requirement(text).marker.evaluate({"extra": ""})}
    assert {"redis", "packaging"} <= needed  # what kombu says its Redis transport needs
    assert needed <= base, f"missing from the base dependencies: {sorted(needed - base)}"


def test_the_server_extra_holds_the_deployment_and_the_test_extra_pulls_it_in() -> None:
    extras = PROJECT["optional-dependencies"]
    server = {canonicalize_name(Requirement(text).name) for text in extras["server"]}
    assert {"gunicorn", "psycopg"} <= server
    assert f"{PROJECT['name']}[server]" in extras["test"]
