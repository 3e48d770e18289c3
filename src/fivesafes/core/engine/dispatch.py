"""Plans for ``workflow_dispatch``: a request to start execution or publication, not a permission.

Anyone with write access can start a ``workflow_dispatch`` and type any inputs, so the
dispatch proves nothing by itself. The execution and publication jobs run ``fivesafes handle``
on it first, and this module decides from the API facts and the action record on the default
branch alone: the pull request is merged (GitHub says so), the record holds the completed
decision recorded at that merge (sign-off of the request, or disclosure of the outputs
manifest) for exactly that pull request, head and digest, the phase still has something to
do, and the sender may start this attempt. A bot's dispatch (the automation's, at merge)
starts only the first attempt, because a bot sender cannot show who asked for it; a re-run
after a failed or interrupted attempt is a maintainer's; the requester never starts either.

A refused dispatch is recorded and stops the job (exit 1), like an unearned decision label; a
dispatch with nothing left to do is ignored; a completed one records nothing (``execute`` and
``publish`` record their own attempts). No dispatch plan edits the sticky comment, labels or
statuses: the merge already showed the state, and a dispatch must never move it backwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from fivesafes.core.decisions.context import Context
from fivesafes.core.engine.plan import Commit, Effect, Outcome, Plan, Record, Summary
from fivesafes.core.facts.events import Event
from fivesafes.core.facts.values import Facts, PullRequest
from fivesafes.core.ledger import entries
from fivesafes.core.ledger.chain import draft_of
from fivesafes.core.ledger.queries import latest
from fivesafes.core.ledger.view import view
from fivesafes.core.lifecycle import phases
from fivesafes.core.lifecycle.phases import StateName
from fivesafes.core.lifecycle.steps import revising
from fivesafes.models.ledger import ActionRecord, Agent, Phase
from fivesafes.models.policy import Policy

Role = Literal["automation", "maintainer", "requester", "other"]
MAINTAINER_PERMISSIONS = ("admin", "maintain")
SHA = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")
DIGEST = re.compile(r"^sha512:[0-9a-f]{128}$")


@dataclass(frozen=True)
class Target:
    """A phase a dispatch can start, the decision that earns it, and the state it leads to."""

    phase: Literal["execution", "publication"]
    decision: Phase
    state: StateName


TARGETS = {
    "execution": Target("execution", "sign-off", phases.EXECUTION),
    "publication": Target("publication", "disclosure", phases.PUBLISHED),
}


def dispatch_phase(event: Event) -> Literal["execution", "publication", "none"]:
    """The phase a dispatch asks for: ``execution`` (also when the input is empty or missing),
    ``publication``, or ``none`` for anything else (inputs are whatever was typed)."""
    asked = event.inputs.get("phase", "").strip() or "execution"
    return "execution" if asked == "execution" else "publication" \
        if asked == "publication" else "none"


def role(event: Event, ctx: Context) -> Role:
    """Who sent the dispatch, as far as the facts can tell."""
    actor, facts, policy = event.sender, ctx.facts, ctx.policy
    if actor.is_bot:
        return "automation"
    login = actor.login.lower()
    if login in (ctx.pr.author.login.lower(), ctx.requester) or login in ctx.contributors:
        return "requester"
    for owner in policy.maintainers.owners:
        if owner.startswith("@"):
            members = facts.teams.get(owner[1:]) or facts.teams.get(owner[1:].lower()) or ()
            if login in {m.lower() for m in members}:
                return "maintainer"
        elif owner.lower() == login:
            return "maintainer"
    permission = facts.permissions.get(actor.login, facts.permissions.get(login, "none"))
    return "maintainer" if permission in MAINTAINER_PERMISSIONS else "other"


def _shown(value: str, pattern: re.Pattern[str]) -> str:
    """An input quoted only when it has the expected form (inputs are whatever was typed)."""
    return f"`{value[:19]}…`" if pattern.match(value) else "a malformed value"


def decision_gate(target: Target, event: Event, record: ActionRecord,
                  pr: PullRequest) -> str | None:
    """Why the merge of ``pr`` did not earn ``target``, or None."""
    n, decision = pr.number, target.decision
    if not pr.merged or not pr.merge_commit_sha:
        return (f"pull request #{n} is not merged; {target.phase} starts only after the merge "
                f"of a pull request whose {decision} was recorded")
    sha = event.inputs.get("sha", "").strip()
    if sha and sha != pr.merge_commit_sha:
        return (f"the dispatch names commit {_shown(sha, SHA)}, but #{n} was merged as "
                f"`{pr.merge_commit_sha[:12]}`")
    entry = latest(record, decision)
    if entry is None or entry.status != "completed" or entry.evidence.pr != n:
        return (f"the action record on the default branch holds no completed {decision} of "
                f"#{n} (it is recorded when a {decision}-approved pull request is merged)")
    if entry.evidence.head_sha and entry.evidence.head_sha != pr.head_sha:
        return (f"the recorded {decision} approved commit `{entry.evidence.head_sha[:12]}`, "
                f"not the merged head `{pr.head_sha[:12]}` of #{n}")
    digest = event.inputs.get("digest", "").strip()
    if digest and digest != entry.evidence.digest:
        return (f"the dispatch names digest {_shown(digest, DIGEST)}, not the digest "
                f"`{str(entry.evidence.digest)[:19]}…` the recorded {decision} approved")
    return None


def already_done(target: Target, record: ActionRecord) -> str | None:
    """Why ``target`` has nothing left to do, or None."""
    done = latest(record, target.phase)
    if target.phase == "execution" and revising(record):
        return None  # checkers asked for changes: a re-run is a new attempt
    if done is not None and done.status == "completed":
        return (f"the request was already executed (attempt {done.attempt})"
                if target.phase == "execution" else "the outputs were already published")
    if target.phase == "execution":
        for later in ("disclosure", "publication"):
            entry = latest(record, later)
            if entry is not None and entry.status in ("completed", "failed"):
                return f"the request is past {later}"
    return None


def sender_gate(target: Target, who: Role, login: str, rerun: bool, pr: PullRequest,
                policy: Policy) -> str | None:
    """Why this sender may not start this attempt, or None."""
    phase = target.phase
    if who == "requester":
        return (f"@{login} is the requester or an author of #{pr.number}; the requester never "
                f"starts {phase}")
    if who == "maintainer" or (who == "automation" and not rerun):
        return None
    owners = ", ".join(f"`{o}`" for o in policy.maintainers.owners) or "none named"
    if who == "automation":
        return (f"@{login} is a bot or app, whose dispatch starts only the first {phase} "
                f"attempt; a re-run after a failed or interrupted attempt is a new dispatch by "
                f"a maintainer ({owners}, or admin/maintain permission)")
    if rerun:
        return (f"@{login} is not a maintainer ({owners}, or admin/maintain permission); only "
                f"a maintainer re-runs a failed or interrupted {phase}")
    return (f"@{login} is neither the automation nor a maintainer; {phase} is started by the "
            f"automation at merge, or by a maintainer ({owners})")


def dispatch_plan(event: Event, ctx: Context, now: str) -> Plan:
    """The plan for a ``workflow_dispatch`` of the context's pull request (see the module
    doc)."""
    facts, policy, record, pr = ctx.facts, ctx.policy, ctx.record, ctx.pr
    target = TARGETS.get(dispatch_phase(event))
    current = view(record, policy).state
    if target is None:
        return Plan("none", "ignored", "the dispatch asks for no phase that can be started "
                    "(execution or publication)", state=current)
    login, n = event.sender.login, pr.number
    if event.ref != f"refs/heads/{facts.default_branch}":
        return _refused(target, event, facts, now, current,
                        f"the dispatch ran on {event.ref or 'no branch'}, not the default "
                        f"branch {facts.default_branch}; phases run from the default branch")
    why = decision_gate(target, event, record, pr)
    if why is not None:
        return _refused(target, event, facts, now, current, why)
    who = role(event, ctx)
    done = already_done(target, record)
    if done is not None:
        if who == "maintainer" and target.phase == "execution":
            return _refused(target, event, facts, now, current,
                            f"{done}; a completed execution is never re-run (its outputs "
                            "are what the checkers judge): open a new request pull request "
                            "to run it again")
        return _plan(target, "ignored", f"{target.phase} dispatch of #{n} by @{login} ignored: "
                     f"{done}; nothing to do", (), current)
    previous = latest(record, target.phase)
    rerun = previous is not None
    why = sender_gate(target, who, login, rerun, pr, policy)
    if why is not None:
        return _refused(target, event, facts, now, current, why)
    attempt = f"re-run after a {previous.status} attempt" if previous else "first attempt"
    reason = (f"#{n} was merged as `{str(pr.merge_commit_sha)[:12]}` and its {target.decision} "
              f"is recorded: {target.phase} starts ({attempt}, dispatched by @{login})")
    return _plan(target, "completed", reason, (), target.state)


def _plan(target: Target, outcome: Outcome, reason: str, effects: tuple[Effect, ...],
          state: StateName) -> Plan:
    summary = Summary(f"**fivesafes:** {reason}\n")
    return Plan(target.phase, outcome, reason, (*effects, summary), state)


def _refused(target: Target, event: Event, facts: Facts, now: str, state: StateName,
             why: str) -> Plan:
    """A refused dispatch: recorded (like an unearned label) and the job stops."""
    login, n = event.sender.login, event.pr or 0
    reason = f"{target.phase} dispatch of #{n} by @{login} refused: {why}"
    planned = entries.record(event, facts, now, phase=target.phase, status="refused",
                             reason=reason)
    server = (facts.run.server_url or "https://github.com").rstrip("/")
    agent = Agent(login=login, kind="automation" if event.sender.is_bot else "person",
                  role="refused", id=f"{server}/{login}")
    draft = draft_of(planned.entry).model_copy(update={"agents": [agent]})
    record = Record(draft.fields())
    commit = Commit(facts.default_branch, f"fivesafes: refused {target.phase} dispatch by "
                    f"@{login} for #{n}", event.delivery)
    return _plan(target, "refused", reason, (record, commit), state)
