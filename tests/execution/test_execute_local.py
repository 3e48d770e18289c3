"""`fivesafes execute` with the local executor: gates, attempts, failures and timeouts."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.execution import need_sandbox, python_command, set_executor, sign_off

from fivesafes.adapters.executors.base import StagingError, sha512_file
from fivesafes.adapters.ledger.file import read_record
from fivesafes.cli.main import cli
from fivesafes.core.ledger.chain import verify_chain
from fivesafes.models.ledger import ActionEntry
from fivesafes.services.attempt import GateClosed, RunOptions
from fivesafes.services.execute import execute


def run(tre_project: Path, staging: Path, data_dir: Path | None = None,
        env: dict[str, str] | None = None) -> ActionEntry:
    return execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir,
                                       env=env if env is not None else {}))


def test_refuses_without_a_sign_off(tre_project: Path, staging: Path) -> None:
    with pytest.raises(GateClosed, match="no completed sign-off"):
        run(tre_project, staging)
    result = CliRunner().invoke(cli, ["execute", str(tre_project), "--staging-dir", str(staging)])
    assert result.exit_code == 1
    assert "no completed sign-off" in result.output
    assert read_record(tre_project).action == []


def test_refuses_when_the_request_changed_after_sign_off(tre_project: Path, staging: Path) -> None:
    sign_off(tre_project)
    path = tre_project / "resources/workflow.toml"
    path.write_text(path.read_text().replace("value = 1940", "value = 1930"))
    with pytest.raises(GateClosed, match="differ from what was signed off"):
        run(tre_project, staging)


def test_completed_run_records_every_output(tre_project: Path, staging: Path,
                                            data_dir: Path) -> None:
    sign_off(tre_project)
    entry = run(tre_project, staging, data_dir)
    assert (entry.phase, entry.status, entry.attempt) == ("execution", "completed", 1)
    record = read_record(tre_project)
    assert [e.status for e in record.action[-2:]] == ["active", "completed"]
    outputs = staging / "0e1f0000-0000-4000-8000-000000000001" / "attempt-1" / "outputs"
    for result in entry.results:
        assert (result.sha512, result.size) == sha512_file(outputs / result.path)
    assert {r.path: r.media_type for r in entry.results} == {
        "counts_by_region.csv": "text/csv", "notes.txt": "text/plain",
        "summary.json": "application/json"}
    assert not (tre_project / "outputs").exists()  # output data never lands in the checkout
    assert verify_chain(record.action) == []


def test_failure_is_recorded_and_a_rerun_is_a_new_attempt(tre_project: Path, staging: Path) -> None:
    sign_off(tre_project)
    set_executor(tre_project, command=python_command("import sys; sys.exit(3)"))
    first = run(tre_project, staging)
    assert first.status == "failed"
    assert "exited with status 3" in first.reason
    set_executor(tre_project, command=python_command(
        "import sys, pathlib; pathlib.Path(sys.argv[1], 'n.csv').write_text('n\\n12\\n')"))
    second = run(tre_project, staging)
    assert (second.status, second.attempt) == ("completed", 2)
    record = read_record(tre_project)
    assert [(e.attempt, e.status) for e in record.action if e.phase == "execution"] == [
        (1, "active"), (1, "failed"), (2, "active"), (2, "completed")]
    assert verify_chain(record.action) == []


def test_cli_exit_code_3_and_reason_for_a_failed_run(tre_project: Path, staging: Path) -> None:
    sign_off(tre_project)
    set_executor(tre_project, command=["/nonexistent/analysis"])
    result = CliRunner().invoke(cli, ["execute", str(tre_project), "--staging-dir", str(staging)])
    assert result.exit_code == 3
    assert "could not be started" in read_record(tre_project).action[-1].reason


@pytest.mark.parametrize("sandbox", ["bubblewrap", "unshare", "none"])
def test_timeout_stops_the_whole_process_group(tre_project: Path, staging: Path,
                                               sandbox: str) -> None:
    need_sandbox(sandbox)
    sign_off(tre_project)
    beat = ("import pathlib, sys, time\n"
            "for n in range(100000):\n"
            "    pathlib.Path(sys.argv[1], '..', 'heartbeat').write_text(str(n)); time.sleep(0.02)")
    code = ("import subprocess, sys, time; "
            f"subprocess.Popen([sys.executable, '-c', {beat!r}, sys.argv[1]]); time.sleep(120)")
    set_executor(tre_project, command=python_command(code), timeout=2, sandbox=sandbox)
    entry = run(tre_project, staging)
    assert entry.status == "failed"
    assert "did not finish within 2 s" in entry.reason
    assert entry.evidence.sandbox == sandbox
    heartbeat = next(staging.rglob("heartbeat"))
    first = heartbeat.read_text()
    time.sleep(0.3)
    assert heartbeat.read_text() == first, "the workflow's child process outlived the timeout"


def test_no_outputs_is_a_failure(tre_project: Path, staging: Path) -> None:
    sign_off(tre_project)
    set_executor(tre_project, command=python_command("pass"))
    assert "wrote no files" in run(tre_project, staging).reason


def test_workflow_sees_no_github_token_and_logs_stay_in_staging(
        tre_project: Path, staging: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_off(tre_project)
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret")
    set_executor(tre_project, command=python_command(
        "import os, sys, pathlib; print('log line'); "
        "pathlib.Path(sys.argv[1], 'env.txt').write_text(os.environ.get('GITHUB_TOKEN', 'none'))"))
    entry = run(tre_project, staging, env=dict(os.environ))
    outputs = next(staging.rglob("outputs"))
    assert (outputs / "env.txt").read_text() == "none"
    assert (outputs.parent / "logs" / "stdout.log").read_text() == "log line\n"
    assert entry.status == "completed"


def test_staging_inside_the_checkout_is_refused(tre_project: Path) -> None:
    sign_off(tre_project)
    with pytest.raises(StagingError, match="overlaps the project checkout"):
        run(tre_project, tre_project / "staging")


def test_dispatch_actor_is_recorded_only_for_people() -> None:
    from fivesafes.adapters.ledger.append import actor

    dispatch = {"GITHUB_EVENT_NAME": "workflow_dispatch"}
    assert actor({**dispatch, "GITHUB_ACTOR": "github-actions[bot]"}) == ()
    [person] = actor({**dispatch, "GITHUB_ACTOR": "mo-maintainer"})
    assert (person["login"], person["role"]) == ("mo-maintainer", "maintainer")
    assert actor({"GITHUB_EVENT_NAME": "push", "GITHUB_ACTOR": "mo-maintainer"}) == ()
