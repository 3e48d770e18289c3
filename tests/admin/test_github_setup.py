"""``init --github``: the repository is created private, pushed, labelled, given the policy's
teams and the ruleset; a second run changes nothing; drift is repaired; the token never lands
on disk or in a URL."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import click
from click.testing import CliRunner
from tests.admin.conftest import ORG, REPO
from tests.github_server import GitHubServer

from fivesafes.cli.errors import handled
from fivesafes.core.admin.repo_settings import (
    AUTOMATION_RULESET,
    REQUIRED_CHECKS,
    RULESET_NAME,
    TAGS_RULESET,
)
from fivesafes.services.github_setup import init_github

LABELS = {"5s:approve-sign-off", "5s:reject-sign-off", "5s:approve-disclosure",
          "5s:reject-disclosure", "5s:hold"}


def run(admin_project: Path, remote: Path, app_id: int | None = None) -> list[str]:
    return init_github(admin_project, REPO, app_id=app_id, push_url=str(remote))


def test_first_run_creates_everything(org: GitHubServer, admin_project: Path, remote: Path) -> None:
    changes = run(admin_project, remote, app_id=4242)
    repo = org.world.repos[REPO]
    assert repo.private
    assert set(repo.labels) == LABELS
    assert repo.labels["5s:hold"].color == "fbca04"
    teams = {slug: t.repos.get(REPO) for (o, slug), t in org.world.teams.items() if o == ORG}
    assert teams == {"sign-off-approvers": "push", "output-checkers": "push",
                     "maintainers": "maintain"}
    by_name = {r["name"]: r for r in repo.rulesets.values()}
    assert set(by_name) == {RULESET_NAME, AUTOMATION_RULESET, TAGS_RULESET}
    ruleset = by_name[RULESET_NAME]
    assert ruleset["enforcement"] == "active"
    assert ruleset["conditions"]["ref_name"]["include"] == ["~DEFAULT_BRANCH"]
    assert ruleset["bypass_actors"] == [
        {"actor_id": 4242, "actor_type": "Integration", "bypass_mode": "always"}]
    rules = {r["type"]: r.get("parameters") for r in ruleset["rules"]}
    assert set(rules) == {"deletion", "non_fast_forward", "pull_request",
                          "required_status_checks"}
    # what unlocks the merge is the engine's checks, posted by the App: no hidden review
    assert rules["pull_request"]["require_code_owner_review"] is False
    assert rules["pull_request"]["required_approving_review_count"] == 0
    assert rules["pull_request"]["dismiss_stale_reviews_on_push"] is True
    assert rules["required_status_checks"]["required_status_checks"] == [
        {"context": c, "integration_id": 4242} for c in REQUIRED_CHECKS]
    assert "fivesafes / disclosure" in REQUIRED_CHECKS
    for refs in (AUTOMATION_RULESET, TAGS_RULESET):  # only the App makes the automation's refs
        assert by_name[refs]["bypass_actors"] == ruleset["bypass_actors"]
        assert {r["type"] for r in by_name[refs]["rules"]} == {"creation", "update",
                                                               "deletion"}
    assert by_name[AUTOMATION_RULESET]["conditions"]["ref_name"]["include"] == [
        "refs/heads/fivesafes/disclosure/**"]
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=admin_project, capture_output=True,
                          text=True, check=True).stdout.strip()
    pushed = subprocess.run(["git", "rev-parse", "main"], cwd=remote, capture_output=True,
                            text=True, check=True).stdout.strip()
    assert pushed == head
    assert changes[0] == f"created private repository {REPO}"
    assert "pushed main" in changes
    writes = org.lines(writes_only=True)
    assert writes[0] == f"POST /orgs/{ORG}/repos"
    assert writes[-1] == f"POST /repos/{REPO}/rulesets"
    assert org.bodies("POST", f"/orgs/{ORG}/repos")[0]["private"] is True


def test_second_run_changes_nothing(org: GitHubServer, admin_project: Path, remote: Path) -> None:
    run(admin_project, remote, app_id=4242)
    before = repr(org.world.repos[REPO])
    org.clear()
    changes = run(admin_project, remote, app_id=4242)
    assert [c for c in changes if not c.startswith("team ")] == []
    # Attaching a team is an idempotent PUT with the same permission; nothing else is written.
    assert all(line.startswith(f"PUT /orgs/{ORG}/teams/") for line in
               org.lines(writes_only=True))
    assert repr(org.world.repos[REPO]) == before


def test_drift_is_repaired(org: GitHubServer, admin_project: Path, remote: Path) -> None:
    run(admin_project, remote)
    repo = org.world.repos[REPO]
    (ruleset,) = repo.rulesets.values()
    ruleset["rules"] = [r for r in ruleset["rules"] if r["type"] != "non_fast_forward"]
    ruleset["rules"].append({"type": "required_signatures"})
    ruleset["bypass_actors"] = [{"actor_id": 5, "actor_type": "RepositoryRole",
                                 "bypass_mode": "always"}]
    repo.labels["5s:hold"].color = "000000"
    del repo.labels["5s:approve-disclosure"]
    repo.private = False
    org.clear()
    changes = run(admin_project, remote)
    assert "repository settings: private=True" in changes
    assert "label 5s:approve-disclosure created" in changes
    assert "label 5s:hold updated" in changes
    assert f"ruleset {RULESET_NAME!r} repaired" in changes
    types = {r["type"] for r in ruleset["rules"]}
    assert {"non_fast_forward", "required_signatures"} <= types  # stronger rules are kept
    assert ruleset["bypass_actors"] == []
    assert repo.labels["5s:hold"].color == "fbca04"
    assert repo.private


def test_token_never_on_disk_or_in_a_url(org: GitHubServer, admin_project: Path,
                                          remote: Path) -> None:
    run(admin_project, remote)
    for path in (admin_project / ".git").rglob("*"):
        if path.is_file():
            assert org.token.encode() not in path.read_bytes(), path
    url = subprocess.run(["git", "remote", "get-url", "origin"], cwd=admin_project,
                         capture_output=True, text=True, check=True).stdout.strip()
    assert url == f"{org.origin}/{REPO}.git"
    assert "@" not in url


def test_missing_token_is_a_usage_error(github_server: GitHubServer, admin_project: Path,
                                        remote: Path) -> None:
    from fivesafes.services.github_setup import init_github as command

    result = CliRunner().invoke(_wrap(command), [str(admin_project)])
    assert result.exit_code == 2
    assert "GITHUB_TOKEN" in result.output


def _wrap(function: Callable[[Path, str], object]) -> click.Command:
    """A tiny click command around the hook, as init_cmd would call it."""

    @click.command()
    @click.argument("directory", type=click.Path(path_type=Path))
    def command(directory: Path) -> None:
        handled(lambda: function(directory, REPO))

    return command


def test_environment_admits_the_default_branch_only(org: GitHubServer, admin_project: Path,
                                                    remote: Path) -> None:
    changes = run(admin_project, remote, app_id=4242)
    env = org.world.repos[REPO].environments["fivesafes"]
    assert env["deployment_branch_policy"] == {"protected_branches": False,
                                               "custom_branch_policies": True}
    assert [(p["name"], p["type"]) for p in env["policies"].values()] == [("main", "branch")]
    assert env["secrets"] == {}  # the key is the maintainer's to paste
    assert "environment 'fivesafes' created: deployment branches by policy" in changes
    assert org.bodies("POST", f"/repos/{REPO}/environments/fivesafes/"
                      "deployment-branch-policies") == [{"name": "main", "type": "branch"}]


def test_environment_drift_is_repaired_keeping_its_reviewers(org: GitHubServer,
                                                             admin_project: Path,
                                                             remote: Path) -> None:
    run(admin_project, remote)
    repo = org.world.repos[REPO]
    env = org.world.environment(repo, policies=["release/*", ("v*", "tag")])
    env["deployment_branch_policy"] = {"protected_branches": True,
                                       "custom_branch_policies": False}
    reviewer = org.world.user("mallory")
    env["protection_rules"] = [{"id": 1, "node_id": "GA_r", "type": "required_reviewers",
                                "prevent_self_review": True, "reviewers": [
                                    {"type": "User", "reviewer": {"id": reviewer.id}}]}]
    main = next(p for p in env["policies"].values() if p["name"] == "main")
    del env["policies"][main["id"]]
    org.clear()
    changes = run(admin_project, remote)
    assert [c for c in changes if c.startswith("environment")] == [
        "environment 'fivesafes' repaired: deployment branches by policy",
        "environment 'fivesafes': deployment branch 'main' admitted",
        "environment 'fivesafes': deployment branch policy 'release/*' removed",
        "environment 'fivesafes': deployment tag policy 'v*' removed"]
    assert [(p["name"], p["type"]) for p in env["policies"].values()] == [("main", "branch")]
    (put,) = org.bodies("PUT", f"/repos/{REPO}/environments/fivesafes")
    assert put == {"deployment_branch_policy": {"protected_branches": False,
                                                "custom_branch_policies": True},
                   "reviewers": [{"type": "User", "id": reviewer.id}],
                   "prevent_self_review": True}
    assert [r["type"] for r in env["protection_rules"]] == ["required_reviewers"]
    org.clear()
    assert [c for c in run(admin_project, remote) if c.startswith("environment")] == []
    assert not any("/environments/" in line for line in org.lines(writes_only=True))


def test_init_names_where_the_key_goes(org: GitHubServer, admin_project: Path,
                                       remote: Path) -> None:
    from fivesafes.services.github_setup import key_advice

    init_github(admin_project, REPO, app_id=4242, push_url=str(remote), environment="tre-key")
    out = key_advice("tre-key")
    assert "paste it as the secret FIVESAFES_APP_PRIVATE_KEY of the environment 'tre-key'" in out
    assert "tre-key" in org.world.repos[REPO].environments
