"""The security rules every workflow and action this repository ships must follow.

act does not apply ``types:``/``branches:`` filters, so the triggers are checked here by
reading the YAML; the end-to-end suite checks which jobs the events actually start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from fivesafes import __version__
from fivesafes.adapters.files.workflow_pins import find_uses
from fivesafes.core.admin.pins import SHA_RE
from fivesafes.core.admin.repo_settings import REQUIRED_CHECKS

ROOT = Path(__file__).resolve().parents[2]
REUSABLE = ROOT / ".github/workflows/fivesafes.yml"
CALLER = ROOT / "templates/project-repo/.github/workflows/fivesafes.yml"
REVIEW = ROOT / "templates/project-repo/.github/workflows/fivesafes-review.yml"
ACTIONS = sorted((ROOT / "actions").glob("*/action.yml"))
WORKFLOWS = [*sorted((ROOT / ".github/workflows").glob("*.yml")), CALLER, REVIEW]
ALL = WORKFLOWS + ACTIONS
PR_JOBS = ("validation", "sign-off", "disclosure")
TRE_JOBS = ("execution", "publication-package", "retention")
GATES = {"execution-gate": "execution", "publication-gate": "publication-package"}


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def steps(doc: Any) -> Iterator[dict[str, Any]]:
    if "runs" in doc:
        yield from doc["runs"].get("steps", [])
    for job in (doc.get("jobs") or {}).values():
        yield from job.get("steps", [])


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_expression_inside_run(path: Path) -> None:
    for step in steps(load(path)):
        assert "${{" not in str(step.get("run", "")), f"{path}: {step.get('name')}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_uses_is_pinned(path: Path) -> None:
    rel = path.relative_to(ROOT).as_posix()
    for uses in find_uses(path.read_text(encoding="utf-8"), rel):
        if uses.is_ours():
            assert uses.ref == f"v{__version__}", f"{rel}:{uses.line} {uses.value}"
        else:
            assert SHA_RE.match(uses.ref), f"{rel}:{uses.line} {uses.value}"
            assert re.fullmatch(r"# v\d+\.\d+\.\d+", uses.comment), f"{rel}:{uses.line}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_checkouts_never_persist_credentials(path: Path) -> None:
    for step in steps(load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_reusable_workflow_jobs_are_least_privilege_and_serialised() -> None:
    doc = load(REUSABLE)
    assert doc["permissions"] == {}
    assert list(doc["on"]) == ["workflow_call"]
    for job_id, job in doc["jobs"].items():
        assert job["name"] == job_id
        assert "permissions" in job, job_id
        assert "write-all" not in str(job["permissions"])
        assert job["concurrency"]["cancel-in-progress"] is False, job_id
        assert job["concurrency"]["group"].startswith("fivesafes-"), job_id


def test_pull_request_jobs_check_out_nothing() -> None:
    """No job started by a pull request event holds a checkout of anything."""
    jobs = load(REUSABLE)["jobs"]
    for job_id in PR_JOBS:
        assert not any("checkout" in str(s.get("uses", "")) for s in jobs[job_id]["steps"])
    for job in jobs.values():
        for step in job["steps"]:
            if "checkout" in str(step.get("uses", "")):
                assert step["with"]["ref"] == "${{ github.event.repository.default_branch }}"


def test_secrets_reach_only_the_jobs_that_need_them() -> None:
    """The App key is read only by jobs that declare the deployment environment (whose only
    deployment branch is the default one), and every such job mints the token there."""
    jobs = load(REUSABLE)["jobs"]
    holders = {job_id for job_id, job in jobs.items() if "secrets." in str(job)}
    assert holders == {"validation", "sign-off", "disclosure", "record", "execution-gate",
                       "execution-record", "publication-gate", "publication",
                       "retention-record"}
    for job_id, job in jobs.items():
        mints = any("create-github-app-token" in str(s.get("uses", "")) for s in job["steps"])
        assert mints == (job_id in holders), job_id
        if job_id in holders:
            assert job["environment"] == "${{ inputs.environment }}", job_id
        else:
            assert "environment" not in job, job_id
    call = load(REUSABLE)["on"]["workflow_call"]
    assert "secrets" not in call  # no secret is passed by name
    assert call["inputs"]["environment"]["default"] == "fivesafes"


@pytest.mark.parametrize("job_id", TRE_JOBS)
def test_tre_jobs_hold_nothing_that_writes_to_github(job_id: str) -> None:
    """On the TRE runner: no permission, no environment, no secret, no token, a timeout; the
    approved inputs come as an artifact and what may leave goes back as one."""
    jobs = load(REUSABLE)["jobs"]
    job = jobs[job_id]
    assert job["runs-on"] == "${{ fromJSON(inputs.execution-runs-on) }}"
    assert job["permissions"] == {}
    assert "environment" not in job
    assert "secrets." not in str(job)
    assert "github.token" not in str(job)
    assert "token" not in str([s.get("with", {}) for s in job["steps"]])
    assert job["timeout-minutes"]
    assert not any("checkout" in str(s.get("uses", "")) for s in job["steps"])
    assert not any("actions/cache" in str(s.get("uses", "")) for s in job["steps"])
    # only the TRE jobs run there
    on_tre = {j for j, spec in jobs.items() if "execution-runs-on" in str(spec["runs-on"])}
    assert on_tre == set(TRE_JOBS)


def test_the_tre_hands_back_no_output_data_before_approval() -> None:
    """The execution job's only upload is the hand-back folder (entries and manifest); the
    staging folder, where the outputs are, is never uploaded."""
    job = load(REUSABLE)["jobs"]["execution"]
    uploads = [s for s in job["steps"] if "upload-artifact" in str(s.get("uses", ""))]
    assert [u["with"]["path"] for u in uploads] == ["${{ runner.temp }}/fivesafes-handback"]
    assert all(s.get("with", {}).get("handback") == "${{ runner.temp }}/fivesafes-handback"
               for s in job["steps"] if "fivesafes-gitops/actions/" in str(s.get("uses", ""))
               and "setup" not in str(s.get("uses")))


def test_required_check_names_come_from_the_caller_job_and_job_names() -> None:
    caller = load(CALLER)
    (job_id,) = caller["jobs"]
    names = {job["name"] for job in load(REUSABLE)["jobs"].values()}
    assert {f"{job_id} / {name}" for name in names} >= set(REQUIRED_CHECKS)


def actions_in_conditions(job: dict[str, Any]) -> set[str]:
    return set(re.findall(r'"(opened|synchronize|reopened|edited|labeled|unlabeled|closed)"',
                          job.get("if", ""))) | set(
        re.findall(r"action (?:==|!=) '(\w+)'", job.get("if", "")))


def test_caller_triggers_deliver_every_event_a_job_waits_for() -> None:
    caller = load(CALLER)
    on = caller["on"]
    wanted = set().union(*(actions_in_conditions(j) for j in load(REUSABLE)["jobs"].values()))
    assert wanted <= set(on["pull_request_target"]["types"])
    assert on["workflow_run"] == {"workflows": [load(REVIEW)["name"]], "types": ["completed"]}
    assert set(load(REVIEW)["on"]["pull_request_review"]["types"]) == {"submitted", "dismissed"}
    assert on["push"]["branches"] == ["main"]
    assert "pull_request" not in on  # would run the workflow as a pull request changed it
    dispatch = on["workflow_dispatch"]["inputs"]
    # The inputs the engine's dispatch sends (adapters/github/apply.py); GitHub refuses a
    # dispatch with an undeclared input.
    assert dispatch["phase"]["options"] == ["execution", "publication"]
    assert {"pr", "sha", "digest", "delivery"} <= set(dispatch)
    assert caller["permissions"] == {}


# Triggers that run the workflow file as it is on the DEFAULT branch, whatever a pull request
# changed. pull_request and pull_request_review run it as the pull request has it, and
# workflow_dispatch as the DISPATCHED ref has it (any branch a writer names).
DEFAULT_BRANCH_TRIGGERS = {"pull_request_target", "push", "workflow_run", "schedule"}
ON_DEFAULT_BRANCH = "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"


def test_the_secret_holding_caller_runs_only_the_default_branchs_workflow() -> None:
    caller = load(CALLER)
    call = caller["jobs"]["fivesafes"]
    assert call["secrets"] == "inherit"  # no secret by name: the key is an environment secret
    assert "secrets." not in str(caller["jobs"])
    assert call["with"]["environment"] == "fivesafes"
    assert set(caller["on"]) - {"workflow_dispatch"} <= DEFAULT_BRANCH_TRIGGERS  # never as a
    assert set(caller["on"]["push"]) == {"branches"}  # PR changed it; the default branch
    # GHES before 3.20 runs the BASE branch's file for pull_request_target: default only
    assert caller["on"]["pull_request_target"]["branches"] == ["main"]
    # a dispatch runs the dispatched ref's file: the call happens only on the default branch
    assert ON_DEFAULT_BRANCH in call["if"]
    assert "github.event_name != 'workflow_dispatch'" in call["if"]


@pytest.mark.parametrize("job", ["execution-gate", "publication-gate"])
def test_dispatched_jobs_run_only_on_the_default_branch(job: str) -> None:
    jobs = load(REUSABLE)["jobs"]
    assert ON_DEFAULT_BRANCH in jobs[job]["if"]
    assert jobs[GATES[job]]["needs"] == job
    assert jobs[GATES[job]]["if"] == f"needs.{job}.outputs.outcome == 'completed'"


def test_the_record_job_waits_in_a_group_of_its_own() -> None:
    """GitHub drops a waiting run when another joins its group: the record job's group is
    its run's alone, so no label event can drop the record of a merge."""
    jobs = load(REUSABLE)["jobs"]
    group = jobs["record"]["concurrency"]["group"]
    assert "github.run_id" in group
    records = {"record", "execution-record", "publication", "retention-record"}
    assert all(jobs[name]["concurrency"]["group"] == group for name in records)
    assert all(job["concurrency"]["group"] != group for name, job in jobs.items()
               if name not in records)
    assert "schedule" in load(CALLER)["on"]  # the reconciler's tick
    assert "github.event_name == 'schedule'" in jobs["record"]["if"]


