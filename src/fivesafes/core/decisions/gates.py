"""Who may decide, and which decisions count (DESIGN.md section 3).

Labels and reviews are requests, not proof. A decision counts only from an allow-listed
approver of the phase (a login, or an active member of a named team), who is not the pull
request's author, not an author, committer or co-author of its commits, not a bot, who still
has access to the repository, whom separation of duties does not exclude, and, for approvals,
made at the current head commit. The requester named in project.toml never decides either.
Everything else is a :class:`Refusal`, explained and, when it was the triggering event,
recorded. A hold or a rejection is lifted only by someone who may decide the phase (a hold
also by a maintainer): :func:`lift_refusal` says why anyone else may not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fivesafes.core import layout
from fivesafes.core.decisions.context import Context
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.values import Facts
from fivesafes.models.ledger import ActionRecord
from fivesafes.models.phases import DecisionPhase, Labels
from fivesafes.models.policy import Policy

Verdict = Literal["approve", "reject", "hold"]
Source = Literal["label", "review"]
ACCESS = ("admin", "maintain", "write", "triage", "read")


@dataclass(frozen=True)
class Decision:
    """A decision that counts (or that a push made stale, in :attr:`Tally.stale`)."""

    login: str
    verdict: Verdict
    source: Source
    source_id: int
    at: str
    label: str | None = None


@dataclass(frozen=True)
class Refusal:
    """A decision attempt that does not count; ``label`` is removed when set."""

    login: str
    verdict: Verdict
    source: Source
    source_id: int
    why: str
    label: str | None = None
    late: bool = False  # made after the pull request was merged or closed


@dataclass(frozen=True)
class Lift:
    """A hold or rejection lifted by someone allowed to: who, when, through which event."""

    label: str
    login: str
    source_id: int
    at: str
    decided_by: str


def verdicts(labels: Labels) -> dict[str, tuple[Verdict, DecisionPhase | None]]:
    """Decision label -> (verdict, phase it belongs to; None for hold, which fits both)."""
    return {
        labels.approve_sign_off: ("approve", "sign-off"),
        labels.reject_sign_off: ("reject", "sign-off"),
        labels.approve_disclosure: ("approve", "disclosure"),
        labels.reject_disclosure: ("reject", "disclosure"),
        labels.hold: ("hold", None),
    }


def _norm(login: str) -> str:
    return login.lower()


def allowed(login: str, phase: DecisionPhase, policy: Policy, facts: Facts) -> bool:
    """Whether ``login`` is listed for the phase, directly or through an active team."""
    for entry in policy.phases.rule(phase).approvers:
        if entry.startswith("@"):
            members = facts.teams.get(entry[1:]) or facts.teams.get(entry[1:].lower())
            if members and _norm(login) in {_norm(m) for m in members}:
                return True
        elif _norm(entry) == _norm(login):
            return True
    return False


def separated(phase: DecisionPhase, policy: Policy, record: ActionRecord) -> dict[str, str]:
    """Logins excluded by separation of duties, with the phase they decided."""
    excluded: dict[str, str] = {}
    for other in policy.phases.rule(phase).distinct_from:
        if other == phase:
            continue
        for entry in record.action:
            if entry.phase == other and entry.status == "completed":
                for agent in entry.agents:
                    if agent.kind == "person":
                        excluded[_norm(agent.login)] = other
    return excluded


def ineligible(actor: Actor, phase: DecisionPhase, ctx: Context) -> str | None:
    """Why ``actor`` may not decide ``phase`` on this pull request (None: they may)."""
    login = _norm(actor.login)
    policy, facts = ctx.policy, ctx.facts
    if actor.is_bot:
        return f"{actor.login} is a bot or app; only people decide"
    if login == _norm(ctx.pr.author.login):
        return f"{actor.login} opened this pull request and cannot decide on it"
    if login in ctx.contributors:
        return f"{actor.login} wrote or co-authored commits of this pull request"
    if login == ctx.requester:
        return f"{actor.login} is the requester named in {layout.PROJECT}"
    if not allowed(actor.login, phase, policy, facts):
        return f"{actor.login} is not an allow-listed {phase} approver (or no longer a member " \
               "of an allow-listed team)"
    permission = facts.permissions.get(actor.login, facts.permissions.get(login, "none"))
    if permission not in ACCESS:
        return f"{actor.login} has no access to this repository"
    excluded = separated(phase, policy, ctx.record)
    if login in excluded:
        return f"{actor.login} already decided {excluded[login]} for this request; separation " \
               f"of duties excludes them from {phase}"
    return None


def is_maintainer(actor: Actor, ctx: Context) -> bool:
    """A person in the policy's ``[maintainers] owners`` (login or active team member) or with
    ``admin``/``maintain`` permission, who is not the requester or an author of the request."""
    login = _norm(actor.login)
    policy, facts = ctx.policy, ctx.facts
    if actor.is_bot or login in (_norm(ctx.pr.author.login), ctx.requester) \
            or login in ctx.contributors:
        return False
    for owner in policy.maintainers.owners:
        if owner.startswith("@"):
            members = facts.teams.get(owner[1:]) or facts.teams.get(owner[1:].lower()) or ()
            if login in {_norm(m) for m in members}:
                return True
        elif _norm(owner) == login:
            return True
    permission = facts.permissions.get(actor.login, facts.permissions.get(login, "none"))
    return permission in ("admin", "maintain")


def lift_refusal(actor: Actor, verdict: Verdict, phase: DecisionPhase,
                 ctx: Context) -> str | None:
    """Why ``actor`` may not lift a counted hold or rejection (None: they may).

    A rejection is lifted only by someone who may decide the phase; a hold also by a
    maintainer. Anyone else removing the label (the requester, an author, a bot) is refused
    and the label is put back."""
    why = ineligible(actor, phase, ctx)
    if why is None or (verdict == "hold" and is_maintainer(actor, ctx)):
        return None
    who = "a decider of this phase or a maintainer" if verdict == "hold" \
        else "a decider of this phase"
    return f"only {who} may lift a {verdict}: {why}"
