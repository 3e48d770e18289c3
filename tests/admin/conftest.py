"""Organisation set-up and doctor, run against the local GitHub API server and a bare remote.

``org`` stages the organisation (teams with members) on the server; ``project`` is a project
rendered by ``fivesafes init`` (a real git repository); ``remote`` is a local bare repository
that plays GitHub's git side, since the API server speaks only REST.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.github_server import GitHubServer
from tests.github_server.plugin import github_env, github_server  # noqa: F401

from fivesafes.adapters.files.template import init_project
from fivesafes.core.admin.init_plan import InitOptions

ORG = "example-tre"
REPO = f"{ORG}/cohort-study"
TEAMS = {"sign-off-approvers": ["alice", "bob"], "output-checkers": ["carol", "dave"],
         "maintainers": ["mallory"]}
REUSABLE = "fivesafes/fivesafes-gitops/.github/workflows/fivesafes.yml"
PIN = "v0.1.0"  # the template's pin of the reusable workflow


@pytest.fixture(autouse=True)
def _bodiless_responses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let documented responses without a body (``"204": {}``) through the contract check.

    The server's check reads an empty response entry as "undocumented"; operations such as
    attaching a team to a repository answer 204 with no body, as documented.
    """
    from tests.github_server.openapi import OpenApi

    original = OpenApi.response_schema

    def response_schema(self: OpenApi, op: Any, status: int) -> dict[str, Any] | None:
        if op.spec["responses"].get(str(status)) == {}:
            return None
        return original(self, op, status)

    monkeypatch.setattr(OpenApi, "response_schema", response_schema)


@pytest.fixture
def org(github_env: GitHubServer) -> GitHubServer:  # noqa: F811
    """The organisation's teams, and the TRE runner as it should be: one ephemeral runner in a
    group open to the project repository alone and restricted to the reusable workflow."""
    for slug, members in TEAMS.items():
        github_env.world.team(ORG, slug, members)
    group = github_env.world.runner_group(ORG, "tre", repos=[REPO],
                                          workflows=[f"{REUSABLE}@{PIN}"])
    github_env.world.runner("tre-1", org=ORG, group=group)
    return github_env


@pytest.fixture
def admin_project(tmp_path: Path) -> Path:
    dest = tmp_path / "cohort-study"
    init_project(dest, InitOptions(), git=True)
    return dest


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    return bare
