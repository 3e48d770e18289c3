"""The GitHub side of disclosure and publication, against the local GitHub API server."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from tests.github_server import GitHubServer
from tests.github_server.plugin import github_server  # noqa: F401

from fivesafes.adapters.github.writes import open_disclosure_pull
from fivesafes.adapters.release.targets import TargetError, to_github_release


@pytest.fixture
def repo_env(github_server: GitHubServer, monkeypatch: pytest.MonkeyPatch  # noqa: F811
             ) -> GitHubServer:
    github_server.world.repo("example-tre/cohort-study", files={"README.md": "# study\n"})
    for key, value in {**github_server.env(),
                       "GITHUB_REPOSITORY": "example-tre/cohort-study"}.items():
        monkeypatch.setenv(key, value)
    return github_server


def test_release_is_drafted_then_published_with_zip_and_checksum(repo_env: GitHubServer,
                                                                 tmp_path: Path) -> None:
    zip_path = tmp_path / "request-v1.zip"
    zip_path.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    sha = hashlib.sha512(zip_path.read_bytes()).hexdigest()
    url = to_github_release(zip_path, sha, tag="abc/v1", title="Study v1", body="release",
                            target="main")
    [release] = repo_env.world.repos["example-tre/cohort-study"].releases
    assert (release.tag, release.draft) == ("abc/v1", False)
    assets = {a.name: a.data for a in release.assets}
    assert assets == {"request-v1.zip": zip_path.read_bytes(),
                      "request-v1.zip.sha512": f"{sha}  request-v1.zip\n".encode()}
    assert "abc/v1" in url


def test_release_without_a_repository_is_refused(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    with pytest.raises(TargetError, match="GITHUB_REPOSITORY"):
        to_github_release(tmp_path / "x.zip", "0" * 128, tag="t", title="t", body="",
                          target="main")


def test_disclosure_pull_request_is_opened_and_labelled(repo_env: GitHubServer) -> None:
    world = repo_env.world
    repo = world.repos["example-tre/cohort-study"]
    world.commit(repo, {"outputs/manifest.toml": 'request = "x"\n'},
                 branch="fivesafes/disclosure/attempt-1", parents=[repo.branches["main"]])
    opened = open_disclosure_pull("fivesafes/disclosure/attempt-1", "main", 1)
    [pull] = repo.pulls.values()
    assert pull.head_ref == "fivesafes/disclosure/attempt-1"
    assert "5s:disclosure" in pull.labels
    assert opened
