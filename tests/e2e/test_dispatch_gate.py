"""The gate the execution and publication jobs run first: ``fivesafes handle`` on the
``workflow_dispatch`` (docs/workflows.md, "workflow_dispatch ... is a request, not a
permission").

The end-to-end run (test_lifecycle.py) shows a dispatch for a request that was signed off but
never merged reaching ``fivesafes execute``, whose own gate then refuses. This is the same
situation at the engine, without act: the plan for such a dispatch must not be ``completed``.
"""

from __future__ import annotations

import pytest
from tests.engine.engine_world import NOW, World, payload, signed_off

from fivesafes.core.engine import plan_event
from fivesafes.core.events import parse_event


@pytest.mark.xfail(strict=True, reason="the engine re-evaluates a workflow_dispatch like any "
                   "event on its pull request (core/pr_plan.py pr_event_plan); it does not "
                   "look for a completed sign-off of that pull request in the action record")
def test_dispatch_without_a_recorded_sign_off_is_not_completed() -> None:
    world = World()
    signed_off(world)  # approved by labels, never merged: the record holds no sign-off
    data = payload("workflow_dispatch")
    data["inputs"] = {"pr": str(world.number), "phase": "execution"}
    plan = plan_event(parse_event("workflow_dispatch", data), world.facts(), NOW)
    assert plan.outcome in ("refused", "failed"), (plan.outcome, plan.reason)
