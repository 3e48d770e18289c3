"""The test server mirrors a real bare repository: what is pushed is what the API reports."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from tests.github_server import GitHubServer
from tests.support.gitfixtures import bare_remote, git

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import Need


def test_pushed_branch_becomes_a_pull_request(github_server: GitHubServer, api: GitHubApi,
                                              tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    repo = github_server.world.repo("acme/mirrored", git_dir=remote)
    assert repo.branches == {"main": git(remote, "rev-parse", "main").strip()}

    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(remote), str(work))
    git(work, "switch", "-q", "-c", "fivesafes/disclosure/1")
    (work / "outputs").mkdir()
    (work / "outputs" / "manifest.toml").write_text('[[output]]\npath = "a.csv"\n')
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "Outputs for disclosure")
    git(work, "push", "-q", "origin", "fivesafes/disclosure/1")
    head = git(work, "rev-parse", "HEAD").strip()

    need = Need("opening a pull request", "pull-requests: write", "acme/mirrored")
    made = api.request("POST", "/repos/acme/mirrored/pulls", need, {
        "title": "Disclosure", "head": "fivesafes/disclosure/1", "base": "main"})
    assert made["head"]["sha"] == head
    pr = api.pull("acme/mirrored", made["number"], "main")
    assert pr.head_sha == head
    files = api.files_at("acme/mirrored", head, lambda p: p.startswith("outputs/"))
    assert files == {"outputs/manifest.toml": b'[[output]]\npath = "a.csv"\n'}
    assert [c.author for c in api.pull_commits("acme/mirrored", made["number"])] == [None]
    listed = api.request("GET", "/repos/acme/mirrored/pulls", need,
                         params={"head": "acme:fivesafes/disclosure/1"})
    assert [p["number"] for p in listed] == [made["number"]]


def test_server_can_be_used_without_pytest(tmp_path: Path) -> None:
    with GitHubServer() as server:
        server.world.repo("acme/p")
        request = urllib.request.Request(f"{server.url}/repos/acme/p",
                                         headers={"Authorization": f"token {server.token}"})
        with urllib.request.urlopen(request) as answer:
            assert json.load(answer)["full_name"] == "acme/p"
        server.assert_clean()
