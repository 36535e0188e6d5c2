"""The files of a checkout that a build sees: those git knows (tracked, or new and not ignored).
Standard library only (.ci/ci_support.py uses it where the test packages are not installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def copy_source_tree(source: Path, destination: Path) -> Path:
    """Copies them from ``source`` to ``destination``, leaving out what earlier builds and installs
    left in the checkout (``build/``, ``*.egg-info``, ``var/``), which would otherwise reach a wheel."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "."], cwd=source,
                            check=True, capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, listed):
        if (source / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, destination / name)
    return destination
