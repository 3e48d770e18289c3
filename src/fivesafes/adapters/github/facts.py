"""Fetches, through the API, every fact the phase engine needs for one event.

The engine trusts nothing in the webhook payload beyond which PR and event it is about: the
pull request, its commits (with co-authors), files, reviews and label events (with who
applied each label) are read fresh from the API, the request files at the PR's CURRENT head
SHA, and the policy and action record from the DEFAULT branch, never from the PR.
Team membership is checked for the people who acted (label actors, reviewers, the sender)
against each team the policy names, and only ACTIVE membership counts.

When the head became the head is GitHub's own time of the latest push of that SHA to the head
branch (the head repository's activity list), never a commit date, which whoever commits
chooses: an approve label applied before it is stale. When GitHub cannot say (a fork the
token cannot see or that is gone, a server without the list), it stays unknown and the engine
counts no approve label (see docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import GitHubError, Need
from fivesafes.adapters.github.org_policy import resolve_org_policy
from fivesafes.adapters.github.records import CommitInfo, stamp
from fivesafes.adapters.github.trailers import co_authors
from fivesafes.adapters.runner.actions import run_context
from fivesafes.core import layout
from fivesafes.core.decisions.disclosure_files import PR_EXCEPTIONS
from fivesafes.core.engine.reconcile import Merged
from fivesafes.core.facts import values as facts
from fivesafes.core.facts.events import Event
from fivesafes.core.request import scope


def wanted_file(path: str) -> bool:
    """The files read first at the head SHA: ``resources/**``, the outputs manifest and the
    researcher's exception requests; then the rest of the request scope the workflow names
    (:func:`scope.wanted`)."""
    return path.startswith("resources/") or path in (layout.OUTPUTS_MANIFEST, PR_EXCEPTIONS)


def policy_teams(policy: bytes | None, *, maintainers: bool = False) -> list[str]:
    """``org/team`` for every ``@org/team`` approver of the policy, and with ``maintainers``
    of its maintainers too (who may re-run a failed execution); unreadable policy: none."""
    if policy is None:
        return []
    try:
        data = tomllib.loads(policy.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    phases = data.get("phases")
    owners = data.get("maintainers")
    groups: list[Any] = [rule.get("approvers") if isinstance(rule, dict) else None
                         for rule in (phases.values() if isinstance(phases, dict) else [])]
    if maintainers:
        groups.append(owners.get("owners") if isinstance(owners, dict) else None)
    found: list[str] = []
    for approvers in groups:
        for entry in approvers if isinstance(approvers, list) else []:
            if isinstance(entry, str) and entry.startswith("@") and entry.count("/") == 1:
                team = entry[1:]
                if team not in found:
                    found.append(team)
    return found


def hold_label(policy: bytes | None) -> str:
    """The policy's hold label (``[labels] hold``), ``5s:hold`` when it names none."""
    try:
        data = tomllib.loads((policy or b"").decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "5s:hold"
    labels = data.get("labels")
    hold = labels.get("hold") if isinstance(labels, dict) else None
    return hold if isinstance(hold, str) else "5s:hold"


def _commit(info: CommitInfo) -> facts.Commit:
    return facts.Commit(
        sha=info.sha,
        author=info.author.login if info.author else None,
        committer=info.committer.login if info.committer else None,
        co_authors=co_authors(info.message),
        is_bot=bool(info.author and info.author.is_bot),
    )


def head_pushed_at(api: GitHubApi, pr: facts.PullRequest) -> str | None:
    """GitHub's time (RFC 3339) of the latest push that made ``pr``'s head SHA the tip of its
    head branch; None when GitHub lists none (then nothing can show a label is newer)."""
    if not pr.head_repo or not pr.head_ref:
        return None  # a deleted fork: no repository whose pushes could be listed
    need = Need(f"reading when {pr.head_sha[:12]} was pushed to {pr.head_ref}",
                "metadata: read", pr.head_repo)
    try:
        listed = api.paginate(f"/repos/{pr.head_repo}/activity", need,
                              {"ref": f"refs/heads/{pr.head_ref}", "direction": "desc"})
    except GitHubError as exc:
        if exc.status == 404:  # gone, not visible to the token, or no activity list
            return None
        raise
    for item in listed:  # newest first: the push that LAST made the SHA the head
        if isinstance(item, dict) and item.get("after") == pr.head_sha \
                and item.get("activity_type") != "branch_deletion":
            return _rfc3339(item.get("timestamp"))
    return None


def pull_for_run(api: GitHubApi, repo: str, head_sha: str, head_repo: str | None,
                 head_branch: str | None) -> int | None:
    """The open pull request of ``repo`` whose head is ``head_sha`` on ``head_branch`` of
    ``head_repo`` (a fork or ``repo`` itself), read from the API: a ``workflow_run`` payload
    lists pull requests only for same-repository heads, so the list filtered by head serves
    both. Several (one branch proposed to two bases): the lowest number; none: None."""
    if not head_branch:
        return None
    owner = (head_repo or repo).split("/")[0]
    need = Need(f"finding the pull request whose head is {head_sha[:12]}",
                "pull-requests: read", repo)
    listed = api.paginate(f"/repos/{repo}/pulls", need,
                          {"state": "open", "head": f"{owner}:{head_branch}"})
    found = sorted(
        item["number"] for item in listed
        if isinstance(item, dict) and isinstance(item.get("number"), int)
        and _get(item, "head", "sha") == head_sha
        and (head_repo is None or _get(item, "head", "repo", "full_name") == head_repo))
    return found[0] if found else None


def _get(data: Any, *path: str) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _rfc3339(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))


class GitHubFacts:
    """A :class:`fivesafes.core.engine.ports.FactsSource` backed by the GitHub API."""

    def __init__(self, api: GitHubApi, repository: str,
                 run: facts.RunContext | None = None) -> None:
        self.api = api
        self.repository = repository
        self.run = run or run_context()
        if not self.run.repository:  # the run names the repository the facts are read from
            self.run = replace(self.run, repository=repository)

    def fetch(self, event: Event) -> facts.Facts:
        repo = self.repository
        branch = event.default_branch or self.api.default_branch(repo)
        policy = self.api.file_at(repo, layout.POLICY, branch)
        record = self.api.file_at(repo, layout.ACTIONS, branch)
        org = resolve_org_policy(policy, api=self.api)
        base = facts.Facts(run=self.run, default_branch=branch, policy=policy, record=record,
                           org_policy=org)
        if event.pr is None:
            return base
        pr = self.api.pull(repo, event.pr, branch)
        pr = replace(pr, head_pushed_at=head_pushed_at(self.api, pr))
        commits = tuple(_commit(c) for c in self.api.pull_commits(repo, pr.number))
        reviews = self.api.reviews(repo, pr.number)
        label_events = self.api.label_events(repo, pr.number)
        people = _deciders(event, reviews, label_events)
        # maintainer teams matter to dispatches (re-running a failed execution) and to a
        # removed hold label (a maintainer may lift a hold)
        lifting = any(e.event == "unlabeled" and e.label == hold_label(policy)
                      for e in label_events)
        wanted = policy_teams(policy, maintainers=event.name == "workflow_dispatch" or lifting)
        teams = {team: frozenset(self._members(team, people)) for team in wanted}
        changed = self.api.pull_files(repo, pr.number)
        permissions = {login: self.api.permission(repo, login) for login in people}
        files = self.api.files_at(repo, pr.head_sha, wanted_file, scope.wanted)
        return facts.Facts(
            run=self.run, default_branch=branch, pr=pr, commits=commits,
            changed=changed, reviews=reviews, label_events=label_events, teams=teams,
            permissions=permissions, files=files, policy=policy, record=record, org_policy=org,
            manifests=self._reviewed_manifests(pr, reviews, files))

    def _reviewed_manifests(self, pr: facts.PullRequest, reviews: Iterable[facts.Review],
                            files: Mapping[str, bytes]) -> dict[str, bytes]:
        """The outputs manifest at each older commit a review of a disclosure PR was made
        on: a decision binds to the outputs it saw, and carries over while they are unchanged."""
        if layout.OUTPUTS_MANIFEST not in files:
            return {}
        found: dict[str, bytes] = {}
        for sha in sorted({r.commit_id for r in reviews if r.commit_id} - {pr.head_sha}):
            data = self.api.file_at(self.repository, layout.OUTPUTS_MANIFEST, sha)
            if data is not None:
                found[sha] = data
        return found

    def _members(self, team: str, people: Iterable[str]) -> list[str]:
        org, slug = team.split("/")
        need = Need(f"reading team @{team} named in {layout.POLICY}",
                    "members: read (an organization permission: use a GitHub App token or a "
                    "token with read:org)", org)
        if self.api.request("GET", f"/orgs/{org}/teams/{slug}", need, missing_ok=True) is None:
            raise GitHubError(f"team @{team} named in {layout.POLICY} does not exist or is not "
                              f"visible to the token; fix: correct the team in the policy, or "
                              f"grant the token `{need.permission}`", 404, need.permission)
        return [login for login in people if self.api.team_member(org, slug, login)]


def _deciders(event: Event, reviews: Iterable[facts.Review],
              label_events: Iterable[facts.LabelEvent]) -> list[str]:
    """Everyone who may have made a decision, bots excluded (they never decide)."""
    actors = [event.sender, *(r.user for r in reviews), *(e.actor for e in label_events)]
    if event.review is not None:
        actors.append(event.review.user)
    out: list[str] = []
    for actor in actors:
        if not actor.is_bot and actor.login not in out and actor.login != "unknown":
            out.append(actor.login)
    return out


def fetch_facts(event: Event, repo: str, api: GitHubApi | None = None,
                run: facts.RunContext | None = None) -> facts.Facts:
    """Facts for ``event`` on ``repo`` (``owner/name``), with a client from the environment."""
    return GitHubFacts(api or GitHubApi.from_env(), repo, run).fetch(event)


def merged_pulls(api: GitHubApi, repo: str, branch: str) -> list[Merged]:
    """The merged pull requests into ``branch`` among the 100 most recently updated closed
    ones (the reconciler runs on every push and on a schedule, so a lost merge is seen while
    it is recent)."""
    need = Need(f"listing the closed pull requests into {branch}", "pull-requests: read", repo)
    listed = api.request("GET", f"/repos/{repo}/pulls", need,
                         params={"state": "closed", "base": branch, "sort": "updated",
                                 "direction": "desc", "per_page": 100})
    out: list[Merged] = []
    for item in listed if isinstance(listed, list) else []:
        number, sha = _get(item, "number"), _get(item, "merge_commit_sha")
        merged_at = _rfc3339(_get(item, "merged_at"))
        if isinstance(number, int) and isinstance(sha, str) and merged_at:
            out.append(Merged(number, sha, merged_at, str(_get(item, "base", "ref") or "")))
    return out
