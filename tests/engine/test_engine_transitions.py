"""The engine moves a request only along rows of the transition table.

The diagram researchers see is drawn from :data:`fivesafes.core.lifecycle.phases.TRANSITIONS`;
this runs every event of the engine matrix in every reachable state and asserts that each
change of state the engine makes is a row of that table, so the picture cannot lie.
"""

from __future__ import annotations

import pytest
from tests.engine.test_engine_matrix import EVENTS, STATES
from tests.support.engine_world import World

from fivesafes.core.lifecycle import phases

ROWS = {(t.source, t.target) for t in phases.TRANSITIONS}


@pytest.mark.parametrize("event_name", sorted(EVENTS))
@pytest.mark.parametrize("before", sorted(STATES))
def test_every_state_change_is_a_row_of_the_table(before: str, event_name: str) -> None:
    w = World()
    STATES[before](w)
    after = w.plan(EVENTS[event_name](w)).state
    if after in ("", before):
        return
    assert (before, after) in ROWS, f"{before} --{event_name}--> {after} is not in the table"
