"""Shared test configuration.

Tests never talk to the internet and never depend on the machine's git identity.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
# The validator kit is set up under the real home's cache; tests run with an isolated HOME.
KIT = os.environ.get("FIVESAFES_VALIDATOR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fivesafes-validator")


@pytest.fixture(autouse=True)
def _isolated_git(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Author")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "author@example.org")
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_EVENT_PATH", "GITHUB_EVENT_NAME",
                 "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    os.environ.setdefault("FIVESAFES_TEST", "1")


@pytest.fixture(scope="session")
def validator() -> Callable[..., dict[str, Any]]:
    """Runs the shared offline rocrate-validator (``validator(target, level="required")``)
    and returns its JSON report; skips when the kit beside the repository is absent."""
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
