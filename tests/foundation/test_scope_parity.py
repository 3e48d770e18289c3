"""One request scope: ``fivesafes validate`` and the engine agree on every foundation case.

Each case's project is validated by the command, and then handed to the phase engine through
the facts reader of ``fivesafes handle --facts F --repo-dir D`` (the pull request in the facts
file, the files from the same checkout). Both must give the same verdict, and an invalid case
must be reported by the engine at the same file and line. The sign-off digest covers the same
files whichever reader selected them (:mod:`fivesafes.core.request.scope`).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from fivesafes.adapters.files.facts_file import FileFacts
from fivesafes.adapters.files.project import read_tree, scan_tree
from fivesafes.cli.main import cli
from fivesafes.core.engine.plan import Annotation
from fivesafes.core.engine.planner import plan_event
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.events import Event
from fivesafes.core.request.digest import request_files, sha512_files
from fivesafes.core.request.scope import request_scope

CASES = Path(__file__).resolve().parent / "cases"
ALL = sorted(p for kind in ("valid", "invalid") for p in (CASES / kind).iterdir() if p.is_dir())
HEAD = "e" * 40


def _engine(root: Path, tmp: Path) -> tuple[str, list[Annotation], str]:
    facts_file = tmp / "facts.json"
    facts_file.write_text(json.dumps({
        "default_branch": "main",
        "pr": {"number": 1, "author": "alex-researcher", "head_sha": HEAD, "head_ref": "req",
               "head_repo": "o/r", "base_ref": "main", "head_pushed_at": "2026-01-02T10:00:00Z"},
        "commits": [{"sha": HEAD, "author": "alex-researcher", "committer": "alex-researcher"}],
        "changed": [{"path": "resources/workflow.toml"}],
    }))
    event = Event("pull_request_target", "opened", "opened", Actor("alex-researcher"), "d1",
                  "o/r", "main", pr=1, head_sha=HEAD, base_ref="main")
    facts = FileFacts(facts_file, root).fetch(event)
    plan = plan_event(event, facts, "2026-01-02T11:00:00Z")
    notes = [e for e in plan.effects if isinstance(e, Annotation)]
    return plan.outcome, notes, sha512_files(request_files(facts.files))


@pytest.mark.parametrize("case", ALL, ids=[f"{p.parent.name}/{p.name}" for p in ALL])
def test_validate_and_the_engine_agree(case: Path, case_project: Callable[[Path], Path],
                                       tmp_path: Path) -> None:
    root = case_project(case)
    result = CliRunner().invoke(cli, ["validate", str(root), "--format", "json"])
    valid = result.exit_code == 0
    outcome, notes, digest = _engine(root, tmp_path)
    assert (outcome != "failed") == valid, (outcome, [n.message for n in notes])
    if not valid:
        with (case / "expected.toml").open("rb") as handle:
            expect = tomllib.load(handle)["expect"]
        assert any(n.file == expect["file"] and n.line == expect["line"] for n in notes), \
            [(n.file, n.line, n.message) for n in notes]
    files, _ = scan_tree(root)
    assert digest == sha512_files(request_scope(files))  # both readers, one scope


def test_the_scope_reaches_outside_resources(case_project: Callable[[Path], Path]) -> None:
    root = case_project(CASES / "valid" / "local-workflow-and-input-file")
    scoped = request_files(read_tree(root))
    assert "workflow/ro-crate-metadata.json" in scoped
    assert "resources/inputs/years.csv" in scoped
    assert ".github/fivesafes.toml" not in scoped
    assert "resources/governance/actions.toml" not in scoped
