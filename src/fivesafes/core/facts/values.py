"""Everything the phase engine needs to know from GitHub, as plain frozen values.

The engine never asks GitHub anything: an adapter fetches these facts once per event (PR,
commits, files, reviews, label events with their actors, team memberships, permissions, the
request files at the head SHA, the policy from the DEFAULT branch and the action record) and
the pure core decides from them alone. The same facts give the same plan, so a decision can
be replayed and tested without a network. ``docs/facts-format.md`` documents the JSON form
(:mod:`fivesafes.core.facts.json_form`) used by ``fivesafes handle --facts``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from fivesafes.core.facts.actors import Actor
from fivesafes.core.org.source import OrgSource

PrState = Literal["open", "closed"]
FileStatus = Literal["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]
ReviewState = Literal["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]
LabelAction = Literal["labeled", "unlabeled"]
Permission = Literal["admin", "maintain", "write", "triage", "read", "none"]


@dataclass(frozen=True)
class PullRequest:
    """The pull request as it is NOW (not as the event payload saw it)."""

    number: int
    author: Actor
    head_sha: str
    head_ref: str
    head_repo: str  # full name owner/name of the head repository (forks differ from base)
    base_ref: str
    default_branch: str
    state: PrState = "open"
    merged: bool = False
    merge_commit_sha: str | None = None
    labels: tuple[str, ...] = ()
    # Server-side time (RFC 3339) the current head SHA became the PR head, when the adapter can
    # tell; a decision label applied before it is stale. None: unknown (labels then rely on the
    # triggering event's head SHA and on the removal of decision labels at each push).
    head_pushed_at: str | None = None
    # GitHub's times (RFC 3339) of the merge and of the closing: no decision made after the
    # pull request was merged or closed counts (None: not merged / not closed, or unknown).
    merged_at: str | None = None
    closed_at: str | None = None


@dataclass(frozen=True)
class CoAuthor:
    """A ``Co-authored-by: Name <email>`` trailer; ``login`` when the adapter resolved it."""

    name: str
    email: str
    login: str | None = None


@dataclass(frozen=True)
class Commit:
    """A commit of the pull request; its authors may never approve the request."""

    sha: str
    author: str | None  # GitHub login of the author, None when the e-mail maps to no account
    committer: str | None
    co_authors: tuple[CoAuthor, ...] = ()
    is_bot: bool = False
    # The committer date git records (RFC 3339), when known. Client-side and forgeable, so it
    # only ever makes a decision stale (a label applied before it), never makes one count.
    committed_at: str | None = None


@dataclass(frozen=True)
class ChangedFile:
    """A file the pull request changes (``previous_path`` for renames)."""

    path: str
    status: FileStatus = "modified"
    previous_path: str | None = None


@dataclass(frozen=True)
class Review:
    """A pull request review; it counts only at the commit it was made on (``commit_id``)."""

    id: int
    user: Actor
    state: ReviewState
    commit_id: str
    submitted_at: str
    body: str = ""  # per-output disclosure decisions and reasons are written here


@dataclass(frozen=True)
class LabelEvent:
    """An issue event ``labeled``/``unlabeled`` with its actor (labels are requests, not proof)."""

    id: int
    event: LabelAction
    label: str
    actor: Actor
    created_at: str


@dataclass(frozen=True)
class RunContext:
    """Where the handler runs (GitHub Actions ``github.*`` context), for evidence and links."""

    run_id: str = ""
    run_attempt: int = 1
    run_url: str = ""
    server_url: str = "https://github.com"
    repository: str = ""


@dataclass(frozen=True)
class Facts:
    """All facts for one event. Mappings are never mutated by the core.

    ``teams`` maps ``org/team`` (the policy's ``@org/team`` without ``@``) to the logins of its
    ACTIVE members, for every team the policy names. ``permissions`` maps a login to its
    repository permission for every login that made a decision (label actors, reviewers).
    ``files`` holds the request files at the head SHA: every ``resources/**`` file, the files
    the workflow refers to (``fivesafes.core.request.validate.referenced_paths``) and
    ``outputs/manifest.toml`` when present. ``policy`` is ``.github/fivesafes.toml`` from the
    DEFAULT branch (None: missing); ``record`` is ``resources/governance/actions.toml`` from
    the default branch (None: none yet).
    """

    run: RunContext = field(default_factory=RunContext)
    default_branch: str = "main"
    pr: PullRequest | None = None
    commits: tuple[Commit, ...] = ()
    changed: tuple[ChangedFile, ...] = ()
    reviews: tuple[Review, ...] = ()
    label_events: tuple[LabelEvent, ...] = ()
    teams: Mapping[str, frozenset[str]] = field(default_factory=dict)
    permissions: Mapping[str, Permission] = field(default_factory=dict)
    files: Mapping[str, bytes] = field(default_factory=dict)
    policy: bytes | None = None
    record: bytes | None = None
    # Disclosure pull requests: ``outputs/manifest.toml`` at each commit a review was made on
    # (commit sha -> bytes), so a decision binds to the sha-512 of the outputs it saw.
    manifests: Mapping[str, bytes] = field(default_factory=dict)
    # the organisation's central policy, when ``policy`` extends it (None: it extends nothing)
    org_policy: OrgSource | None = None
