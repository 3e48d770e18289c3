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

import re
import tomllib
from dataclasses import dataclass
from typing import Literal

from fivesafes.core import layout
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.values import Facts, PullRequest
from fivesafes.models.ledger import ActionRecord
from fivesafes.models.policy import DecisionPhase, Labels, Policy

Verdict = Literal["approve", "reject", "hold"]
Source = Literal["label", "review"]
# GitHub's no-reply addresses, on github.com and on an Enterprise Server
# (``12345+login@users.noreply.github.com``, ``login@users.noreply.ghe.example.org``): they name
# the login. Matching any host only ever excludes more people, never fewer.
NOREPLY = re.compile(r"^(?:\d+\+)?([A-Za-z0-9-]+(?:\[bot\])?)@users\.noreply\.[A-Za-z0-9.-]+$",
                     re.IGNORECASE)
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


def contributors(facts: Facts, policy: Policy | None = None) -> set[str]:
    """Lower-case logins (and names) of everyone who wrote or committed the pull request.

    A co-author is known by the login the facts give, by a GitHub no-reply address (of
    github.com or of an Enterprise host), or by a verified e-mail: the REST API does not link
    a co-author's e-mail to an account, so the TRE's people registry (``[people.<login>]
    email``, which the TRE verified) does."""
    registered = {p.email.strip().lower(): _norm(login)
                  for login, p in (policy.people.items() if policy else ()) if p.email}
    found: set[str] = set()
    for commit in facts.commits:
        for login in (commit.author, commit.committer):
            if login and _norm(login) != "web-flow":
                found.add(_norm(login))
        for co in commit.co_authors:
            if co.login:
                found.add(_norm(co.login))
            match = NOREPLY.match(co.email.strip())
            if match:
                found.add(_norm(match.group(1)))
            if co.email.strip().lower() in registered:
                found.add(registered[co.email.strip().lower()])
            if co.name.strip():
                found.add(_norm(co.name.strip()))
    return found


def requester(facts: Facts) -> str | None:
    """The GitHub login of the researcher named in project.toml at the head, if readable."""
    data = facts.files.get(layout.PROJECT)
    if data is None:
        return None
    try:
        login = tomllib.loads(data.decode("utf-8")).get("requester", {}).get("github")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return None
    return login.lower() if isinstance(login, str) and login else None


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


def ineligible(
    actor: Actor, phase: DecisionPhase, policy: Policy, facts: Facts, pr: PullRequest,
    record: ActionRecord,
) -> str | None:
    """Why ``actor`` may not decide ``phase`` on this pull request (None: they may)."""
    login = _norm(actor.login)
    if actor.is_bot:
        return f"{actor.login} is a bot or app; only people decide"
    if login == _norm(pr.author.login):
        return f"{actor.login} opened this pull request and cannot decide on it"
    if login in contributors(facts, policy):
        return f"{actor.login} wrote or co-authored commits of this pull request"
    if login == requester(facts):
        return f"{actor.login} is the requester named in {layout.PROJECT}"
    if not allowed(actor.login, phase, policy, facts):
        return f"{actor.login} is not an allow-listed {phase} approver (or no longer a member " \
               "of an allow-listed team)"
    permission = facts.permissions.get(actor.login, facts.permissions.get(login, "none"))
    if permission not in ACCESS:
        return f"{actor.login} has no access to this repository"
    excluded = separated(phase, policy, record)
    if login in excluded:
        return f"{actor.login} already decided {excluded[login]} for this request; separation " \
               f"of duties excludes them from {phase}"
    return None


def is_maintainer(actor: Actor, policy: Policy, facts: Facts, pr: PullRequest) -> bool:
    """A person in the policy's ``[maintainers] owners`` (login or active team member) or with
    ``admin``/``maintain`` permission, who is not the requester or an author of the request."""
    login = _norm(actor.login)
    if actor.is_bot or login in (_norm(pr.author.login), requester(facts)) \
            or login in contributors(facts, policy):
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


def lift_refusal(actor: Actor, verdict: Verdict, phase: DecisionPhase, policy: Policy,
                 facts: Facts, pr: PullRequest, record: ActionRecord) -> str | None:
    """Why ``actor`` may not lift a counted hold or rejection (None: they may).

    A rejection is lifted only by someone who may decide the phase; a hold also by a
    maintainer. Anyone else removing the label (the requester, an author, a bot) is refused
    and the label is put back."""
    why = ineligible(actor, phase, policy, facts, pr, record)
    if why is None or (verdict == "hold" and is_maintainer(actor, policy, facts, pr)):
        return None
    who = "a decider of this phase or a maintainer" if verdict == "hold" \
        else "a decider of this phase"
    return f"only {who} may lift a {verdict}: {why}"
