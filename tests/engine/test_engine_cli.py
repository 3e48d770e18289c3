"""The ``handle``, ``status`` and ``phases`` commands end to end (in-process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.engine_world import APPROVE, HERE, POLICY, World, disclosure_world, signed_off

from fivesafes.adapters.ledger.file import write_record
from fivesafes.cli.main import cli
from fivesafes.core import layout
from fivesafes.core.facts.json_form import facts_to_json

REPO = HERE.parents[1]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def project_dir(tmp_path: Path, w: World) -> Path:
    (tmp_path / ".github").mkdir(parents=True)
    (tmp_path / layout.POLICY).write_bytes(POLICY)
    for path, data in w.files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    if w.record.action:
        write_record(tmp_path, w.record)
    return tmp_path


def saved(tmp_path: Path, w: World, *, with_files: bool = True) -> tuple[Path, Path]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps(w.last_payload[1]))
    data = facts_to_json(w.facts())
    if not with_files:
        for key in ("files", "policy", "record"):
            del data[key]
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(data))
    return event, facts


def test_handle_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("handle")[0] == 2
    assert invoke("handle", "--event-name", "push")[0] == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, out = invoke("handle", "--event-name", "push", "--event", str(bad))
    assert code == 2
    assert "bad.json" in out
    code, out = invoke("handle", "--event-name", "pull_request", "--event",
                       str(HERE / "payloads" / "pull_request.opened.json"), "--dry-run")
    assert code == 2
    assert "--facts" in out


def test_handle_reads_github_environment_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_EVENT_NAME", "issues")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(HERE / "payloads" / "push.json"))
    code, out = invoke("handle", "--dry-run", "--json")
    assert code == 0
    assert json.loads(out)["outcome"] == "ignored"


def test_handle_push_with_repo_dir_verifies_the_record(tmp_path: Path) -> None:
    w = World()
    signed_off(w)
    w.run(w.merge())
    root = project_dir(tmp_path / "repo", w)
    code, out = invoke("handle", "--event-name", "push", "--event",
                       str(HERE / "payloads" / "push.json"), "--repo-dir", str(root),
                       "--dry-run", "--json")
    assert code == 0, out
    assert json.loads(out)["outcome"] == "completed"


def test_dry_run_changes_nothing_and_apply_records_once(tmp_path: Path) -> None:
    w = World()
    root = project_dir(tmp_path / "repo", w)
    w.label(APPROVE, "mallory")
    event, facts = saved(tmp_path, w, with_files=False)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    code, out = invoke("handle", "--event-name", "pull_request", "--event", str(event),
                       "--facts", str(facts), "--repo-dir", str(root), "--dry-run")
    assert code == 1
    assert "refused" in out
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    for _ in range(2):
        code, out = invoke("handle", "--event-name", "pull_request", "--event", str(event),
                           "--facts", str(facts), "--repo-dir", str(root))
        assert code == 1
    assert invoke("ledger", "verify", str(root), "--no-history")[0] == 0
    shown = json.loads(invoke("ledger", "show", str(root), "--json")[1])
    assert [(e["phase"], e["status"]) for e in shown] == [("sign-off", "refused")]


def test_unreadable_facts_exit_2(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text('{"pr": {"number": "x"}}')
    code, out = invoke("handle", "--event-name", "pull_request", "--event",
                       str(HERE / "payloads" / "pull_request.opened.json"), "--facts",
                       str(facts), "--dry-run")
    assert code == 2
    assert "facts-format" in out


def test_status_of_a_fresh_project_waits_for_sign_off(tmp_path: Path) -> None:
    root = project_dir(tmp_path, World())
    code, out = invoke("status", str(root), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["state"] == "sign-off-pending"
    assert data["pending"]["from"] == ["alice", "bob", "@tre/stewards"]
    assert data["chain"] == "intact"


def test_status_after_sign_off_and_execution(tmp_path: Path) -> None:
    w = World()
    signed_off(w)
    w.run(w.merge())
    root = project_dir(tmp_path / "a", w)
    data = json.loads(invoke("status", str(root), "--json")[1])
    assert data["state"] == "execution"
    assert data["decisions"][-1]["by"] == ["alice", "carol"]
    d = disclosure_world(World())
    root = project_dir(tmp_path / "b", d)
    data = json.loads(invoke("status", str(root), "--json")[1])
    assert data["state"] == "disclosure-pending"
    assert data["pending"]["excluded"] == ["alice", "carol"]
    code, out = invoke("status", str(root))
    assert code == 0
    assert "disclosure-pending" in out


def test_phases_mermaid_and_docs_check(tmp_path: Path) -> None:
    code, out = invoke("phases", "--mermaid")
    assert code == 0
    assert out.startswith("stateDiagram-v2")
    assert "signed_off --> execution" in out
    assert invoke("phases", "--mermaid", "--check", str(REPO / "docs" / "phases.md"))[0] == 0
    page = tmp_path / "phases.md"
    page.write_text((REPO / "docs" / "phases.md").read_text().replace("signed_off -->", "x -->"))
    code, out = invoke("phases", "--mermaid", "--check", str(page))
    assert code == 1
    assert "stale" in out
    assert invoke("phases", "--mermaid", "--write", str(page))[0] == 0
    assert invoke("phases", "--mermaid", "--check", str(page))[0] == 0
    page.write_text("no markers\n")
    assert invoke("phases", "--check", str(page))[0] == 2
    assert "sign-off-pending" in invoke("phases")[1]
