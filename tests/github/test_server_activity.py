"""The test server's repository activity list: pushes at the server's time, cursor pages."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

from tests.github_server import GitHubServer
from tests.support.gitfixtures import bare_remote, git
from tests.support.staging import Staged

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import Need

NEED = Need("listing activity", "metadata: read", "acme/project")


def test_world_verbs_record_what_github_lists(api: GitHubApi, staged: Staged) -> None:
    world, repo, pull = staged.world, staged.repo, staged.pull
    first = pull.head_sha
    second = world.push(repo, pull, {"resources/x.toml": "x = 2\n"}, date="2025-01-01T00:00:00Z")
    world.force_push(repo, pull, first)
    world.merge(repo, pull, by="alice")
    listed = api.paginate("/repos/acme/project/activity", NEED, {"ref": "request"})
    assert [(a["activity_type"], a["before"][:7], a["after"]) for a in listed] == [
        ("force_push", second[:7], first), ("push", first[:7], second),
        ("branch_creation", "0000000", first)]
    assert listed[0]["actor"]["login"] == "researcher"
    assert listed[0]["timestamp"] > listed[1]["timestamp"] > listed[2]["timestamp"]
    # the backdated commit says 2025; GitHub's push time does not
    assert repo.commits[second].date == "2025-01-01T00:00:00Z"
    assert listed[1]["timestamp"] > "2026-01-01T00:00:00Z"
    merged = api.paginate("/repos/acme/project/activity", NEED,
                          {"ref": "refs/heads/main", "activity_type": "pr_merge"})
    assert [a["after"] for a in merged] == [pull.merge_commit_sha]
    oldest = api.paginate("/repos/acme/project/activity", NEED,
                          {"ref": "request", "direction": "asc"})
    assert [a["id"] for a in oldest] == [a["id"] for a in reversed(listed)]


def test_cursor_pages_follow_and_go_back(github_server: GitHubServer, api: GitHubApi,
                                        staged: Staged) -> None:
    world, repo, pull = staged.world, staged.repo, staged.pull
    for n in range(7):
        world.push(repo, pull, {"resources/x.toml": f"x = {n}\n"})
    listed = [a["id"] for a in api.paginate("/repos/acme/project/activity", NEED,
                                             {"ref": "request"})]
    assert len(listed) == 8

    def get(url: str) -> tuple[list[int], dict[str, str]]:
        request = urllib.request.Request(url, headers={
            "Authorization": f"token {github_server.token}"})
        with urllib.request.urlopen(request) as answer:
            links = {rel: target for target, rel in re.findall(
                r'<([^>]+)>; rel="(\w+)"', answer.headers.get("Link") or "")}
            return [a["id"] for a in json.load(answer)], links

    seen, links = get(f"{github_server.url}/repos/acme/project/activity?ref=request&per_page=3")
    assert "prev" not in links
    pages = [seen]
    while "next" in links:
        assert "&page=" not in links["next"]  # cursors, never page numbers
        assert "after=" in links["next"]
        seen, links = get(links["next"])
        pages.append(seen)
    assert [i for page in pages for i in page] == listed
    assert [len(page) for page in pages] == [3, 3, 2]
    back, _ = get(links["prev"])
    assert back == pages[1]
    assert github_server.violations == []


def test_mirrored_pushes_are_recorded_when_the_server_sees_them(
        github_server: GitHubServer, api: GitHubApi, tmp_path: Path) -> None:
    remote = bare_remote(tmp_path)
    repo = github_server.world.repo("acme/mirrored", git_dir=remote)
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(remote), str(work))
    git(work, "switch", "-q", "-c", "request")
    (work / "a.txt").write_text("a\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "A")
    git(work, "push", "-q", "origin", "request")
    first = git(work, "rev-parse", "HEAD").strip()
    pull = github_server.world.pull_from_branch(repo, "request", author="researcher")
    git(work, "commit", "-q", "--amend", "-m", "A, amended")
    git(work, "push", "-q", "--force", "origin", "request")
    amended = git(work, "rev-parse", "HEAD").strip()
    label = github_server.world.label(repo, pull, "5s:hold", actor="alice")  # after the push
    need = Need("listing activity", "metadata: read", "acme/mirrored")
    listed = api.paginate("/repos/acme/mirrored/activity", need, {"ref": "request"})
    assert [(a["activity_type"], a["after"]) for a in listed] == [
        ("force_push", amended), ("branch_creation", first)]
    assert listed[0]["timestamp"] < label.created_at
    git(work, "push", "-q", "origin", "--delete", "request")
    listed = api.paginate("/repos/acme/mirrored/activity", need, {"ref": "request"})
    assert listed[0]["activity_type"] == "branch_deletion"
