"""The JSON form of :class:`~fivesafes.core.facts.values.Facts` (``fivesafes handle --facts``).

Offline runs, tests and bug reports replay an event against facts saved as JSON instead of
asking GitHub. File contents are UTF-8 text, or ``{"base64": "..."}`` for other bytes. The
format is documented in ``docs/facts-format.md``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.values import (
    ChangedFile,
    CoAuthor,
    Commit,
    Facts,
    LabelEvent,
    PullRequest,
    Review,
    RunContext,
)
from fivesafes.errors import UsageError


class FactsFormatError(UsageError, ValueError):
    """The facts JSON does not have the documented shape."""


def _bytes(value: Any, where: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, Mapping) and isinstance(value.get("base64"), str):
        return base64.b64decode(value["base64"])
    raise FactsFormatError(f"{where}: expected text or {{\"base64\": ...}}")


def _text(data: bytes) -> Any:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def _actor(data: Any) -> Actor:
    if isinstance(data, str):
        return Actor(data)
    return Actor(str(data["login"]), data.get("type", "User"))


def _actor_json(actor: Actor) -> dict[str, str]:
    return {"login": actor.login, "type": actor.type}


def facts_from_json(data: Mapping[str, Any]) -> Facts:
    """Facts from their JSON form; raises :class:`FactsFormatError` naming the bad key."""
    try:
        return _facts(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise FactsFormatError(f"facts: missing or malformed key {exc}") from exc


def _facts(data: Mapping[str, Any]) -> Facts:
    pr_data = data.get("pr")
    pr = None
    if pr_data is not None:
        pr = PullRequest(
            number=int(pr_data["number"]),
            author=_actor(pr_data["author"]),
            head_sha=str(pr_data["head_sha"]),
            head_ref=str(pr_data.get("head_ref", "")),
            head_repo=str(pr_data.get("head_repo", "")),
            base_ref=str(pr_data["base_ref"]),
            default_branch=str(pr_data.get("default_branch", data.get("default_branch", "main"))),
            state=pr_data.get("state", "open"),
            merged=bool(pr_data.get("merged", False)),
            merge_commit_sha=pr_data.get("merge_commit_sha"),
            labels=tuple(pr_data.get("labels", ())),
            head_pushed_at=pr_data.get("head_pushed_at"),
        )
    commits = tuple(
        Commit(
            sha=str(c["sha"]),
            author=c.get("author"),
            committer=c.get("committer"),
            co_authors=tuple(
                CoAuthor(str(a.get("name", "")), str(a.get("email", "")), a.get("login"))
                for a in c.get("co_authors", ())
            ),
            is_bot=bool(c.get("is_bot", False)),
            committed_at=c.get("committed_at"),
        )
        for c in data.get("commits", ())
    )
    changed = tuple(
        ChangedFile(str(f["path"]), f.get("status", "modified"), f.get("previous_path"))
        for f in data.get("changed", ())
    )
    reviews = tuple(
        Review(int(r["id"]), _actor(r["user"]), r["state"].upper(), str(r["commit_id"]),
               str(r.get("submitted_at", "")))
        for r in data.get("reviews", ())
    )
    label_events = tuple(
        LabelEvent(int(e["id"]), e["event"], str(e["label"]), _actor(e["actor"]),
                   str(e.get("created_at", "")))
        for e in data.get("label_events", ())
    )
    run = data.get("run", {})
    files = data.get("files", {})
    return Facts(
        run=RunContext(
            run_id=str(run.get("run_id", "")),
            run_attempt=int(run.get("run_attempt", 1)),
            run_url=str(run.get("run_url", "")),
            server_url=str(run.get("server_url", "https://github.com")),
            repository=str(run.get("repository", "")),
        ),
        default_branch=str(data.get("default_branch", pr.default_branch if pr else "main")),
        pr=pr,
        commits=commits,
        changed=changed,
        reviews=reviews,
        label_events=label_events,
        teams={str(k): frozenset(v) for k, v in data.get("teams", {}).items()},
        permissions={str(k): v for k, v in data.get("permissions", {}).items()},
        files={str(k): _bytes(v, f"files.{k}") for k, v in files.items()},
        policy=None if data.get("policy") is None else _bytes(data["policy"], "policy"),
        record=None if data.get("record") is None else _bytes(data["record"], "record"),
    )


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
            "head_pushed_at": pr.head_pushed_at,
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
                     "commit_id": r.commit_id, "submitted_at": r.submitted_at}
                    for r in facts.reviews],
        "label_events": [{"id": e.id, "event": e.event, "label": e.label,
                          "actor": _actor_json(e.actor), "created_at": e.created_at}
                         for e in facts.label_events],
        "teams": {k: sorted(v) for k, v in sorted(facts.teams.items())},
        "permissions": dict(sorted(facts.permissions.items())),
        "files": {k: _text(v) for k, v in sorted(facts.files.items())},
        "policy": None if facts.policy is None else _text(facts.policy),
        "record": None if facts.record is None else _text(facts.record),
    }
