"""Fixtures of the crate tests: a frozen request, records through every phase, the validator."""

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
# The validator kit is set up under the real home's cache; tests run with an isolated HOME.
KIT = os.environ.get("FIVESAFES_VALIDATOR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fivesafes-validator")
sys.path.insert(0, str(HERE))

from crate_records import record_until  # noqa: E402
from crate_support import Validator  # noqa: E402

from fivesafes.adapters.ledger_file import write_record  # noqa: E402


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the frozen fixture project with a record through publication."""
    root = tmp_path / "project"
    shutil.copytree(HERE / "fixtures" / "project", root)
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
