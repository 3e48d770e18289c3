"""The plan: what the engine decided, and the effects that carry it out.

The core never changes anything: it returns a :class:`Plan`, and adapters apply its effects
(ledger entries, labels, the sticky comment, commit statuses, the commit to the default
branch, dispatch of execution or publication, annotations, the step summary). ``--dry-run
--json`` prints :func:`plan_to_json`; the format is a public interface documented in
``docs/plan-format.md``, so change it only compatibly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args

from fivesafes.core import layout
from fivesafes.core.lifecycle.phases import STATE_NAMES, StateName
from fivesafes.models.ledger import EntryDraft

Outcome = Literal["completed", "failed", "pending", "refused", "ignored"]
# The phase an event concerned: a Five Safes phase, "record" for a push to the default
# branch, "none" when the event was ignored.
PlanPhase = Literal["none", "record", "check", "validation", "sign-off", "execution",
                    "disclosure", "publication"]
PLAN_PHASES: tuple[str, ...] = get_args(PlanPhase)
StatusState = Literal["success", "failure", "pending", "error"]
AnnotationLevel = Literal["notice", "warning", "error"]
DispatchTarget = Literal["execution", "publication"]

STICKY_MARKER = "<!-- fivesafes:sticky -->"
STATUS_PREFIX = "fivesafes / "


def status_context(phase: str) -> str:
    """``fivesafes / <phase>``: the name of a phase's commit status or check run."""
    return STATUS_PREFIX + phase


@dataclass(frozen=True)
class Record:
    """Append one entry to the action record (TOML keys; ``prev``/``digest`` sealed on append).

    The entry is an :class:`~fivesafes.models.ledger.EntryDraft`'s fields, and is validated as
    one when the effect is made: no plan carries an entry the record's model would refuse, so
    nothing is applied before that is known."""

    entry: Mapping[str, Any]
    kind: Literal["record"] = field(default="record", init=False)

    def __post_init__(self) -> None:
        EntryDraft.model_validate(self.entry)


@dataclass(frozen=True)
class AddLabel:
    pr: int
    label: str
    kind: Literal["add-label"] = field(default="add-label", init=False)


@dataclass(frozen=True)
class RemoveLabel:
    """Remove a label (an unearned or stale decision); ``reason`` says why, for the comment."""

    pr: int
    label: str
    reason: str = ""
    kind: Literal["remove-label"] = field(default="remove-label", init=False)


@dataclass(frozen=True)
class Comment:
    """Create or edit in place the one sticky comment (found by :data:`STICKY_MARKER`)."""

    pr: int
    body: str
    marker: str = STICKY_MARKER
    kind: Literal["comment"] = field(default="comment", init=False)


@dataclass(frozen=True)
class Status:
    """A commit status (or check run) ``context`` on ``sha``."""

    context: str
    state: StatusState
    description: str
    sha: str
    target_url: str = ""
    kind: Literal["status"] = field(default="status", init=False)


@dataclass(frozen=True)
class Commit:
    """Commit the plan's ``record`` entries (and the crate rebuilt from them) to ``branch``.

    Compare-and-swap: the applier fetches ``branch``, appends the entries to the record found
    there unless an entry with ``delivery`` already exists, rebuilds the crate, pushes, and
    retries from the fetch when another run pushed first. Never a force-push.
    """

    branch: str
    message: str
    delivery: str
    paths: tuple[str, ...] = (layout.ACTIONS, layout.CRATE_DIR + "/")
    rebuild_crate: bool = True
    kind: Literal["commit"] = field(default="commit", init=False)


@dataclass(frozen=True)
class Annotation:
    """A GitHub Actions annotation (``::error file=...,line=...::message``)."""

    file: str
    line: int | None
    level: AnnotationLevel
    message: str
    title: str = ""
    kind: Literal["annotation"] = field(default="annotation", init=False)


@dataclass(frozen=True)
class Dispatch:
    """Start the next phase's workflow (execution after sign-off, publication after disclosure)."""

    target: DispatchTarget
    pr: int
    sha: str
    digest: str
    inputs: Mapping[str, str] = field(default_factory=dict)
    kind: Literal["dispatch"] = field(default="dispatch", init=False)


@dataclass(frozen=True)
class Summary:
    """Markdown for the Actions step summary (``GITHUB_STEP_SUMMARY``)."""

    markdown: str
    kind: Literal["summary"] = field(default="summary", init=False)


@dataclass(frozen=True)
class RequestReviewers:
    """Ask the phase's deciders to review (GitHub's request-reviewers): ``users`` are logins,
    ``teams`` are ``org/slug``. Asking again changes nothing."""

    pr: int
    users: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    kind: Literal["request-reviewers"] = field(default="request-reviewers", init=False)


Effect = (
    Record | AddLabel | RemoveLabel | Comment | Status | Commit | Annotation | Dispatch | Summary
    | RequestReviewers
)
EFFECT_TYPES: dict[str, type[Effect]] = {
    "record": Record,
    "add-label": AddLabel,
    "remove-label": RemoveLabel,
    "comment": Comment,
    "status": Status,
    "commit": Commit,
    "annotation": Annotation,
    "dispatch": Dispatch,
    "summary": Summary,
    "request-reviewers": RequestReviewers,
}


@dataclass(frozen=True)
class Plan:
    """The engine's answer to one event.

    ``phase`` is the Five Safes phase the event concerned (``none`` when ignored), ``state``
    the request's state afterwards (a state of :mod:`fivesafes.core.lifecycle.phases`).
    """

    phase: PlanPhase
    outcome: Outcome
    reason: str
    effects: tuple[Effect, ...] = ()
    state: StateName | Literal[""] = ""

    def of_kind(self, kind: str) -> list[Effect]:
        return [e for e in self.effects if e.kind == kind]


def effect_to_json(effect: Effect) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": effect.kind}
    for f in fields(effect):
        if f.name == "kind":
            continue
        value = getattr(effect, f.name)
        if isinstance(value, Mapping):
            value = _plain(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """``{"phase", "outcome", "reason", "state", "effects": [{"kind": ...}, ...]}``."""
    return {
        "phase": plan.phase,
        "outcome": plan.outcome,
        "reason": plan.reason,
        "state": plan.state,
        "effects": [effect_to_json(e) for e in plan.effects],
    }


def effect_from_json(data: Mapping[str, Any]) -> Effect:
    kind = data.get("kind")
    cls = EFFECT_TYPES.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown effect kind {kind!r}")
    args = {k: v for k, v in data.items() if k != "kind"}
    for key in ("paths", "users", "teams"):
        if key in args:
            args[key] = tuple(args[key])
    return cls(**args)


def plan_from_json(data: Mapping[str, Any]) -> Plan:
    """The inverse of :func:`plan_to_json` (for appliers that receive a plan as JSON)."""
    return Plan(
        phase=_one_of(data["phase"], PLAN_PHASES, "phase"),
        outcome=data["outcome"],
        reason=str(data["reason"]),
        effects=tuple(effect_from_json(e) for e in data.get("effects", [])),
        state=_one_of(data.get("state", ""), ("", *STATE_NAMES), "state"),
    )


def _one_of(value: object, allowed: tuple[str, ...], key: str) -> Any:
    """``value`` when it is one of ``allowed`` (a plan's phase or state); ValueError else."""
    if value not in allowed:
        raise ValueError(f"plan {key} {value!r} is not one of {', '.join(map(repr, allowed))}")
    return value
