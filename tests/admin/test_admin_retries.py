"""Organisation set-up and doctor go through the one GitHub client: failures are retried, a
create whose answer was lost is not made twice, and a refusal names the missing permission."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.admin.conftest import ORG, REPO
from tests.github_server import GitHubServer

from fivesafes.adapters.github.admin import setup_github_repo
from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import GitHubError
from fivesafes.adapters.github.retry import RetryPolicy
from fivesafes.cli.main import cli
from fivesafes.services.github_setup import load_labels, load_policy

LABELS = f"/repos/{REPO}/labels"


def set_up(org: GitHubServer, admin_project: Path, remote: Path, sleeps: list[float]) -> list[str]:
    api = GitHubApi(org.token, org.url, RetryPolicy(sleep=sleeps.append))
    policy = load_policy(admin_project)
    return setup_github_repo(admin_project, REPO, policy, load_labels(admin_project, policy), api,
                             org.token, server_url=org.origin, push_url=str(remote))


def test_lost_answers_to_creates_are_not_created_twice(org: GitHubServer, admin_project: Path,
                                                       remote: Path) -> None:
    org.fail("POST", f"^/orgs/{ORG}/repos$", 502, after=True)
    org.fail("POST", f"^{LABELS}$", 502, after=True)
    org.fail("POST", f"^/repos/{REPO}/rulesets$", 502, after=True)
    sleeps: list[float] = []
    changes = set_up(org, admin_project, remote, sleeps)
    assert sleeps == [1.0, 1.0, 1.0]
    assert changes[0] == f"created private repository {REPO}"
    writes = org.lines(writes_only=True)
    assert writes.count(f"POST /orgs/{ORG}/repos") == 2
    assert writes.count(f"POST {LABELS}") == 6  # five labels, the first one sent again
    assert [r.status for r in org.requests if r.method == "POST" and r.path == LABELS][:2] \
        == [502, 422]
    assert len(org.world.repos[REPO].labels) == 5
    assert len(org.world.repos[REPO].rulesets) == 1


def test_server_errors_are_retried(org: GitHubServer, admin_project: Path, remote: Path) -> None:
    org.fail("GET", f"^{LABELS}$", 503, times=2)
    sleeps: list[float] = []
    set_up(org, admin_project, remote, sleeps)
    assert sleeps == [1.0, 2.0]
    assert len(org.world.repos[REPO].labels) == 5


def test_refused_write_names_the_permission(org: GitHubServer, admin_project: Path,
                                            remote: Path) -> None:
    org.fail("POST", f"^/repos/{REPO}/rulesets$", 403, "Resource not accessible by integration")
    with pytest.raises(GitHubError, match="administration: write") as refused:
        set_up(org, admin_project, remote, [])
    assert refused.value.status == 403


def test_doctor_refused_read_is_an_external_failure(org: GitHubServer, admin_project: Path) -> None:
    org.world.repo(REPO)
    org.fail("GET", f"^/repos/{REPO}/rulesets$", 403, "Resource not accessible by integration")
    result = CliRunner().invoke(cli, ["doctor", str(admin_project), "--github", REPO])
    assert result.exit_code == 3, result.output
    assert "administration: read" in result.output
