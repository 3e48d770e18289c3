"""Contract tests of the GitHub adapter, run against the local GitHub API server.

``staged`` is a project repository on the server with a policy on the default branch and a
request pull request by ``researcher``; ``api`` is a client for the server whose backoff
sleeps are recorded instead of slept.
"""

from __future__ import annotations

import pytest
from tests.github_server import GitHubServer
from tests.github_server.plugin import github_env, github_server  # noqa: F401
from tests.support.staging import Staged

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.retry import RetryPolicy


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def api(github_server: GitHubServer, sleeps: list[float]) -> GitHubApi:  # noqa: F811
    return GitHubApi(github_server.token, github_server.url,
                     RetryPolicy(sleep=sleeps.append, clock=lambda: 1767225600.0))


@pytest.fixture
def staged(github_server: GitHubServer) -> Staged:  # noqa: F811
    return Staged(github_server)
