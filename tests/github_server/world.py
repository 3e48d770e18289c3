"""The in-memory state behind the test server, and the verbs tests use to stage a scenario.

Tests describe the world as GitHub would hold it (users, teams, repositories, commits, pull
requests, labels applied by whom, reviews at which SHA) and then let the code under test read
and change it through the REST API. Assertions read the same state back: labels on a PR, commit
statuses, the sticky comment, releases and their assets.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.github_server.gitobjects import ObjectStore, commit_id

BOT = "github-actions[bot]"
TOKEN = "test-token"
ZERO = "0" * 40


@dataclass
class User:
    login: str
    id: int
    type: str = "User"  # User, Bot or Organization
    name: str | None = None
    email: str | None = None


@dataclass
class Commit:
    sha: str
    tree: str
    parents: list[str]
    message: str
    author: str | None  # GitHub login, None for an unknown e-mail
    author_name: str
    author_email: str
    date: str


@dataclass
class Pull:
    number: int
    id: int
    title: str
    body: str | None
    author: str
    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    created_at: str
    state: str = "open"
    merged: bool = False
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    labels: list[str] = field(default_factory=list)
    draft: bool = False
    head_repo: str | None = None  # owner/name of a fork the head branch lives in
    merged_at: str | None = None
    closed_at: str | None = None
    requested_reviewers: list[str] = field(default_factory=list)  # logins asked to review
    requested_teams: list[str] = field(default_factory=list)  # team slugs asked to review

@dataclass
class Review:
    id: int
    pull: int
    user: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
    commit_id: str
    body: str
    submitted_at: str


@dataclass
class IssueEvent:
    id: int
    issue: int
    actor: str
    event: str  # labeled, unlabeled, ...
    label: str | None
    created_at: str


@dataclass
class Activity:
    """A branch moving (``GET /repos/{o}/{r}/activity``): GitHub's own time of a push."""

    id: int
    ref: str  # refs/heads/<branch>
    before: str
    after: str
    activity_type: str  # push, force_push, branch_creation, branch_deletion, pr_merge
    actor: str | None
    timestamp: str


@dataclass
class Comment:
    id: int
    issue: int
    user: str
    body: str
    created_at: str
    updated_at: str


@dataclass
class Status:
    id: int
    sha: str
    state: str
    context: str
    description: str | None
    target_url: str | None
    creator: str
    created_at: str


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class Asset:
    id: int
    release: int
    name: str
    label: str | None
    content_type: str
    data: bytes
    uploader: str
    created_at: str


@dataclass
class Release:
    id: int
    tag: str
    target: str
    name: str | None
    body: str | None
    draft: bool
    prerelease: bool
    author: str
    created_at: str
    published_at: str | None = None
    assets: list[Asset] = field(default_factory=list)


@dataclass
class Team:
    org: str
    slug: str
    id: int
    name: str
    members: dict[str, str] = field(default_factory=dict)  # login -> member|maintainer
    repos: dict[str, str] = field(default_factory=dict)  # owner/name -> permission
    pending: set[str] = field(default_factory=set)  # invited, not yet active


