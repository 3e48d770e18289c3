"""Real ACRO output (the ``acro`` package, run by the tests on synthetic data) through
``disclose`` and ``publish``: ACRO's own files are never proposed, its findings point at the
CSV that fails, its exception requests and checksums are read."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from tests.support.execution import decide_disclosure, set_executor, sign_off

from fivesafes.models.manifest import OutputsManifest
from fivesafes.services.attempt import RunOptions
from fivesafes.services.disclose import Disclosed, prepare
from fivesafes.services.execute import execute
from fivesafes.services.publish import PublishOptions, publish
from fivesafes.services.software import software

SCRIPT = Path(__file__).parent / "acro_scripts" / "acro_session.py"
NEVER = ("acro/results.json", "acro/config.json", "acro/session_summary.json",
         "acro/session_summary.csv")


def run_acro(tre_project: Path, staging: Path, mode: str) -> Disclosed:
    # the TRE's own script, outside the request: shown to the sandbox by the policy
    set_executor(tre_project, command=[sys.executable, str(SCRIPT), "{outputs}", mode],
                 timeout=600, **{"sandbox-read-only": [str(SCRIPT.parent)]})
    sign_off(tre_project)
    entry = execute(tre_project, RunOptions(staging_root=staging, env={}))
    assert entry.status == "completed", entry.reason
    return prepare(tre_project, RunOptions(staging_root=staging))


def test_acro_bookkeeping_and_do_not_release_files_are_never_proposed(
        tre_project: Path, staging: Path) -> None:
    result = run_acro(tre_project, staging, "session")
    proposed = [o.path for o in result.manifest.output]
    excluded = {x.path: x.reason for x in result.manifest.excluded}
    assert proposed == ["acro/output_0_0.csv", "acro/output_1_0.csv", "acro/output_2_0.csv",
                        "acro/output_3_0.csv", "acro/output_3_1.csv", "acro/output_3_2.csv"]
    for path in NEVER:
        assert path in excluded, path
    assert "DO NOT RELEASE" in excluded["acro/session_summary.json"]
    assert all(p.startswith("acro/checksums/") for p in excluded if p not in NEVER)
    assert len([p for p in excluded if p.startswith("acro/checksums/")]) == 9
    errors = [f for f in result.manifest.finding if f.severity == "error"]
    assert errors
    assert all(f.path.endswith(".csv") for f in result.manifest.finding)
    assert not [f for f in result.manifest.finding if "results.json" in f.path]
    assert not [f for f in result.manifest.finding if f.rule == "disclosure.acro.checksum"]


def test_acro_failed_cells_become_findings_on_the_failing_csv(
        tre_project: Path, staging: Path) -> None:
    manifest = run_acro(tre_project, staging, "session").manifest
    acro = {(f.rule, f.path, f.cell) for f in manifest.finding if f.source == "acro"}
    assert ("disclosure.acro.min-cell-count", "acro/output_0_0.csv",
            "line 2, column 'F'") in acro
    assert ("disclosure.acro.min-cell-count", "acro/output_0_0.csv",
            "line 2, column 'M'") in acro
    assert ("disclosure.acro.nk-rule", "acro/output_1_0.csv", "line 4, column 'M'") in acro
    assert ("disclosure.acro.p-ratio", "acro/output_1_0.csv", "line 4, column 'M'") in acro
    # ACRO's microdata checks answer dominance: the mean table is not left "needs review"
    assert not [f for f in manifest.finding
                if f.path == "acro/output_1_0.csv" and f.rule == "disclosure.unclassified"]
    # the built-in checks agree on the small cells ACRO saw
    ours = {f.id for f in manifest.finding if f.source == "fivesafes"}
    assert "min-cell-count@acro/output_0_0.csv:2:F" in ours
    [asked] = manifest.exception
    assert (asked.path, asked.source, asked.finding) == ("acro/output_0_0.csv", "acro", "*")
    assert "published small region" in asked.reason


def test_publish_never_ships_what_acro_marks_not_for_release(
        tre_project: Path, staging: Path, tmp_path: Path) -> None:
    run_acro(tre_project, staging, "session")
    decide_disclosure(tre_project)
    result = publish(tre_project, PublishOptions(
        software=software(), run=RunOptions(staging_root=staging, env={}),
        directory=tmp_path / "release", env={}))
    zip_path = next((tmp_path / "release").glob("*.zip"))
    with zipfile.ZipFile(zip_path) as archive:
        shipped = {n.split("/data/", 1)[1] for n in archive.namelist() if "/data/outputs/" in n}
    assert result.includes_data
    assert shipped == {f"outputs/acro/output_{i}.csv"
                       for i in ("0_0", "1_0", "2_0", "3_0", "3_1", "3_2")}


def test_federated_evidence_and_interim_tables_are_never_proposed(
        tre_project: Path, staging: Path) -> None:
    result = run_acro(tre_project, staging, "federated")
    excluded = {x.path for x in result.manifest.excluded}
    assert result.manifest.output == []
    assert "acro/evidence.json" in excluded
    assert "acro/config.json" in excluded
    interim = {p for p in excluded if p.endswith(".csv")}
    assert {"acro/output_0_count_table.csv", "acro/output_1_top_2_sum.csv",
            "acro/output_2_count_table.csv"} <= interim
    reasons = {x.reason for x in result.manifest.excluded if x.path in interim}
    assert all("trusted aggregator" in r for r in reasons)


def test_a_file_changed_after_acro_checked_it_fails_its_checksum(
        tre_project: Path, staging: Path) -> None:
    manifest: OutputsManifest = run_acro(tre_project, staging, "tampered").manifest
    [bad] = [f for f in manifest.finding if f.rule == "disclosure.acro.checksum"]
    assert (bad.path, bad.severity) == ("acro/output_2_0.csv", "error")
