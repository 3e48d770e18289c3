"""The request's states and transitions, as data.

One table says which event moves a request from which state to which. The engine names its
states from here, the sticky PR comment and ``docs/phases.md`` draw the Mermaid diagram from
:func:`mermaid`, and CI checks the docs are not stale (``fivesafes phases --mermaid --check``),
so the picture a researcher sees can never drift from what the code does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

StateName = Literal[
    "draft",
    "invalid",
    "sign-off-pending",
    "held",
    "rejected",
    "signed-off",
    "execution",
    "failed",
    "disclosure-pending",
    "disclosure-held",
    "disclosure-rejected",
    "disclosure-changes-requested",
    "disclosed",
    "published",
    "closed",
    "voided",
]
STATE_NAMES: tuple[str, ...] = get_args(StateName)

DRAFT: Final = "draft"
INVALID: Final = "invalid"
SIGN_OFF_PENDING: Final = "sign-off-pending"
HELD: Final = "held"
REJECTED: Final = "rejected"
SIGNED_OFF: Final = "signed-off"
EXECUTION: Final = "execution"
FAILED: Final = "failed"
DISCLOSURE_PENDING: Final = "disclosure-pending"
DISCLOSURE_HELD: Final = "disclosure-held"
DISCLOSURE_REJECTED: Final = "disclosure-rejected"
DISCLOSURE_CHANGES: Final = "disclosure-changes-requested"
DISCLOSED: Final = "disclosed"
PUBLISHED: Final = "published"
CLOSED: Final = "closed"
VOIDED: Final = "voided"


@dataclass(frozen=True)
class State:
    name: StateName
    phase: str  # the Five Safes phase the state belongs to
    description: str


@dataclass(frozen=True)
class Transition:
    source: StateName
    trigger: str  # the event, in words, with its guard
    target: StateName


STATES: tuple[State, ...] = (
    State(DRAFT, "check", "request pull request opened; check and validation run"),
    State(INVALID, "validation", "check or validation found errors; push a fix"),
    State(SIGN_OFF_PENDING, "sign-off", "valid; waiting for the required approvers"),
    State(HELD, "sign-off", "an approver applied the hold label"),
    State(REJECTED, "sign-off", "an approver rejected the request"),
    State(SIGNED_OFF, "sign-off", "the required distinct approvers approved the head commit"),
    State(EXECUTION, "execution", "merged; the approved workflow runs in the TRE"),
    State(FAILED, "execution", "the execution failed"),
    State(DISCLOSURE_PENDING, "disclosure", "outputs proposed; waiting for output checkers"),
    State(DISCLOSURE_HELD, "disclosure", "an output checker applied the hold label"),
    State(DISCLOSURE_REJECTED, "disclosure", "an output checker rejected the outputs"),
    State(DISCLOSURE_CHANGES, "disclosure",
          "a checker asked for changes to an output; the researcher revises the analysis"),
    State(DISCLOSED, "disclosure",
          "every output approved by the required distinct checkers, or withheld"),
    State(PUBLISHED, "publication", "merged; the release is published"),
    State(CLOSED, "check", "closed without merge"),
    State(VOIDED, "sign-off", "merged without a valid decision: nothing runs"),
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(DRAFT, "opened or pushed, checks pass", SIGN_OFF_PENDING),
    Transition(DRAFT, "opened or pushed, findings", INVALID),
    Transition(INVALID, "pushed, checks pass", SIGN_OFF_PENDING),
    Transition(SIGN_OFF_PENDING, "pushed, findings", INVALID),
    Transition(SIGN_OFF_PENDING, "approvals reach the required count", SIGNED_OFF),
    Transition(SIGN_OFF_PENDING, "approver rejects", REJECTED),
    Transition(SIGN_OFF_PENDING, "approver holds", HELD),
    Transition(HELD, "hold removed", SIGN_OFF_PENDING),
    Transition(REJECTED, "rejection withdrawn", SIGN_OFF_PENDING),
    Transition(SIGNED_OFF, "pushed, decisions invalidated", SIGN_OFF_PENDING),
    Transition(SIGNED_OFF, "approver holds", HELD),
    Transition(SIGNED_OFF, "approver rejects", REJECTED),
    Transition(SIGNED_OFF, "merged, sign-off recorded", EXECUTION),
    Transition(SIGN_OFF_PENDING, "merged without sign-off", VOIDED),
    Transition(SIGN_OFF_PENDING, "closed", CLOSED),
    Transition(INVALID, "closed", CLOSED),
    Transition(HELD, "closed", CLOSED),
    Transition(REJECTED, "closed", CLOSED),
    Transition(SIGNED_OFF, "closed", CLOSED),
    Transition(INVALID, "merged", VOIDED),
    Transition(HELD, "merged while held", VOIDED),
    Transition(REJECTED, "merged after rejection", VOIDED),
    Transition(HELD, "approver rejects", REJECTED),
    Transition(SIGN_OFF_PENDING, "retargeted off the default branch", INVALID),
    Transition(CLOSED, "reopened", DRAFT),
    Transition(EXECUTION, "execution fails", FAILED),
    Transition(FAILED, "a maintainer dispatches a re-run", EXECUTION),
    Transition(EXECUTION, "disclosure pull request opened", DISCLOSURE_PENDING),
    Transition(DISCLOSURE_PENDING, "every output approved or withheld", DISCLOSED),
    Transition(DISCLOSURE_PENDING, "checker requests changes to an output", DISCLOSURE_CHANGES),
    Transition(DISCLOSURE_CHANGES, "same signed-off request re-run, new outputs pushed",
               DISCLOSURE_PENDING),
    Transition(DISCLOSURE_PENDING, "checkers reject every output", DISCLOSURE_REJECTED),
    Transition(DISCLOSURE_REJECTED, "rejection withdrawn", DISCLOSURE_PENDING),
    Transition(DISCLOSURE_PENDING, "checker holds", DISCLOSURE_HELD),
    Transition(DISCLOSURE_HELD, "hold removed", DISCLOSURE_PENDING),
    Transition(DISCLOSED, "pushed, decisions invalidated", DISCLOSURE_PENDING),
    Transition(DISCLOSURE_PENDING, "merged without approval", VOIDED),
    Transition(DISCLOSED, "merged, disclosure recorded", PUBLISHED),
    Transition(DISCLOSED, "checker requests changes to an output", DISCLOSURE_CHANGES),
    Transition(DISCLOSURE_CHANGES, "changes request withdrawn", DISCLOSURE_PENDING),
    Transition(DISCLOSURE_REJECTED, "a new request pull request (changed analysis) opened",
               DRAFT),
    Transition(VOIDED, "a new pull request opened (sign-off) or outputs disclosed again",
               DRAFT),
)

_BY_NAME: dict[str, State] = {s.name: s for s in STATES}


def state(name: str) -> State:
    """The state called ``name`` (KeyError for an unknown name)."""
    return _BY_NAME[name]


def targets(source: str) -> set[str]:
    """States reachable from ``source`` in one transition."""
    return {t.target for t in TRANSITIONS if t.source == source}


def _node(name: str) -> str:
    return name.replace("-", "_")


def mermaid(current: str | None = None) -> str:
    """The Mermaid ``stateDiagram-v2`` of the table (``current`` highlighted when given)."""
    lines = ["stateDiagram-v2", f"    [*] --> {_node(DRAFT)}"]
    for s in STATES:
        lines.append(f"    state \"{s.name}\" as {_node(s.name)}")
    for t in TRANSITIONS:
        lines.append(f"    {_node(t.source)} --> {_node(t.target)}: {t.trigger}")
    lines.append(f"    {_node(PUBLISHED)} --> [*]")
    if current is not None and current in _BY_NAME:
        lines.append("    classDef current fill:#fde68a,stroke:#b45309,stroke-width:2px")
        lines.append(f"    class {_node(current)} current")
    return "\n".join(lines) + "\n"
