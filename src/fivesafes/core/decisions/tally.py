"""Counting a phase's decisions from labels and reviews.

Labels and approving reviews both count toward the phase's required number of DISTINCT
approvers, each person once. An approval counts only at the current head commit: a review on
an older commit, or an approve label applied before the latest push, is stale and the person
must look again. Rejections and holds are not cleared by a push (fail closed).

A review names the commit it approved; a label does not, so whether it is newer than the head
rests on GitHub's own time of the push that made the head the head (``head_pushed_at``). The
commit's date is set by whoever commits, so it can only ever make a label stale. Without the
push time no approve label counts: it is refused (removed, with the reason), and approvers are
asked to approve with a review, which is bound to the commit it approves. Counting the label
of the event being handled would not help: the merge, which re-counts everything, could not
count it again, so a phase shown approved would be voided at merge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fivesafes.core.decisions.gates import Decision, Refusal, Verdict, ineligible
from fivesafes.core.decisions.people import barred
from fivesafes.core.facts.values import Facts, LabelEvent, PullRequest, Review
from fivesafes.models.ledger import ActionRecord
from fivesafes.models.policy import DecisionPhase, Labels, Policy

STATEFUL_REVIEWS = ("APPROVED", "CHANGES_REQUESTED", "DISMISSED")


@dataclass(frozen=True)
class Tally:
    """A phase's decisions at the current head."""

    phase: DecisionPhase
    required: int
    approvals: tuple[Decision, ...] = ()
    rejections: tuple[Decision, ...] = ()
    holds: tuple[Decision, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    stale: tuple[Decision, ...] = ()

    @property
    def approvers(self) -> list[str]:
        return sorted({d.login for d in self.approvals}, key=str.lower)

    @property
    def missing(self) -> int:
        return max(0, self.required - len(self.approvers))

    @property
    def met(self) -> bool:
        return self.missing == 0 and not self.rejections and not self.holds


def verdicts(labels: Labels) -> dict[str, tuple[Verdict, DecisionPhase | None]]:
    """Decision label -> (verdict, phase it belongs to; None for hold, which fits both)."""
    return {
        labels.approve_sign_off: ("approve", "sign-off"),
        labels.reject_sign_off: ("reject", "sign-off"),
        labels.approve_disclosure: ("approve", "disclosure"),
        labels.reject_disclosure: ("reject", "disclosure"),
        labels.hold: ("hold", None),
    }


def moment(stamp: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def last_labeled(facts: Facts, label: str) -> LabelEvent | None:
    """The event that applied the label as it is now (the latest ``labeled`` event)."""
    events = [e for e in facts.label_events if e.label == label and e.event == "labeled"]
    events.sort(key=lambda e: (moment(e.created_at) or dt.datetime.min.replace(tzinfo=dt.UTC),
                               e.id))
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


def tally(
    phase: DecisionPhase, policy: Policy, facts: Facts, pr: PullRequest, record: ActionRecord,
    *, pushed_now: bool = False, stale_label_event: int | None = None,
) -> Tally:
    """Count ``phase`` decisions. ``pushed_now``: a push just happened, so every approve label
    is stale; ``stale_label_event``: a label event the trigger showed was made on an old head.
    """
    approvals: dict[str, Decision] = {}
    rejections: list[Decision] = []
    holds: list[Decision] = []
    refusals: list[Refusal] = []
    stale: list[Decision] = []
    for label, (verdict, label_phase) in sorted(verdicts(policy.labels).items()):
        if label not in pr.labels:
            continue
        event = last_labeled(facts, label)
        if event is None:
            refusals.append(Refusal("(unknown)", verdict, "label", 0,
                                    f"no record of who applied {label}", label))
            continue
        if label_phase is not None and label_phase != phase:
            refusals.append(Refusal(event.actor.login, verdict, "label", event.id,
                                    f"{label} does not apply to a {phase} decision", label))
            continue
        why = (ineligible(event.actor, phase, policy, facts, pr, record)
               or barred(event.actor.login, phase, policy, facts, event.created_at, verdict))
        if why is not None:
            refusals.append(Refusal(event.actor.login, verdict, "label", event.id, why, label))
            continue
        decision = Decision(event.actor.login, verdict, "label", event.id, event.created_at,
                            label)
        if verdict == "approve":
            if (pushed_now or before_head(event.created_at, facts, pr)
                    or event.id == stale_label_event):
                stale.append(decision)
            elif moment(pr.head_pushed_at or "") is None:  # unknown (or unreadable)
                refusals.append(Refusal(event.actor.login, verdict, "label", event.id,
                                        unproven(pr), label))
            else:
                approvals.setdefault(decision.login.lower(), decision)
        elif verdict == "reject":
            rejections.append(decision)
        else:
            holds.append(decision)
    latest: dict[str, tuple[str, int]] = {}
    by_key: dict[str, Review] = {}
    for review in facts.reviews:
        if review.state not in STATEFUL_REVIEWS:
            continue
        key = review.user.login.lower()
        order = (review.submitted_at, review.id)
        if key not in latest or order >= latest[key]:
            latest[key] = order
            by_key[key] = review
    for key in sorted(by_key):
        review = by_key[key]
        if review.state == "DISMISSED":
            continue
        verdict = "approve" if review.state == "APPROVED" else "reject"
        why = (ineligible(review.user, phase, policy, facts, pr, record)
               or barred(review.user.login, phase, policy, facts, review.submitted_at, verdict))
        if why is not None:
            refusals.append(Refusal(review.user.login, verdict, "review", review.id, why))
            continue
        decision = Decision(review.user.login, verdict, "review", review.id, review.submitted_at)
        if verdict == "reject":
            rejections.append(decision)
        elif review.commit_id != pr.head_sha:
            stale.append(decision)
        else:
            approvals.setdefault(key, decision)
    return Tally(
        phase, policy.phases.rule(phase).required,
        tuple(sorted(approvals.values(), key=lambda d: (d.login.lower(), d.source))),
        tuple(rejections), tuple(holds), tuple(refusals),
        tuple(d for d in stale if d.login.lower() not in approvals),
    )
