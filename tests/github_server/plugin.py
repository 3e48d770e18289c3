"""The ``github_server`` pytest fixture: a started server, torn down after the test, which
fails the test if any response or request broke GitHub's OpenAPI contract."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.github_server import GitHubServer


@pytest.fixture
def github_server() -> Iterator[GitHubServer]:
    with GitHubServer() as server:
        yield server
        server.assert_clean()


@pytest.fixture
def github_env(github_server: GitHubServer, monkeypatch: pytest.MonkeyPatch) -> GitHubServer:
    """The server, with GITHUB_API_URL / GITHUB_TOKEN / GITHUB_SERVER_URL pointing at it."""
    for key, value in github_server.env().items():
        monkeypatch.setenv(key, value)
    return github_server
