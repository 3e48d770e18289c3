"""``fivesafes org upgrade`` and ``org doctor`` over the organisation's repositories, against
the local GitHub API server (contract-checked)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.github_server import GitHubServer
from tests.github_server.world import Repo

from fivesafes.cli.main import cli
from fivesafes.core import layout

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "project-repo"
WORKFLOW = ".github/workflows/fivesafes.yml"


def _repo(server: GitHubServer, name: str, policy_extra: str = "") -> Repo:
    files: dict[str, bytes | str] = {
        p.relative_to(TEMPLATE).as_posix(): p.read_bytes()
        for p in sorted(TEMPLATE.rglob("*")) if p.is_file() and ".schemas" not in p.parts}
    files[layout.POLICY] = (TEMPLATE / layout.POLICY).read_text("utf-8") + policy_extra
    if policy_extra:
        files[WORKFLOW] = (TEMPLATE / WORKFLOW).read_text("utf-8").replace(
            "fivesafes/fivesafes-gitops/", "acme/automation/")
    repo = server.world.repo(f"acme/{name}", files=files)
    repo.topics = ["fivesafes"]
    return repo


@pytest.fixture
def org(github_env: GitHubServer) -> GitHubServer:
    _repo(github_env, "alpha")
    beta = _repo(github_env, "beta")
    github_env.world.open_pull(beta, {WORKFLOW: "bumped"}, author="dependabot[bot]",
                               head_ref="dependabot/github_actions/v0.2.0",
                               title="Bump fivesafes/fivesafes-gitops from 0.1.0 to 0.2.0")
    _repo(github_env, "gamma", '\n[automation]\nrepository = "acme/automation"\n')
    github_env.clear()
    return github_env


def test_upgrade_opens_one_pull_request_per_repository(org: GitHubServer) -> None:
    result = CliRunner().invoke(cli, ["org", "upgrade", "acme", "--to", "v0.2.0"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.splitlines())
    assert lines["acme/alpha"].startswith("opened ")
    assert lines["acme/beta"].startswith("dependabot ")
    assert "Dependabot already opened #1" in lines["acme/beta"]
    assert lines["acme/gamma"].startswith("opened ")
    world = org.world
    for name, automation in (("alpha", "fivesafes/fivesafes-gitops"),
                             ("gamma", "acme/automation")):
        repo = world.repos[f"acme/{name}"]
        (pull,) = repo.pulls.values()
        assert pull.head_ref == "fivesafes-upgrade-v0.2.0"
        text = world.objects.files(repo.commits[pull.head_sha].tree)[WORKFLOW].decode()
        assert f"uses: {automation}/.github/workflows/fivesafes.yml@v0.2.0" in text
        assert "@v0.1.0" not in text
    again = CliRunner().invoke(cli, ["org", "upgrade", "acme", "--to", "v0.2.0"])
    assert "acme/alpha: exists" in again.output


def test_doctor_reports_every_repository(org: GitHubServer) -> None:
    result = CliRunner().invoke(cli, ["org", "doctor", "acme", "--json"])
    assert result.exit_code == 1, result.output
    report = {r["repository"]: r["findings"] for r in json.loads(result.stdout)["repositories"]}
    assert set(report) == {"acme/alpha", "acme/beta", "acme/gamma"}
    rules = {f["rule"] for f in report["acme/alpha"]}
    assert {"ruleset-missing", "example.value", "environment-missing"} <= rules
    assert "codeowners-policy" not in rules  # the template's CODEOWNERS matches its policy
    named = CliRunner().invoke(cli, ["org", "doctor", "acme", "--json", "--tre-label", "gpu",
                                     "--environment", "key"])
    alpha = next(r for r in json.loads(named.stdout)["repositories"]
                 if r["repository"] == "acme/alpha")
    assert any("`key`" in f["message"] for f in alpha["findings"]
               if f["rule"] == "environment-missing")
    assert any("`gpu`" in f["message"] for f in alpha["findings"]
               if f["rule"] == "runner-missing")
