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
from fivesafes.core.admin.repo_settings import REQUIRED_CHECKS, RULESET_NAME
from fivesafes.services.github_setup import init_github

LABELS = {"5s:approve-sign-off", "5s:reject-sign-off", "5s:approve-disclosure",
          "5s:reject-disclosure", "5s:hold"}


def run(project: Path, remote: Path, app_id: int | None = None) -> list[str]:
    return init_github(project, REPO, app_id=app_id, push_url=str(remote))


def test_first_run_creates_everything(org: GitHubServer, project: Path, remote: Path) -> None:
    changes = run(project, remote, app_id=4242)
    repo = org.world.repos[REPO]
    assert repo.private
    assert set(repo.labels) == LABELS
    assert repo.labels["5s:hold"].color == "fbca04"
    teams = {slug: t.repos.get(REPO) for (o, slug), t in org.world.teams.items() if o == ORG}
    assert teams == {"sign-off-approvers": "push", "output-checkers": "push",
                     "maintainers": "maintain"}
    (ruleset,) = repo.rulesets.values()
    assert ruleset["name"] == RULESET_NAME
    assert ruleset["enforcement"] == "active"
    assert ruleset["conditions"]["ref_name"]["include"] == ["~DEFAULT_BRANCH"]
    assert ruleset["bypass_actors"] == [
        {"actor_id": 4242, "actor_type": "Integration", "bypass_mode": "always"}]
    rules = {r["type"]: r.get("parameters") for r in ruleset["rules"]}
    assert set(rules) == {"deletion", "non_fast_forward", "pull_request",
                          "required_status_checks"}
    assert rules["pull_request"]["require_code_owner_review"] is True
    assert rules["pull_request"]["dismiss_stale_reviews_on_push"] is True
    assert [c["context"] for c in rules["required_status_checks"]["required_status_checks"]
            ] == list(REQUIRED_CHECKS)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True,
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


def test_second_run_changes_nothing(org: GitHubServer, project: Path, remote: Path) -> None:
    run(project, remote, app_id=4242)
    before = repr(org.world.repos[REPO])
    org.clear()
    changes = run(project, remote, app_id=4242)
    assert [c for c in changes if not c.startswith("team ")] == []
    # Attaching a team is an idempotent PUT with the same permission; nothing else is written.
    assert all(line.startswith(f"PUT /orgs/{ORG}/teams/") for line in
               org.lines(writes_only=True))
    assert repr(org.world.repos[REPO]) == before


def test_drift_is_repaired(org: GitHubServer, project: Path, remote: Path) -> None:
    run(project, remote)
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
    changes = run(project, remote)
    assert "repository settings: private=True" in changes
    assert "label 5s:approve-disclosure created" in changes
    assert "label 5s:hold updated" in changes
    assert f"ruleset {RULESET_NAME!r} repaired" in changes
    types = {r["type"] for r in ruleset["rules"]}
    assert {"non_fast_forward", "required_signatures"} <= types  # stronger rules are kept
    assert ruleset["bypass_actors"] == []
    assert repo.labels["5s:hold"].color == "fbca04"
    assert repo.private


def test_token_never_on_disk_or_in_a_url(org: GitHubServer, project: Path,
                                          remote: Path) -> None:
    run(project, remote)
    for path in (project / ".git").rglob("*"):
        if path.is_file():
            assert org.token.encode() not in path.read_bytes(), path
    url = subprocess.run(["git", "remote", "get-url", "origin"], cwd=project,
                         capture_output=True, text=True, check=True).stdout.strip()
    assert url == f"{org.origin}/{REPO}.git"
    assert "@" not in url


def test_missing_token_is_a_usage_error(github_server: GitHubServer, project: Path,
                                        remote: Path) -> None:
    from fivesafes.services.github_setup import init_github as command

    result = CliRunner().invoke(_wrap(command), [str(project)])
    assert result.exit_code == 2
    assert "GITHUB_TOKEN" in result.output


def _wrap(function: Callable[[Path, str], object]) -> click.Command:
    """A tiny click command around the hook, as init_cmd would call it."""

    @click.command()
    @click.argument("directory", type=click.Path(path_type=Path))
    def command(directory: Path) -> None:
        handled(lambda: function(directory, REPO))

    return command
