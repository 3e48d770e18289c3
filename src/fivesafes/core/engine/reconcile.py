"""The reconciler: merges the record is missing, found and recorded after the fact.

A merge is recorded by the run GitHub starts for the ``closed`` event. That run can be lost: a
waiting run is dropped when a newer one joins its concurrency group, a runner dies, Actions has
an outage. The reconciler (``fivesafes reconcile``, on every push to the default branch and on
a schedule) lists the merged pull requests and plans, for each one the record does not hold,
the same merge plan the lost run would have made: the merge's decisions are counted only up to
GitHub's ``merged_at``, so recording late changes nothing about what counts, and the plan's
dispatch starts the phase that should have started.

Idempotent by construction: every merge plan records under the merge's own key
(:func:`merge_key`, the pull request and its merge commit), whichever run makes it, so the
``closed`` run and the reconciler racing each other record it once (the record commit is a
compare-and-swap that skips a key already present).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.events import Event, merge_key
from fivesafes.models.ledger import ActionRecord

AUTOMATION = Actor("fivesafes[bot]", "Bot")
MERGE_PHASES = ("sign-off", "disclosure")


@dataclass(frozen=True)
class Merged:
    """A merged pull request as GitHub lists it."""

    number: int
    merge_commit_sha: str
    merged_at: str
    base_ref: str


def recorded(record: ActionRecord, merged: Merged) -> bool:
    """Whether the record holds the merge of ``merged`` (by its key, or, for merges recorded
    before keys existed, by a merge entry of that pull request)."""
    key = merge_key(merged.number, merged.merge_commit_sha)
    for entry in record.action:
        if entry.evidence.delivery == key:
            return True
        if entry.evidence.pr == merged.number and entry.phase in MERGE_PHASES and (
                entry.status == "completed"
                or (entry.status == "refused" and entry.reason.startswith("merged without"))):
            return True
    return False


def missing(record: ActionRecord, merged: Iterable[Merged], default_branch: str) -> list[Merged]:
    """Merges into the default branch the record does not hold, oldest first."""
    todo = [m for m in merged if m.base_ref == default_branch and not recorded(record, m)]
    return sorted(todo, key=lambda m: m.number)


def merge_event(merged: Merged, repository: str, default_branch: str) -> Event:
    """The ``closed`` (merged) event the lost run would have handled."""
    return Event(name="pull_request_target", action="closed", kind="merged",
                 sender=AUTOMATION, delivery=merge_key(merged.number, merged.merge_commit_sha),
                 repository=repository, default_branch=default_branch, pr=merged.number,
                 base_ref=merged.base_ref, merged_at=merged.merged_at,
                 closed_at=merged.merged_at)
