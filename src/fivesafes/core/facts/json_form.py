"""The JSON form of :class:`~fivesafes.core.facts.values.Facts` (``fivesafes handle --facts``).

Offline runs, tests and bug reports replay an event against facts saved as JSON instead of
asking GitHub. File contents are UTF-8 text, or ``{"base64": "..."}`` for other bytes. The
format is documented in ``docs/facts-format.md``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError

from fivesafes.core.facts.actors import Actor, ActorType
from fivesafes.core.facts.values import (
    ChangedFile,
    CoAuthor,
    Commit,
    Facts,
    FileStatus,
    LabelAction,
    LabelEvent,
    Permission,
    PrState,
    PullRequest,
    Review,
    ReviewState,
    RunContext,
)
from fivesafes.core.facts.wire import Blob, FormatError, Stamp, Wire, explain
from fivesafes.core.org.source import OrgSource


class FactsFormatError(FormatError):
    """The facts JSON does not have the documented shape."""


def _text(data: bytes) -> Any:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def _actor_in(value: Any) -> Any:
    return {"login": value} if isinstance(value, str) else value


class ActorIn(Wire):
    login: str = Field(min_length=1)
    type: ActorType = "User"


ActorField = Annotated[ActorIn, BeforeValidator(_actor_in)]


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


class RunIn(Wire):
    run_id: str | int = ""
    run_attempt: int = Field(default=1, ge=1)
    run_url: str = ""
    server_url: str = "https://github.com"
    repository: str = ""


class PullRequestIn(Wire):
    number: int = Field(ge=1)
    author: ActorField
    head_sha: str = Field(min_length=1)
    head_ref: str = ""
    head_repo: str = ""
    base_ref: str = Field(min_length=1)
    default_branch: str | None = None
    state: PrState = "open"
    merged: bool = False
    merge_commit_sha: str | None = None
    labels: list[str] = Field(default_factory=list)
    head_pushed_at: Stamp | None = None
    merged_at: Stamp | None = None
    closed_at: Stamp | None = None


class CoAuthorIn(Wire):
    name: str = ""
    email: str = ""
    login: str | None = None


class CommitIn(Wire):
    sha: str = Field(min_length=1)
    author: str | None = None
    committer: str | None = None
    co_authors: list[CoAuthorIn] = Field(default_factory=list)
    is_bot: bool = False
    committed_at: Stamp | None = None


class ChangedIn(Wire):
    path: str = Field(min_length=1)
    status: FileStatus = "modified"
    previous_path: str | None = None


class ReviewIn(Wire):
    id: int
    user: ActorField
    state: Annotated[ReviewState, BeforeValidator(_upper)]
    commit_id: str
    submitted_at: Stamp | None = None
    body: str | None = None


class LabelEventIn(Wire):
    id: int
    event: LabelAction
    label: str
    actor: ActorField
    created_at: Stamp | None = None


class OrgPolicyIn(Wire):
    label: str = ""
    data: Blob | None = None
    reason: str = ""


class FactsIn(Wire):
    """The JSON form of the facts (docs/facts-format.md), validated before anything reads it."""

    run: RunIn = RunIn()
    default_branch: str | None = Field(default=None, min_length=1)
    pr: PullRequestIn | None = None
    commits: list[CommitIn] = Field(default_factory=list)
    changed: list[ChangedIn] = Field(default_factory=list)
    reviews: list[ReviewIn] = Field(default_factory=list)
    label_events: list[LabelEventIn] = Field(default_factory=list)
    teams: dict[str, list[str]] = Field(default_factory=dict)
    permissions: dict[str, Permission] = Field(default_factory=dict)
    files: dict[str, Blob] = Field(default_factory=dict)
    policy: Blob | None = None
    record: Blob | None = None
    org_policy: OrgPolicyIn | None = None
    manifests: dict[str, Blob] = Field(default_factory=dict)


def _actor(a: ActorIn) -> Actor:
    return Actor(a.login, a.type)


def facts_from_json(data: Mapping[str, Any]) -> Facts:
    """Facts from their JSON form; raises :class:`FactsFormatError` naming every bad key."""
    if not isinstance(data, Mapping):
        raise FactsFormatError("facts: expected a JSON object (docs/facts-format.md)")
    try:
        model = FactsIn.model_validate(dict(data))
    except ValidationError as exc:
        raise FactsFormatError(str(explain("facts", exc))) from None
    return _facts(model)


def _facts(m: FactsIn) -> Facts:
    pr = None
    if m.pr is not None:
        p = m.pr
        pr = PullRequest(
            number=p.number, author=_actor(p.author), head_sha=p.head_sha, head_ref=p.head_ref,
            head_repo=p.head_repo, base_ref=p.base_ref,
            default_branch=p.default_branch or m.default_branch or "main", state=p.state,
            merged=p.merged, merge_commit_sha=p.merge_commit_sha, labels=tuple(p.labels),
            head_pushed_at=p.head_pushed_at, merged_at=p.merged_at, closed_at=p.closed_at)
    return Facts(
        run=RunContext(str(m.run.run_id), m.run.run_attempt, m.run.run_url, m.run.server_url,
                       m.run.repository),
        default_branch=m.default_branch or (pr.default_branch if pr else "main"),
        pr=pr,
        commits=tuple(
            Commit(c.sha, c.author, c.committer,
                   tuple(CoAuthor(a.name, a.email, a.login) for a in c.co_authors),
                   c.is_bot, c.committed_at) for c in m.commits),
        changed=tuple(ChangedFile(f.path, f.status, f.previous_path) for f in m.changed),
        reviews=tuple(Review(r.id, _actor(r.user), r.state, r.commit_id, r.submitted_at or "",
                             r.body or "") for r in m.reviews),
        label_events=tuple(LabelEvent(e.id, e.event, e.label, _actor(e.actor),
                                      e.created_at or "") for e in m.label_events),
        teams={k: frozenset(v) for k, v in m.teams.items()},
        permissions=dict(m.permissions),
        files=dict(m.files),
        policy=m.policy,
        record=m.record,
        manifests=dict(m.manifests),
        org_policy=None if m.org_policy is None else OrgSource(
            m.org_policy.label, m.org_policy.data, m.org_policy.reason),
    )


def _actor_json(actor: Actor) -> dict[str, str]:
    return {"login": actor.login, "type": actor.type}


def facts_to_json(facts: Facts) -> dict[str, Any]:
    """The JSON form (inverse of :func:`facts_from_json`)."""
    pr = facts.pr
    return {
        "run": {
            "run_id": facts.run.run_id, "run_attempt": facts.run.run_attempt,
            "run_url": facts.run.run_url, "server_url": facts.run.server_url,
            "repository": facts.run.repository,
        },
        "default_branch": facts.default_branch,
        "pr": None if pr is None else {
            "number": pr.number, "author": _actor_json(pr.author), "head_sha": pr.head_sha,
            "head_ref": pr.head_ref, "head_repo": pr.head_repo, "base_ref": pr.base_ref,
            "default_branch": pr.default_branch, "state": pr.state, "merged": pr.merged,
            "merge_commit_sha": pr.merge_commit_sha, "labels": list(pr.labels),
            "head_pushed_at": pr.head_pushed_at, "merged_at": pr.merged_at,
            "closed_at": pr.closed_at,
        },
        "commits": [
            {"sha": c.sha, "author": c.author, "committer": c.committer, "is_bot": c.is_bot,
             "committed_at": c.committed_at,
             "co_authors": [{"name": a.name, "email": a.email, "login": a.login}
                            for a in c.co_authors]}
            for c in facts.commits
        ],
        "changed": [{"path": f.path, "status": f.status, "previous_path": f.previous_path}
                    for f in facts.changed],
        "reviews": [{"id": r.id, "user": _actor_json(r.user), "state": r.state,
                     "commit_id": r.commit_id, "submitted_at": r.submitted_at or None,
                     **({"body": r.body} if r.body else {})}
                    for r in facts.reviews],
        "label_events": [{"id": e.id, "event": e.event, "label": e.label,
                          "actor": _actor_json(e.actor), "created_at": e.created_at or None}
                         for e in facts.label_events],
        "teams": {k: sorted(v) for k, v in sorted(facts.teams.items())},
        "permissions": dict(sorted(facts.permissions.items())),
        "files": {k: _text(v) for k, v in sorted(facts.files.items())},
        "policy": None if facts.policy is None else _text(facts.policy),
        "record": None if facts.record is None else _text(facts.record),
        **({"manifests": {k: _text(v) for k, v in sorted(facts.manifests.items())}}
           if facts.manifests else {}),
        **({} if facts.org_policy is None else {"org_policy": {
            "label": facts.org_policy.label, "reason": facts.org_policy.reason,
            "data": None if facts.org_policy.data is None else _text(facts.org_policy.data)}}),
    }
