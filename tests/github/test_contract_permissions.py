"""401/403/404 become one message naming the permission the token lacks."""

from __future__ import annotations

import pytest
from tests.github_server import GitHubServer
from tests.github_server.payloads import adapt, load
from tests.support.staging import Staged

from fivesafes.adapters.github import writes as github_writes
from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import GitHubError
from fivesafes.adapters.github.facts import GitHubFacts
from fivesafes.core.facts.events import parse_event

NOT_ACCESSIBLE = "Resource not accessible by integration"


def test_403_on_labels_names_pull_requests_write(github_server: GitHubServer, api: GitHubApi,
                                                 staged: Staged, sleeps: list[float]) -> None:
    github_server.fail("POST", r"/issues/1/labels$", 403, NOT_ACCESSIBLE)
    with pytest.raises(GitHubError) as refused:
        github_writes.add_labels(api, "acme/project", 1, ["5s:hold"])
    assert str(refused.value) == (
        "adding labels 5s:hold to #1 on acme/project failed: GitHub answered 403 Resource not "
        "accessible by integration. The token needs the `pull-requests: write` permission; "
        "fix: grant it in the workflow's `permissions:` block (`pull-requests: write`) or in "
        "the GitHub App's settings, and check the name is right.")
    assert refused.value.permission == "pull-requests: write"
    assert refused.value.exit_code == 3
    assert sleeps == []  # a refusal is not retried


def test_403_on_status_names_statuses_write(github_server: GitHubServer, api: GitHubApi,
                                            staged: Staged) -> None:
    github_server.fail("POST", r"/statuses/", 403, NOT_ACCESSIBLE)
    status = github_writes.CommitStatus("fivesafes / sign-off", "pending", "waiting")
    with pytest.raises(GitHubError, match=r"`statuses: write`"):
        github_writes.set_status(api, "acme/project", staged.pull.head_sha, status)


def test_404_on_private_contents_names_contents_read(github_server: GitHubServer,
                                                     api: GitHubApi, staged: Staged) -> None:
    github_server.fail("GET", r"/git/trees/", 404, "Not Found")
    with pytest.raises(GitHubError) as refused:
        api.files_at("acme/project", staged.pull.head_sha, lambda p: True)
    assert "`contents: read`" in str(refused.value)
    assert "404 for what a token may not see" in str(refused.value)


def test_bad_token_says_which_variable(github_server: GitHubServer, staged: Staged) -> None:
    api = GitHubApi("wrong", github_server.url)
    with pytest.raises(GitHubError) as refused:
        api.pull("acme/project", 1, "main")
    assert "401 Bad credentials" in str(refused.value)
    assert "GITHUB_TOKEN (or GH_TOKEN)" in str(refused.value)


def test_invisible_team_names_members_read(github_server: GitHubServer, api: GitHubApi,
                                           staged: Staged) -> None:
    del staged.world.teams[("acme", "stewards")]
    event = parse_event("pull_request", adapt(staged.world, load("pull_request.labeled"),
                                              staged.repo, staged.pull, sender="alice"))
    with pytest.raises(GitHubError) as refused:
        GitHubFacts(api, "acme/project").fetch(event)
    assert "team @acme/stewards named in .github/fivesafes.toml" in str(refused.value)
    assert "members: read" in str(refused.value)


def test_from_env(github_server: GitHubServer, monkeypatch: pytest.MonkeyPatch,
                  staged: Staged) -> None:
    with pytest.raises(GitHubError, match="set GITHUB_TOKEN"):
        GitHubApi.from_env({})
    api = GitHubApi.from_env({"GH_TOKEN": github_server.token,
                              "GITHUB_API_URL": github_server.url})
    assert api.pull("acme/project", 1, "main").number == 1
