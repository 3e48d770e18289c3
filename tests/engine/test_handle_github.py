"""``fivesafes handle --dry-run --json`` with facts from the local GitHub API server.

A honest and a forged decision sequence on a staged project repository: the handler reads the
facts through the GitHub adapter (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL) and every
forged decision is refused; the server checks each exchange against GitHub's OpenAPI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.github_server import GitHubServer, World
from tests.github_server.payloads import adapt, load, review_run
from tests.github_server.plugin import github_env, github_server  # noqa: F401
from tests.github_server.world import Pull, Repo
from tests.support.engine_world import POLICY, template_files

from fivesafes.cli.main import cli

Staged = tuple[GitHubServer, World, Repo, Pull]
GH_POLICY = POLICY.replace(b'"@tre/stewards"', b'"@acme/stewards"').replace(
    b'"@tre/checkers"', b'"@acme/checkers"')


@pytest.fixture
def staged(github_env: GitHubServer, monkeypatch: pytest.MonkeyPatch) -> Staged:  # noqa: F811
    world = github_env.world
    files: dict[str, bytes | str] = {".github/fivesafes.toml": GH_POLICY, **template_files()}
    repo = world.repo("acme/project", files=files)
    world.team("acme", "stewards", members=["carol"])
    world.team("acme", "checkers", members=["erin", "frank"])
    repo.collaborators.update({"alice": "write", "carol": "maintain", "researcher": "write",
                               "trudy": "triage"})
    dataset = "resources/metadata/dataset_patients.toml"
    content = files[dataset]
    assert isinstance(content, bytes)
    pull = world.open_pull(repo, {dataset: content + b"\n# narrower\n"},
                           author="researcher")
    monkeypatch.setenv("GITHUB_REPOSITORY", repo.full_name)
    return github_env, world, repo, pull


def handle(tmp_path: Path, name: str, payload: dict[str, object]) -> dict[str, object]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    result = CliRunner().invoke(cli, ["handle", "--event-name", name, "--event", str(path),
                                      "--dry-run", "--json"])
    assert result.exit_code in (0, 1), result.output
    plan: dict[str, object] = json.loads(result.stdout)
    assert result.exit_code == (1 if plan["outcome"] in ("refused", "failed") else 0)
    return plan


def test_forged_and_honest_decisions_through_the_api(staged: Staged, tmp_path: Path) -> None:
    server, world, repo, pull = staged
    label = "5s:approve-sign-off"

    world.label(repo, pull, label, actor="researcher")
    plan = handle(tmp_path, "pull_request_target", adapt(
        world, load("pull_request.labeled"), repo, pull, sender="researcher", label=label))
    assert plan["outcome"] == "refused"
    assert "opened this pull request" in str(plan["reason"])
    world.unlabel(repo, pull, label, actor="fivesafes[bot]")

    world.label(repo, pull, label, actor="trudy")
    plan = handle(tmp_path, "pull_request", adapt(
        world, load("pull_request.labeled"), repo, pull, sender="trudy", label=label))
    assert plan["outcome"] == "refused"
    world.unlabel(repo, pull, label, actor="fivesafes[bot]")

    world.label(repo, pull, label, actor="alice")
    plan = handle(tmp_path, "pull_request", adapt(
        world, load("pull_request.labeled"), repo, pull, sender="alice", label=label))
    assert (plan["outcome"], plan["state"]) == ("pending", "sign-off-pending")

    review = world.review(repo, pull, "carol", "APPROVED")
    plan = handle(tmp_path, "pull_request_review", adapt(
        world, load("pull_request_review.submitted"), repo, pull, sender="carol",
        review=review))
    assert (plan["outcome"], plan["state"]) == ("completed", "signed-off")

    world.push(repo, pull, {"resources/metadata/dataset_patients.toml": b"# changed\n"
                            + template_files()["resources/metadata/dataset_patients.toml"]})
    plan = handle(tmp_path, "pull_request", adapt(
        world, load("pull_request.synchronize"), repo, pull, sender="researcher"))
    assert plan["state"] == "sign-off-pending"
    effects = plan["effects"]
    assert isinstance(effects, list)
    assert {"kind": "remove-label", "pr": pull.number, "label": label,
            "reason": "stale: @alice approved an earlier commit"} in effects
    assert not [r for r in server.requests if r.method != "GET"]  # dry run: reads only


def test_repository_comes_from_the_payload_without_github_repository(
        staged: Staged, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside Actions (no GITHUB_REPOSITORY), the payload names the repository to read."""
    _server, world, repo, pull = staged
    monkeypatch.delenv("GITHUB_REPOSITORY")
    label = "5s:approve-sign-off"
    world.label(repo, pull, label, actor="researcher")
    plan = handle(tmp_path, "pull_request_target", adapt(
        world, load("pull_request.labeled"), repo, pull, sender="researcher", label=label))
    assert plan["outcome"] == "refused"
    assert "opened this pull request" in str(plan["reason"])


def test_review_hand_off_finds_the_pull_request_through_the_api(staged: Staged,
                                                                 tmp_path: Path) -> None:
    """A ``workflow_run`` after a review names no pull request the engine trusts: the handler
    lists the open pull requests of the run's head branch and takes the one at the run's SHA."""
    server, world, repo, pull = staged
    label = "5s:approve-sign-off"
    world.label(repo, pull, label, actor="alice")
    world.review(repo, pull, "carol", "APPROVED")
    data = review_run(world, repo, pull, "carol")
    data["workflow_run"]["pull_requests"] = []  # as for a fork: the payload lists none
    plan = handle(tmp_path, "workflow_run", data)
    assert (plan["outcome"], plan["state"]) == ("completed", "signed-off")
    lookups = [r.query for r in server.requests if r.operation == "pulls/list"]
    assert lookups == [{"state": "open", "head": f"{repo.owner}:{pull.head_ref}",
                        "per_page": "100"}]

    data["workflow_run"]["head_sha"] = "0" * 40  # a run for a head no open pull request has
    plan = handle(tmp_path, "workflow_run", data)
    assert plan["outcome"] == "ignored"
    assert "no open pull request has head 000000000000" in str(plan["reason"])
