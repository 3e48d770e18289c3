"""Which jobs each event starts: the real caller and reusable workflow, real payload shapes
(the vendored webhook examples), run by act with our composite actions replaced by no-ops."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.act_harness import Act

PAYLOADS = Path(__file__).resolve().parents[1] / "engine" / "payloads"


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def disclosure(name: str) -> dict[str, Any]:
    data = copy.deepcopy(payload(name))
    data["pull_request"]["head"]["ref"] = "fivesafes/disclosure/request-1"
    return data


def review_run(branch: str | None = None, triggered_by: str = "pull_request_review"
               ) -> dict[str, Any]:
    data = copy.deepcopy(payload("workflow_run.completed"))
    data["workflow_run"]["event"] = triggered_by
    if branch:
        data["workflow_run"]["head_branch"] = branch
    return data


def dispatch(phase: str | None) -> dict[str, Any]:
    data = copy.deepcopy(payload("workflow_dispatch"))
    if phase:
        data["inputs"]["phase"] = phase
    return data


CASES = [
    ("pull_request_target", payload("pull_request.opened"), {"validation"}),
    ("pull_request_target", payload("pull_request.synchronize"), {"validation"}),
    ("pull_request_target", payload("pull_request.reopened"), {"validation"}),
    ("pull_request_target", payload("pull_request.edited.base"), {"validation"}),
    ("pull_request_target", payload("pull_request.labeled"), {"sign-off"}),
    ("pull_request_target", payload("pull_request.unlabeled"), {"sign-off"}),
    ("workflow_run", review_run(), {"sign-off"}),
    ("workflow_run", review_run(triggered_by="push"), set()),
    ("pull_request_target", payload("pull_request.closed.merged"), {"record"}),
    ("pull_request_target", payload("pull_request.closed"), {"record"}),
    ("push", payload("push"), {"record"}),
    ("pull_request_target", disclosure("pull_request.opened"), {"disclosure"}),
    ("pull_request_target", disclosure("pull_request.labeled"), {"disclosure"}),
    ("workflow_run", review_run("fivesafes/disclosure/request-1"), {"disclosure"}),
    ("pull_request_target", disclosure("pull_request.closed.merged"), {"record"}),
    # the gates only: with the actions stubbed out no gate says `completed`, so the TRE jobs
    # and the hosted jobs that record their hand-back do not start
    ("workflow_dispatch", dispatch("execution"), {"execution-gate"}),
    ("workflow_dispatch", dispatch(None), {"execution-gate"}),
    ("workflow_dispatch", dispatch("publication"), {"publication-gate"}),
]


@pytest.mark.parametrize(("event", "data", "jobs"), CASES,
                         ids=[f"{e}-{d.get('action', d.get('inputs', ''))}-"
                              f"{d.get('workflow_run', {}).get('event', '')}-"
                              f"{(sorted(j) or ['none'])[0]}" for e, d, j in CASES])
def test_event_starts_exactly_its_job(act: Act, act_project: tuple[Path, Path], event: str,
                                      data: dict[str, Any], jobs: set[str]) -> None:
    clone, _ = act_project
    run = act.run(clone, event, data, routing_only=True,
                  secrets={"GITHUB_TOKEN": "routing-token"})
    assert run.code == 0, run.stderr + run.output()
    assert run.jobs == jobs
    assert set(run.results.values()) == ({"success"} if jobs else set())


@pytest.mark.parametrize("name", ["pull_request_review.submitted",
                                  "pull_request_review.dismissed"])
def test_a_review_runs_only_the_unprivileged_review_workflow(
        act: Act, act_project: tuple[Path, Path], name: str) -> None:
    run = act.run(act_project[0], "pull_request_review", payload(name), routing_only=True,
                  workflow="fivesafes-review.yml")
    assert run.code == 0, run.stderr + run.output()
    assert run.results == {"review": "success"}
    assert "review recorded for re-evaluation" in run.output("review")
    # the workflow that holds the App key has no pull_request_review trigger at all
    run = act.run(act_project[0], "pull_request_review", payload(name), routing_only=True)
    assert run.jobs == set()
    assert "Could not find any stages to run" in run.stderr


def test_push_to_another_branch_starts_nothing(act: Act, act_project: tuple[Path, Path]) -> None:
    data = copy.deepcopy(payload("push"))
    data["ref"] = "refs/heads/feature"
    run = act.run(act_project[0], "push", data, routing_only=True,
                  secrets={"GITHUB_TOKEN": "routing-token"})
    assert run.code == 0, run.stderr
    assert run.jobs == set()