@dataclass
class Repo:
    owner: str
    name: str
    id: int
    private: bool = True
    default_branch: str = "main"
    description: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    pulls: dict[int, Pull] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    events: list[IssueEvent] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    labels: dict[str, Label] = field(default_factory=dict)
    statuses: list[Status] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    rulesets: dict[int, dict[str, Any]] = field(default_factory=dict)
    collaborators: dict[str, str] = field(default_factory=dict)  # login -> admin|write|...
    actions: dict[str, Any] = field(default_factory=lambda: {
        "enabled": True, "allowed_actions": "selected",
        "default_workflow_permissions": "read", "can_approve_pull_request_reviews": False,
        # fork pull requests: GitHub's defaults (public: contributor approval; private: off)
        "approval_policy": "first_time_contributors",
        "run_workflows_from_fork_pull_requests": False, "send_write_tokens_to_workflows": False,
        "send_secrets_and_variables": False, "require_approval_for_fork_pr_workflows": False})
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)  # actions_world.py
    secrets: dict[str, str] = field(default_factory=dict)  # name -> updated_at (no values)
    runners: list[dict[str, Any]] = field(default_factory=list)  # registered on the repository
    dispatches: list[dict[str, Any]] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)  # oldest first
    git_dir: Path | None = None  # mirrored from this (bare) git repository when set
    topics: list[str] = field(default_factory=list)
    template: str | None = None  # owner/name of the template it was made from

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class WorldState:
    """Everything the fake GitHub knows. Guard changes with ``world.lock``."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.objects = ObjectStore()
        self.users: dict[str, User] = {}
        self.orgs: set[str] = set()
        self.teams: dict[tuple[str, str], Team] = {}
        self.repos: dict[str, Repo] = {}
        self.tokens: dict[str, str] = {TOKEN: BOT}
        # organisation-level Actions state (tests/github_server/actions_world.py)
        self.org_secrets: dict[str, dict[str, dict[str, Any]]] = {}  # org -> name -> secret
        self.runner_groups: dict[str, list[dict[str, Any]]] = {}  # org -> groups
        self.org_runners: dict[str, list[dict[str, Any]]] = {}  # org -> runners
        self._next_id = 1000
        self._tick = 0
        self._activity_id = 7_000_000
        self.user(BOT, type="Bot")

    # ids and time --------------------------------------------------------------------
    def new_id(self) -> int:
        with self.lock:
            self._next_id += 1
            return self._next_id

    def now(self) -> str:
        """A deterministic clock: each call is one minute after the last."""
        with self.lock:
            self._tick += 1
            minutes = self._tick
        return f"2026-01-01T{minutes // 60 % 24:02d}:{minutes % 60:02d}:00Z"

    # people ---------------------------------------------------------------------------
    def user(self, login: str, type: str | None = None, name: str | None = None,
             email: str | None = None) -> User:
        """The account ``login``, created when new (``x[bot]`` logins are bots)."""
        with self.lock:
            if login not in self.users:
                kind = type or ("Bot" if login.endswith("[bot]") else "User")
                self.users[login] = User(login, self.new_id(), kind, name, email)
            return self.users[login]

    def org(self, login: str) -> User:
        self.orgs.add(login)
        return self.user(login, type="Organization")

    def team(self, org: str, slug: str, members: list[str] | None = None,
             maintainers: list[str] | None = None, pending: list[str] | None = None) -> Team:
        """Team ``org/slug``; ``pending`` members are invited but not active."""
        self.org(org)
        with self.lock:
            team = self.teams.setdefault((org, slug), Team(org, slug, self.new_id(), slug))
            for login in members or []:
                self.user(login)
                team.members[login] = "member"
            for login in maintainers or []:
                self.user(login)
                team.members[login] = "maintainer"
            for login in pending or []:
                self.user(login)
                team.members[login] = "member"
                team.pending.add(login)
            return team

    def token(self, token: str, login: str, type: str | None = None) -> None:
        self.user(login, type=type)
        self.tokens[token] = login

    # repositories ---------------------------------------------------------------------
    def repo(self, full_name: str, files: dict[str, bytes | str] | None = None,
             default_branch: str = "main", private: bool = True, empty: bool = False,
             git_dir: Path | None = None) -> Repo:
        """The repository, created (with an initial commit of ``files``) when new.

        With ``git_dir`` the repository mirrors that (bare) git repository instead: branches,
        commits and files come from git, refreshed before every request (gitmirror.py).
        """
        owner, name = full_name.split("/")
        with self.lock:
            if full_name in self.repos:
                return self.repos[full_name]
            if owner not in self.users:
                self.org(owner)
            repo = Repo(owner, name, self.new_id(), private, default_branch)
            self.repos[full_name] = repo
            if git_dir is not None:
                from tests.github_server.gitmirror import sync

                repo.git_dir = Path(git_dir)
                sync(self, repo)
            elif not empty:
                self.commit(repo, files or {"README.md": f"# {name}\n"},
                            branch=default_branch, message="Initial commit", parents=[])
            return repo

    def commit(self, repo: Repo, files: dict[str, bytes | str], branch: str | None = None,
               message: str = "Update", author: str | None = None,
               parents: list[str] | None = None, replace: bool = False,
               delete: list[str] | None = None, date: str | None = None,
               pushed_to: Repo | None = None, activity: str | None = None) -> str:
        """Commit ``files`` on top of ``branch`` (or ``parents``); returns the new SHA.

        Files are merged into the parent's tree unless ``replace``; ``delete`` removes paths.
        ``author`` is a login (its e-mail is ``<login>@users.noreply.github.com``). ``date``
        backdates the commit (its author and committer dates, which whoever commits chooses);
        the push is still recorded at the server's time. Moving ``branch`` is recorded as an
        activity of ``pushed_to`` (default ``repo``; a fork for a fork's branch).
        """
        with self.lock:
            if parents is None:
                parents = [repo.branches[branch]] if branch and branch in repo.branches else []
            tree: dict[str, bytes] = {}
            if parents and not replace:
                tree = self.objects.files(repo.commits[parents[0]].tree)
            for path in delete or []:
                tree.pop(path, None)
            tree.update({p: d.encode() if isinstance(d, str) else d for p, d in files.items()})
            tree_sha = self.objects.put_tree(tree)
            login = author or "octocat"
            user = self.user(login)
            name = user.name or login
            email = user.email or f"{user.id}+{login}@users.noreply.github.com"
            pushed = self.now()
            seconds = 1767225600 + self._tick * 60
            if date is not None:
                seconds = int(dt.datetime.fromisoformat(date.replace("Z", "+00:00")).timestamp())
            stamp = f"{name} <{email}> {seconds} +0000"
            text = message if message.endswith("\n") else message + "\n"
            sha = commit_id(tree_sha, parents, stamp, stamp, text)
            repo.commits[sha] = Commit(sha, tree_sha, parents, text, login, name, email,
                                       date or pushed)
            if branch:
                self.move_branch(repo, branch, sha, login, kind=activity, at=pushed,
                                 pushed_to=pushed_to)
            return sha

    def move_branch(self, repo: Repo, branch: str, sha: str, actor: str | None,
                    kind: str | None = None, at: str | None = None,
                    pushed_to: Repo | None = None) -> None:
        """Point ``branch`` at ``sha`` and record the activity GitHub would list for it.

        ``kind`` defaults to what git calls the move: ``branch_creation`` for a new branch,
        ``push`` for a fast-forward and ``force_push`` otherwise (``branch_deletion`` when
        ``sha`` is all zeros, which deletes the branch).
        """
        with self.lock:
            before = repo.branches.get(branch, ZERO)
            if kind is None:
                kind = ("branch_deletion" if sha == ZERO else "branch_creation"
                        if before == ZERO else "push"
                        if before in self.ancestors(repo, sha) else "force_push")
            if sha == ZERO:
                repo.branches.pop(branch, None)
            else:
                repo.branches[branch] = sha
            where = pushed_to or repo
            self._activity_id += 1  # its own counter: other objects keep the ids they had
            where.activities.append(Activity(self._activity_id, f"refs/heads/{branch}", before,
                                             sha, kind, actor, at or self.now()))

    def resolve(self, repo: Repo, ref: str | None) -> Commit | None:
        """A branch name, ``heads/<b>``, ``refs/heads/<b>`` or a (full) commit SHA."""
        ref = ref or repo.default_branch
        name = ref.removeprefix("refs/").removeprefix("heads/")
        if name in repo.branches:
            return repo.commits[repo.branches[name]]
        matches = [c for sha, c in repo.commits.items() if sha.startswith(ref)] if ref else []
        return matches[0] if len(matches) == 1 else None

    def ancestors(self, repo: Repo, sha: str) -> list[str]:
        """``sha`` and every commit reachable from it, newest first."""
        seen: list[str] = []
        stack = [sha]
        while stack:
            current = stack.pop(0)
            if current in seen or current not in repo.commits:
                continue
            seen.append(current)
            stack.extend(repo.commits[current].parents)
        return seen
