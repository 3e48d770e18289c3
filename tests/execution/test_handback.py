"""The hand-back: the TRE side runs with no token and hands back entries, a manifest and,
after approval, the public zip; the hosted side checks and records them. Nothing else leaves."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.support.execution import decide_disclosure, sign_off

from fivesafes.adapters.ledger.file import read_record
from fivesafes.cli.main import cli
from fivesafes.core import layout

SENT: list[Path] = []


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def hosted(tre_project: Path) -> Path:
    """The default branch's checkout in the hosted job: signed off, nothing executed."""
    sign_off(tre_project)
    return tre_project


def tre_copy(hosted: Path, tmp_path: Path, name: str) -> Path:
    """What the hosted gate job hands to the TRE job: the project files, as an artifact."""
    target = tmp_path / name
    shutil.copytree(hosted, target)
    return target


def executed_in_tre(hosted: Path, tmp_path: Path, staging: Path, data_dir: Path) -> Path:
    tre = tre_copy(hosted, tmp_path, "tre-inputs")
    folder = tmp_path / "handback"
    done = run("execute", tre, "--handback", folder, "--staging-dir", staging,
               "--data-dir", data_dir)
    assert done.exit_code == 0, done.output
    done = run("disclose", tre, "--handback", folder, "--staging-dir", staging)
    assert done.exit_code == 0, done.output
    return folder


def test_execution_hands_back_entries_and_manifest_only(hosted: Path, tmp_path: Path,
                                                        staging: Path, data_dir: Path) -> None:
    folder = executed_in_tre(hosted, tmp_path, staging, data_dir)
    assert sorted(p.name for p in folder.iterdir()) == ["handback.json"]
    text = (folder / "handback.json").read_text()
    staged = {p.name: p.read_text() for p in staging.rglob("*") if p.suffix in (".csv", ".txt")}
    assert staged
    for content in staged.values():  # no output data, not even one row of it
        for line in content.splitlines()[1:]:
            assert line not in text
    before = len(read_record(hosted).action)
    done = run("handback", folder, hosted)
    assert done.exit_code == 0, done.output
    record = read_record(hosted).action
    assert [(e.phase, e.status) for e in record[before:]] == [
        ("workflow-retrieval", "completed"), ("execution", "active"),
        ("execution", "completed")]
    manifest = (hosted / layout.OUTPUTS_MANIFEST).read_text()
    assert json.loads(text)["manifest"] == manifest
    # the hosted job re-run with the same hand-back records nothing twice
    again = run("handback", folder, hosted)
    assert again.exit_code == 0, again.output
    assert "already recorded" in again.output
    assert len(read_record(hosted).action) == len(record)


def _edit(folder: Path, change: dict[str, object]) -> None:
    path = folder / "handback.json"
    data = json.loads(path.read_text())
    data.update(change)
    path.write_text(json.dumps(data))


def test_a_failed_execution_is_recorded_then_fails_the_hosted_job(
        hosted: Path, tmp_path: Path, staging: Path) -> None:
    from tests.support.execution import python_command, set_executor

    set_executor(hosted, kind="local", command=python_command("raise SystemExit(4)"))
    sign_off(hosted)  # the policy is not a request file: the sign-off still holds
    tre = tre_copy(hosted, tmp_path, "tre")
    folder = tmp_path / "hb"
    done = run("execute", tre, "--handback", folder, "--staging-dir", staging)
    assert done.exit_code == 3, done.output
    done = run("handback", folder, hosted)
    assert done.exit_code == 3, done.output
    assert read_record(hosted).action[-1].status == "failed"
    assert not (hosted / layout.OUTPUTS_MANIFEST).exists()


@pytest.mark.parametrize(("tamper", "message"), [
    ({"request": "urn:uuid:00000000-0000-4000-8000-000000000000"}, "is for request"),
    ({"kind": "retention", "manifest": None}, "holds retention entries only"),
    ({"format": "something/1"}, "is not a fivesafes-handback/1 hand-back"),
])
def test_a_hand_back_of_another_request_or_kind_is_refused(
        hosted: Path, tmp_path: Path, staging: Path, data_dir: Path,
        tamper: dict[str, object], message: str) -> None:
    folder = executed_in_tre(hosted, tmp_path, staging, data_dir)
    _edit(folder, tamper)
    before = read_record(hosted)
    done = run("handback", folder, hosted)
    assert done.exit_code in (1, 2), done.output
    assert message in done.output
    assert read_record(hosted) == before


def test_an_execution_of_unapproved_files_is_refused(hosted: Path, tmp_path: Path,
                                                     staging: Path, data_dir: Path) -> None:
    folder = executed_in_tre(hosted, tmp_path, staging, data_dir)
    data = json.loads((folder / "handback.json").read_text())
    for entry in data["entries"]:
        if entry["phase"] == "execution":
            entry["evidence"]["digest"] = "sha512:" + "0" * 128
    (folder / "handback.json").write_text(json.dumps(data))
    done = run("handback", folder, hosted)
    assert done.exit_code == 1, done.output
    assert "not the signed-off ones" in done.output


def test_a_manifest_listing_what_did_not_run_is_refused(hosted: Path, tmp_path: Path,
                                                        staging: Path, data_dir: Path) -> None:
    folder = executed_in_tre(hosted, tmp_path, staging, data_dir)
    data = json.loads((folder / "handback.json").read_text())
    data["manifest"] += ('\n[[output]]\npath = "extra.csv"\nsize = 3\nsha512 = "'
                         + "a" * 128 + '"\nmedia-type = "text/csv"\n')
    (folder / "handback.json").write_text(json.dumps(data))
    done = run("handback", folder, hosted)
    assert done.exit_code == 1, done.output
    assert "extra.csv" in done.output


