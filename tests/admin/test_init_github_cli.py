"""``fivesafes init DIR --github ORG/NAME`` through the real command: create, then repair."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.github_server import GitHubServer

from fivesafes.cli.main import cli

REPO = "example-tre/cohort-study"


@pytest.fixture
def git_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file:// "server" whose ORG/NAME.git is a bare repository, for the git push."""
    root = tmp_path / "git-server"
    bare = root / f"{REPO}.git"
    bare.parent.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    monkeypatch.setenv("GITHUB_SERVER_URL", root.as_uri())
    return bare


def test_init_with_github_creates_then_repairs(org: GitHubServer, git_side: Path,
                                              tmp_path: Path) -> None:
    project = tmp_path / "cohort-study"
    first = CliRunner().invoke(cli, ["init", str(project), "--github", REPO])
    assert first.exit_code == 0, first.output
    assert "Created project" in first.output
    assert "github: " in first.output
    pushed = subprocess.run(["git", "--git-dir", str(git_side), "log", "--oneline", "main"],
                            capture_output=True, text=True, check=True).stdout
    assert pushed.strip(), "the template was not pushed"

    again = CliRunner().invoke(cli, ["init", str(project), "--github", REPO,
                                     "--environment", "tre-key"])
    assert again.exit_code == 0, again.output
    assert "Created project" not in again.output
    assert "environment 'tre-key' created" in again.output
    assert "of the environment 'tre-key'" in again.output  # where the maintainer pastes the key


def test_init_refuses_non_empty_directory_without_github(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "file.txt").write_text("x")
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "taken")])
    assert result.exit_code == 2


def test_init_json_names_the_project(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from fivesafes.cli.main import cli

    done = CliRunner().invoke(cli, ["init", str(tmp_path / "p"), "--no-git", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert str(report["project"]).startswith("urn:uuid:")
    assert report["github"] is None
    assert report["example-values"]
