"""Applying a plan on GitHub: exactly the requests made, and nothing twice when replayed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from tests.github_server import BOT, GitHubServer
from tests.support.staging import Staged

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.apply import GitHubApplier
from fivesafes.core.engine.plan import (
    STICKY_MARKER,
    AddLabel,
    Annotation,
    Comment,
    Commit,
    Dispatch,
    Plan,
    Record,
    RemoveLabel,
    Status,
    Summary,
)
from fivesafes.core.facts.values import Facts

R = "/repos/acme/project"


class FakeCommitter:
    def __init__(self) -> None:
        self.calls: list[tuple[Commit, list[Mapping[str, Any]]]] = []
        self.recorded: set[str] = set()

    def __call__(self, effect: Commit, entries: Sequence[Mapping[str, Any]]) -> bool:
        self.calls.append((effect, list(entries)))
        if effect.delivery in self.recorded:
            return False
        self.recorded.add(effect.delivery)
        return True


# A sign-off entry as the engine plans it (a Record effect holds only valid entry drafts).
ENTRY: dict[str, Any] = {
    "id": "urn:uuid:5afe0000-0000-4000-8000-0000000000a1", "phase": "sign-off",
    "status": "completed", "start": "2026-03-02T10:00:00Z",
    "evidence": {"event": "pull_request_review", "delivery": "d-1", "pr": 1}}


def _plan(sha: str) -> Plan:
    return Plan("sign-off", "completed", "2 of 2 approvers", (
        Record(ENTRY),
        RemoveLabel(1, "5s:approve-sign-off", "stale"),
        AddLabel(1, "5s:signed-off"),
        Comment(1, "## Five Safes\nsigned off"),
        Status("fivesafes / sign-off", "success", "signed off by alice, carol", sha,
               "https://ci.example/run/7"),
        Commit("main", "Record sign-off of #1", "d-1"),
        Dispatch("execution", 1, sha, "sha512:abc"),
        Annotation("resources/access/access.toml", 2, "warning", "check, this: 100%"),
        Summary("### sign-off\ncompleted"),
    ))


def test_apply_makes_exactly_these_requests(github_server: GitHubServer, api: GitHubApi,
                                            staged: Staged, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    world, repo, pull = staged.world, staged.repo, staged.pull
    world.label(repo, pull, "5s:approve-sign-off", actor="researcher")
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    committer = FakeCommitter()
    applier = GitHubApplier(api, "acme/project", committer=committer, env=env,
                            echo=lambda line: None)
    sha = pull.head_sha
    github_server.clear()

    applier.apply(_plan(sha), Facts(default_branch="main"))

    assert github_server.lines() == [
        f"DELETE {R}/issues/1/labels/5s%3Aapprove-sign-off",
        f"POST {R}/issues/1/labels",
        f"GET {R}/issues/1/comments?per_page=100",
        f"POST {R}/issues/1/comments",
        f"GET {R}/commits/{sha}/statuses?per_page=100",
        f"POST {R}/statuses/{sha}",
        f"POST {R}/actions/workflows/fivesafes.yml/dispatches",
    ]
    assert github_server.bodies("POST", f"{R}/issues/1/labels") == [
        {"labels": ["5s:signed-off"]}]
    assert github_server.bodies("POST", f"{R}/issues/1/comments") == [
        {"body": f"{STICKY_MARKER}\n## Five Safes\nsigned off"}]
    assert github_server.bodies("POST", f"{R}/statuses/{sha}") == [
        {"state": "success", "context": "fivesafes / sign-off",
         "description": "signed off by alice, carol", "target_url": "https://ci.example/run/7"}]
    assert github_server.bodies("POST", f"{R}/actions/workflows/fivesafes.yml/dispatches") == [
        {"ref": "main", "inputs": {"pr": "1", "phase": "execution", "sha": sha,
                                   "digest": "sha512:abc"}}]
    assert committer.calls == [(Commit("main", "Record sign-off of #1", "d-1"),
                                [ENTRY])]
    assert pull.labels == ["5s:signed-off"]
    assert [e.event for e in repo.events][-2:] == ["unlabeled", "labeled"]
    assert {e.actor for e in repo.events[-2:]} == {BOT}
    assert [(c.user, c.body.splitlines()[0]) for c in repo.comments] == [(BOT, STICKY_MARKER)]
    assert [(s.context, s.state) for s in repo.statuses] == [("fivesafes / sign-off",
                                                              "success")]
    assert repo.dispatches == [{"workflow": "fivesafes.yml", "ref": "main", "inputs": {
        "pr": "1", "phase": "execution", "sha": sha, "digest": "sha512:abc"}}]
    assert summary.read_text() == "### sign-off\ncompleted\n\n"
    assert capsys.readouterr().err.splitlines() == [
        "::warning file=resources/access/access.toml,line=2::check, this: 100%25"]

    # the same plan again (a duplicate delivery): nothing new on GitHub
    github_server.clear()
    applier.apply(_plan(sha), Facts(default_branch="main"))
    assert github_server.lines(writes_only=True) == [
        f"DELETE {R}/issues/1/labels/5s%3Aapprove-sign-off",  # 404: already gone, fine
        f"POST {R}/issues/1/labels",  # adding a present label changes nothing
    ]
    assert len(repo.comments) == 1
    assert len(repo.statuses) == 1
    assert len(repo.dispatches) == 1


def test_sticky_comment_is_edited_in_place_and_never_a_persons(
        github_server: GitHubServer, api: GitHubApi, staged: Staged) -> None:
    world, repo = staged.world, staged.repo
    world.token("person-token", "mallory")
    person = GitHubApi("person-token", github_server.url)
    person.request("POST", f"{R}/issues/1/comments", _need(),
                   {"body": f"{STICKY_MARKER} quoting the bot"})
    applier = GitHubApplier(api, "acme/project", echo=lambda line: None)
    applier.apply(Plan("check", "pending", "", (Comment(1, "first"),)), Facts())
    applier.apply(Plan("check", "pending", "", (Comment(1, "second"),)), Facts())
    assert [(c.user, c.body) for c in repo.comments] == [
        ("mallory", f"{STICKY_MARKER} quoting the bot"), (BOT, f"{STICKY_MARKER}\nsecond")]
    ids = {c.id for c in repo.comments}
    github_server.clear()
    applier.apply(Plan("check", "pending", "", (Comment(1, "second"),)), Facts())
    assert github_server.lines(writes_only=True) == []
    assert {c.id for c in repo.comments} == ids


def test_dispatch_is_skipped_when_the_event_was_already_recorded(
        github_server: GitHubServer, api: GitHubApi, staged: Staged) -> None:
    committer = FakeCommitter()
    committer.recorded.add("d-1")
    applier = GitHubApplier(api, "acme/project", committer=committer, echo=lambda line: None)
    plan = Plan("sign-off", "completed", "", (
        Record(ENTRY), Commit("main", "m", "d-1"),
        Dispatch("execution", 1, staged.pull.head_sha, "sha512:abc")))
    github_server.clear()
    applier.apply(plan, Facts(default_branch="main"))
    assert github_server.lines() == []


def _need() -> Any:
    from fivesafes.adapters.github.errors import Need

    return Need("commenting", "pull-requests: write", "acme/project")
