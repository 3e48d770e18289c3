"""The gate the execution and publication jobs run first: ``fivesafes handle`` on the
``workflow_dispatch`` (docs/workflows.md, "workflow_dispatch ... is a request, not a
permission").

The end-to-end run (test_lifecycle.py) sends a dispatch for a request that was signed off but
never merged; the job's first step must stop it. This is the same situation at the engine,
without act: the plan is refused (exit 1), recorded, and leaves the pull request alone.
tests/engine/test_engine_dispatch.py holds every other rule of the gate.
"""

from __future__ import annotations

from tests.support.engine_world import NOW, World, payload, signed_off

from fivesafes.core.engine.planner import plan_event
from fivesafes.core.facts.events import parse_event


def test_dispatch_without_a_recorded_sign_off_is_not_completed() -> None:
    world = World()
    signed_off(world)  # approved by labels, never merged: the record holds no sign-off
    data = payload("workflow_dispatch")
    data["inputs"] = {"pr": str(world.number), "phase": "execution"}
    plan = plan_event(parse_event("workflow_dispatch", data), world.facts(), NOW)
    assert plan.outcome in ("refused", "failed"), (plan.outcome, plan.reason)
    assert "not merged" in plan.reason
    assert not {"comment", "status", "add-label", "remove-label", "dispatch"} & {
        e.kind for e in plan.effects}
