"""`fivesafes execute` asks the project again: its end date, agreements and researchers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.execution import sign_off

from fivesafes.adapters.ledger.file import read_record
from fivesafes.cli.main import cli
from fivesafes.core import layout
from fivesafes.core.ledger.chain import verify_chain
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import ExecutionRefused, execute

AFTER_END = "1830384000"  # 2028-01-02, after the template project's end (2027-12-31)
MID_2026 = "1782864000"  # 2026-07-01


def _edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def _refused(tre_project: Path, staging: Path) -> str:
    result = CliRunner().invoke(cli, ["execute", str(tre_project), "--staging-dir", str(staging),
                                      "--no-commit"])
    assert result.exit_code == 1, result.output
    entry = read_record(tre_project).action[-1]
    assert (entry.phase, entry.status) == ("execution", "refused")
    assert "execution refused: " in result.output
    assert verify_chain(read_record(tre_project).action) == []
    assert not staging.exists()  # nothing ran
    return entry.reason


def test_a_signed_off_request_of_an_ended_project_does_not_run(
        tre_project: Path, staging: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_off(tre_project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_END)
    reason = _refused(tre_project, staging)
    assert "the project ended on 2027-12-31" in reason
    with pytest.raises(ExecutionRefused, match="ended"):
        execute(tre_project, RunOptions(staging_root=staging, env={}))
    assert [e.status for e in read_record(tre_project).action] == [
        "completed", "refused", "refused"]


def test_an_expired_data_sharing_agreement_stops_execution(
        tre_project: Path, staging: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _edit(tre_project, layout.PROJECT, "[[project.identifiers]]",
          '[project.data-sharing-agreement]\nidentifier = "DSA-2026-014"\n'
          'url = "https://tre.example.org/dsa/14"\nexpires = 2026-06-30\n\n'
          "[[project.identifiers]]")
    sign_off(tre_project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", MID_2026)
    assert "data sharing agreement DSA-2026-014 expired on 2026-06-30" in _refused(
        tre_project, staging)


REGISTRY = '''
[researchers]
requires-accreditation = ["Safe Researcher Training"]

[people.alex-researcher]
name = "Alex Researcher"
orcid = "https://orcid.org/0000-0002-1825-0097"

[[people.alex-researcher.accreditation]]
name = "Safe Researcher Training"
expires = 2026-03-31
'''


def test_a_researcher_accreditation_that_expired_since_sign_off_stops_execution(
        tre_project: Path, staging: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with (tre_project / layout.POLICY).open("a", encoding="utf-8") as policy:
        policy.write(REGISTRY)
    sign_off(tre_project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", MID_2026)
    reason = _refused(tre_project, staging)
    assert "researcher @alex-researcher's Safe Researcher Training expired on 2026-03-31" \
        in reason


def test_within_the_project_and_accredited_it_runs(
        tre_project: Path, staging: Path, data_dir: Path) -> None:
    with (tre_project / layout.POLICY).open("a", encoding="utf-8") as policy:
        policy.write(REGISTRY)
    sign_off(tre_project)
    entry = execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir, env={}))
    assert entry.status == "completed"
