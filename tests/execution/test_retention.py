"""`fivesafes retention`: staging folders of finished requests go after retention-days."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.execution import NOW, set_executor, sign_off

from fivesafes.adapters.ledger.append import append_entry
from fivesafes.adapters.ledger.file import read_record
from fivesafes.cli.main import cli
from fivesafes.core.ids import derived_urn
from fivesafes.core.ledger.chain import verify_chain
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import execute

FEB_1 = "1769904000"  # 2026-02-01: 31 days after the publication on 2026-01-01
JAN_20 = "1768867200"  # 2026-01-20
AFTER_END = "1830988800"  # 2028-01-09: eight days after the project's end


def retention(tre_project: Path, staging: Path, *extra: str) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["retention", str(tre_project), "--staging-dir", str(staging),
                                      "--json", "--no-commit", *extra])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


@pytest.fixture
def executed(tre_project: Path, staging: Path, data_dir: Path) -> Path:
    sign_off(tre_project)
    assert execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir,
                                       env={})).status == "completed"
    return staging / "0e1f0000-0000-4000-8000-000000000001"


def publish(tre_project: Path) -> None:
    append_entry(tre_project, {
        "id": derived_urn("test", "publication"), "phase": "publication",
        "status": "completed", "start": NOW, "end": NOW, "reason": "published in a test",
        "evidence": {"event": "workflow_dispatch", "delivery": "test-publication"}})


def test_a_published_request_keeps_its_staging_until_retention_has_passed(
        tre_project: Path, staging: Path, executed: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    set_executor(tre_project, **{"retention-days": 30})
    publish(tre_project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JAN_20)
    kept = retention(tre_project, staging)
    assert (kept["outcome"], kept["removable-from"]) == ("kept", "2026-01-31")
    assert executed.is_dir()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FEB_1)
    assert retention(tre_project, staging, "--dry-run")["outcome"] == "removed"
    assert executed.is_dir()  # a dry run changes nothing
    before = len(read_record(tre_project).action)
    removed = retention(tre_project, staging)
    assert removed["outcome"] == "removed"
    assert not executed.exists()
    record = read_record(tre_project)
    entry = record.action[-1]
    assert len(record.action) == before + 1
    assert (entry.phase, entry.status, entry.id) == ("retention", "completed",
                                                     removed["recorded"])
    assert "1 attempt folder(s)" in entry.reason
    assert "published on 2026-01-01, 30 day(s) of retention have passed" in entry.reason
    assert verify_chain(record.action) == []
    again = retention(tre_project, staging)
    assert again["outcome"] == "nothing-staged"
    assert len(read_record(tre_project).action) == before + 1  # nothing recorded twice
    built = CliRunner().invoke(cli, ["crate", "build", str(tre_project)])
    assert built.exit_code == 0, built.output


def test_an_ended_project_loses_its_staging_after_retention(
        tre_project: Path, staging: Path, executed: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    set_executor(tre_project, **{"retention-days": 7})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_END)
    result = retention(tre_project, staging)
    assert result["outcome"] == "removed"
    assert "its project ended on 2027-12-31" in str(result["reason"])
    assert not executed.exists()


def test_without_retention_days_nothing_is_removed(
        tre_project: Path, staging: Path, executed: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    publish(tre_project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_END)
    result = retention(tre_project, staging)
    assert result["outcome"] == "kept"
    assert "no executor.retention-days" in str(result["reason"])
    assert executed.is_dir()
