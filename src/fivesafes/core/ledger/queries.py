"""Questions asked of the action record: where each phase stands, when it last changed.

The record is the request's source of truth; the crate, ``fivesafes status``, the phase
engine, the organisation summary and the release checks all ask it the same questions, so the
answers live here, beside the chain that makes the record trustworthy.
"""

from __future__ import annotations

import datetime as dt

from fivesafes.models.ledger import ActionEntry, ActionRecord, Phase


def current_entries(record: ActionRecord) -> dict[Phase, ActionEntry]:
    """The latest entry of each phase that is not a refused attempt."""
    current: dict[Phase, ActionEntry] = {}
    for entry in record.action:
        if entry.status != "refused":
            current[entry.phase] = entry
    return current


def latest_time(record: ActionRecord) -> str | None:
    """The latest start or end time in the record (compared as instants, not as text)."""
    stamps = [s for e in record.action for s in (e.start, e.end) if s]
    return max(stamps, key=lambda s: dt.datetime.fromisoformat(s.replace("Z", "+00:00")),
               default=None)


def completed(record: ActionRecord, phase: Phase) -> list[ActionEntry]:
    """The completed entries of ``phase``, oldest first (an execution's attempts, say)."""
    return [e for e in record.action if e.phase == phase and e.status == "completed"]


def latest(record: ActionRecord, phase: Phase) -> ActionEntry | None:
    """The latest non-refused entry of ``phase``."""
    return current_entries(record).get(phase)


def next_attempt(record: ActionRecord) -> int:
    """The number of the next execution attempt (refused ones count: attempts never repeat)."""
    return max((e.attempt for e in record.action if e.phase == "execution"), default=0) + 1


def completed_execution(record: ActionRecord) -> ActionEntry | None:
    """The latest execution, when it completed."""
    execution = latest(record, "execution")
    return execution if execution is not None and execution.status == "completed" else None