def test_execution_and_publication_are_serialised_per_request() -> None:
    jobs = load(REUSABLE)["jobs"]
    group = jobs["execution"]["concurrency"]["group"]
    for job_id in ("execution-gate", "publication-gate", "publication-package"):
        assert group == jobs[job_id]["concurrency"]["group"], job_id
    assert "inputs.pr" not in group


def test_no_privileged_job_runs_on_a_review() -> None:
    """The reusable workflow's jobs never wait for pull_request_review; reviews reach them
    through the review workflow's completed run (workflow_run)."""
    jobs = load(REUSABLE)["jobs"]
    for job_id, job in jobs.items():
        assert "'pull_request_review'" not in job.get("if", "").replace(
            "github.event.workflow_run.event == 'pull_request_review'", ""), job_id
    for job_id in ("sign-off", "disclosure"):
        assert "github.event.workflow_run.event == 'pull_request_review'" in jobs[job_id]["if"]


def test_the_review_workflow_holds_nothing() -> None:
    """It runs as the pull request has it: no permission, no secret, no checkout, no action."""
    doc = load(REVIEW)
    assert set(doc["on"]) == {"pull_request_review"}
    assert doc["permissions"] == {}
    text = REVIEW.read_text(encoding="utf-8")
    assert "secrets." not in text
    for job in doc["jobs"].values():
        assert "permissions" not in job or job["permissions"] == {}
        assert "secrets" not in job
        assert "uses" not in job
        assert [set(step) for step in job["steps"]] == [{"name", "run"}]
        assert "${{" not in str(job)


@pytest.mark.parametrize("path", ACTIONS, ids=lambda p: p.parent.name)
def test_actions_are_documented(path: Path) -> None:
    action = load(path)
    assert action["name"]
    assert action["description"]
    assert set(action["branding"]) == {"icon", "color"}
    assert action["runs"]["using"] == "composite"
    for key, spec in {**(action.get("inputs") or {}), **(action.get("outputs") or {})}.items():
        assert spec.get("description"), f"{path.parent.name}: {key}"


@pytest.mark.parametrize("job", ["execution-gate", "publication-gate"])
def test_dispatched_work_runs_only_after_the_engine_says_completed(job: str) -> None:
    """The handle step judges the dispatch on the record; nothing after it runs unless it
    completed (an `ignored` dispatch must not run the executor or publish)."""
    job_steps = load(REUSABLE)["jobs"][job]["steps"]
    gate = next(i for i, s in enumerate(job_steps) if s.get("id") == "gate")
    assert job_steps[gate]["uses"].split("@")[0].endswith("actions/handle")
    for step in job_steps[gate + 1:]:
        assert step.get("if") == "steps.gate.outputs.outcome == 'completed'", step["name"]
