"""The whole (state, event) matrix: every event in every reachable request state.

Whatever arrives, the plan is well formed, names a state of the phase table, and keeps the
invariants that make decisions unforgeable: nothing starts unless a signed-off request is
merged, nothing is recorded but refusals, rejections and merges, and an invalid request never
reaches a decision.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.support.engine_world import APPROVE, HOLD, REJECT, World, kinds, signed_off

from fivesafes.core.engine.plan import plan_to_json
from fivesafes.core.facts.events import Event
from fivesafes.core.lifecycle import phases


def pending(w: World) -> None:
    w.run(w.opened())


def held(w: World) -> None:
    signed_off(w)
    w.run(w.label(HOLD, "dave"))


def rejected(w: World) -> None:
    w.run(w.label(REJECT, "bob"))


def invalid(w: World) -> None:
    w.files["resources/workflow.toml"] = b"[workflow]\nname = 1\n"
    w.run(w.opened())


STATES: dict[str, Callable[[World], None]] = {
    "sign-off-pending": pending, "signed-off": signed_off, "held": held,
    "rejected": rejected, "invalid": invalid,
}
EVENTS: dict[str, Callable[[World], Event]] = {
    "opened": lambda w: w.opened(),
    "reopened": lambda w: w.event("pull_request.reopened"),
    "synchronize": lambda w: w.push("f" * 40),
    "label-by-approver": lambda w: w.label(APPROVE, "bob"),
    "label-by-author": lambda w: w.label(APPROVE, "Codertocat"),
    "label-by-bot": lambda w: w.label(APPROVE, "ci[bot]", "Bot"),
    "unlabel": lambda w: w.unlabel(w.labels[0], "alice") if w.labels
    else w.event("pull_request.unlabeled"),
    "review-approve": lambda w: w.review("dave"),
    "review-changes": lambda w: w.review("dave", "CHANGES_REQUESTED"),
    "review-by-stranger": lambda w: w.review("mallory"),
    "merged": lambda w: w.merge(),
    "closed": lambda w: w.event("pull_request.closed"),
    "retargeted": lambda w: w.event("pull_request.edited.base"),
    "dispatch": lambda w: w.event("workflow_dispatch"),
}
NAMES = {s.name for s in phases.STATES} | {""}


@pytest.mark.parametrize("event_name", sorted(EVENTS))
@pytest.mark.parametrize("state", sorted(STATES))
def test_matrix(state: str, event_name: str) -> None:
    w = World()
    STATES[state](w)
    assert w.plan(w.event("pull_request.reopened")).state in (state, "")
    event = EVENTS[event_name](w)
    plan = w.plan(event)
    data = plan_to_json(plan)
    assert data["outcome"] in ("completed", "failed", "pending", "refused", "ignored")
    assert plan.state in NAMES
    assert all(e["kind"] for e in data["effects"])
    if "dispatch" in kinds(plan):
        assert (state, event_name) == ("signed-off", "merged")
    if "record" in kinds(plan):
        assert "commit" in kinds(plan)
        assert (plan.outcome == "refused" or event_name in ("merged", "review-changes")
                or plan.state == "rejected")
    if state == "invalid" and plan.outcome != "ignored":
        assert plan.outcome in ("failed", "refused")
    if event_name in ("label-by-author", "label-by-bot", "review-by-stranger"):
        assert plan.outcome in ("refused", "failed")
    if event_name == "merged" and state != "signed-off":
        assert plan.outcome in ("refused", "failed")
        assert plan.state in ("voided", "")
