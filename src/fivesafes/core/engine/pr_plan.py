"""Plans for pull request events: assess, judge the trigger, record, merge.

Every pull request event re-assesses the request at its head and republishes the result
(statuses, sticky comment, summary, removal of unearned or stale labels). On top of that, a
decision event is judged (refused attempts and rejections are recorded) and a merge records
the approved phase on the default branch and dispatches the next one.

The effects that show the assessment are built in ``pr_publish``; the labels put back or
removed, the lift an ``unlabeled`` event makes and the review request in ``pr_labels``.
"""

from __future__ import annotations

from fivesafes.core.decisions.assess import Assessment, assess
from fivesafes.core.decisions.context import Context
from fivesafes.core.decisions.gates import Decision, Refusal, verdicts
from fivesafes.core.decisions.trigger import judge, stale_label_event
from fivesafes.core.engine.disclosure_record import (
    disclosure_fields,
    people,
    review_statements,
)
from fivesafes.core.engine.plan import AddLabel, Commit, Dispatch, DispatchTarget, Effect, Plan
from fivesafes.core.engine.pr_labels import (
    label_removals,
    label_restorations,
    lift_event,
    review_request,
)
from fivesafes.core.engine.pr_phases import DISCLOSURE_LABEL
from fivesafes.core.engine.pr_publish import publish
from fivesafes.core.facts.events import Event
from fivesafes.core.facts.values import Facts
from fivesafes.core.ledger import entries
from fivesafes.core.lifecycle import phases


def _commit(facts: Facts, event: Event, message: str) -> Commit:
    return Commit(facts.default_branch, message, event.delivery)


def pr_event_plan(event: Event, ctx: Context, now: str) -> Plan:
    facts, policy, pr = ctx.facts, ctx.policy, ctx.pr
    if event.kind == "closed":
        return Plan("none", "ignored", f"pull request #{pr.number} closed without merge",
                    state=phases.CLOSED)
    decision_labels = {*verdicts(policy.labels), DISCLOSURE_LABEL}
    if event.kind in ("labeled", "unlabeled") and event.label not in decision_labels:
        return Plan("none", "ignored", f"label {event.label!r} is not a decision label")
    if event.kind == "review-submitted" and (
            event.review is None or event.review.state not in ("APPROVED", "CHANGES_REQUESTED")):
        return Plan("none", "ignored", "a review without a decision (comment only)")
    a = assess(ctx, pushed_now=event.kind == "synchronize",
               stale_label_event=stale_label_event(event, ctx))
    if event.kind == "merged":
        if not pr.merged:
            return Plan(a.checked.phase, "failed", f"the event says #{pr.number} was merged but "
                        "GitHub does not show it merged; nothing starts", state=a.state)
        return _merge_plan(event, facts, now, a)
    found, verdict = judge(event, ctx, a.checked.phase, a.tally)
    refusal = verdict if isinstance(verdict, Refusal) else None
    refused_lift, lift = lift_event(event, a)
    if refusal is None and refused_lift is not None:
        refusal = refused_lift
    look_again = sorted({d.login for d in a.tally.stale}, key=str.lower)
    notes = []
    if refusal is not None and refusal is refused_lift:
        notes.append(f"`{refusal.label}` removed by @{refusal.login}: {refusal.why}; it is "
                     "put back and still counts")
    elif refusal is not None and refusal not in a.tally.refusals:
        notes.append(f"`{refusal.label or 'review'}` by @{refusal.login}: {refusal.why}")
    effects: list[Effect] = [*label_restorations(a)]
    effects += publish(a, facts, notes=notes, look_again=look_again,
                       removals=label_removals(a, refusal))
    if event.kind in ("opened", "reopened") and a.checked.kind == "disclosure" \
            and DISCLOSURE_LABEL not in pr.labels:
        effects.insert(0, AddLabel(pr.number, DISCLOSURE_LABEL))
    asked = review_request(event, a)
    if asked is not None:
        effects.append(asked)
    if refusal is not None:
        rec = entries.record(event, facts, now, phase=a.checked.phase, status="refused",
                             reason=f"refused: {refusal.why}", digest=a.checked.digest,
                             refusals=[refusal], request=a.checked.request)
        effects += [rec, _commit(facts, event, f"fivesafes: refused {a.checked.phase} attempt "
                                 f"by @{refusal.login} on #{pr.number}")]
        return Plan(a.checked.phase, "refused", f"{a.checked.phase} attempt by "
                    f"@{refusal.login} refused: {refusal.why}", tuple(effects), a.state)
    if lift is not None:
        why = (f"{lift.label} (applied by @{lift.decided_by}) lifted by @{lift.login} at "
               f"{lift.at}")
        rec = entries.record(event, facts, now, phase=a.checked.phase, status="pending",
                             reason=f"{why}; {a.reason}", digest=a.checked.digest,
                             lifts=[lift], request=a.checked.request)
        effects += [rec, _commit(facts, event, f"fivesafes: {lift.label} on #{pr.number} "
                                 f"lifted by @{lift.login}")]
    extra = {"statements": review_statements([verdict], facts)} if isinstance(
        verdict, Decision) else {}
    if isinstance(verdict, Decision) and verdict.verdict == "reject" and found is not None \
            and a.state in (phases.REJECTED, phases.DISCLOSURE_REJECTED):
        rec = entries.record(event, facts, now, phase=a.checked.phase, status="failed",
                             reason=a.reason, digest=a.checked.digest, decisions=[verdict],
                             request=a.checked.request, extra=extra | disclosure_fields(a))
        effects += [rec, _commit(facts, event, f"fivesafes: {a.checked.phase} of "
                                 f"#{pr.number} rejected by @{verdict.login}")]
    elif isinstance(verdict, Decision) and a.state == phases.DISCLOSURE_CHANGES:
        # Recorded so the same signed-off request may be re-run (a new execution attempt).
        rec = entries.record(event, facts, now, phase="disclosure", status="pending",
                             reason=a.reason, digest=a.checked.digest, decisions=[verdict],
                             request=a.checked.request, role="checker",
                             extra=extra | disclosure_fields(a))
        effects += [rec, _commit(facts, event, f"fivesafes: changes to the outputs of "
                                 f"#{pr.number} requested by @{verdict.login}")]
    reason = a.reason
    if event.kind == "synchronize" and look_again:
        reason += "; a new commit invalidated the approval(s) of " + ", ".join(
            f"@{x}" for x in look_again)
    return Plan(a.phase, a.outcome, reason, tuple(effects), a.state)


