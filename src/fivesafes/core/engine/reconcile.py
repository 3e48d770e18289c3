"""The reconciler: merges the record is missing, found and recorded after the fact.

A merge is recorded by the run GitHub starts for the ``closed`` event. That run can be lost: a
waiting run is dropped when a newer one joins its concurrency group, a runner dies, Actions has
an outage. The reconciler (``fivesafes reconcile``, on every push to the default branch and on
a schedule) lists the merged pull requests and plans, for each one the record does not hold,
the same merge plan the lost run would have made: the merge's decisions are counted only up to
GitHub's ``merged_at``, so recording late changes nothing about what counts, and the plan's
dispatch starts the phase that should have started. On the schedule it also starts what a
recorded merge should have started and did not (:func:`unstarted`: a lost dispatch).

Idempotent by construction: every merge plan records under the merge's own key
(:func:`merge_key`, the pull request and its merge commit), whichever run makes it, so the
``closed`` run and the reconciler racing each other record it once (the record commit is a
compare-and-swap that skips a key already present).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from fivesafes.core.engine.plan import Dispatch, DispatchTarget
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.events import Event, merge_key
from fivesafes.core.facts.instants import moment
from fivesafes.core.ledger.queries import current_entries
from fivesafes.models.ledger import ActionRecord, Phase

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


START_AFTER = dt.timedelta(minutes=30)


def unstarted(record: ActionRecord, merged: Iterable[Merged], now: str) -> Dispatch | None:
    """The dispatch a recorded merge should have started and did not: a completed sign-off
    with no execution attempt after it, or a completed disclosure with no publication, merged
    at least :data:`START_AFTER` ago (so the merge's own dispatch has had time to start; a
    second dispatch would be ignored or refused by the gate anyway)."""
    current = current_entries(record)
    by_number = {m.number: m for m in merged}
    pairs: tuple[tuple[Phase, Phase], ...] = (("disclosure", "publication"),
                                              ("sign-off", "execution"))
    for decision, target in pairs:
        entry = current.get(decision)
        if entry is None or entry.status != "completed" or entry.evidence.pr is None:
            continue
        later = [e for e in record.action[record.action.index(entry) + 1:]
                 if e.phase == target]
        found = by_number.get(entry.evidence.pr)
        made, at = moment(entry.end or entry.start), moment(now)
        if later or found is None or made is None or at is None or at - made < START_AFTER:
            return None
        digest = str(entry.evidence.digest or "")
        inputs = {"pr": str(found.number), "sha": found.merge_commit_sha, "digest": digest,
                  "delivery": merge_key(found.number, found.merge_commit_sha)}
        kind: DispatchTarget = "publication" if target == "publication" else "execution"
        return Dispatch(kind, found.number, found.merge_commit_sha, digest, inputs)
    return None
