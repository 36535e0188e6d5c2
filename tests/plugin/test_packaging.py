"""``pip install hitlcrm`` ships what the apps read at run time, inside the packages: a host project
gets no checkout, so the console's templates, its static files and the demo corpus must be in the
wheel; the standalone project's own admin branding (top-level ``templates/``) must not be."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.support import build_wheel

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    wheel = build_wheel(ROOT, tmp_path_factory.mktemp("wheel"))
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def checkout_files(*patterns: str) -> set[str]:
    return {path.relative_to(ROOT).as_posix() for pattern in patterns for path in ROOT.glob(pattern) if path.is_file()}


def test_the_wheel_holds_every_template_static_file_and_the_demo_corpus(wheel_names) -> None:
    needed = checkout_files("reviews/templates/**/*", "reviews/static/**/*", "reviews/demo/*.jsonl",
                            "reviews/migrations/*.py", "integrations/migrations/*.py")
    assert {"reviews/templates/admin/reviews/review.html", "reviews/static/reviews/console.css",
            "reviews/demo/proposals.jsonl"} <= needed
    assert needed - wheel_names == set()


def test_the_standalone_projects_admin_branding_is_not_shipped(wheel_names) -> None:
    assert not [name for name in wheel_names if name.startswith("templates/") or name.endswith("admin/base_site.html")]
    # Every template the apps render lives in their packages: the top-level folder keeps the branding only.
    assert checkout_files("templates/**/*") == {"templates/admin/base_site.html"}
