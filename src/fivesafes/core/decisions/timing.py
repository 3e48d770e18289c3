"""When a decision was made, against the two times that bound it: the push of the head and
the merge (or closing) of the pull request.

A decision made before the current head was pushed is stale (GitHub's push time; the commit's
own date, chosen by whoever commits, can only make it stale). A decision made at or after the
merge or the closing never counts, however late the run that reads it. Label histories are
ordered as instants (:mod:`fivesafes.core.facts.instants`), never as text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fivesafes.core.facts.instants import moment, not_before, order
from fivesafes.core.facts.values import Facts, LabelEvent, PullRequest


@dataclass(frozen=True)
class Cutoff:
    """When a closed pull request stopped taking decisions (``at`` None: GitHub did not say)."""

    what: str
    at: dt.datetime | None
    stamp: str


def cutoff(pr: PullRequest) -> Cutoff | None:
    """The merge (or closing) time after which nothing counts; None while the PR is open."""
    if pr.merged:
        return Cutoff("merged", moment(pr.merged_at), pr.merged_at or "")
    if pr.state == "closed":
        return Cutoff("closed", moment(pr.closed_at), pr.closed_at or "")
    return None


def too_late(stamp: str | None, cut: Cutoff | None) -> bool:
    """Whether a decision made at ``stamp`` came after the pull request was merged or closed."""
    if cut is None:
        return False
    return cut.at is None or not_before(stamp, cut.at)


def late_reason(pr: PullRequest, cut: Cutoff) -> str:
    if cut.at is None:
        return (f"too late: #{pr.number} is {cut.what} and GitHub did not say when, so no "
                "decision can be shown to precede it")
    return (f"too late: #{pr.number} was {cut.what} at {cut.stamp}; a decision made after "
            "that never counts")


def history(facts: Facts, label: str) -> list[LabelEvent]:
    """The label's ``labeled``/``unlabeled`` events in the order they happened (as instants)."""
    return sorted((e for e in facts.label_events if e.label == label),
                  key=lambda e: (order(e.created_at), e.id))


def last_labeled(facts: Facts, label: str) -> LabelEvent | None:
    """The event that applied the label as it is now (the latest ``labeled`` event)."""
    events = [e for e in history(facts, label) if e.event == "labeled"]
    return events[-1] if events else None


def head_since(facts: Facts, pr: PullRequest) -> dt.datetime | None:
    """The earliest the current head can have become the head: the server's push time, or
    (fail closed only) the head commit's own committer date, whichever is later."""
    stamps = [pr.head_pushed_at] + [c.committed_at for c in facts.commits
                                    if c.sha == pr.head_sha]
    moments = [m for m in (moment(s) for s in stamps if s) if m is not None]
    return max(moments) if moments else None


def unproven(pr: PullRequest) -> str:
    """Why an approve label cannot count when GitHub did not say when the head was pushed."""
    return (f"GitHub did not say when {pr.head_sha[:12]} became the head of this pull request, "
            "so this label cannot be shown to be newer than the last push; approve with a "
            "review of the current commit instead (a review names the commit it approves)")


def before_head(created_at: str, facts: Facts, pr: PullRequest) -> bool:
    """Whether a decision made at ``created_at`` predates the current head."""
    since = head_since(facts, pr)
    made = moment(created_at)
    return since is not None and (made is None or made < since)
