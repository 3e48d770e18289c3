"""A stand-in for GitHub in the demo: pull requests, labels and reviews over a local repository.

The demo must exercise the same rules as a real project, so it does not shortcut decisions: it
builds the same :class:`~fivesafes.core.facts.values.Facts` the GitHub adapter would fetch (the
PR at its head commit, commits and their authors, changed files, label events with their actors,
reviews, team members, the policy and the record from the default branch) from the local git
repository and a small cast of demo people, then asks the real phase engine
(:func:`fivesafes.core.engine.planner.plan_event`) what to do and applies only its ``record``
effects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from fivesafes.adapters.git.process import run
from fivesafes.core import layout
from fivesafes.core.engine.plan import Plan
from fivesafes.core.engine.planner import plan_event
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.events import Event, EventKind, ReviewRef
from fivesafes.core.facts.values import (
    ChangedFile,
    Commit,
    Facts,
    LabelEvent,
    Permission,
    PullRequest,
    Review,
    ReviewState,
    RunContext,
)

REPOSITORY = "example-tre/cohort-study"
DEFAULT_BRANCH = "main"
REQUESTER = Actor("alex-researcher")
APPROVER = Actor("sam-signoff")
CHECKERS = (Actor("olu-checker"), Actor("chris-checker"))
AUTOMATION = Actor("fivesafes[bot]", "Bot")
TEAMS = {
    "example-tre/sign-off-approvers": frozenset({APPROVER.login}),
    "example-tre/output-checkers": frozenset(c.login for c in CHECKERS),
    "example-tre/maintainers": frozenset({"mo-maintainer"}),
}
PERMISSIONS: dict[str, Permission] = {a.login: "write" for a in (REQUESTER, APPROVER, *CHECKERS)}
STATUS = {"M": "modified", "A": "added", "D": "removed"}


def _show(root: Path, ref: str, path: str) -> bytes | None:
    listed = run(root, "ls-tree", "--name-only", ref, "--", path).strip()
    return run(root, "show", f"{ref}:{path}").encode() if listed else None


@dataclass
class DemoPullRequest:
    """One pull request of the demo and what happened on it so far."""

    number: int
    branch: str
    author: Actor
    base_sha: str
    labels: list[str] = field(default_factory=list)
    label_events: list[LabelEvent] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    merge_sha: str | None = None
    merged_at: str | None = None  # GitHub's time of the merge: nothing after it counts
    deliveries: int = 0
    seen_head: str = ""  # the head as the stand-in last saw it, and when it was pushed
    pushed_at: str | None = None

    def observe(self, root: Path, now: str) -> None:
        """Like GitHub, note the time a new head was pushed (when the stand-in first sees it)."""
        head = self.head(root)
        if head != self.seen_head:
            self.seen_head, self.pushed_at = head, now

    def head(self, root: Path) -> str:
        return run(root, "rev-parse", self.branch).strip()

    def facts(self, root: Path) -> Facts:
        head = self.head(root)
        changed = tuple(
            ChangedFile(line.split("\t")[-1], STATUS.get(line[:1], "modified"))  # type: ignore[arg-type]
            for line in run(root, "diff", "--name-status", self.base_sha, head).splitlines()
            if line.strip())
        paths = run(root, "ls-tree", "-r", "--name-only", head, "--", "resources",
                    layout.OUTPUTS_MANIFEST, "outputs/exceptions.toml").split()
        files = {p: run(root, "show", f"{head}:{p}").encode() for p in paths}
        commits = tuple(
            Commit(sha, self.author.login, self.author.login, is_bot=self.author.is_bot)
            for sha in run(root, "rev-list", f"{self.base_sha}..{head}").split())
        pr = PullRequest(
            number=self.number, author=self.author, head_sha=head, head_ref=self.branch,
            head_repo=REPOSITORY, base_ref=DEFAULT_BRANCH, default_branch=DEFAULT_BRANCH,
            state="closed" if self.merge_sha else "open", merged=self.merge_sha is not None,
            merge_commit_sha=self.merge_sha, labels=tuple(self.labels),
            head_pushed_at=self.pushed_at if head == self.seen_head else None,
            merged_at=self.merged_at, closed_at=self.merged_at)
        return Facts(
            run=RunContext(run_id="demo", repository=REPOSITORY), default_branch=DEFAULT_BRANCH,
            pr=pr, commits=commits, changed=changed, reviews=tuple(self.reviews),
            label_events=tuple(self.label_events), teams=TEAMS, permissions=PERMISSIONS,
            files=files, policy=_show(root, DEFAULT_BRANCH, layout.POLICY),
            record=_show(root, DEFAULT_BRANCH, layout.ACTIONS),
            manifests={r.commit_id: data for r in self.reviews if r.commit_id != head
                       for data in [_show(root, r.commit_id, layout.OUTPUTS_MANIFEST)]
                       if data is not None})

    def event(self, root: Path, kind: EventKind, sender: Actor, *, action: str = "",
              label: str | None = None, review: ReviewRef | None = None) -> Event:
        self.deliveries += 1
        return Event(name="pull_request_review" if review else "pull_request",
                     action=action or kind, kind=kind, sender=sender,
                     delivery=f"demo-pr{self.number}-{self.deliveries}", repository=REPOSITORY,
                     default_branch=DEFAULT_BRANCH, pr=self.number, head_sha=self.head(root),
                     base_ref=DEFAULT_BRANCH, label=label, review=review)

    def label(self, root: Path, actor: Actor, name: str, now: str) -> Plan:
        self.observe(root, now)
        self.labels.append(name)
        self.label_events.append(LabelEvent(1000 * self.number + len(self.label_events) + 1,
                                            "labeled", name, actor, now))
        return plan_event(self.event(root, "labeled", actor, label=name),
                          self.facts(root), now)

    def approve(self, root: Path, actor: Actor, now: str, body: str = "") -> Plan:
        return self.review(root, actor, "APPROVED", now, body)

    def review(self, root: Path, actor: Actor, state: ReviewState, now: str,
               body: str = "") -> Plan:
        """A review submitted at the current head (its body may decide output by output)."""
        self.observe(root, now)
        review = Review(2000 * self.number + len(self.reviews) + 1, actor, state,
                        self.head(root), now, body)
        self.reviews.append(review)
        ref = ReviewRef(review.id, state, review.commit_id, actor)
        return plan_event(self.event(root, "review-submitted", actor, action="submitted",
                                     review=ref), self.facts(root), now)

    def pushed(self, root: Path, now: str) -> Plan:
        """A new commit on the pull request's branch (``synchronize``)."""
        self.observe(root, now)
        return plan_event(self.event(root, "synchronize", self.author), self.facts(root), now)

    def opened(self, root: Path, now: str) -> Plan:
        self.observe(root, now)
        return plan_event(self.event(root, "opened", self.author), self.facts(root), now)

    def _after_decisions(self, now: str) -> str:
        """GitHub's merge time: the demo's clock is pinned (SOURCE_DATE_EPOCH), but a merge on
        GitHub comes after the decisions it needed, so the stand-in ticks one second on."""
        times = [now, *(e.created_at for e in self.label_events),
                 *(r.submitted_at for r in self.reviews)]
        latest = max(dt.datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times)
        return (latest + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def merged(self, root: Path, merger: Actor, now: str, merge_sha: str) -> Plan:
        self.observe(root, now)
        self.merge_sha, self.merged_at = merge_sha, self._after_decisions(now)
        event = self.event(root, "merged", merger, action="closed")
        return plan_event(event, self.facts(root), now)
