"""Where a request stands, read from its action record and policy alone.

``fivesafes status`` answers "what phase are we in, what is pending and from whom, who decided
last" offline, from the committed record: the record is the source of truth, so the answer
is the same on any clone and needs no GitHub access.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fivesafes.core.ledger import chain as ledger
from fivesafes.core.ledger.queries import current_entries
from fivesafes.core.lifecycle import phases
from fivesafes.models.ledger import ActionEntry, ActionRecord
from fivesafes.models.phases import DecisionPhase
from fivesafes.models.policy import Policy


@dataclass(frozen=True)
class Pending:
    phase: str
    what: str
    required: int = 0
    approvers: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class View:
    state: phases.StateName
    phase: str
    pending: Pending | None
    decisions: tuple[ActionEntry, ...]
    refused: int
    entries: int
    breaks: tuple[str, ...] = field(default_factory=tuple)


def _state(current: dict[str, ActionEntry]) -> tuple[phases.StateName, str]:
    def status(phase: str) -> str | None:
        entry = current.get(phase)
        return entry.status if entry else None

    if status("publication") == "completed":
        return phases.PUBLISHED, "publication"
    ladder: tuple[tuple[str, dict[str, phases.StateName]], ...] = (
        ("disclosure", {"completed": phases.DISCLOSED, "failed": phases.DISCLOSURE_REJECTED}),
        ("execution", {"completed": phases.DISCLOSURE_PENDING, "failed": phases.FAILED,
                       "active": phases.EXECUTION, "potential": phases.EXECUTION}),
        ("sign-off", {"completed": phases.EXECUTION, "failed": phases.REJECTED}),
    )
    for phase, states in ladder:
        found = status(phase)
        if found in states:
            return states[found], phases.state(states[found]).phase
    return phases.SIGN_OFF_PENDING, "sign-off"


def _waiting(policy: Policy | None, phase: DecisionPhase, record: ActionRecord) -> Pending:
    if policy is None:
        return Pending(phase, "no valid policy: nothing can be decided")
    from fivesafes.core.decisions.gates import separated

    rule = policy.phases.rule(phase)
    excluded = tuple(sorted(separated(phase, policy, record)))
    return Pending(phase, f"{rule.required} distinct approval(s) on the {phase} pull request",
                   rule.required, tuple(rule.approvers), excluded)


def view(record: ActionRecord, policy: Policy | None, *, last: int = 5) -> View:
    """The request's state, what it waits for, and the last decisions."""
    current: dict[str, ActionEntry] = {str(k): v for k, v in current_entries(record).items()}
    state, phase = _state(current)
    pending: Pending | None
    if state == phases.SIGN_OFF_PENDING:
        pending = _waiting(policy, "sign-off", record)
    elif state == phases.DISCLOSURE_PENDING:
        pending = _waiting(policy, "disclosure", record)
    elif state == phases.EXECUTION:
        pending = Pending("execution", "the approved workflow to run in the TRE")
    elif state == phases.DISCLOSED:
        pending = Pending("publication", "the disclosure pull request to be merged")
    else:
        pending = None
    decisions = tuple(e for e in record.action if e.phase in ("sign-off", "disclosure")
                      or e.status == "refused")[-last:]
    breaks = tuple(f.render() for f in ledger.verify_chain(record.action))
    return View(state, phase, pending, decisions,
                sum(1 for e in record.action if e.status == "refused"), len(record.action),
                breaks)


def view_to_json(v: View) -> dict[str, Any]:
    return {
        "state": v.state,
        "phase": v.phase,
        "pending": None if v.pending is None else {
            "phase": v.pending.phase, "what": v.pending.what, "required": v.pending.required,
            "from": list(v.pending.approvers), "excluded": list(v.pending.excluded)},
        "decisions": [
            {"id": e.id, "phase": e.phase, "status": e.status, "time": e.end or e.start,
             "by": [a.login for a in e.agents if a.kind == "person"],
             "pr": e.evidence.pr, "head_sha": e.evidence.head_sha, "reason": e.reason}
            for e in v.decisions],
        "refused_attempts": v.refused,
        "entries": v.entries,
        "chain": "intact" if not v.breaks else "broken",
        "breaks": list(v.breaks),
    }
