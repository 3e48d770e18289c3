"""The cwl executor: the shipped CWL Workflow RO-Crate run by the real cwltool on the runner."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.support.cwl import COUNTS, INPUTS, crate_graph, cwl_project, run, sha512
from tests.support.execution import KIT, decide_disclosure

from fivesafes.adapters.executors.bundle import CWL_COUNTS, bundled_workflow
from fivesafes.adapters.release.verify import Limits, verify_release
from fivesafes.services.attempt import RunOptions
from fivesafes.services.disclose import prepare
from fivesafes.services.publish import PublishOptions, publish
from fivesafes.services.software import software

pytestmark = pytest.mark.skipif(importlib.util.find_spec("cwltool") is None,
                                reason="cwltool is not installed (pip install -e '.[cwl]')")
ATTEMPT = "0e1f0000-0000-4000-8000-000000000001/attempt-1"


def test_a_signed_off_cwl_crate_runs_with_cwltool(
        tre_project: Path, mirror: Path, staging: Path) -> None:
    cwl_project(tre_project, mirror, kind="cwl")
    entry = run(tre_project, staging)
    assert entry.status == "completed", entry.reason
    (result,) = entry.results
    produced = next((staging / ATTEMPT / "work" / "cwl-outputs").rglob("counts.csv"))
    assert produced.read_bytes() == COUNTS
    assert (result.path, result.sha512, result.media_type) == (
        "counts/counts.csv", sha512(COUNTS), "text/csv")
    assert entry.engine is not None
    assert entry.engine.name == "cwltool"
    assert entry.engine.version == importlib.metadata.version("cwltool")
    assert (entry.engine.run_id, entry.engine.language_version) == (None, "v1.2")
    graph = crate_graph(tre_project)
    (organize,) = [e for e in graph.values() if e["@type"] == "OrganizeAction"]
    assert graph[organize["instrument"]["@id"]]["name"] == "cwltool"
    (create,) = [e for e in graph.values() if e["@type"] == "CreateAction"]
    assert "identifier" not in create
    log = (staging / ATTEMPT / "logs" / "stderr.log").read_text()
    assert "Final process status is success" in log


def test_the_crate_of_a_cwl_run_passes_the_shared_validator(
        tre_project: Path, mirror: Path, staging: Path, shared_validator: Path) -> None:
    cwl_project(tre_project, mirror, kind="cwl")
    assert run(tre_project, staging).status == "completed"
    crate_graph(tre_project)
    done = subprocess.run([str(shared_validator), str(tre_project / "crate"), "required"],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "FIVESAFES_VALIDATOR": KIT})
    if done.returncode == 2:
        pytest.skip(f"the shared validator could not run: {done.stderr.strip()[-200:]}")
    report = json.loads(done.stdout)
    assert report["passed"], report.get("issues")


def test_a_cwl_run_goes_through_disclosure_into_a_verified_release(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    cwl_project(tre_project, mirror, kind="cwl")
    assert run(tre_project, staging).status == "completed"
    prepare(tre_project, RunOptions(staging_root=staging))
    decide_disclosure(tre_project)
    published = publish(tre_project, PublishOptions(
        software=software(), run=RunOptions(staging_root=staging, env={}),
        directory=tmp_path / "release", env={}))
    report = verify_release(Path(published.locations[0]), Limits(), progress=False)
    assert report.ok, report
    words = ("OrganizeAction", "SoftwareApplication", "programmingLanguage", "identifier")
    assert not [f for f in report.findings if any(w in f.message for w in words)]


def test_a_failing_step_is_recorded_failed_with_the_steps_name(
        tre_project: Path, mirror: Path, staging: Path) -> None:
    cwl_project(tre_project, mirror, [INPUTS[0], {"name": "column", "value": "postcode"}],
                kind="cwl")
    entry = run(tre_project, staging)
    assert entry.status == "failed"
    assert "cwltool exited with status 1; failing step tally" in entry.reason
    assert "postcode" not in entry.reason
    assert entry.engine is not None


def test_cwltool_is_stopped_when_the_policy_timeout_passes(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path) -> None:
    folder = tmp_path / "slow-crate"
    shutil.copytree(bundled_workflow(CWL_COUNTS), folder)
    tally = folder / "tools" / "tally.cwl"
    tally.write_text(tally.read_text().replace(
        "baseCommand: awk", "baseCommand: [sh, -c, 'sleep 600; exec awk \"$@\"', tally]"))
    cwl_project(tre_project, mirror, folder=folder, kind="cwl", timeout=3)
    entry = run(tre_project, staging)
    assert entry.status == "failed"
    assert "did not finish within 3 s: cwltool was stopped" in entry.reason


def test_the_workflow_sees_no_secret_of_the_job(
        tre_project: Path, mirror: Path, staging: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret_of_the_job")
    folder = tmp_path / "env-crate"
    shutil.copytree(bundled_workflow(CWL_COUNTS), folder)
    order = folder / "tools" / "order.cwl"
    order.write_text(order.read_text().replace(
        "'printf \"%s,count\\n\" \"$0\" && LC_ALL=C sort \"$1\"'",
        "'env; printf \"%s,count\\n\" \"$0\"'"))
    cwl_project(tre_project, mirror, folder=folder, kind="cwl")
    entry = run(tre_project, staging)
    assert entry.status == "completed", entry.reason
    written = (staging / ATTEMPT / "outputs" / "counts" / "counts.csv").read_text()
    assert "HOME=" in written
    assert "ghs_secret_of_the_job" not in written
