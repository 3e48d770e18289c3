"""``fivesafes ledger verify`` catches every edit, deletion, insertion and reordering."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.support.engine_world import APPROVE, World, signed_off

from fivesafes.adapters.ledger.file import render_record, write_record
from fivesafes.cli.main import cli
from fivesafes.core import layout
from fivesafes.core.ledger import chain as ledger
from fivesafes.models.ledger import ActionRecord


@pytest.fixture
def recorded_project(tmp_path: Path) -> Path:
    w = World()
    w.run(w.label(APPROVE, "mallory"))  # a refused attempt
    signed_off(w)
    w.run(w.merge())  # check, validation, sign-off
    assert len(w.record.action) == 4
    write_record(tmp_path, w.record)
    return tmp_path


def entries(recorded_project: Path) -> list[dict[str, Any]]:
    data = tomllib.loads((recorded_project / layout.ACTIONS).read_text())
    return list(data["action"])


def rewrite(recorded_project: Path, items: list[dict[str, Any]]) -> None:
    record = ActionRecord.model_validate({"action": items})
    (recorded_project / layout.ACTIONS).write_text(render_record(record))


def verify(recorded_project: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["ledger", "verify", str(recorded_project)])
    return result.exit_code, result.output


def test_untouched_record_verifies(recorded_project: Path) -> None:
    code, out = verify(recorded_project)
    assert code == 0, out
    assert "4 entries, chain intact" in out


def test_missing_record_is_an_empty_intact_chain(tmp_path: Path) -> None:
    assert verify(tmp_path)[0] == 0


@pytest.mark.parametrize(("field", "value"), [
    ("status", "completed"), ("reason", "approved by everyone"), ("start", "2020-01-01T00:00:00Z"),
])
def test_edited_entry_is_caught(recorded_project: Path, field: str, value: str) -> None:
    items = entries(recorded_project)
    items[0][field] = value
    rewrite(recorded_project, items)
    code, out = verify(recorded_project)
    assert code == 1
    assert "entry 1" in out
    assert "edited" in out


def test_edited_agent_is_caught(recorded_project: Path) -> None:
    items = entries(recorded_project)
    items[-1]["agents"][0]["login"] = "mallory"
    rewrite(recorded_project, items)
    assert verify(recorded_project)[0] == 1


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_deleted_entry_is_caught(recorded_project: Path, index: int) -> None:
    items = entries(recorded_project)
    del items[index]
    rewrite(recorded_project, items)
    code, out = verify(recorded_project)
    if index == 3:  # dropping the LAST entry leaves a valid prefix: see the git tests below
        assert code == 0
        return
    assert code == 1
    assert "dropped, inserted or reordered" in out


def test_inserted_entry_is_caught_even_when_sealed(recorded_project: Path) -> None:
    items = entries(recorded_project)
    prefix = ActionRecord.model_validate({"action": items[:2]})
    forged = dict(items[-1])
    forged |= {"id": "urn:uuid:00000000-0000-4000-8000-000000000001", "reason": "forged"}
    sealed = ledger.seal(prefix, {k: v for k, v in forged.items() if k not in ("prev", "digest")})
    items.insert(2, ledger.entry_fields(sealed))
    rewrite(recorded_project, items)
    code, out = verify(recorded_project)
    assert code == 1
    assert "entry 4" in out


def test_reordered_entries_are_caught(recorded_project: Path) -> None:
    items = entries(recorded_project)
    items[1], items[2] = items[2], items[1]
    rewrite(recorded_project, items)
    code, out = verify(recorded_project)
    assert code == 1
    assert len([line for line in out.splitlines() if line.strip()]) >= 2


def test_unreadable_record_is_not_intact(recorded_project: Path) -> None:
    (recorded_project / layout.ACTIONS).write_text("[[action]\n")
    code, out = verify(recorded_project)
    assert code == 1
    assert "unreadable" in out


def test_verify_json_and_show(recorded_project: Path) -> None:
    import json

    result = CliRunner().invoke(cli, ["ledger", "verify", str(recorded_project), "--json"])
    assert json.loads(result.output)["intact"] is True
    shown = CliRunner().invoke(cli, ["ledger", "show", str(recorded_project)])
    assert shown.exit_code == 0
    assert "sign-off" in shown.output
    assert "refused" in shown.output
    as_json = json.loads(CliRunner().invoke(cli, ["ledger", "show", str(recorded_project),
                                                  "--json"]).output)
    assert [e["phase"] for e in as_json] == ["sign-off", "check", "validation", "sign-off"]


def committed(recorded_project: Path) -> None:
    from fivesafes.adapters.git.local import commit_all, init

    init(recorded_project)
    commit_all(recorded_project, "record")


def test_truncated_record_is_caught_against_git_history(recorded_project: Path) -> None:
    committed(recorded_project)
    assert verify(recorded_project)[0] == 0
    rewrite(recorded_project, entries(recorded_project)[:-1])
    code, out = verify(recorded_project)
    assert code == 1
    assert "cut short or rewritten" in out


def test_record_rewritten_with_fresh_digests_is_caught_against_git_history(
        recorded_project: Path) -> None:
    committed(recorded_project)
    record = ActionRecord()
    for item in entries(recorded_project):
        body = {k: v for k, v in item.items() if k not in ("prev", "digest")}
        if body["status"] == "refused":
            continue  # erase the refused attempt
        record = ledger.append(record, body)
    (recorded_project / layout.ACTIONS).write_text(render_record(record))
    assert CliRunner().invoke(cli, ["ledger", "verify", str(recorded_project),
                                    "--no-history"]).exit_code == 0
    code, out = verify(recorded_project)
    assert code == 1
    assert "ledger.history" not in out  # rendered findings name the entry and commit
    assert "entry 1" in out
