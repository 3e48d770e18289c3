"""Project checkouts in different phases, with records whose times are chosen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from fivesafes.adapters.ledger.file import render_record
from fivesafes.cli.main import cli
from fivesafes.core import layout
from fivesafes.core.ledger import chain
from fivesafes.models.ledger import ActionRecord

Step = tuple[str, str, str, list[str]]  # phase, status, time, deciders

VALID: list[Step] = [("check", "completed", "2026-01-01T10:00:00Z", []),
         ("validation", "completed", "2026-01-01T10:00:00Z", [])]
SIGNED: list[Step] = [*VALID, ("sign-off", "completed", "2026-01-03T10:00:00Z", ["alice"]),
          ("workflow-retrieval", "completed", "2026-01-03T11:00:00Z", [])]
EXECUTED: list[Step] = [*SIGNED, ("execution", "completed", "2026-01-04T10:00:00Z", [])]
PUBLISHED: list[Step] = [
    *EXECUTED, ("disclosure", "completed", "2026-01-06T10:00:00Z", ["carol", "dan"]),
    ("publication", "completed", "2026-01-06T12:00:00Z", [])]


def record(steps: list[Step]) -> bytes:
    rec = ActionRecord()
    for i, (phase, status, time, by) in enumerate(steps):
        fields: dict[str, Any] = {
            "id": f"urn:uuid:00000000-0000-4000-8000-{i + 1:012d}", "phase": phase,
            "status": status, "start": time, "end": time,
            "agents": [{"login": b, "kind": "person"} for b in by] or [
                {"login": "fivesafes", "kind": "automation"}],
            "evidence": {"event": "pull_request", "delivery": f"d-{i}", "pr": 1}}
        rec = chain.append(rec, fields)
    return render_record(rec).encode()


def project(root: Path, name: str, title: str, steps: list[Step]) -> Path:
    folder = root / name
    result = CliRunner().invoke(cli, ["init", str(folder), "--no-git", "--title", title])
    assert result.exit_code == 0, result.output
    if steps:
        (folder / layout.ACTIONS).write_bytes(record(steps))
    return folder


def organisation(root: Path) -> list[Path]:
    """Four projects: waiting for sign-off (stuck), executed, published, not yet valid."""
    return [project(root, "cohort", "Cohort study of asthma", VALID),
            project(root, "flu", "Influenza vaccine uptake", EXECUTED),
            project(root, "diabetes", "Diabetes outcomes", PUBLISHED),
            project(root, "fresh", "A fresh request", [])]
