"""GitHub accounts as the facts and the events name them.

Its own module because both the event parser and the facts hold actors: neither imports the
other for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ActorType = Literal["User", "Bot", "Organization", "Mannequin", "Unknown"]


@dataclass(frozen=True)
class Actor:
    """A GitHub account as the API reports it (``login`` and ``type``)."""

    login: str
    type: ActorType = "User"

    @property
    def is_bot(self) -> bool:
        """Bots and apps never decide: GitHub marks them ``Bot`` and names them ``x[bot]``."""
        return self.type != "User" or self.login.lower().endswith("[bot]")
