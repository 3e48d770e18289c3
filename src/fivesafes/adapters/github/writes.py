"""What the automation changes on a pull request: labels, the sticky comment, commit statuses,
and the dispatch that starts the next phase's workflow.

Each write is idempotent, because the same event may be delivered twice: adding a label that
is there and removing one that is gone change nothing, the sticky comment is edited in place
(and not at all when its text is unchanged), and a status is only posted when it differs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import GitHubError, Need
from fivesafes.adapters.github.records import IssueComment, quote
from fivesafes.core import layout
from fivesafes.core.engine.pr_phases import DISCLOSURE_LABEL
from fivesafes.core.facts import actors

# Project repositories start later phases with workflow_dispatch of their caller workflow.
DISPATCH_WORKFLOW = "fivesafes.yml"


def add_labels(api: GitHubApi, repo: str, number: int, labels: Sequence[str]) -> None:
    need = Need(f"adding labels {', '.join(labels)} to #{number}", "pull-requests: write", repo)
    api.request("POST", f"/repos/{repo}/issues/{number}/labels", need, {"labels": list(labels)})


def remove_label(api: GitHubApi, repo: str, number: int, label: str) -> None:
    """Remove ``label`` from #number; already gone is fine."""
    need = Need(f"removing label {label} from #{number}", "pull-requests: write", repo)
    path = f"/repos/{repo}/issues/{number}/labels/{quote(label)}"
    api.request("DELETE", path, need, missing_ok=True)


def comments(api: GitHubApi, repo: str, number: int) -> list[IssueComment]:
    need = Need(f"listing the comments of #{number}", "pull-requests: read", repo)
    items = api.paginate(f"/repos/{repo}/issues/{number}/comments", need)
    return [IssueComment(int(c["id"]), str(c.get("body") or ""), _actor(c.get("user")))
            for c in items]


def _actor(user: Any) -> actors.Actor:
    if not isinstance(user, Mapping):
        return actors.Actor("ghost", "Unknown")
    kind = user.get("type")
    return actors.Actor(str(user.get("login")), kind if kind in ("User", "Bot") else "Unknown")


def upsert_sticky(api: GitHubApi, repo: str, number: int, body: str,
                  marker: str) -> IssueComment:
    """The one comment carrying ``marker``: edited in place, created when there is none.

    Only comments written by a bot are candidates, so a person quoting the marker cannot
    capture the automation's comment. ``body`` gets the marker prepended when it lacks it.
    """
    text = body if marker in body else f"{marker}\n{body}"
    need = Need(f"commenting on #{number}", "pull-requests: write", repo)
    attempt = 1
    while True:
        mine = [c for c in comments(api, repo, number) if marker in c.body and c.author.is_bot]
        if mine:
            current = mine[0]
            if current.body != text:
                api.request("PATCH", f"/repos/{repo}/issues/comments/{current.id}", need,
                            {"body": text})
            return IssueComment(current.id, text, current.author)
        try:  # not retried blindly: a lost answer may hide a comment that was made
            made = api.request("POST", f"/repos/{repo}/issues/{number}/comments", need,
                               {"body": text}, retry=False)
        except GitHubError as exc:
            if not (exc.status == 0 or exc.status >= 500) or attempt >= api.policy.attempts:
                raise
            api.policy.sleep(api.policy.base_delay * 2.0 ** (attempt - 1))
            attempt += 1
            continue
        return IssueComment(int(made["id"]), text, _actor(made.get("user")))


@dataclass(frozen=True)
class CommitStatus:
    context: str
    state: str
    description: str
    target_url: str = ""


def statuses(api: GitHubApi, repo: str, sha: str) -> list[CommitStatus]:
    """The statuses on ``sha``, newest first (GitHub's order)."""
    need = Need(f"reading the statuses of {sha[:12]}", "statuses: read", repo)
    return [CommitStatus(s["context"], s["state"], s.get("description") or "",
                         s.get("target_url") or "")
            for s in api.paginate(f"/repos/{repo}/commits/{sha}/statuses", need)]


def set_status(api: GitHubApi, repo: str, sha: str, status: CommitStatus) -> bool:
    """Post ``status`` unless the newest one with its context already says the same.

    Returns whether a status was posted. GitHub keeps 1000 statuses per context and SHA, and
    a replayed event must not pile up copies.
    """
    latest = next((s for s in statuses(api, repo, sha) if s.context == status.context), None)
    if latest == status:
        return False
    need = Need(f"setting status {status.context!r} on {sha[:12]}", "statuses: write", repo)
    body: dict[str, Any] = {"state": status.state, "context": status.context,
                            "description": status.description[:140]}
    if status.target_url:
        body["target_url"] = status.target_url
    api.request("POST", f"/repos/{repo}/statuses/{sha}", need, body)
    return True


def dispatch_workflow(api: GitHubApi, repo: str, ref: str, inputs: Mapping[str, str],
                      workflow: str = DISPATCH_WORKFLOW) -> None:
    """``workflow_dispatch`` of ``workflow`` on ``ref`` with string ``inputs``."""
    need = Need(f"starting workflow {workflow} on {ref}", "actions: write", repo)
    api.request("POST", f"/repos/{repo}/actions/workflows/{quote(workflow)}/dispatches",
                need, {"ref": ref, "inputs": dict(inputs)})


def request_reviewers(api: GitHubApi, repo: str, number: int, users: Sequence[str],
                      teams: Sequence[str]) -> bool:
    """Ask ``users`` and ``teams`` (slugs) to review #``number``; False when GitHub refuses
    (someone without access, the author): the sticky comment still mentions them."""
    need = Need(f"requesting reviews on #{number}", "pull-requests: write", repo)
    try:
        api.request("POST", f"/repos/{repo}/pulls/{number}/requested_reviewers", need,
                    {"reviewers": list(users), "team_reviewers": list(teams)})
    except GitHubError as exc:
        if exc.status == 422:
            return False
        raise
    return True


def open_disclosure_pull(branch: str, base: str, attempt: int) -> str:
    """Open the disclosure pull request on GitHub (GITHUB_REPOSITORY, GITHUB_TOKEN), labelled
    for the output checkers; its URL."""
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    api = GitHubApi.from_env()
    need = Need("opening the disclosure pull request", "pull-requests: write", repo)
    body = ("Outputs of execution attempt {0}, for output checking. Review "
            f"`{layout.OUTPUTS_MANIFEST}` (sizes, sha-512, automated findings); the data "
            "stays in the TRE. Approve with `5s:approve-disclosure` or an approving review.")
    data = api.request("POST", f"/repos/{repo}/pulls", need, {
        "title": f"Disclosure: outputs of execution attempt {attempt}", "head": branch,
        "base": base, "body": body.format(attempt)})
    add_labels(api, repo, int(data["number"]), [DISCLOSURE_LABEL])
    return str(data.get("html_url") or data["number"])