def _merge_plan(event: Event, facts: Facts, now: str, a: Assessment) -> Plan:
    pr, c = a.pr, a.checked
    if a.outcome != "completed":
        why = f"merged without a valid {c.phase}: {a.reason}; nothing starts"
        effects = publish(a, facts, notes=[], look_again=[], removals=[], statuses=False,
                          state=phases.VOIDED, reason=why)
        rec = entries.record(event, facts, now, phase=c.phase, status="refused", reason=why,
                             digest=c.digest, refusals=a.tally.refusals, request=c.request)
        effects += [rec, _commit(facts, event, f"fivesafes: #{pr.number} merged without a "
                                 f"valid {c.phase}")]
        return Plan(c.phase, "refused", why, tuple(effects), phases.VOIDED)
    sha = pr.merge_commit_sha or pr.head_sha
    target: DispatchTarget = "execution" if c.kind == "request" else "publication"
    state: phases.StateName = phases.EXECUTION if target == "execution" else phases.PUBLISHED
    reason = f"{a.reason}; merged as {sha[:12]}, {target} starts"
    effects = publish(a, facts, notes=[], look_again=[], removals=[], statuses=False,
                      state=state, reason=reason)
    records = []
    if c.kind == "request":
        for phase in ("check", "validation"):
            records.append(entries.record(
                event, facts, now, phase=phase, status="completed", digest=c.digest,
                reason=f"{phase} passed at {pr.head_sha}", request=c.request,
                findings=c.check if phase == "check" else c.validation))
    deciders = list(a.tally.approvals)
    if a.outputs is not None:  # per output: every checker whose statement decided one
        known = {d.login.lower() for d in deciders}
        deciders += [Decision(login, "approve", "label", 0, now) for login in people(a)
                     if login.lower() not in known]
    records.append(entries.record(
        event, facts, now, phase=c.phase, status="completed", reason=a.reason,
        digest=c.digest, decisions=deciders, request=c.request,
        role="approver" if c.kind == "request" else "checker",
        extra={"statements": review_statements(a.tally.approvals, facts),
               **disclosure_fields(a)}))
    inputs = {"pr": str(pr.number), "sha": sha, "digest": c.digest, "delivery": event.delivery}
    effects += [*records,
                _commit(facts, event, f"fivesafes: {c.phase} of #{pr.number} recorded"),
                Dispatch(target, pr.number, sha, c.digest, inputs)]
    return Plan(c.phase, "completed", reason, tuple(effects), state)
