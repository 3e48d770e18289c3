"""execute, disclose and publish as the automation runs them: recorded on origin, by CAS."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

from click.testing import CliRunner
from tests.support.execution import decide_disclosure, sign_off

from fivesafes.adapters.ledger.file import parse_record
from fivesafes.cli.main import cli


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def remote_record(remote: Path, ref: str = "main") -> list[tuple[str, str]]:
    data = subprocess.run(["git", "show", f"{ref}:resources/governance/actions.toml"],
                          cwd=remote, check=True, capture_output=True).stdout
    return [(e.phase, e.status) for e in parse_record(data).action]


def test_the_automation_records_each_phase_on_origin(tre_project: Path, staging: Path,
                                                     data_dir: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(tre_project, "init", "-q", "-b", "main")
    sign_off(tre_project)
    git(tre_project, "add", "-A")
    git(tre_project, "commit", "-qm", "signed off")
    git(tre_project, "remote", "add", "origin", str(remote))
    git(tre_project, "push", "-q", "origin", "main")
    runner = CliRunner()

    done = runner.invoke(cli, ["execute", str(tre_project), "--staging-dir", str(staging),
                               "--data-dir", str(data_dir), "--push"])
    assert done.exit_code == 0, done.output
    assert remote_record(remote)[-2:] == [("execution", "active"), ("execution", "completed")]

    done = runner.invoke(cli, ["disclose", str(tre_project), "--staging-dir", str(staging),
                               "--push"])
    assert done.exit_code == 0, done.output
    branch = "fivesafes/disclosure/attempt-1"
    base = git(remote, "merge-base", "main", branch).strip()
    assert git(remote, "diff", "--name-only", base, branch).split() == ["outputs/manifest.toml"]

    checker = tmp_path / "checker"
    git(tmp_path, "clone", "-q", str(remote), str(checker))
    git(checker, "merge", "-q", "--no-ff", "-m", "merge disclosure", f"origin/{branch}")
    decide_disclosure(checker)
    git(checker, "commit", "-qam", "disclosure recorded")
    git(checker, "push", "-q", "origin", "main")

    job = tmp_path / "publication-job"
    git(tmp_path, "clone", "-q", str(remote), str(job))
    done = runner.invoke(cli, ["publish", str(job), "--staging-dir", str(staging), "--to",
                               str(tmp_path / "release"), "--push"])
    assert done.exit_code == 0, done.output
    assert remote_record(remote)[-1] == ("publication", "completed")
    crate = git(remote, "show", "main:crate/ro-crate-metadata.json")
    assert "Released as" in crate
    assert list((tmp_path / "release").glob("*.zip"))
    manifest = tomllib.loads(git(remote, "show", "main:outputs/manifest.toml"))
    assert [o["path"] for o in manifest["output"]] == ["counts_by_region.csv", "notes.txt",
                                                       "summary.json"]
