"""Real webhook payloads re-pointed at the fake GitHub's state.

The vendored examples (tests/engine/payloads, from npm ``@octokit/webhooks-examples``) are
about ``Codertocat/Hello-World``. :func:`adapt` keeps their real shape and rewrites the fields
that tie them to a world: repository, PR number, head and base, sender, label and review, so
an event and the API the handler then queries tell the same story.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.github_server.world import Pull, Repo, Review, WorldState

PAYLOADS = Path(__file__).resolve().parent.parent / "engine" / "payloads"


def load(name: str) -> dict[str, Any]:
    """A vendored payload by file stem, e.g. ``pull_request.labeled``."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _user(world: WorldState, login: str) -> dict[str, Any]:
    user = world.user(login)
    return {"login": login, "id": user.id, "type": user.type}


def adapt(world: WorldState, payload: dict[str, Any], repo: Repo, pull: Pull | None = None,
          sender: str | None = None, label: str | None = None,
          review: Review | None = None) -> dict[str, Any]:
    """A copy of ``payload`` describing ``repo``/``pull`` as they are now in ``world``."""
    out = copy.deepcopy(payload)
    repository = {"full_name": repo.full_name, "name": repo.name, "id": repo.id,
                  "default_branch": repo.default_branch, "private": repo.private,
                  "owner": _user(world, repo.owner)}
    out["repository"] = {**out.get("repository", {}), **repository}
    if sender is not None:
        out["sender"] = _user(world, sender)
    if pull is not None:
        out["number"] = pull.number
        pr = out.setdefault("pull_request", {})
        pr.update({"number": pull.number, "state": pull.state, "merged": pull.merged,
                   "merge_commit_sha": pull.merge_commit_sha, "user": _user(world, pull.author),
                   "merged_at": pull.merged_at, "closed_at": pull.closed_at,
                   "labels": [{"name": n} for n in pull.labels]})
        pr["head"] = {**pr.get("head", {}), "ref": pull.head_ref, "sha": pull.head_sha,
                      "repo": repository}
        pr["base"] = {**pr.get("base", {}), "ref": pull.base_ref, "sha": pull.base_sha,
                      "repo": repository}
    if label is not None:
        out["label"] = {**out.get("label", {}), "name": label}
    if review is not None:
        out["review"] = {**out.get("review", {}), "id": review.id,
                         "state": review.state.lower(), "commit_id": review.commit_id,
                         "user": _user(world, review.user)}
    if "ref" in out and "after" in out and pull is None:  # push
        branch = repo.default_branch
        out.update({"ref": f"refs/heads/{branch}", "after": repo.branches[branch]})
    return out


def review_run(world: WorldState, repo: Repo, pull: Pull, sender: str) -> dict[str, Any]:
    """The ``workflow_run`` (completed) GitHub sends when the review workflow's run, started by
    a review of ``pull``, finishes: the vendored example re-pointed at ``repo`` and the head.
    ``pull_requests`` lists the pull request only when its head is in ``repo`` (as GitHub)."""
    out = adapt(world, load("workflow_run.completed"), repo, sender=sender)
    head = world.repos.get(pull.head_repo or repo.full_name, repo)
    head_repository = {"full_name": head.full_name, "name": head.name, "id": head.id,
                       "private": head.private, "owner": _user(world, head.owner)}
    run = out["workflow_run"]
    same = head.full_name == repo.full_name
    listed = [{**run["pull_requests"][0], "number": pull.number,
               "head": {"ref": pull.head_ref, "sha": pull.head_sha},
               "base": {"ref": pull.base_ref, "sha": pull.base_sha}}] if same else []
    run.update({"head_sha": pull.head_sha, "head_branch": pull.head_ref,
                "head_repository": head_repository, "pull_requests": listed,
                "actor": _user(world, sender), "triggering_actor": _user(world, sender)})
    return out
