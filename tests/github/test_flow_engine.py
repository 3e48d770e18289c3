"""One request's life through the real engine and the GitHub and git adapters.

Payloads are the vendored real webhook shapes, re-pointed at the fake GitHub; facts come
from its API, plans from the pure engine, and the applier writes back to the API and to a
local bare repository. Forged decisions are refused and removed; honest ones are recorded.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.github.flow import APPROVE, Flow
from tests.github_server import BOT, GitHubServer
from tests.support.gitfixtures import bare_remote, remote_record

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.core.engine.plan import Plan
from fivesafes.core.facts.values import Facts
from fivesafes.core.ledger.chain import verify_chain


@pytest.fixture
def flow(github_server: GitHubServer, api: GitHubApi, tmp_path: Path) -> Flow:
    return Flow(github_server, api, bare_remote(tmp_path))


def test_forged_decisions_are_refused_and_honest_ones_recorded(flow: Flow,
                                                               tmp_path: Path) -> None:
    world, repo, pull = flow.world, flow.repo, flow.pull
    opened = flow.event("pull_request.opened", "alex-researcher")
    assert opened.outcome == "pending", opened.reason
    assert flow.status("fivesafes / validation") == "success"
    assert flow.status("fivesafes / sign-off") == "pending"

    for forger in ("mallory", "alex-researcher"):  # a triage user, then the author
        world.label(repo, pull, APPROVE, actor=forger)
        plan = flow.event("pull_request.labeled", forger, label=APPROVE)
        assert plan.outcome == "refused", forger
        assert APPROVE not in pull.labels

    world.label(repo, pull, APPROVE, actor="alice")
    assert flow.event("pull_request.labeled", "alice", label=APPROVE).outcome == "pending"
    assert APPROVE in pull.labels
    review = world.review(repo, pull, "carol", "APPROVED")
    approved = flow.event("pull_request_review.submitted", "carol", review=review)
    assert approved.outcome == "completed"
    assert flow.status("fivesafes / sign-off") == "success"

    bots = [c for c in repo.comments if c.user == BOT]
    assert len(bots) == 1  # one sticky comment, edited in place
    assert "mallory" in bots[0].body or "alice" in bots[0].body

    world.merge(repo, pull, by="alice")
    merged = flow.event("pull_request.closed.merged", "alice")
    assert merged.outcome == "completed"
    record = remote_record(tmp_path / "remote.git")
    assert verify_chain(record.action) == []
    phases = [(e.phase, e.status) for e in record.action]
    assert ("sign-off", "completed") in phases
    signed = next(e for e in record.action if e.phase == "sign-off" and e.status == "completed")
    assert sorted(a.login for a in signed.agents if a.role == "approver") == ["alice", "carol"]
    assert [d["inputs"]["phase"] for d in repo.dispatches] == ["execution"]

    # the merge event delivered again records nothing and starts nothing
    flow.deliveries -= 1
    flow.event("pull_request.closed.merged", "alice")
    assert len(remote_record(tmp_path / "remote.git").action) == len(record.action)
    assert len(repo.dispatches) == 1


def test_applier_from_env_pushes_to_the_configured_remote(github_server: GitHubServer,
                                                          tmp_path: Path) -> None:
    from tests.support.gitfixtures import entry, git

    from fivesafes.adapters.github.apply import applier_from_env
    from fivesafes.core.engine.plan import Commit, Record

    remote = bare_remote(tmp_path)
    github_server.world.repo("acme/project")
    env = {**github_server.env(), "GITHUB_REPOSITORY": "acme/project",
           "FIVESAFES_GIT_REMOTE": str(remote), "FIVESAFES_COMMIT_NAME": "tre-app[bot]"}
    applier = applier_from_env(env, echo=lambda line: None)
    plan = Plan("sign-off", "completed", "", (Record(entry("d-1")),
                                              Commit("main", "Record", "d-1", rebuild_crate=False)))
    applier.apply(plan, Facts(default_branch="main"))
    assert [e.evidence.delivery for e in remote_record(remote).action] == ["d-1"]
    assert git(remote, "log", "-1", "--format=%an", "main").strip() == "tre-app[bot]"
