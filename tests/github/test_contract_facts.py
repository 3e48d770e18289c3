"""fetch_facts against the local GitHub API: the facts, and exactly the requests made."""

from __future__ import annotations

from tests.github_server import GitHubServer
from tests.github_server.payloads import adapt, load
from tests.support.staging import Staged

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.facts import GitHubFacts, policy_teams
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.events import parse_event
from fivesafes.core.facts.values import CoAuthor, RunContext


def test_labeled_event_facts(github_server: GitHubServer, api: GitHubApi, staged: Staged) -> None:
    world, repo, pull = staged.world, staged.repo, staged.pull
    world.label(repo, pull, "5s:approve-sign-off", actor="alice")
    world.label(repo, pull, "5s:approve-sign-off", actor="researcher")
    review = world.review(repo, pull, "carol", "APPROVED")
    payload = adapt(world, load("pull_request.labeled"), repo, pull, sender="alice",
                    label="5s:approve-sign-off")
    event = parse_event("pull_request", payload, delivery="d-1")
    github_server.clear()

    facts = GitHubFacts(api, repo.full_name, RunContext(run_id="7")).fetch(event)

    assert facts.default_branch == "main"
    assert facts.policy is not None
    assert b"stewards" in facts.policy
    assert facts.record is None
    assert facts.pr is not None
    assert (facts.pr.number, facts.pr.head_sha, facts.pr.author) == (
        pull.number, pull.head_sha, Actor("researcher"))
    assert facts.pr.labels == ("5s:approve-sign-off",)
    assert facts.pr.head_pushed_at == repo.activities[-1].timestamp  # the head branch's push
    assert repo.activities[-1].after == pull.head_sha
    (commit,) = facts.commits
    assert commit.sha == pull.head_sha
    assert commit.author == "researcher"
    assert commit.co_authors == (
        CoAuthor("Helper", "4242+helper@users.noreply.github.com", "helper"),
        CoAuthor("Ext", "ext@example.org", None))
    assert [(c.path, c.status) for c in facts.changed] == [
        ("resources/access/access.toml", "added"),
        ("resources/governance/project.toml", "modified")]
    assert [(r.id, r.user.login, r.state, r.commit_id) for r in facts.reviews] == [
        (review.id, "carol", "APPROVED", pull.head_sha)]
    assert [(e.event, e.label, e.actor.login) for e in facts.label_events] == [
        ("labeled", "5s:approve-sign-off", "alice"),
        ("labeled", "5s:approve-sign-off", "researcher")]
    assert facts.teams == {"acme/stewards": frozenset({"carol"}), "acme/checkers": frozenset()}
    assert facts.permissions == {"alice": "write", "carol": "maintain", "researcher": "write"}
    assert sorted(facts.files) == ["resources/access/access.toml",
                                   "resources/governance/project.toml"]
    assert facts.files["resources/access/access.toml"] == b'[source]\nkind = "sql"\n'

    blobs = sorted(r.path for r in github_server.requests if "/git/blobs/" in r.path)
    r = "/repos/acme/project"
    assert github_server.lines() == [
        f"GET {r}/contents/.github/fivesafes.toml?ref=main",
        f"GET {r}/contents/resources/governance/actions.toml?ref=main",
        f"GET {r}/pulls/1",
        f"GET {r}/activity?direction=desc&per_page=100&ref=refs%2Fheads%2Frequest",
        f"GET {r}/pulls/1/commits?per_page=100",
        f"GET {r}/pulls/1/reviews?per_page=100",
        f"GET {r}/issues/1/events?per_page=100",
        "GET /orgs/acme/teams/stewards",
        "GET /orgs/acme/teams/stewards/memberships/alice",
        "GET /orgs/acme/teams/stewards/memberships/carol",
        "GET /orgs/acme/teams/stewards/memberships/researcher",
        "GET /orgs/acme/teams/checkers",
        "GET /orgs/acme/teams/checkers/memberships/alice",
        "GET /orgs/acme/teams/checkers/memberships/carol",
        "GET /orgs/acme/teams/checkers/memberships/researcher",
        f"GET {r}/pulls/1/files?per_page=100",
        f"GET {r}/collaborators/alice/permission",
        f"GET {r}/collaborators/carol/permission",
        f"GET {r}/collaborators/researcher/permission",
        f"GET {r}/git/trees/{pull.head_sha}?recursive=1",
        *(f"GET {p}" for p in blobs),
    ]
    assert len(blobs) == 2


def test_push_event_reads_only_the_default_branch(github_server: GitHubServer, api: GitHubApi,
                                                  staged: Staged) -> None:
    payload = adapt(staged.world, load("push"), staged.repo, sender="alice")
    event = parse_event("push", payload, delivery="d-2")
    github_server.clear()
    facts = GitHubFacts(api, staged.repo.full_name).fetch(event)
    assert facts.pr is None
    assert facts.policy is not None
    assert github_server.lines() == [
        "GET /repos/acme/project/contents/.github/fivesafes.toml?ref=main",
        "GET /repos/acme/project/contents/resources/governance/actions.toml?ref=main"]


def test_policy_teams_tolerates_bad_policies() -> None:
    assert policy_teams(None) == []
    assert policy_teams(b"not = [toml") == []
    assert policy_teams(b'[phases.x]\napprovers = ["a", "@o/t", "@o/t", "@bad"]') == ["o/t"]


def test_pending_members_bots_and_forks(github_server: GitHubServer, api: GitHubApi,
                                        staged: Staged) -> None:
    world, repo = staged.world, staged.repo
    world.team("acme", "stewards", pending=["frank"])
    fork = world.open_pull(repo, {"resources/x.toml": "x = 1\n"}, author="outsider",
                           head_ref="patch", fork="outsider/project")
    world.review(repo, fork, "dependabot[bot]", "APPROVED")
    world.review(repo, fork, "frank", "APPROVED")
    world.label(repo, fork, "5s:approve-sign-off", actor="carol")
    world.teams[("acme", "stewards")].members.pop("carol")  # removed from the team since
    event = parse_event("pull_request", adapt(world, load("pull_request.labeled"), repo, fork,
                                              sender="carol"))
    facts = GitHubFacts(api, repo.full_name).fetch(event)
    assert facts.pr is not None
    assert facts.pr.head_repo == "outsider/project"
    assert [(r.user.login, r.user.is_bot) for r in facts.reviews] == [
        ("dependabot[bot]", True), ("frank", False)]
    assert facts.teams["acme/stewards"] == frozenset()  # frank pending, carol gone
    assert "dependabot[bot]" not in facts.permissions


def test_policy_teams_include_maintainer_teams() -> None:
    policy = (b'[phases.sign-off]\napprovers = ["@o/a"]\n[phases.disclosure]\napprovers = ["@o/b"]'
              b'\n[maintainers]\nowners = ["@o/m", "@o/a", "mo"]\n')
    assert policy_teams(policy) == ["o/a", "o/b"]
    assert policy_teams(policy, maintainers=True) == ["o/a", "o/b", "o/m"]
