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

A hold or a rejection stays until someone who may decide the phase lifts it (for a hold, also
a maintainer): each label's history is replayed, and a removal by anyone else (the requester,
an author, a bot) lifts nothing: the decision still counts and its label is put back. Nothing
counts that was made after the pull request was merged or closed (GitHub's ``merged_at`` or
``closed_at``); a closed pull request whose time GitHub did not give counts nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from fivesafes.core.decisions.context import Context
from fivesafes.core.decisions.gates import (
    Decision,
    Lift,
    Refusal,
    Verdict,
    ineligible,
    lift_refusal,
    verdicts,
)
from fivesafes.core.decisions.people import barred
from fivesafes.core.decisions.timing import (
    before_head,
    cutoff,
    history,
    last_labeled,
    late_reason,
    too_late,
    unproven,
)
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.instants import moment, order
from fivesafes.core.facts.values import Review
from fivesafes.models.phases import DecisionPhase

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
    restored: tuple[Decision, ...] = ()  # counted holds/rejections whose label must go back
    lifts: tuple[Lift, ...] = ()
    refused_lifts: tuple[Refusal, ...] = ()

    @property
    def approvers(self) -> list[str]:
        return sorted({d.login for d in self.approvals}, key=str.lower)

    @property
    def missing(self) -> int:
        return max(0, self.required - len(self.approvers))

    @property
    def met(self) -> bool:
        return self.missing == 0 and not self.rejections and not self.holds

    @property
    def late(self) -> tuple[Refusal, ...]:
        return tuple(r for r in self.refusals if r.late)


@dataclass
class _Count:
    approvals: dict[str, Decision]
    rejections: list[Decision]
    holds: list[Decision]
    refusals: list[Refusal]
    stale: list[Decision]
    restored: list[Decision]
    lifts: list[Lift]
    refused_lifts: list[Refusal]


class _Ctx:
    def __init__(self, phase: DecisionPhase, context: Context) -> None:
        self.phase, self.context = phase, context
        self.policy, self.facts, self.pr = context.policy, context.facts, context.pr
        self.cut = cutoff(self.pr)

    def ineligible(self, actor: Actor, at: str, verdict: Verdict) -> str | None:
        """Why ``actor`` may not make this decision at ``at`` (gates, then accreditation and
        the project's dates), or None."""
        return (ineligible(actor, self.phase, self.context)
                or barred(actor.login, self.phase, self.context, at, verdict))

    def late(self, stamp: str) -> str | None:
        return late_reason(self.pr, self.cut) if self.cut is not None \
            and too_late(stamp, self.cut) else None


def _approve_label(ctx: _Ctx, out: _Count, label: str, *, pushed_now: bool,
                   stale_label_event: int | None) -> None:
    pr, facts = ctx.pr, ctx.facts
    if label not in pr.labels:
        return
    event = last_labeled(facts, label)
    if event is None:
        out.refusals.append(Refusal("(unknown)", "approve", "label", 0,
                                    f"no record of who applied {label}", label))
        return
    late = ctx.late(event.created_at)
    if late is not None:
        out.refusals.append(Refusal(event.actor.login, "approve", "label", event.id, late,
                                    label, late=True))
        return
    why = ctx.ineligible(event.actor, event.created_at, "approve")
    if why is not None:
        out.refusals.append(Refusal(event.actor.login, "approve", "label", event.id, why,
                                    label))
        return
    decision = Decision(event.actor.login, "approve", "label", event.id, event.created_at,
                        label)
    if (pushed_now or before_head(event.created_at, facts, pr)
            or event.id == stale_label_event):
        out.stale.append(decision)
    elif moment(pr.head_pushed_at or "") is None:  # unknown (or unreadable)
        out.refusals.append(Refusal(event.actor.login, "approve", "label", event.id,
                                    unproven(pr), label))
    else:
        out.approvals.setdefault(decision.login.lower(), decision)


