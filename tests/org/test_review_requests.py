"""Reviewers asked: the engine's review-request effect applied against the local GitHub API
server (contract-checked), and the sticky comment mentioning teams for real."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.github.flow import Flow
from tests.github_server import GitHubServer
from tests.support.gitfixtures import bare_remote

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.retry import RetryPolicy


@pytest.fixture
def flow(github_server: GitHubServer, tmp_path: Path) -> Flow:
    api = GitHubApi(github_server.token, github_server.url,
                    RetryPolicy(sleep=lambda _: None, clock=lambda: 1767225600.0))
    return Flow(github_server, api, bare_remote(tmp_path))


def test_opening_a_valid_request_asks_the_approvers_and_teams(flow: Flow) -> None:
    flow.world.teams[("acme", "stewards")].repos["acme/project"] = "push"
    plan = flow.event("pull_request.opened", "alex-researcher")
    (asked,) = plan.of_kind("request-reviewers")
    assert asked.users == ("alice",)  # type: ignore[union-attr]
    assert asked.teams == ("acme/stewards",)  # type: ignore[union-attr]
    assert flow.pull.requested_reviewers == ["alice"]
    assert flow.pull.requested_teams == ["stewards"]
    bodies = flow.server.bodies("POST", "/repos/acme/project/pulls/1/requested_reviewers")
    assert bodies == [{"reviewers": ["alice"], "team_reviewers": ["stewards"]}]
    comment = next(c for c in flow.repo.comments if "fivesafes:sticky" in c.body)
    first = comment.body.splitlines()[1]
    assert first.startswith("**Your move, @alice, @acme/stewards:**")
    assert "`@acme/stewards`" not in comment.body


def test_a_refused_request_does_not_stop_the_plan(flow: Flow) -> None:
    plan = flow.event("pull_request.opened", "alex-researcher")  # the team has no access
    assert plan.of_kind("request-reviewers")
    assert flow.pull.requested_reviewers == []
    assert flow.status("fivesafes / sign-off") == "pending"
    assert any("fivesafes:sticky" in c.body for c in flow.repo.comments)


def test_a_request_with_findings_asks_no_one(flow: Flow) -> None:
    flow.world.push(flow.repo, flow.pull, {"resources/workflow.toml": "not toml ["})
    plan = flow.event("pull_request.synchronize", "alex-researcher")
    assert not plan.of_kind("request-reviewers")
    comment = next(c for c in flow.repo.comments if "fivesafes:sticky" in c.body)
    assert comment.body.splitlines()[1].startswith("**Your move, @alex-researcher:** fix")
