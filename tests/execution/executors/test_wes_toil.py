"""The wes executor on Toil's real WES server (loopback): a run that completes (over https),
a failing step, and a cancel when the policy's timeout passes. Toil comes from its own
virtual environment, which ``.ci/run`` installs; without it these tests are skipped."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.cwl import COUNTS, INPUTS, crate_graph, cwl_project, run, sha512
from tests.support.toil_server import ToilServer, toil_bin, toil_server

from fivesafes.adapters.executors.bundle import CWL_COUNTS, bundled_workflow

pytestmark = pytest.mark.skipif(
    toil_bin() is None, reason="Toil's virtual environment (.venv-toil) is not installed: "
    "run .ci/run, or set FIVESAFES_TOIL_VENV")
ATTEMPT = "0e1f0000-0000-4000-8000-000000000001/attempt-1"


@pytest.fixture(scope="module")
def toil(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ToilServer]:
    with toil_server(tmp_path_factory.mktemp("toil")) as server:
        yield server


def wes_policy(server: ToilServer, **more: object) -> dict[str, object]:
    return {"kind": "wes", "url": server.url, "shared-dir": str(server.work_dir), **more}


def test_a_signed_off_cwl_crate_runs_on_toil_over_https(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path,
        trusted: tuple[Path, Path]) -> None:
    with toil_server(tmp_path / "toil-tls", tls=trusted) as server:
        assert server.url.startswith("https://")
        cwl_project(tre_project, mirror, **wes_policy(server))
        entry = run(tre_project, staging)
    assert entry.status == "completed", entry.reason
    (result,) = entry.results
    produced = next(server.work_dir.glob("run-*/outputs/counts.csv")).read_bytes()
    assert produced == COUNTS
    assert (result.path, result.size, result.media_type) == ("counts/counts.csv", len(COUNTS),
                                                             "text/csv")
    assert result.sha512 == sha512(produced)
    assert entry.engine is not None
    assert (entry.engine.name, entry.engine.version) == ("Toil", "9.6.0")
    assert entry.engine.run_id is not None
    assert entry.engine.run_id.startswith("run-")
    graph = crate_graph(tre_project)
    (create,) = [e for e in graph.values() if e["@type"] == "CreateAction"]
    assert graph[create["identifier"]["@id"]]["value"] == entry.engine.run_id
    assert (staging / ATTEMPT / "logs" / "engine-stderr.log").stat().st_size > 0


def test_a_failing_step_on_toil_is_recorded_failed_with_the_step(
        tre_project: Path, mirror: Path, staging: Path, toil: ToilServer) -> None:
    inputs = [INPUTS[0], {"name": "column", "value": "postcode"}]
    cwl_project(tre_project, mirror, inputs, **wes_policy(toil))
    entry = run(tre_project, staging)
    assert entry.status == "failed"
    assert "ended EXECUTOR_ERROR; failing step counts.cwl.tally.tally.cwl" in entry.reason
    assert "postcode" not in entry.reason  # the tool's own words stay in the logs
    assert "no column postcode" in (staging / ATTEMPT / "logs" / "engine-stderr.log").read_text()


def test_a_run_past_the_timeout_is_cancelled_on_toil(
        tre_project: Path, mirror: Path, staging: Path, toil: ToilServer, tmp_path: Path) -> None:
    folder = tmp_path / "slow-crate"
    shutil.copytree(bundled_workflow(CWL_COUNTS), folder)
    tally = folder / "tools" / "tally.cwl"
    tally.write_text(tally.read_text().replace(
        "baseCommand: awk", "baseCommand: [sh, -c, 'sleep 600; exec awk \"$@\"', tally]"))
    cwl_project(tre_project, mirror, folder=folder, **wes_policy(toil, timeout=5))
    entry = run(tre_project, staging)
    assert entry.status == "failed"
    assert "did not finish within 5 s: the engine's run run-" in entry.reason
    assert entry.reason.endswith("was cancelled (state CANCELED)")
