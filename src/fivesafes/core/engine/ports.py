"""The two edges of the engine: where facts come from and where plans go.

The engine is a pure function between them; adapters implement these protocols (the GitHub API,
a facts file and a checkout, the demo's stand-in), so the core never imports an adapter.
"""

from __future__ import annotations

from typing import Protocol

from fivesafes.core.engine.plan import Plan
from fivesafes.core.facts.events import Event
from fivesafes.core.facts.values import Facts


class FactsSource(Protocol):
    """Fetches the facts an event needs (GitHub API, or a JSON file offline)."""

    def fetch(self, event: Event) -> Facts:
        """Facts for ``event``; raises an exception naming what failed (exit code 3)."""
        ...


class PlanApplier(Protocol):
    """Carries out a plan's effects (labels, comment, statuses, commit, dispatch)."""

    def apply(self, plan: Plan, facts: Facts) -> None:
        """Apply every effect, in order; idempotent when the same plan is applied twice."""
        ...
