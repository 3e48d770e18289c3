"""The wes executor against an in-process WES double: what is sent, what is refused, what is
recorded (the real Toil server runs in test_wes_toil.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.cwl import COUNTS, INPUTS, crate_graph, cwl_project, run, sha512
from tests.support.execution import set_executor
from tests.support.wes_double import TOKEN, wes_double

from fivesafes.adapters.executors.bundle import COUNTS_BY_REGION, CWL_COUNTS, bundled_workflow
from fivesafes.adapters.executors.wes import WesExecutor, pause
from fivesafes.adapters.executors.wes_client import WesError, check_url
from fivesafes.adapters.files.project import ProjectError
from fivesafes.adapters.ledger.file import read_record
from fivesafes.cli.main import cli

ENV = {"WES_TOKEN": TOKEN}
ATTEMPT = "0e1f0000-0000-4000-8000-000000000001/attempt-1"


class Clock:
    """Time that moves only when the executor sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def fast() -> WesExecutor:
    clock = Clock()
    return WesExecutor(sleep=clock.sleep, clock=clock)


def setup(tre_project: Path, mirror: Path, url: str, shared: Path, **more: object) -> Path:
    return cwl_project(tre_project, mirror, kind="wes", url=url, **{"shared-dir": str(shared),
                       "token-secret": "WES_TOKEN", **more})


