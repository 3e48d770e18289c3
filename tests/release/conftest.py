"""Fixtures of the release tests: a frozen project, outputs, a packaged release, the validator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
REPO = HERE.parents[1]
KIT = os.environ.get("FIVESAFES_VALIDATOR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fivesafes-validator")
sys.path.insert(0, str(HERE))

from release_support import EPOCH, Validator, package, record  # noqa: E402

from fivesafes.adapters.ledger_file import write_record  # noqa: E402


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the frozen project whose record is signed off, executed and disclosed."""
    root = tmp_path / "project"
    shutil.copytree(HERE / "fixtures" / "project", root)
    write_record(root, record())
    return root


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    """Outputs of a run: a CSV, a nested report and a (random) image."""
    folder = tmp_path / "outputs"
    (folder / "summary").mkdir(parents=True)
    (folder / "counts_by_region.csv").write_text(
        "region,count\n" + "".join(f"region-{i},{10 + i}\n" for i in range(400)))
    (folder / "summary" / "report.md").write_text("# Report\n\nCounts by region.\n")
    (folder / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(5000))
    return folder


@pytest.fixture
def release(project: Path, outputs: Path, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Path:
    """A packaged release of the project and its outputs."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return package(project, outputs, tmp_path / "release.zip").path




@pytest.fixture(scope="session")
def validator() -> Validator:
    """Runs the shared offline validator; skips when the kit is absent or not set up."""
    shared = Path(os.environ.get("FIVESAFES_SHARED", REPO.parent / "shared"))
    script = shared / "validator" / "validate"
    if not script.is_file():
        pytest.skip(f"no shared validator at {script} (set FIVESAFES_SHARED)")

    def run(target: Path, level: str = "required") -> dict[str, Any]:
        env = {**os.environ, "FIVESAFES_VALIDATOR": KIT}
        done = subprocess.run([str(script), str(target), level], capture_output=True,
                              text=True, check=False, env=env)
        if done.returncode == 2:
            pytest.skip(f"shared validator could not run: {done.stderr.strip()[:200]}")
        report: dict[str, Any] = json.loads(done.stdout)
        return report

    return run
