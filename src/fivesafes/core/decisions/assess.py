"""The state of a pull request at its current head: checks, decisions, and what is missing.

Every event on a pull request re-assesses it from the facts (never from a remembered state),
so a lost or reordered event cannot leave a stale decision standing: the next event recomputes
everything from GitHub's current view and the policy on the default branch.
"""

from __future__ import annotations

from dataclasses import dataclass

from fivesafes.core.decisions.context import Context
from fivesafes.core.decisions.disclosure_state import disclosure_state
from fivesafes.core.decisions.gates import separated
from fivesafes.core.decisions.people import never_accredited
from fivesafes.core.decisions.per_output import OutputsView, outputs_view
from fivesafes.core.decisions.tally import Tally, tally
from fivesafes.core.engine.plan import Outcome, PlanPhase
from fivesafes.core.engine.pr_phases import Checked, run_checks
from fivesafes.core.facts.values import PullRequest
from fivesafes.core.lifecycle import phases
from fivesafes.core.lifecycle.phases import StateName

STATES: dict[str, tuple[StateName, StateName, StateName, StateName]] = {
    "sign-off": (phases.SIGN_OFF_PENDING, phases.HELD, phases.REJECTED, phases.SIGNED_OFF),
    "disclosure": (phases.DISCLOSURE_PENDING, phases.DISCLOSURE_HELD,
                   phases.DISCLOSURE_REJECTED, phases.DISCLOSED),
}


@dataclass(frozen=True)
class Assessment:
    pr: PullRequest
    checked: Checked
    tally: Tally
    phase: PlanPhase  # check or validation when they failed, else the decision phase
    state: StateName
    outcome: Outcome
    reason: str
    candidates: tuple[str, ...]
    approve_label: str
    outputs: OutputsView | None = None  # disclosure: the decision on each output


def _people(logins: list[str]) -> str:
    return ", ".join(f"@{x}" for x in logins)


def candidates(ctx: Context, checked: Checked, have: list[str]) -> tuple[str, ...]:
    """Who could still approve: allow-listed entries minus those who may not decide here."""
    policy = ctx.policy
    excluded = {ctx.pr.author.login.lower(), *ctx.contributors, ctx.requester or "",
                *separated(checked.phase, policy, ctx.record), *(h.lower() for h in have),
                *never_accredited(policy, checked.phase)}
    return tuple(a for a in policy.phases.rule(checked.phase).approvers
                 if a.startswith("@") or a.lower() not in excluded)


def assess(
    ctx: Context, *, pushed_now: bool = False, stale_label_event: int | None = None,
) -> Assessment:
    pr, policy = ctx.pr, ctx.policy
    checked = run_checks(pr, ctx.facts, policy, (ctx.manifest, ctx.manifest_findings))
    counted = tally(checked.phase, ctx, pushed_now=pushed_now,
                    stale_label_event=stale_label_event)
    pending, held, rejected, done = STATES[checked.phase]
    who = candidates(ctx, checked, counted.approvers)
    phase: PlanPhase = checked.phase
    state: StateName
    outcome: Outcome
    if any(f.severity == "error" for f in checked.check):
        phase, state, outcome = "check", phases.INVALID, "failed"
        reason = f"check failed: {checked.check[0].render()}"
    elif not checked.passed:
        errors = [f for f in checked.validation if f.severity == "error"]
        phase, state, outcome = "validation", phases.INVALID, "failed"
        reason = f"validation found {len(errors)} error(s): {errors[0].render()}"
    elif counted.rejections:
        state, outcome = rejected, "failed"
        reason = f"{checked.phase} rejected by " \
                 f"{_people(sorted({d.login for d in counted.rejections}))}"
    elif counted.holds:
        state, outcome = held, "pending"
        reason = f"{checked.phase} held by {_people(sorted({d.login for d in counted.holds}))}"
    elif counted.met:
        state, outcome = done, "completed"
        reason = f"{checked.phase} approved by {_people(counted.approvers)} at {pr.head_sha[:12]}"
    else:
        state, outcome = pending, "pending"
        reason = (f"{checked.phase} needs {counted.missing} more approval(s) "
                  f"({len(counted.approvers)} of {counted.required}) from "
                  f"{', '.join(who) or 'nobody the policy allows'}")
    label = (policy.labels.approve_sign_off if checked.phase == "sign-off"
             else policy.labels.approve_disclosure)
    view = None
    if phase == "disclosure" and checked.manifest is not None and checked.manifest.output:
        view = outputs_view(checked.manifest, ctx, counted)
        state, outcome, reason = disclosure_state(view, counted, who)
    return Assessment(pr, checked, counted, phase, state, outcome, reason, who, label, view)
