"""Which sandbox runs the workflow, the refusal of a runner without isolation, the record and
doctor's report of it, and what of the data source the workflow is granted.

A runner without isolation is simulated by pointing the probe at programs that do not exist
(``probe.BINARIES``, the one seam): the probe itself, the choice and the refusal are real.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.execution import python_command, set_executor, sign_off

from fivesafes.adapters.executors.sandbox import probe
from fivesafes.adapters.ledger.file import read_record
from fivesafes.cli.main import cli
from fivesafes.models.ledger import ActionEntry
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import execute

ATTEMPT = "0e1f0000-0000-4000-8000-000000000001/attempt-1"
ABSENT = "/nonexistent/fivesafes-test"


@pytest.fixture
def no_isolation(monkeypatch: pytest.MonkeyPatch) -> None:
    """A runner where neither bubblewrap nor unshare can be started."""
    monkeypatch.setattr(probe, "BINARIES", {k: f"{ABSENT}/{v}" for k, v in probe.BINARIES.items()})


def run(tre_project: Path, staging: Path, data_dir: Path | None = None,
        env: dict[str, str] | None = None) -> ActionEntry:
    return execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir, env=env or {}))


def test_without_isolation_execute_refuses_before_anything_runs(
        tre_project: Path, staging: Path, no_isolation: None) -> None:
    sign_off(tre_project)
    before = read_record(tre_project).action
    result = CliRunner().invoke(cli, ["execute", str(tre_project), "--staging-dir", str(staging),
                                      "--no-commit"])
    assert result.exit_code == 1, result.output
    assert "no sandbox works on this runner" in result.output
    assert "install bubblewrap" in result.output
    assert 'sandbox = "none"' in result.output
    assert read_record(tre_project).action == before  # nothing recorded, nothing retrieved
    assert not staging.exists()  # nothing staged, nothing run


def test_sandbox_none_runs_and_is_recorded_in_every_entry(
        tre_project: Path, staging: Path, data_dir: Path, no_isolation: None) -> None:
    sign_off(tre_project)
    set_executor(tre_project, sandbox="none")
    entry = run(tre_project, staging, data_dir)
    assert entry.status == "completed", entry.reason
    attempt = [e for e in read_record(tre_project).action if e.phase == "execution"]
    assert [(e.status, e.evidence.sandbox) for e in attempt] == [
        ("active", "none"), ("completed", "none")]


def test_a_named_sandbox_that_does_not_work_is_refused(
        tre_project: Path, staging: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(probe.BINARIES, "bubblewrap", f"{ABSENT}/bwrap")
    sign_off(tre_project)
    set_executor(tre_project, sandbox="bubblewrap")
    with pytest.raises(probe.SandboxUnavailable, match="sandbox = 'bubblewrap' does not work"):
        run(tre_project, staging)


def test_auto_takes_unshare_when_bubblewrap_is_missing(
        tre_project: Path, staging: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if probe.working("unshare")[0] is None:
        pytest.skip("util-linux unshare cannot make namespaces here")
    monkeypatch.setitem(probe.BINARIES, "bubblewrap", f"{ABSENT}/bwrap")
    sign_off(tre_project)
    entry = run(tre_project, staging, data_dir)  # the template's demo analysis
    assert (entry.status, entry.evidence.sandbox) == ("completed", "unshare"), entry.reason


def test_extract_runs_no_researcher_code_and_records_no_sandbox(
        tre_project: Path, staging: Path, data_dir: Path, no_isolation: None) -> None:
    sign_off(tre_project)
    set_executor(tre_project, kind="extract")
    entry = run(tre_project, staging, data_dir)
    assert entry.status == "completed", entry.reason
    assert entry.evidence.sandbox is None


def test_doctor_warns_when_the_policy_says_none(tre_project: Path) -> None:
    set_executor(tre_project, sandbox="none")
    found = _doctor(tre_project)
    assert [f["severity"] for f in found if f["rule"] == "executor-sandbox-none"] == ["warning"]


def test_doctor_warns_when_no_isolation_works_here(tre_project: Path, no_isolation: None) -> None:
    found = _doctor(tre_project)
    (finding,) = [f for f in found if f["rule"] == "executor-sandbox-unavailable"]
    assert finding["severity"] == "warning"
    assert "would refuse" in str(finding["message"])


def test_doctor_says_nothing_where_the_sandbox_works(tre_project: Path) -> None:
    assert not [f for f in _doctor(tre_project) if str(f["rule"]).startswith("executor-sandbox")]


def _doctor(tre_project: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["doctor", str(tre_project), "--json"])
    assert result.exit_code in (0, 1), result.output
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


GRANTS = ("import json, os, sys, pathlib; out, data = pathlib.Path(sys.argv[1]), sys.argv[2]; "
          "src = sys.argv[3] if len(sys.argv) > 3 else ''; "
          "(out / 'grant.json').write_text(json.dumps({'env': dict(os.environ), 'source': src, "
          "'readable': bool(src) and not src.startswith('env:') and os.access(src, os.R_OK), "
          "'data': sorted(str(p) for p in pathlib.Path(data).rglob('*'))}))")


def _granted(tre_project: Path, staging: Path, data_dir: Path, uses_source: bool,
             env: dict[str, str]) -> dict[str, object]:
    """What a command sees of the data source, with or without ``{source}``."""
    command = [*python_command(GRANTS), str(data_dir), *(["{source}"] if uses_source else [])]
    set_executor(tre_project, command=command)
    sign_off(tre_project)
    entry = run(tre_project, staging, data_dir, env)
    assert entry.status == "completed", entry.reason
    report: dict[str, object] = json.loads((staging / ATTEMPT / "outputs" / "grant.json")
                                           .read_text())
    return report


def test_a_command_granted_a_sqlite_source_sees_that_one_file(
        tre_project: Path, staging: Path, data_dir: Path) -> None:
    (data_dir / "other_project.sqlite").write_text("another request's source")
    report = _granted(tre_project, staging, data_dir, True, {})
    source = str(data_dir / "synthetic_cohort.sqlite")
    assert (report["source"], report["readable"]) == (source, True)
    assert report["data"] == [source]  # not the other source beside it


def test_the_url_secret_reaches_only_a_command_granted_the_source(
        tre_project: Path, staging: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{data_dir / 'synthetic_cohort.sqlite'}"
    secrets = {"SOURCE_DATABASE_URL": url, "DESTINATION_DATABASE_URL": "postgresql://x:pw@h/db",
               "GITHUB_TOKEN": "ghs_not_for_the_workflow"}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    report = _granted(tre_project, staging, data_dir, True, dict(os.environ))
    env = report["env"]
    assert isinstance(env, dict)
    assert env["FIVESAFES_SOURCE_URL"] == url  # under the contract's name, and nothing else
    assert not set(secrets) & set(env)
    assert report["source"] == "env:FIVESAFES_SOURCE_URL"
    assert report["data"] == [str(data_dir / "synthetic_cohort.sqlite")]  # the URL's file


def test_a_command_not_granted_the_source_gets_neither_url_nor_file(
        tre_project: Path, staging: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{data_dir / 'synthetic_cohort.sqlite'}"
    monkeypatch.setenv("SOURCE_DATABASE_URL", url)
    report = _granted(tre_project, staging, data_dir, False, dict(os.environ))
    assert url not in json.dumps(report["env"])
    assert "FIVESAFES_SOURCE_URL" not in str(report["env"])
    assert report["data"] == []  # the data folder is not there at all


def test_the_demo_decides_openly_where_no_isolation_works(
        tmp_path: Path, no_isolation: None) -> None:
    from fivesafes.adapters.files.project import load_project
    from fivesafes.adapters.files.template import init_project
    from fivesafes.adapters.git.process import run as git
    from fivesafes.core.admin.init_plan import InitOptions
    from fivesafes.demo.sandbox import choose_sandbox

    root = tmp_path / "demo-project"
    init_project(root, InitOptions(project_id="urn:uuid:0e1f0000-0000-4000-8000-000000000009"))
    assert 'sandbox = "none"' in choose_sandbox(root)
    assert load_project(root).policy.executor.sandbox == "none"
    assert "without a sandbox" in git(root, "log", "-1", "--format=%s")
