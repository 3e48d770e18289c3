"""Fixtures of the engine tests: a small world of facts and real payload shapes.

``World`` (engine_world.py) holds one pull request on the vendored payloads' repository
(Codertocat/Hello-World, default branch ``master``, PR #2 by Codertocat) with the template
project's request files, a policy naming logins and teams, and helpers that add label events,
reviews and commits and build events from the vendored payloads.
"""

from __future__ import annotations

import pytest
from tests.support.engine_world import World


@pytest.fixture
def world() -> World:
    return World()
