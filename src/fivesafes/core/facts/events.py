"""GitHub event payloads, normalised into one typed :class:`Event`.

Workflows deliver ``pull_request`` and ``pull_request_target`` (the same payload),
``pull_request_review``, ``push``, ``workflow_dispatch`` and ``workflow_run`` events. The engine
works on one shape with a ``kind`` that says what happened; anything else becomes ``ignored``
with a reason, never an error, so a new GitHub action type cannot break a project's workflow.

A ``workflow_run`` (completed) of a run that a ``pull_request_review`` started is a
``reassess``: the privileged workflow never runs on the review itself (that run uses the
workflow file as the pull request has it), so the unprivileged review run hands off to the
default branch's workflow. The payload names no pull request the engine trusts: ``pr`` stays
None and the GitHub adapter looks it up by the run's head SHA; the event carries no decision.

The idempotency key (``delivery``) is the webhook delivery id when known, otherwise the
sha-256 of the canonical payload: a re-run of the same workflow, or the ``pull_request`` and
``pull_request_target`` runs of one event, carry the same key and record nothing twice. A
merge's key is the merge itself (:func:`merge_key`), so the reconciler, which records a merge
whose run was lost, and that run can never both record it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fivesafes.core.facts.actors import Actor, ActorType

EventKind = Literal[
    "opened", "reopened", "synchronize", "labeled", "unlabeled", "merged", "closed",
    "retargeted", "review-submitted", "review-dismissed", "push", "dispatch", "reassess",
    "ignored",
]
REASSESS_AFTER = "pull_request_review"  # the triggering event of a workflow_run to reassess
PR_EVENTS = ("pull_request", "pull_request_target")
PR_ACTIONS: dict[str, EventKind] = {
    "opened": "opened",
    "reopened": "reopened",
    "synchronize": "synchronize",
    "labeled": "labeled",
    "unlabeled": "unlabeled",
    "ready_for_review": "reopened",
}
REVIEW_ACTIONS: dict[str, EventKind] = {
    "submitted": "review-submitted",
    "dismissed": "review-dismissed",
}
ACTOR_TYPES: tuple[ActorType, ...] = ("User", "Bot", "Organization", "Mannequin")


@dataclass(frozen=True)
class ReviewRef:
    """The review an event carries (its state is upper-case, as the REST API spells it)."""

    id: int
    state: str
    commit_id: str
    user: Actor


@dataclass(frozen=True)
class Event:
    """One GitHub event, normalised. ``kind == "ignored"`` events carry ``reason``."""

    name: str
    action: str
    kind: EventKind
    sender: Actor
    delivery: str
    repository: str = ""
    default_branch: str = ""
    pr: int | None = None
    head_sha: str | None = None
    base_ref: str | None = None
    label: str | None = None
    review: ReviewRef | None = None
    ref: str | None = None
    after: str | None = None
    base_changed_from: str | None = None
    head_repo: str | None = None
    merged_at: str | None = None  # the payload's pull_request.merged_at / closed_at
    closed_at: str | None = None
    inputs: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""


def payload_key(name: str, payload: Mapping[str, Any]) -> str:
    """The idempotency key of a payload without a delivery id."""
    base = "pull_request" if name in PR_EVENTS else name
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(f"{base}\n{body}".encode()).hexdigest()


def merge_key(number: int, merge_commit_sha: str) -> str:
    """The idempotency key of a merge: the same whichever run records it (the ``closed``
    event's, a redelivery, or the reconciler's), so a merge is recorded once."""
    return f"merge:{number}:{merge_commit_sha}"


def _actor(data: Any) -> Actor:
    if not isinstance(data, Mapping):
        return Actor("unknown", "Unknown")
    kind = data.get("type")
    actor_type: ActorType = kind if kind in ACTOR_TYPES else "Unknown"
    return Actor(str(data.get("login") or "unknown"), actor_type)


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_event(name: str, payload: Mapping[str, Any], delivery: str | None = None) -> Event:
    """Normalise a payload; unknown events and actions give ``kind == "ignored"``."""
    action = str(payload.get("action") or "")
    common: dict[str, Any] = {
        "name": name,
        "action": action,
        "sender": _actor(payload.get("sender")),
        "delivery": delivery or payload_key(name, payload),
        "repository": str(_get(payload, "repository", "full_name") or ""),
        "default_branch": str(_get(payload, "repository", "default_branch") or ""),
    }
    if name in PR_EVENTS or name == "pull_request_review":
        return _pull_request_event(name, action, payload, common)
    if name == "push":
        return _push_event(payload, common)
    if name == "workflow_dispatch":
        return _dispatch_event(payload, common)
    if name == "workflow_run":
        return _workflow_run_event(action, payload, common)
    if name == "schedule":  # the reconciler's tick: verify the record, record lost merges
        return Event(kind="push", **common)
    return Event(kind="ignored", reason=f"event {name!r} is not handled", **common)


def _what(name: str, action: str) -> str:
    """An event in words: ``pull_request_target event (labeled)``, never ``name.``."""
    return f"{name} event ({action})" if action else f"{name} event without an action"


def _pull_request_event(
    name: str, action: str, payload: Mapping[str, Any], common: dict[str, Any]
) -> Event:
    pr = payload.get("pull_request")
    number = payload.get("number", _get(pr, "number"))
    if not isinstance(pr, Mapping) or not isinstance(number, int):
        return Event(kind="ignored", reason=f"the {_what(name, action)} carries no pull "
                     "request", **common)
    common |= {
        "pr": number,
        "head_sha": _str(_get(pr, "head", "sha")),
        "base_ref": _str(_get(pr, "base", "ref")),
        "merged_at": _str(pr.get("merged_at")),
        "closed_at": _str(pr.get("closed_at")),
    }
    if not common["default_branch"]:
        common["default_branch"] = str(_get(pr, "base", "repo", "default_branch") or "")
    kind: EventKind | None
    if name == "pull_request_review":
        kind = REVIEW_ACTIONS.get(action)
        review = payload.get("review")
        if kind is None or not isinstance(review, Mapping) or not isinstance(review.get("id"), int):
            return Event(kind="ignored", reason=f"the {_what(name, action)} is not a decision",
                         **common)
        ref = ReviewRef(
            id=review["id"],
            state=str(review.get("state") or "").upper(),
            commit_id=str(review.get("commit_id") or ""),
            user=_actor(review.get("user")),
        )
        return Event(kind=kind, review=ref, **common)
    kind = PR_ACTIONS.get(action)
    if action in ("labeled", "unlabeled"):
        common["label"] = _str(_get(payload, "label", "name"))
    elif action == "closed":
        kind = "merged" if pr.get("merged") is True else "closed"
        merge_sha = _str(pr.get("merge_commit_sha"))
        if kind == "merged" and merge_sha is not None:
            common["delivery"] = merge_key(number, merge_sha)
    elif action == "edited":
        base_from = _str(_get(payload, "changes", "base", "ref", "from"))
        if base_from is None:
            return Event(kind="ignored", reason="pull request edited without a base change",
                         **common)
        kind = "retargeted"
        common["base_changed_from"] = base_from
    if kind is None:
        return Event(kind="ignored", reason=f"the {_what(name, action)} is not handled",
                     **common)
    return Event(kind=kind, **common)


def _push_event(payload: Mapping[str, Any], common: dict[str, Any]) -> Event:
    ref = _str(payload.get("ref"))
    common |= {"ref": ref, "after": _str(payload.get("after"))}
    pusher = payload.get("pusher")
    if common["sender"].login == "unknown" and isinstance(pusher, Mapping):
        common["sender"] = Actor(str(pusher.get("name") or "unknown"), "User")
    if payload.get("deleted") is True:
        return Event(kind="ignored", reason=f"the push deleted {ref or 'a branch'}", **common)
    if ref is None:
        return Event(kind="ignored", reason="the push names no branch", **common)
    if ref != f"refs/heads/{common['default_branch']}":
        return Event(kind="ignored", reason=f"the push went to {ref}, not the default branch",
                     **common)
    return Event(kind="push", **common)


def _dispatch_event(payload: Mapping[str, Any], common: dict[str, Any]) -> Event:
    raw = payload.get("inputs")
    inputs = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}
    common |= {"inputs": inputs, "ref": _str(payload.get("ref"))}
    pr = inputs.get("pr", "").strip().lstrip("#")
    if not pr.isdigit():
        return Event(kind="ignored", reason="workflow_dispatch without a pr input", **common)
    return Event(kind="dispatch", pr=int(pr), **common)


def _workflow_run_event(action: str, payload: Mapping[str, Any], common: dict[str, Any]) -> Event:
    """A completed run started by a review: reassess the pull request at ``head_sha``."""
    run = payload.get("workflow_run")
    triggered_by = _get(run, "event")
    if action != "completed" or triggered_by != REASSESS_AFTER:
        run_of = f"a {triggered_by} run" if isinstance(triggered_by, str) and triggered_by \
            else "a run"
        return Event(kind="ignored", reason=f"the {_what('workflow_run', action)} of {run_of} "
                     "is not handled", **common)
    common |= {"head_sha": _str(_get(run, "head_sha")), "ref": _str(_get(run, "head_branch")),
               "head_repo": _str(_get(run, "head_repository", "full_name"))}
    if common["head_sha"] is None:
        return Event(kind="ignored", reason="workflow_run without a head SHA", **common)
    return Event(kind="reassess", **common)
