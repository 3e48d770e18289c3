"""Disclosure and publication: nothing leaves unless approved, and exactly what was approved."""

from __future__ import annotations

import json
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.execution import decide_disclosure, publish_options, sign_off

from fivesafes.adapters.ledger.file import read_record
from fivesafes.adapters.release.verify import Limits, verify_release
from fivesafes.cli.main import cli
from fivesafes.core import layout
from fivesafes.core.ledger.chain import verify_chain
from fivesafes.services.attempt import GateClosed, RunOptions
from fivesafes.services.disclose import prepare
from fivesafes.services.execute import execute
from fivesafes.services.publish import publish


@pytest.fixture
def executed(tre_project: Path, staging: Path, data_dir: Path) -> Path:
    sign_off(tre_project)
    entry = execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir, env={}))
    assert entry.status == "completed", entry.reason
    return tre_project


def test_manifest_lists_outputs_and_the_small_cell(executed: Path, staging: Path) -> None:
    result = prepare(executed, RunOptions(staging_root=staging))
    manifest = tomllib.loads((executed / layout.OUTPUTS_MANIFEST).read_text())
    assert [o["path"] for o in manifest["output"]] == ["counts_by_region.csv", "notes.txt",
                                                       "summary.json"]
    assert manifest["execution"] == read_record(executed).action[-1].id
    assert [(f.rule, f.file, f.line) for f in result.report.findings] == [
        ("disclosure.min-cell-count", "counts_by_region.csv", 3),
        ("disclosure.identifier.email", "notes.txt", 2)]
    assert "Isles" not in (executed / layout.OUTPUTS_MANIFEST).read_text()


def test_disclose_refuses_outputs_changed_since_the_run(executed: Path, staging: Path) -> None:
    csv = next(staging.rglob("counts_by_region.csv"))
    csv.write_text(csv.read_text() + "Extra,F,1\n")
    with pytest.raises(GateClosed, match=r"counts_by_region\.csv"):
        prepare(executed, RunOptions(staging_root=staging))


def test_publish_refuses_without_an_approved_disclosure(executed: Path, staging: Path,
                                                       tmp_path: Path) -> None:
    prepare(executed, RunOptions(staging_root=staging))
    result = CliRunner().invoke(cli, ["publish", str(executed), "--staging-dir", str(staging),
                                      "--to", str(tmp_path / "release")])
    assert result.exit_code == 1
    assert "nothing leaves the TRE" in result.output
    assert not (tmp_path / "release").exists()


def test_publish_refuses_when_a_staged_output_changed_after_approval(
        executed: Path, staging: Path, tmp_path: Path) -> None:
    prepare(executed, RunOptions(staging_root=staging))
    decide_disclosure(executed)
    csv = next(staging.rglob("counts_by_region.csv"))
    csv.write_text(csv.read_text().replace(",6\n", ",60\n"))
    before = read_record(executed)
    with pytest.raises(GateClosed, match=r"differ from the approved manifest.*counts_by_region"):
        publish(executed, publish_options(staging, tmp_path / "release"))
    assert read_record(executed) == before
    assert not (tmp_path / "release").exists()


def test_publish_refuses_a_manifest_edited_after_approval(executed: Path, staging: Path,
                                                          tmp_path: Path) -> None:
    prepare(executed, RunOptions(staging_root=staging))
    decide_disclosure(executed)
    path = executed / layout.OUTPUTS_MANIFEST
    path.write_text(path.read_text() + "# edited\n")
    with pytest.raises(GateClosed, match="differs from the manifest the checkers approved"):
        publish(executed, publish_options(staging, tmp_path / "release"))


def test_a_rejected_disclosure_ships_no_results(executed: Path, staging: Path,
                                                tmp_path: Path) -> None:
    prepare(executed, RunOptions(staging_root=staging))
    decide_disclosure(executed, "failed")
    with pytest.raises(GateClosed, match="the results are withheld"):
        publish(executed, publish_options(staging, tmp_path / "release"))
    assert not (tmp_path / "release").exists()
    result = CliRunner().invoke(cli, ["crate", "build", str(executed)])
    assert result.exit_code == 0, result.output
    crate = json.loads((executed / layout.CRATE_METADATA).read_text())
    create = next(e for e in crate["@graph"] if e.get("@type") == "CreateAction")
    assert "result" not in create
    assert not [e for e in crate["@graph"] if str(e.get("@id", "")).startswith("#outputs/")]


def test_publish_writes_a_verified_release_and_records_it(executed: Path, staging: Path,
                                                          tmp_path: Path) -> None:
    prepare(executed, RunOptions(staging_root=staging))
    decide_disclosure(executed)
    result = publish(executed, publish_options(staging, tmp_path / "release"))
    [location] = result.locations
    zip_path = Path(location)
    assert zip_path.parent == tmp_path / "release"
    checksum = zip_path.with_name(zip_path.name + ".sha512").read_text()
    assert checksum == f"{result.sha512}  {zip_path.name}\n"
    assert verify_release(zip_path, Limits(), progress=False).ok
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
    assert any(n.endswith("data/outputs/counts_by_region.csv") for n in names)
    record = read_record(executed)
    last = record.action[-1]
    assert (last.phase, last.status) == ("publication", "completed")
    assert last.release is not None
    assert (last.release.sha512, last.release.includes_data) == (result.sha512, True)
    assert verify_chain(record.action) == []
    with pytest.raises(GateClosed, match="already published"):
        publish(executed, publish_options(staging, tmp_path / "release"))


def test_unreleasable_results_leave_the_data_out_of_the_public_zip(
        executed: Path, staging: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.execution import fake_github_release

    policy = executed / layout.POLICY
    policy.write_text(policy.read_text().replace('targets = ["directory"]',
                                                 'targets = ["directory", "github-release"]'))
    sent = fake_github_release(monkeypatch, tmp_path / "github")
    prepare(executed, RunOptions(staging_root=staging))
    decide_disclosure(executed)
    result = publish(executed, publish_options(staging, tmp_path / "release"))
    assert result.includes_data is False
    with zipfile.ZipFile(sent[0]) as archive:
        assert not [n for n in archive.namelist() if "/data/outputs/" in n]
    with zipfile.ZipFile(result.locations[0]) as archive:
        assert [n for n in archive.namelist() if "/data/outputs/" in n]
    assert verify_release(sent[0], Limits(), progress=False).ok


def test_disclosure_branch_is_committed_by_the_automation_not_the_runner(
        executed: Path, staging: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from fivesafes.adapters.git import local as git_local
    from fivesafes.services import disclose as disclosure

    git_local.init(executed)
    git_local.commit_all(executed, "the project as executed")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Runner Person")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Runner Person")
    result = disclosure.prepare(executed, RunOptions(staging_root=staging))
    branch = disclosure.commit_on_branch(executed, result, push=False)
    who = subprocess.run(["git", "log", "-1", "--format=%an <%ae>|%cn", branch], cwd=executed,
                         capture_output=True, text=True, check=True).stdout.strip()
    assert who == "fivesafes[bot] <fivesafes[bot]@users.noreply.github.com>|fivesafes[bot]"
