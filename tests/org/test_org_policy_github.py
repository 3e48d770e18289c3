"""The central policy read from its repository through the local GitHub API server."""

from __future__ import annotations

from tests.github_server import GitHubServer
from tests.org.test_org_policy import ORG

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.org_policy import resolve_org_policy
from fivesafes.adapters.github.retry import RetryPolicy
from fivesafes.core.request.validate import validate_policy

PROJECT = b'extends = "acme/policy"\n\n[phases.disclosure]\nrequired = 3\n'


def _api(server: GitHubServer) -> GitHubApi:
    return GitHubApi(server.token, server.url, RetryPolicy(attempts=1, sleep=lambda _: None))


def test_read_from_the_default_branch(github_server: GitHubServer) -> None:
    repo = github_server.world.repo("acme/policy", files={"fivesafes.toml": ORG.decode()})
    repo.default_branch = "main"
    source = resolve_org_policy(PROJECT, api=_api(github_server))
    assert source is not None
    assert source.data == ORG
    policy, found = validate_policy(PROJECT, source)
    assert policy is not None, found
    assert policy.phases.disclosure.required == 3
    assert "GET /repos/acme/policy/contents/fivesafes.toml?ref=main" in github_server.lines()


def test_enterprise_server_prefix() -> None:
    with GitHubServer(prefix="/api/v3") as server:
        server.world.repo("acme/policy", files={"fivesafes.toml": ORG.decode()})
        source = resolve_org_policy(PROJECT, api=_api(server))
        assert source is not None
        assert source.data == ORG
        server.assert_clean()


def test_unreadable_central_policy_fails_closed(github_server: GitHubServer) -> None:
    source = resolve_org_policy(PROJECT, api=_api(github_server))
    assert source is not None
    assert source.data is None
    policy, found = validate_policy(PROJECT, source)
    assert policy is None
    assert found[0].rule == "policy.extends-unreadable"
    assert "acme/policy" in found[0].message
