"""Real runs of the project workflow with act against the local GitHub API server and a local
bare remote: the real caller, reusable workflow, composite actions and ``fivesafes handle``.

The scenarios need the engine's GitHub applier factory
(``fivesafes.adapters.github_apply.applier_from_env``), which ``handle`` loads in Actions.
"""

from __future__ import annotations

import copy
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.act_harness import Act
from tests.github_server import GitHubServer
from tests.github_server.plugin import github_server  # noqa: F401

REPO = "example-tre/cohort-study"
PAYLOADS = Path(__file__).resolve().parents[1] / "engine" / "payloads"
MARKER = "<!-- fivesafes:sticky -->"

if not hasattr(importlib.import_module("fivesafes.adapters.github_apply"), "applier_from_env"):
    pytest.skip("the GitHub applier factory (github_apply.applier_from_env) is not available",
                allow_module_level=True)


def tree(root: Path) -> dict[str, bytes | str]:
    files: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(".git/"):
            files[rel] = path.read_bytes()
    return files


def pr_payload(action: str, server: GitHubServer, number: int, sender: str) -> dict[str, Any]:
    """The vendored ``pull_request.<action>`` example, pointed at the staged pull request."""
    data: dict[str, Any] = copy.deepcopy(json.loads(
        (PAYLOADS / f"pull_request.{action}.json").read_text(encoding="utf-8")))
    repo = server.world.repos[REPO]
    pull = repo.pulls[number]
    data["number"] = number
    data["sender"] = {"login": sender, "id": server.world.user(sender).id, "type": "User"}
    owner = {"login": repo.owner, "id": server.world.user(repo.owner).id,
             "type": "Organization"}
    repository = {**data["repository"], "full_name": REPO, "name": repo.name, "owner": owner,
                  "default_branch": repo.default_branch, "private": True}
    data["repository"] = repository
    pr = data["pull_request"]
    pr.update({"number": number, "user": {"login": pull.author, "type": "User",
                                          "id": server.world.user(pull.author).id}})
    pr["head"] = {**pr["head"], "ref": pull.head_ref, "sha": pull.head_sha, "repo": repository}
    pr["base"] = {**pr["base"], "ref": pull.base_ref, "sha": pull.base_sha, "repo": repository}
    return data


@pytest.fixture
def staged(github_server: GitHubServer, project: tuple[Path, Path]) -> GitHubServer:  # noqa: F811
    clone, _ = project
    world = github_server.world
    repo = world.repo(REPO, files=tree(clone))
    world.team("example-tre", "sign-off-approvers", members=["alice", "bob"])
    world.team("example-tre", "output-checkers", members=["carol", "dave"])
    repo.collaborators.update({"researcher": "write", "alice": "write", "bob": "write"})
    return github_server


def run_event(act: Act, server: GitHubServer, project: tuple[Path, Path], event: str,
              payload: dict[str, Any]) -> Any:
    clone, remote = project
    server.clear()
    return act.run(
        clone, event, payload,
        env={"GITHUB_API_URL": server.url, "GITHUB_REPOSITORY": REPO,
             "FIVESAFES_E2E_REMOTE": str(remote), "SOURCE_DATE_EPOCH": "1767225600"},
        secrets={"GITHUB_TOKEN": server.token},
        variables={"FIVESAFES_PYTHON": sys.executable, "FIVESAFES_TRE_PYTHON": sys.executable})


def statuses(server: GitHubServer, sha: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for status in server.world.repos[REPO].statuses:  # oldest first: the last one counts
        if status.sha == sha:
            found[status.context] = status.state
    return found


def sticky(server: GitHubServer, number: int) -> str:
    (comment,) = [c for c in server.world.repos[REPO].comments
                  if c.issue == number and MARKER in c.body]
    return comment.body


def test_valid_request_opened(act: Act, staged: GitHubServer,
                              project: tuple[Path, Path]) -> None:
    clone, _ = project
    project_toml = (clone / "resources/governance/project.toml").read_text(encoding="utf-8")
    pull = staged.world.open_pull(
        staged.world.repos[REPO],
        {"resources/governance/project.toml": project_toml.replace(
            "synthetic cohort", "synthetic cohort (revised)", 1)},
        author="researcher")
    run = run_event(act, staged, project, "pull_request_target",
                    pr_payload("opened", staged, pull.number, "researcher"))
    assert run.results == {"validation": "success"}, run.output("validation")
    assert statuses(staged, pull.head_sha)["fivesafes / validation"] == "success"
    assert "validation" in sticky(staged, pull.number).lower()
    reads = staged.lines()
    assert f"GET /repos/{REPO}/pulls/{pull.number}/files" in {r.split("?")[0] for r in reads}


def test_invalid_request_opened(act: Act, staged: GitHubServer,
                                project: tuple[Path, Path]) -> None:
    clone, _ = project
    project_toml = (clone / "resources/governance/project.toml").read_text(encoding="utf-8")
    broken = project_toml.replace("[project]", "[project]\ntitel = \"typo\"", 1)
    pull = staged.world.open_pull(staged.world.repos[REPO],
                                  {"resources/governance/project.toml": broken},
                                  author="researcher")
    run = run_event(act, staged, project, "pull_request_target",
                    pr_payload("opened", staged, pull.number, "researcher"))
    assert run.results == {"validation": "failure"}
    assert statuses(staged, pull.head_sha)["fivesafes / validation"] == "failure"
    line = broken.splitlines().index('titel = "typo"') + 1
    assert f"file=resources/governance/project.toml,line={line}" in run.output("validation")
    assert "titel" in sticky(staged, pull.number)


def label_event(act: Act, staged: GitHubServer, project: tuple[Path, Path], actor: str
                ) -> tuple[Any, Any]:
    repo = staged.world.repos[REPO]
    pull = staged.world.open_pull(repo, {"resources/workflow.toml": (
        project[0] / "resources/workflow.toml").read_text(encoding="utf-8") + "\n"},
        author="researcher")
    staged.world.label(repo, pull, "5s:approve-sign-off", actor=actor)
    payload = pr_payload("labeled", staged, pull.number, actor)
    payload["label"] = {**payload["label"], "name": "5s:approve-sign-off"}
    return pull, run_event(act, staged, project, "pull_request_target", payload)


def test_approver_signs_off(act: Act, staged: GitHubServer, project: tuple[Path, Path]) -> None:
    pull, run = label_event(act, staged, project, "alice")
    assert run.results == {"sign-off": "success"}, run.output("sign-off")
    assert statuses(staged, pull.head_sha)["fivesafes / sign-off"] == "success"
    assert "5s:approve-sign-off" in pull.labels
    assert "alice" in sticky(staged, pull.number)


@pytest.mark.parametrize("actor", ["mallory", "researcher"])
def test_unearned_sign_off_is_refused(act: Act, staged: GitHubServer,
                                      project: tuple[Path, Path], actor: str) -> None:
    staged.world.repos[REPO].collaborators[actor] = "write"
    pull, run = label_event(act, staged, project, actor)
    assert run.results == {"sign-off": "failure"}
    assert "5s:approve-sign-off" not in pull.labels
    assert statuses(staged, pull.head_sha).get("fivesafes / sign-off") != "success"
    assert actor in sticky(staged, pull.number)