def test_a_cwl_crate_runs_on_wes_and_the_record_lists_the_engines_output(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    with wes_double(shared) as (url, double):
        setup(tre_project, mirror, url, shared)
        entry = run(tre_project, staging, ENV, executor=fast())
    assert entry.status == "completed", entry.reason
    (result,) = entry.results
    assert result.path == "counts/counts.csv"
    assert result.sha512 == sha512(double.content)
    assert result.media_type == "text/csv"
    assert (staging / ATTEMPT / "outputs" / "counts" / "counts.csv").read_bytes() == \
        double.content
    assert entry.engine is not None
    assert (entry.engine.name, entry.engine.version, entry.engine.run_id) == \
        ("Toil", "9.6.0", "run-1")
    assert (entry.engine.language, entry.engine.language_version) == ("CWL", "v1.2")
    (sent,) = double.runs.values()
    assert sent.fields["workflow_url"] == "counts.cwl"
    assert sent.fields["workflow_type"] == "CWL"
    assert sent.fields["workflow_type_version"] == "v1.2"
    assert sorted(sent.files) == ["counts.cwl", "inputs/table/patients.csv",
                                  "ro-crate-metadata.json", "tools/order.cwl",
                                  "tools/tally.cwl"]
    params = json.loads(sent.fields["workflow_params"])
    assert params == {"column": "region", "min_count": 2, "table": {
        "class": "File", "location": "inputs/table/patients.csv"}}
    assert TOKEN not in json.dumps(sent.fields)
    assert set(double.auth) == {f"Bearer {TOKEN}"}
    # the run id was kept the moment the run existed; the engine's logs stay in staging
    kept = json.loads((staging / ATTEMPT / "wes-run.json").read_text())
    assert kept["run_id"] == "run-1"
    executions = [e for e in read_record(tre_project).action if e.phase == "execution"]
    assert [e.status for e in executions] == ["active", "active", "completed"]
    assert executions[0].engine is None
    assert executions[1].engine is not None
    assert executions[1].engine.run_id == "run-1"
    assert executions[1].reason == "executor wes: Toil created run run-1"
    assert len({e.id for e in executions}) == 3
    logs = staging / ATTEMPT / "logs"
    assert (logs / "engine-stdout.log").read_text() == "engine says hello\n"
    assert not (logs / "engine-stderr.log").exists()  # another origin: never fetched
    graph = crate_graph(tre_project)
    (organize,) = [e for e in graph.values() if e["@type"] == "OrganizeAction"]
    app = graph[organize["instrument"]["@id"]]
    assert (app["@type"], app["name"], app["version"]) == ("SoftwareApplication", "Toil",
                                                           "9.6.0")
    (create,) = [e for e in graph.values() if e["@type"] == "CreateAction"]
    assert organize["result"] == {"@id": create["@id"]}
    assert graph[create["identifier"]["@id"]]["value"] == "run-1"
    workflow = graph[create["instrument"]["@id"]]
    language = graph[workflow["programmingLanguage"]["@id"]]
    assert (language["alternateName"], language["version"]) == ("CWL", "1.2")
    assert url.split("/")[2] not in json.dumps(graph)  # the engine's host is never written


def test_the_cli_runs_it_and_the_job_log_holds_nothing_of_the_engine(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    with wes_double(shared, unavailable=2) as (url, double):
        setup(tre_project, mirror, url, shared)
        result = CliRunner().invoke(cli, ["execute", str(tre_project), "--staging-dir",
                                          str(staging), "--no-commit"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "engine says hello" not in result.output
    assert "region,count" not in result.output
    statuses = [c for c in double.calls if c[1].endswith("/status")]
    assert len(statuses) >= 3  # two 503 answers were retried
    assert read_record(tre_project).action[-1].status == "completed"


def test_the_shipped_workflows_own_result_is_what_the_double_reports(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    with wes_double(shared, content=COUNTS) as (url, _):
        setup(tre_project, mirror, url, shared)
        entry = run(tre_project, staging, ENV, executor=fast())
    assert entry.results[0].sha512 == sha512(COUNTS)


@pytest.mark.parametrize(("inputs", "expected"), [
    ([*INPUTS, {"name": "colour", "value": "x"}], "'colour' is not an input of the workflow"),
    ([INPUTS[0], INPUTS[2]], "required input 'column' (string)"),
    ([INPUTS[0], INPUTS[1], {"name": "min_count", "value": "ten"}], "'ten' is not an integer"),
    ([{"name": "table", "value": "a.csv"}, INPUTS[1]], "give file ="),
])
def test_inputs_that_do_not_fit_are_refused_before_submission(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path,
        inputs: list[dict[str, object]], expected: str) -> None:
    shared = tmp_path / "shared"
    with wes_double(shared) as (url, double):
        cwl_project(tre_project, mirror, inputs, kind="wes", url=url,
                    **{"shared-dir": str(shared), "token-secret": "WES_TOKEN"})
        entry = run(tre_project, staging, ENV, executor=fast())
    assert entry.status == "failed"
    assert expected in entry.reason
    assert double.calls == []


def test_an_engine_without_the_workflows_cwl_version_gets_nothing(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    with wes_double(shared, versions=("v1.0",)) as (url, double):
        setup(tre_project, mirror, url, shared)
        entry = run(tre_project, staging, ENV, executor=fast())
    assert entry.status == "failed"
    assert "does not run CWL v1.2 (it offers v1.0)" in entry.reason
    assert ("POST", "/ga4gh/wes/v1/runs") not in double.calls


def test_a_failing_step_is_recorded_with_the_engines_state_and_the_step(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    with wes_double(shared, behaviour="fail") as (url, _):
        setup(tre_project, mirror, url, shared)
        entry = run(tre_project, staging, ENV, executor=fast())
    assert entry.status == "failed"
    assert "run run-1 ended EXECUTOR_ERROR; failing step counts.cwl.tally.tally.cwl " \
        "(exit code 1)" in entry.reason
    assert entry.engine is not None
    assert entry.engine.run_id == "run-1"
    graph = crate_graph(tre_project)
    (create,) = [e for e in graph.values() if e["@type"] == "CreateAction"]
    assert "EXECUTOR_ERROR" in create["error"]
    assert graph[create["identifier"]["@id"]]["value"] == "run-1"


def test_the_run_is_cancelled_when_the_policy_timeout_passes(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    clock = Clock()
    with wes_double(shared, behaviour="hang") as (url, double):
        setup(tre_project, mirror, url, shared, timeout=100)
        entry = run(tre_project, staging, ENV, executor=WesExecutor(clock.sleep, clock))
    assert entry.status == "failed"
    assert entry.reason.endswith("did not finish within 100 s: the engine's run run-1 was "
                                 "cancelled (state CANCELED)")
    assert ("POST", "/ga4gh/wes/v1/runs/run-1/cancel") in double.calls
    assert clock.pauses[0] == 1.0
    assert max(clock.pauses) <= 30
    assert clock.now == pytest.approx(100)


@pytest.mark.parametrize(("behaviour", "named"), [
    ("outside", "passwd"),  # a path out of the shared folder altogether
    ("other-run", "theirs.csv"),  # a file of another run in the shared folder
])
def test_an_output_outside_the_runs_own_folder_is_refused(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path, behaviour: str,
        named: str) -> None:
    shared = tmp_path / "shared"
    with wes_double(shared, behaviour=behaviour) as (url, _):
        setup(tre_project, mirror, url, shared)
        entry = run(tre_project, staging, ENV, executor=fast())
    assert entry.status == "failed"
    assert f"output counts ({named}) lies outside the shared folder" in entry.reason
    assert not any((staging / ATTEMPT / "outputs").rglob("*"))


def test_creating_a_run_is_never_retried(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    with wes_double(shared, behaviour="create-500") as (url, double):
        setup(tre_project, mirror, url, shared)
        entry = run(tre_project, staging, ENV, executor=fast())
    assert entry.status == "failed"
    assert [c for c in double.calls if c[0] == "POST"] == [("POST", "/ga4gh/wes/v1/runs")]
    assert "the run may have been created" in entry.reason
    assert "fivesafes_execution=" in entry.reason


def test_a_wrong_token_names_the_secret_never_the_token(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    with wes_double(shared) as (url, _):
        setup(tre_project, mirror, url, shared)
        entry = run(tre_project, staging, {"WES_TOKEN": "wrong-token"}, executor=fast())
        missing = run(tre_project, staging, {}, executor=fast())
    assert "refused the token" in entry.reason
    assert "WES_TOKEN" in entry.reason
    assert "wrong-token" not in entry.reason
    assert "bearer token in the environment variable WES_TOKEN" in missing.reason


def test_without_a_shared_folder_nothing_is_submitted(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    with wes_double(tmp_path / "shared") as (url, double):
        cwl_project(tre_project, mirror, kind="wes", url=url)
        with pytest.raises(ProjectError, match="a wes executor needs shared-dir"):
            run(tre_project, staging, ENV, executor=fast())
    assert double.calls == []


@pytest.mark.parametrize("url", ["http://wes.tre.example/ga4gh/wes/v1", "ftp://127.0.0.1/x",
                                 "http://10.0.0.1/wes"])
def test_plain_http_is_refused_except_on_loopback(url: str) -> None:
    with pytest.raises(WesError, match="must be an https URL"):
        check_url(url)
    assert check_url("http://127.0.0.1:8080/ga4gh/wes/v1/") == "http://127.0.0.1:8080/ga4gh/wes/v1"
    assert check_url("http://[::1]:8080/x") == "http://[::1]:8080/x"
    assert check_url("https://wes.tre.example/ga4gh/wes/v1").startswith("https://")


def test_polls_slow_down_on_long_runs() -> None:
    assert pause(0) == 1.0
    assert 1.0 < pause(60) < pause(600) <= 30.0
    assert pause(3600) == 30.0


def test_a_step_the_engine_would_fetch_from_elsewhere_is_refused(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    folder = tmp_path / "fetching-crate"
    shutil.copytree(bundled_workflow(CWL_COUNTS), folder)
    main = folder / "counts.cwl"
    main.write_text(main.read_text().replace("run: tools/order.cwl",
                                             "run: https://example.org/order.cwl"))
    with wes_double(tmp_path / "shared") as (url, double):
        cwl_project(tre_project, mirror, folder=folder, kind="wes", url=url,
                    **{"shared-dir": str(tmp_path / "shared"), "token-secret": "WES_TOKEN"})
        entry = run(tre_project, staging, ENV, executor=fast())
    assert "counts.cwl would make the engine fetch https://example.org/order.cwl" in entry.reason
    assert double.calls == []


def test_a_non_cwl_crate_is_refused(tre_project: Path, mirror: Path, staging: Path,
                                    tmp_path: Path) -> None:
    with wes_double(tmp_path / "shared") as (url, double):
        cwl_project(tre_project, mirror, folder=bundled_workflow(COUNTS_BY_REGION), kind="wes",
                    url=url, **{"shared-dir": str(tmp_path / "shared"),
                                "token-secret": "WES_TOKEN"})
        entry = run(tre_project, staging, ENV, executor=fast())
    assert "main entity counts_by_region.py is not CWL" in entry.reason
    assert double.calls == []
    assert read_record(tre_project).action[-1].status == "failed"


def test_validation_names_a_wes_policy_that_cannot_work(tre_project: Path) -> None:
    set_executor(tre_project, kind="wes", url="http://wes.tre.example/ga4gh/wes/v1")
    result = CliRunner().invoke(cli, ["validate", str(tre_project)])
    assert result.exit_code == 1
    assert "a wes executor needs an https url" in result.output
    assert "is plain http to an address that is not loopback" in result.output
    assert "a wes executor needs shared-dir" in result.output
    set_executor(tre_project, url="http://127.0.0.1:8080/ga4gh/wes/v1", **{"shared-dir": "/srv/x"})
    result = CliRunner().invoke(cli, ["validate", str(tre_project)])
    assert "wes executor" not in result.output


def test_a_failure_without_a_failing_task_names_the_engines_exit_code() -> None:
    from fivesafes.adapters.executors.wes import failing_step

    assert failing_step({"task_logs": [], "run_log": {"exit_code": 2}}, "counts.cwl") == \
        " (the engine exited with code 2)"
    assert failing_step({"task_logs": [{"name": "counts.cwl", "exit_code": 1}]},
                        "counts.cwl") == "; failing step counts.cwl (exit code 1)"
    assert failing_step({}, "counts.cwl") == ""
