"""When the head became the head: GitHub's own push time, never a commit's date.

A decision label does not say which commit it approved. The adapter reads the time of the
latest push that made the head SHA the tip of the head branch from the head repository's
activity list; a label applied before it is stale even when the run that should have removed
it at the push never happened. When GitHub cannot say, no decision label counts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.github.flow import APPROVE, Flow
from tests.github_server import GitHubServer
from tests.github_server.payloads import adapt, load
from tests.support.gitfixtures import bare_remote
from tests.support.staging import Staged

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import GitHubError
from fivesafes.adapters.github.facts import GitHubFacts, head_pushed_at
from fivesafes.core.engine.planner import plan_event
from fivesafes.core.facts.events import parse_event

BACKDATED = "2025-06-01T08:00:00Z"  # the author sets a commit's date to anything


def _activity(repo_name: str, branch: str) -> str:
    return (f"GET /repos/{repo_name}/activity?direction=desc&per_page=100"
            f"&ref=refs%2Fheads%2F{branch}")


def _pushed(server: GitHubServer, repo_name: str, sha: str) -> str:
    """The time the server recorded the latest push of ``sha`` (what GitHub lists)."""
    repo = server.world.repos[repo_name]
    return [a for a in repo.activities if a.after == sha][-1].timestamp


def test_adapter_fills_head_pushed_at_from_the_activity_list(
        github_server: GitHubServer, api: GitHubApi, staged: Staged) -> None:
    world, repo, pull = staged.world, staged.repo, staged.pull
    world.label(repo, pull, APPROVE, actor="alice")
    sha = world.push(repo, pull, {"resources/x.toml": "x = 2\n"}, date=BACKDATED)
    event = parse_event("pull_request", adapt(world, load("pull_request.synchronize"), repo,
                                              pull, sender="researcher"))
    github_server.clear()

    facts = GitHubFacts(api, repo.full_name).fetch(event)

    assert facts.pr is not None
    assert facts.pr.head_sha == sha
    assert facts.pr.head_pushed_at == _pushed(github_server, "acme/project", sha)
    assert facts.pr.head_pushed_at > facts.label_events[-1].created_at > BACKDATED
    lines = github_server.lines()
    assert lines[2:4] == ["GET /repos/acme/project/pulls/1",
                          _activity("acme/project", "request")]


def test_force_push_back_to_an_earlier_head_counts_from_the_latest_push(
        github_server: GitHubServer, api: GitHubApi, staged: Staged) -> None:
    world, repo, pull = staged.world, staged.repo, staged.pull
    first = pull.head_sha
    world.push(repo, pull, {"resources/x.toml": "x = 2\n"})
    world.force_push(repo, pull, first)
    pr = api.pull(repo.full_name, pull.number, "main")
    assert pr.head_sha == first
    pushes = [a for a in repo.activities if a.after == first]
    assert [a.activity_type for a in pushes] == ["branch_creation", "force_push"]
    assert head_pushed_at(api, pr) == pushes[-1].timestamp


def test_fork_pushes_are_read_from_the_fork(github_server: GitHubServer, api: GitHubApi,
                                            staged: Staged) -> None:
    world, repo = staged.world, staged.repo
    fork = world.open_pull(repo, {"resources/x.toml": "x = 1\n"}, author="outsider",
                           head_ref="patch", fork="outsider/project")
    github_server.clear()
    pr = api.pull(repo.full_name, fork.number, "main")
    assert head_pushed_at(api, pr) == _pushed(github_server, "outsider/project", fork.head_sha)
    assert github_server.lines()[-1] == _activity("outsider/project", "patch")


def test_unknown_when_github_cannot_say(github_server: GitHubServer, api: GitHubApi,
                                        staged: Staged) -> None:
    pr = api.pull(staged.repo.full_name, staged.pull.number, "main")
    # a fork the token cannot see, or a server without the activity list: 404
    github_server.fail("GET", r"/activity$", 404, "Not Found")
    assert head_pushed_at(api, pr) is None
    # a deleted fork has no head repository to ask
    from dataclasses import replace

    assert head_pushed_at(api, replace(pr, head_repo="")) is None
    # a push GitHub no longer lists
    staged.repo.activities.clear()
    assert head_pushed_at(api, pr) is None
    # anything else is an error that names the permission
    github_server.fail("GET", r"/activity$", 403, "Resource not accessible by integration")
    with pytest.raises(GitHubError, match="metadata: read"):
        head_pushed_at(api, pr)


def test_the_push_is_found_beyond_the_first_page(github_server: GitHubServer, api: GitHubApi,
                                                 staged: Staged) -> None:
    world, repo, pull = staged.world, staged.repo, staged.pull
    head = pull.head_sha
    other = world.push(repo, pull, {"resources/x.toml": "x = 2\n"})
    for _ in range(60):  # the branch goes back and forth: 120 newer activities
        world.force_push(repo, pull, head)
        world.force_push(repo, pull, other)
    pr = api.pull(repo.full_name, pull.number, "main")
    assert pr.head_sha == other
    assert head_pushed_at(api, pr) == _pushed(github_server, "acme/project", other)
    world.force_push(repo, pull, head)
    for _ in range(120):  # pushes to the branch that do not touch the head's latest push
        world.push(repo, pull, {"resources/y.toml": f"y = {_}\n"})
    pull.head_sha = head  # the pull request still shows the head GitHub last synchronised
    pr = api.pull(repo.full_name, pull.number, "main")
    assert head_pushed_at(api, pr) == _pushed(github_server, "acme/project", head)
    cursors = [r for r in github_server.requests if r.path.endswith("/activity")]
    assert any("after" in r.query for r in cursors)


@pytest.fixture
def flow(github_server: GitHubServer, api: GitHubApi, tmp_path: Path) -> Flow:
    return Flow(github_server, api, bare_remote(tmp_path))


def test_stale_label_does_not_count_when_the_push_run_never_happened(flow: Flow) -> None:
    """Approve at A; the author pushes B dated before the approval; the synchronize run is
    delayed, fails or races; a later, unrelated event must not count the stale label."""
    world, repo, pull = flow.world, flow.repo, flow.pull
    flow.event("pull_request.opened", "alex-researcher")
    world.label(repo, pull, APPROVE, actor="alice")
    assert flow.event("pull_request.labeled", "alice", label=APPROVE).outcome == "pending"
    files = world.objects.files(repo.commits[pull.head_sha].tree)
    dataset = next(p for p in files if "/dataset_" in p)
    world.push(repo, pull, {dataset: files[dataset] + b"# changed after the approval\n"},
               date=BACKDATED)
    # no synchronize run: the label is still on the pull request
    assert APPROVE in pull.labels

    review = world.review(repo, pull, "carol", "APPROVED")
    plan = flow.event("pull_request_review.submitted", "carol", review=review)

    assert plan.outcome != "completed", plan.reason
    assert "1 of 2" in plan.reason
    assert APPROVE not in pull.labels  # removed as stale
    assert flow.status("fivesafes / sign-off") != "success"
    world.merge(repo, pull, by="carol")
    merged = flow.event("pull_request.closed.merged", "carol")
    assert merged.outcome == "refused"
    assert not repo.dispatches


def test_label_event_delivered_late_for_an_old_head_is_refused(flow: Flow) -> None:
    """The labeled event carries the head it was applied to; delivered after a push, it is
    refused even though GitHub's label time alone might look recent enough."""
    world, repo, pull = flow.world, flow.repo, flow.pull
    flow.event("pull_request.opened", "alex-researcher")
    world.label(repo, pull, APPROVE, actor="alice")
    late = adapt(world, load("pull_request.labeled"), repo, pull, sender="alice",
                 label=APPROVE)
    world.push(repo, pull, {"resources/x.toml": "x = 2\n"})
    event = parse_event("pull_request", late, "delivery-late")
    facts = flow.facts.fetch(event)
    plan = plan_event(event, facts, "2026-01-02T00:00:00Z")
    assert plan.outcome == "refused"
    assert "applied to commit" in plan.reason


def test_without_a_push_time_labels_are_refused_and_reviews_still_count(
        flow: Flow, github_server: GitHubServer) -> None:
    world, repo, pull = flow.world, flow.repo, flow.pull
    github_server.fail("GET", r"/activity$", 404, "Not Found", times=100)
    flow.event("pull_request.opened", "alex-researcher")
    world.label(repo, pull, APPROVE, actor="alice")
    plan = flow.event("pull_request.labeled", "alice", label=APPROVE)
    assert plan.outcome == "pending"
    assert APPROVE not in pull.labels
    comment = plan.of_kind("comment")[0]
    assert "did not say when" in comment.body  # type: ignore[union-attr]
    for login in ("alice", "carol"):
        review = world.review(repo, pull, login, "APPROVED")
        plan = flow.event("pull_request_review.submitted", login, review=review)
    assert plan.outcome == "completed", plan.reason
    world.merge(repo, pull, by="carol")
    assert flow.event("pull_request.closed.merged", "carol").outcome == "completed"
