"""Explicit, deterministic identifiers.

Ids are derived from what they identify (uuid5 over their parts), so the same event recorded
twice gets the same id and two demo runs produce byte-identical crates.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("5f5a3c1e-7d0b-4d8e-9a61-5afe5e5c0de5")


def derived_urn(*parts: object) -> str:
    """``urn:uuid:`` of a uuid5 over the parts."""
    return uuid.uuid5(NAMESPACE, "\x1f".join(str(p) for p in parts)).urn


def is_urn_uuid(value: str) -> bool:
    if not value.startswith("urn:uuid:"):
        return False
    try:
        return str(uuid.UUID(value[len("urn:uuid:"):])) == value[len("urn:uuid:"):]
    except ValueError:
        return False