@pytest.mark.parametrize("extra", ["counts_by_region.csv", "link", "folder"])
def test_anything_else_in_the_hand_back_is_refused(hosted: Path, tmp_path: Path,
                                                   staging: Path, data_dir: Path,
                                                   extra: str) -> None:
    folder = executed_in_tre(hosted, tmp_path, staging, data_dir)
    if extra == "link":
        (folder / extra).symlink_to(next(staging.rglob("*.csv")))
    elif extra == "folder":
        (folder / extra).mkdir()
    else:
        shutil.copyfile(next(staging.rglob(extra)), folder / extra)
    done = run("handback", folder, hosted)
    assert done.exit_code == 2, done.output
    assert extra in done.output


def test_handback_refuses_to_record_and_hand_back_at_once(hosted: Path, tmp_path: Path) -> None:
    done = run("execute", hosted, "--handback", tmp_path / "hb", "--push")
    assert done.exit_code == 2
    assert "--handback" in done.output


def approved(hosted: Path, tmp_path: Path, staging: Path, data_dir: Path,
             targets: str = '["directory", "github-release"]') -> Path:
    """Executed in the TRE, recorded, and approved by the checkers (in the hosted record)."""
    policy = hosted / layout.POLICY
    policy.write_text(policy.read_text().replace('targets = ["directory"]',
                                                 f"targets = {targets}"))
    sign_off(hosted)
    folder = executed_in_tre(hosted, tmp_path, staging, data_dir)
    assert run("handback", folder, hosted).exit_code == 0
    decide_disclosure(hosted)
    return hosted


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    from tests.support.execution import fake_github_release

    return fake_github_release(monkeypatch, tmp_path / "github")


def published_in_tre(hosted: Path, tmp_path: Path, staging: Path) -> Path:
    tre = tre_copy(hosted, tmp_path, "tre-publication")
    folder = tmp_path / "handback-publication"
    done = run("publish", tre, "--handback", folder, "--staging-dir", staging,
               "--to", tmp_path / "tre-release")
    assert done.exit_code == 0, done.output
    return folder


def test_publication_hands_back_the_public_zip_and_the_hosted_job_releases_it(
        hosted: Path, tmp_path: Path, staging: Path, data_dir: Path,
        github: list[Path]) -> None:
    approved(hosted, tmp_path, staging, data_dir)
    folder = published_in_tre(hosted, tmp_path, staging)
    (zip_path,) = folder.glob("*.zip")
    assert sorted(p.name for p in folder.iterdir()) == [zip_path.name, "handback.json"]
    with zipfile.ZipFile(zip_path) as archive:  # the policy keeps the data in the TRE
        assert not [n for n in archive.namelist() if "/data/outputs/" in n]
    assert not github  # the TRE job put nothing on GitHub
    done = run("handback", folder, hosted)
    assert done.exit_code == 0, done.output
    assert [p.read_bytes() for p in github] == [zip_path.read_bytes()]
    last = read_record(hosted).action[-1]
    assert (last.phase, last.status) == ("publication", "completed")
    again = run("handback", folder, hosted)
    assert again.exit_code == 0, again.output
    assert len(github) == 1


def test_a_changed_zip_is_refused(hosted: Path, tmp_path: Path, staging: Path,
                                  data_dir: Path, github: list[Path]) -> None:
    approved(hosted, tmp_path, staging, data_dir)
    folder = published_in_tre(hosted, tmp_path, staging)
    (zip_path,) = folder.glob("*.zip")
    zip_path.write_bytes(zip_path.read_bytes() + b"\0")
    done = run("handback", folder, hosted)
    assert done.exit_code == 1, done.output
    assert "sha-512" in done.output
    assert not github
    assert read_record(hosted).action[-1].phase == "disclosure"


def test_a_zip_with_data_the_policy_keeps_in_the_tre_is_refused(
        hosted: Path, tmp_path: Path, staging: Path, data_dir: Path,
        github: list[Path]) -> None:
    approved(hosted, tmp_path, staging, data_dir)
    tre = tre_copy(hosted, tmp_path, "tre-publication")
    policy = tre / layout.POLICY  # a TRE side that would release the data
    policy.write_text(policy.read_text().replace("[publication]",
                                                 "[publication]\nreleasable-results = true", 1))
    folder = tmp_path / "hb"
    done = run("publish", tre, "--handback", folder, "--staging-dir", staging,
               "--to", tmp_path / "tre-release")
    assert done.exit_code == 0, done.output
    done = run("handback", folder, hosted)
    assert done.exit_code == 1, done.output
    assert "carries output data" in done.output
    assert not github


def test_a_tre_folder_only_publication_hands_back_no_zip(
        hosted: Path, tmp_path: Path, staging: Path, data_dir: Path) -> None:
    approved(hosted, tmp_path, staging, data_dir, targets='["directory"]')
    folder = published_in_tre(hosted, tmp_path, staging)
    assert sorted(p.name for p in folder.iterdir()) == ["handback.json"]
    assert list((tmp_path / "tre-release").glob("*.zip"))
    done = run("handback", folder, hosted)
    assert done.exit_code == 0, done.output
    assert read_record(hosted).action[-1].phase == "publication"