def _standing_label(ctx: _Ctx, out: _Count, label: str, verdict: Verdict) -> None:
    """Replay a hold or reject label's history: what stands is the latest decision applied
    by a decider and not lifted since by someone allowed to lift it."""
    standing: Decision | None = None
    refused: Refusal | None = None
    for event in history(ctx.facts, label):
        late = ctx.late(event.created_at)
        if event.event == "labeled":
            why = late or ctx.ineligible(event.actor, event.created_at, verdict)
            if why is not None:
                refused = Refusal(event.actor.login, verdict, "label", event.id, why, label,
                                  late=late is not None)
                continue
            standing, refused = Decision(event.actor.login, verdict, "label", event.id,
                                         event.created_at, label), None
        elif standing is not None and late is None:
            why = lift_refusal(event.actor, verdict, ctx.phase, ctx.context)
            if why is not None:
                out.refused_lifts.append(Refusal(event.actor.login, verdict, "label",
                                                 event.id, why, label))
                continue
            out.lifts.append(Lift(label, event.actor.login, event.id, event.created_at,
                                  standing.login))
            standing = None
    on_pr = label in ctx.pr.labels
    if standing is not None:
        (out.rejections if verdict == "reject" else out.holds).append(standing)
        if not on_pr:
            out.restored.append(standing)
        # a later unearned re-application is not counted but the label stays (the standing
        # decision's); the automation putting the label back is no attempt at all
        if refused is not None and on_pr and not refused.login.lower().endswith("[bot]"):
            out.refusals.append(refused)
    elif on_pr:
        out.refusals.append(refused or Refusal("(unknown)", verdict, "label", 0,
                                               f"no record of who applied {label}", label))


def tally(
    phase: DecisionPhase, context: Context, *, pushed_now: bool = False,
    stale_label_event: int | None = None,
) -> Tally:
    """Count ``phase`` decisions. ``pushed_now``: a push just happened, so every approve label
    is stale; ``stale_label_event``: a label event the trigger showed was made on an old head.
    """
    ctx = _Ctx(phase, context)
    policy, facts, pr = context.policy, context.facts, context.pr
    out = _Count({}, [], [], [], [], [], [], [])
    for label, (verdict, label_phase) in sorted(verdicts(policy.labels).items()):
        if label_phase is not None and label_phase != phase:
            if label in pr.labels:
                event = last_labeled(facts, label)
                out.refusals.append(Refusal(event.actor.login if event else "(unknown)",
                                            verdict, "label", event.id if event else 0,
                                            f"{label} does not apply to a {phase} decision",
                                            label))
            continue
        if verdict == "approve":
            _approve_label(ctx, out, label, pushed_now=pushed_now,
                           stale_label_event=stale_label_event)
        else:
            _standing_label(ctx, out, label, verdict)
    _reviews(ctx, out)
    return Tally(
        phase, policy.phases.rule(phase).required,
        tuple(sorted(out.approvals.values(), key=lambda d: (d.login.lower(), d.source))),
        tuple(out.rejections), tuple(out.holds), tuple(out.refusals),
        tuple(d for d in out.stale if d.login.lower() not in out.approvals),
        tuple(out.restored), tuple(out.lifts), tuple(out.refused_lifts),
    )


def _reviews(ctx: _Ctx, out: _Count) -> None:
    """Each person's latest stateful review (by instant) counts, at the commit it names."""
    latest: dict[str, Review] = {}
    for review in ctx.facts.reviews:
        if review.state not in STATEFUL_REVIEWS:
            continue
        key = review.user.login.lower()
        seen = latest.get(key)
        if seen is None or (order(review.submitted_at), review.id) >= (
                order(seen.submitted_at), seen.id):
            latest[key] = review
    for key in sorted(latest):
        review = latest[key]
        if review.state == "DISMISSED":
            continue
        verdict: Verdict = "approve" if review.state == "APPROVED" else "reject"
        late = ctx.late(review.submitted_at)
        why = late or ctx.ineligible(review.user, review.submitted_at, verdict)
        if why is not None:
            out.refusals.append(Refusal(review.user.login, verdict, "review", review.id, why,
                                        late=late is not None))
            continue
        decision = Decision(review.user.login, verdict, "review", review.id,
                            review.submitted_at)
        if verdict == "reject":
            out.rejections.append(decision)
        elif review.commit_id != ctx.pr.head_sha:
            out.stale.append(decision)
        else:
            out.approvals.setdefault(key, decision)
