"""``fivesafes org status`` over local checkouts in different phases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.org_projects import organisation

from fivesafes.cli.main import cli


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1768471200")  # 2026-01-15T10:00:00Z
    return organisation(tmp_path)


def _args(folders: list[Path]) -> list[str]:
    return [a for f in folders for a in ("--from", str(f))]


def test_json_lists_every_project_with_title_and_state(folders: list[Path]) -> None:
    result = CliRunner().invoke(cli, ["org", "status", *_args(folders), "--json"])
    assert result.exit_code == 0, result.output
    projects = {p["repository"]: p for p in json.loads(result.output)["projects"]}
    assert {k: (v["title"], v["state"]) for k, v in projects.items()} == {
        "cohort": ("Cohort study of asthma", "sign-off-pending"),
        "flu": ("Influenza vaccine uptake", "disclosure-pending"),
        "diabetes": ("Diabetes outcomes", "published"),
        "fresh": ("A fresh request", "sign-off-pending"),
    }
    cohort = projects["cohort"]
    assert cohort["waiting_on"] == ["@example-tre/sign-off-approvers"]
    assert cohort["since"] == "2026-01-01T10:00:00Z"
    assert cohort["days_in_state"] == 14.0
    assert cohort["stuck"] is True  # the template policy reminds after 7 days
    assert projects["diabetes"]["stuck"] is False
    assert projects["diabetes"]["last_decision"]["by"] == ["carol", "dan"]
    assert projects["flu"]["phase_days"]["sign-off"] == 2.0
    assert projects["fresh"]["since"] is None
    assert projects["cohort"]["request_id"].startswith("urn:uuid:")


def test_table_for_people(folders: list[Path]) -> None:
    result = CliRunner().invoke(cli, ["org", "status", *_args(folders)])
    assert result.exit_code == 0, result.output
    assert "Cohort study of asthma" in result.output
    assert "stuck" in result.output


def test_without_org_or_folders_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["org", "status"])
    assert result.exit_code == 2
    assert "--from DIR" in result.output


def test_a_broken_checkout_gets_a_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    (broken / "resources/governance").mkdir(parents=True)
    (broken / "resources/governance/actions.toml").write_text("not toml [", encoding="utf-8")
    result = CliRunner().invoke(cli, ["org", "status", "--from", str(broken), "--json"])
    assert result.exit_code == 0, result.output
    (line,) = json.loads(result.output)["projects"]
    assert line["state"] == "unknown"
    assert line["problems"]
