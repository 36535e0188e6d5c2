"""The host project (tests/host_project) in subprocesses: its own settings module, database and
broker folder under the test's temporary folder, and nothing of this process's configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def host_environment(folder: Path, **variables: str) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update(DJANGO_SETTINGS_MODULE="tests.host_project.settings", HOST_VAR_DIR=str(folder),
               HOST_DATABASE=str(folder / "host.sqlite3"), PYTHONPATH=str(ROOT), **variables)
    return env


class Host:
    """Runs Python code or ``django-admin`` commands in the host project."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=self.folder, env={**host_environment(self.folder), **(env or {})},
                              capture_output=True, text=True, timeout=300)

    def django(self, *command: str) -> subprocess.CompletedProcess:
        return self.run("-m", "django", *command)

    def python(self, code: str) -> str:
        """Runs ``code`` after ``django.setup()``; its stdout. Fails the test on a non-zero exit."""
        result = self.run("-c", "import django\ndjango.setup()\n" + textwrap.dedent(code))
        assert result.returncode == 0, f"host code failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout


@pytest.fixture(scope="session")
def migrated_host_database(tmp_path_factory) -> Path:
    """The host project's database, migrated once a test process: a migrate from nothing is the
    slowest step of these tests, and every test gets a copy of its own."""
    folder = tmp_path_factory.mktemp("host-template")
    migrated = Host(folder).django("migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    return folder / "host.sqlite3"


@pytest.fixture
def host(tmp_path, migrated_host_database) -> Host:
    """A migrated host project of its own (a copy of the migrated database, so nothing a test
    writes reaches another)."""
    for part in migrated_host_database.parent.glob(f"{migrated_host_database.name}*"):  # with any -wal left
        shutil.copyfile(part, tmp_path / part.name)
    return Host(tmp_path)
