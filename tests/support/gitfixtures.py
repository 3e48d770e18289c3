"""Local bare repositories and action-record entries for the git adapter tests."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from fivesafes.adapters.ledger.file import parse_record
from fivesafes.core import layout
from fivesafes.core.ids import derived_urn
from fivesafes.models.ledger import ActionRecord


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def bare_remote(tmp: Path, branch: str = "main") -> Path:
    """A bare repository whose ``branch`` holds a README and an empty crate folder."""
    seed = tmp / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", branch)
    (seed / "README.md").write_text("# project\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "Initial commit")
    bare = tmp / "remote.git"
    git(tmp, "clone", "-q", "--bare", str(seed), str(bare))
    return bare


def entry(delivery: str, login: str = "alice") -> dict[str, Any]:
    """A sign-off decision entry (TOML keys) carrying ``delivery`` as its idempotency key."""
    return {"id": derived_urn("test", delivery), "phase": "sign-off", "status": "completed",
            "start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z",
            "agents": [{"login": login, "role": "approver"}],
            "evidence": {"event": "pull_request", "delivery": delivery, "pr": 1}}


def remote_record(bare: Path, branch: str = "main") -> ActionRecord:
    shown = subprocess.run(["git", "show", f"{branch}:{layout.ACTIONS}"], cwd=bare,
                           capture_output=True, check=False)
    return parse_record(shown.stdout) if shown.returncode == 0 else ActionRecord()


def history(bare: Path, branch: str = "main") -> list[str]:
    """``parent-count subject`` of every commit, oldest first."""
    out = git(bare, "log", "--reverse", "--format=%p|%an|%s", branch)
    return [line for line in out.splitlines() if line]
