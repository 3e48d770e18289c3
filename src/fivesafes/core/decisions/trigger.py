"""Judging the decision an event itself carries (a label applied, a review submitted).

Re-assessing the pull request says what counts NOW; this module says whether the attempt that
triggered the run was earned. An unearned attempt (wrong sender, author, co-author, bot,
non-member, separation of duties, stale head) is refused: its label is removed and the
attempt is recorded, so a forged decision leaves evidence instead of disappearing.
"""

from __future__ import annotations

from dataclasses import dataclass

from fivesafes.core.decisions.context import Context
from fivesafes.core.decisions.gates import Decision, Refusal, Source, Verdict, ineligible, verdicts
from fivesafes.core.decisions.people import barred
from fivesafes.core.decisions.tally import Tally
from fivesafes.core.decisions.timing import before_head, cutoff, late_reason, too_late
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.events import Event
from fivesafes.core.facts.instants import order
from fivesafes.core.facts.values import Facts, LabelEvent
from fivesafes.models.phases import DecisionPhase
from fivesafes.models.policy import Policy


@dataclass(frozen=True)
class Attempt:
    """The decision an event carries."""

    actor: Actor
    verdict: Verdict
    source: Source
    source_id: int
    label: str | None


def attempt(event: Event, facts: Facts, policy: Policy) -> Attempt | None:
    """The decision carried by a ``labeled`` or ``review-submitted`` event, if any."""
    if event.kind == "labeled" and event.label in verdicts(policy.labels):
        verdict = verdicts(policy.labels)[event.label][0]
        found = _label_event(facts, event.label, event.sender.login)
        actor = found.actor if found else event.sender
        if event.sender.is_bot:
            actor = event.sender
        return Attempt(actor, verdict, "label", found.id if found else 0, event.label)
    review = event.review
    if event.kind == "review-submitted" and review is not None and review.state in (
            "APPROVED", "CHANGES_REQUESTED"):
        verdict = "approve" if review.state == "APPROVED" else "reject"
        actor = review.user if not event.sender.is_bot else event.sender
        return Attempt(actor, verdict, "review", review.id, None)
    return None


def _label_event(facts: Facts, label: str, login: str) -> LabelEvent | None:
    matches = [e for e in facts.label_events if e.label == label and e.event == "labeled"
               and e.actor.login.lower() == login.lower()]
    return max(matches, key=lambda e: (order(e.created_at), e.id)) if matches else None


def stale_label_event(event: Event, ctx: Context) -> int | None:
    """The id of the triggering approve label when it was applied to an older head."""
    found, pr = attempt(event, ctx.facts, ctx.policy), ctx.pr
    if found is None or found.source != "label" or found.verdict != "approve":
        return None
    if event.head_sha and event.head_sha != pr.head_sha:
        return found.source_id or -1
    return None


def judge(
    event: Event, ctx: Context, phase: DecisionPhase, tally: Tally,
) -> tuple[Attempt | None, Refusal | Decision | None]:
    """The trigger's attempt, and either its refusal or the decision it made."""
    found = attempt(event, ctx.facts, ctx.policy)
    if found is None:
        return None, None
    refuse = _refusal_reason(event, ctx, phase, found)
    if refuse is not None:
        return found, Refusal(found.actor.login, found.verdict, found.source,
                              found.source_id, refuse, found.label)
    for decision in (*tally.approvals, *tally.rejections, *tally.holds):
        if decision.source == found.source and decision.source_id == found.source_id:
            return found, decision
    return found, None


def _refusal_reason(event: Event, ctx: Context, phase: DecisionPhase,
                    found: Attempt) -> str | None:
    facts, pr, policy = ctx.facts, ctx.pr, ctx.policy
    cut = cutoff(pr)
    if cut is not None and too_late(_made_at(found, facts), cut):
        return late_reason(pr, cut)
    if found.label is not None:
        label_phase = verdicts(policy.labels)[found.label][1]
        if label_phase not in (None, phase):
            return f"{found.label} does not apply to a {phase} decision"
    for actor in dict.fromkeys((found.actor, event.sender)):
        why = ineligible(actor, phase, ctx)
        if why is not None:
            return why
    made_at = _made_at(found, facts)  # unknown: the tally, which has the time, decides
    why = made_at and barred(found.actor.login, phase, ctx, made_at, found.verdict)
    if why:
        return why
    if found.verdict != "approve":
        return None
    if found.source == "review" and event.review is not None \
            and event.review.commit_id != pr.head_sha:
        return (f"the review approved commit {event.review.commit_id[:12]}, not the current "
                f"head {pr.head_sha[:12]}")
    if found.source == "label":
        if event.head_sha and event.head_sha != pr.head_sha:
            return (f"the label was applied to commit {event.head_sha[:12]}; the head is now "
                    f"{pr.head_sha[:12]}")
        label_event = next((e for e in facts.label_events if e.id == found.source_id), None)
        if label_event is not None and before_head(label_event.created_at, facts, pr):
            return "the label was applied before the current head commit was pushed"
    return None


def _made_at(found: Attempt, facts: Facts) -> str | None:
    """When the attempt was made: its label event's or its review's time (None: unknown)."""
    if found.source == "label":
        return next((e.created_at for e in facts.label_events if e.id == found.source_id), None)
    return next((r.submitted_at for r in facts.reviews if r.id == found.source_id), None)
