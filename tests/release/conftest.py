"""Fixtures of the release tests: a frozen project, outputs, a packaged release, the validator."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent
REPO = HERE.parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "project"  # shared by the crate and release tests

from tests.support.release import EPOCH, package, record  # noqa: E402

from fivesafes.adapters.ledger.file import write_record  # noqa: E402


@pytest.fixture
def release_project(tmp_path: Path) -> Path:
    """A copy of the frozen project whose record is signed off, executed and disclosed."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    write_record(root, record())
    return root


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    """Outputs of a run: a CSV, a nested report and an image of seeded noise."""
    folder = tmp_path / "outputs"
    (folder / "summary").mkdir(parents=True)
    (folder / "counts_by_region.csv").write_text(
        "region,count\n" + "".join(f"region-{i},{10 + i}\n" for i in range(400)))
    (folder / "summary" / "report.md").write_text("# Report\n\nCounts by region.\n")
    (folder / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(5000).randbytes(5000))
    return folder


@pytest.fixture
def release(release_project: Path, outputs: Path, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Path:
    """A packaged release of the project and its outputs."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return package(release_project, outputs, tmp_path / "release.zip").path
