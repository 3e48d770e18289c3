"""``fivesafes org status ORG`` and ``dashboard ORG`` through the local GitHub API server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.github_server import GitHubServer
from tests.org.test_org_policy import ORG
from tests.support.org_projects import EXECUTED, VALID, Step, project, record

from fivesafes.cli.main import cli
from fivesafes.core import layout


def _files(root: Path, name: str, title: str, steps: list[Step], policy: bytes | None = None
           ) -> dict[str, bytes | str]:
    folder = project(root, name, title, steps)
    files: dict[str, bytes | str] = {
        layout.PROJECT: (folder / layout.PROJECT).read_bytes(),
        layout.POLICY: policy or (folder / layout.POLICY).read_bytes()}
    if steps:
        files[layout.ACTIONS] = record(steps)
    return files


@pytest.fixture
def org(github_env: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> GitHubServer:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1768471200")
    world = github_env.world
    world.repo("acme/fivesafes-template", files={"README.md": "template"})
    world.repo("acme/policy", files={"fivesafes.toml": ORG.decode()})
    tagged = world.repo("acme/cohort", files=_files(tmp_path, "cohort", "Cohort study", VALID))
    tagged.topics = ["fivesafes"]
    made = world.repo("acme/flu", files=_files(
        tmp_path, "flu", "Flu uptake", EXECUTED,
        b'extends = "acme/policy"\n\n[phases.disclosure]\nrequired = 3\n'))
    made.template = "acme/fivesafes-template"
    loose = world.repo("acme/loose", files=_files(
        tmp_path, "loose", "Loose policy", VALID,
        b'extends = "acme/policy"\n\n[phases.disclosure]\nrequired = 1\n'))
    loose.topics = ["fivesafes"]
    world.repo("acme/website", files={"index.html": "<p>not a project</p>"})
    github_env.clear()
    return github_env


def test_status_lists_topic_and_template_repositories(org: GitHubServer) -> None:
    result = CliRunner().invoke(cli, ["org", "status", "acme", "--json",
                                      "--template", "acme/fivesafes-template"])
    assert result.exit_code == 0, result.output
    projects = {p["repository"]: p for p in json.loads(result.output)["projects"]}
    assert set(projects) == {"acme/cohort", "acme/flu", "acme/loose"}
    assert projects["acme/cohort"]["title"] == "Cohort study"
    assert projects["acme/cohort"]["state"] == "sign-off-pending"
    flu = projects["acme/flu"]
    assert flu["state"] == "disclosure-pending"
    assert flu["waiting_on"] == ["@acme/checkers"]  # the central policy's, merged
    assert flu["links"]["repository"].endswith("/acme/flu")
    assert flu["last_decision"]["pr"].endswith("/acme/flu/pull/1")
    loose = projects["acme/loose"]
    assert any("loosens" in p for p in loose["problems"])
    lines = org.lines()
    assert "GET /orgs/acme/repos?per_page=100&type=all" in lines
    assert lines.count("GET /repos/acme/policy/contents/fivesafes.toml?ref=main") == 1


def test_dashboard_through_the_api(org: GitHubServer, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["org", "dashboard", "acme", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Cohort study" in page
    assert "Loose policy" in page


def test_an_unknown_organisation_is_an_external_failure(github_env: GitHubServer) -> None:
    result = CliRunner().invoke(cli, ["org", "status", "nobody"])
    assert result.exit_code == 3, result.output
