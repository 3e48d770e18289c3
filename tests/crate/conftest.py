"""Fixtures of the crate tests: a frozen request, records through every phase, the validator."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent
REPO = HERE.parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "project"  # shared by the crate and release tests

from tests.support.crate_records import record_until  # noqa: E402

from fivesafes.adapters.ledger.file import write_record  # noqa: E402


@pytest.fixture
def crate_project(tmp_path: Path) -> Path:
    """A copy of the frozen fixture project with a record through publication."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    write_record(root, record_until("publication"))
    return root


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A copy of the project template with a record through publication."""
    source = REPO / "templates" / "project-repo"
    if not (source / "resources" / "governance" / "project.toml").exists():
        pytest.skip("the project template is not in this checkout")
    root = tmp_path / "template"
    shutil.copytree(source, root)
    write_record(root, record_until("publication"))
    return root
