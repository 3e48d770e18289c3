"""The organisation's central policy as it was read, or why it could not be.

A leaf module: the facts carry it and the policy merge reads it, so neither imports the other
for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OrgSource:
    """The central policy as read: ``label`` names it in findings (``ORG/REPO:PATH`` or the
    local path of ``--org-policy``); ``data`` None means it could not be read, ``reason`` why."""

    label: str
    data: bytes | None
    reason: str = ""
