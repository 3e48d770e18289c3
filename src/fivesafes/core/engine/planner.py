"""The phase engine: (event, facts, now) -> plan. Pure, deterministic, fail-closed.

The one function the ``handle`` command and every test call. It reads nothing but its
arguments, so a plan can be replayed from a saved payload and facts. Whatever it cannot
decide safely (no valid policy, an unreadable record, facts for another pull request) becomes
a ``failed`` plan with a clear message, never a decision. A re-delivered event (same delivery
key already in the record) plans no second record, commit or dispatch. A ``workflow_dispatch``
is not a pull request event: it asks to start execution or publication, and is judged against
the action record (:mod:`fivesafes.core.engine.dispatch`), never re-assessed like the pull request.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace

from pydantic import ValidationError

from fivesafes.core import layout
from fivesafes.core.decisions.context import context
from fivesafes.core.engine.dispatch import dispatch_phase, dispatch_plan
from fivesafes.core.engine.plan import (
    Annotation,
    Comment,
    Effect,
    Plan,
    PlanPhase,
    Status,
    Summary,
    status_context,
)
from fivesafes.core.engine.plan import Commit as CommitEffect
from fivesafes.core.engine.plan import Dispatch as DispatchEffect
from fivesafes.core.engine.plan import Record as RecordEffect
from fivesafes.core.engine.pr_phases import pr_kind
from fivesafes.core.engine.pr_plan import pr_event_plan
from fivesafes.core.engine.reconcile import Merged, recorded
from fivesafes.core.engine.validation_port import check_policy
from fivesafes.core.facts.events import Event, merge_key
from fivesafes.core.facts.instants import earliest
from fivesafes.core.facts.values import Facts, PullRequest
from fivesafes.core.findings import Finding
from fivesafes.core.ledger import chain as ledger
from fivesafes.core.ledger.entries import name_agents
from fivesafes.models.ledger import ActionRecord

ONCE_ONLY = (RecordEffect, CommitEffect, DispatchEffect)


def parse_record(data: bytes | None) -> tuple[ActionRecord | None, str]:
    """The action record from its bytes (None and the reason when unreadable)."""
    if data is None:
        return ActionRecord(), ""
    try:
        return ActionRecord.from_toml(data), ""
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
        return None, str(exc).splitlines()[0]


def plan_event(event: Event, facts: Facts, now: str) -> Plan:
    """The plan for one event. ``now`` is the RFC 3339 time recorded in new entries."""
    if event.kind == "ignored":
        return Plan("none", "ignored", event.reason or "nothing to do")
    record, problem = parse_record(facts.record)
    if record is None:
        return _fail_closed(event, facts, "record", [Finding(
            layout.ACTIONS, None, None, "ledger.unreadable",
            f"the action record on the default branch is unreadable: {problem}",
            "restore it from git history; it is written by the automation only")])
    if event.kind == "push":
        return _push_plan(record, facts)
    pr = facts.pr
    if pr is None or pr.number != event.pr:
        return Plan("none", "failed", f"the facts hold no pull request #{event.pr}; "
                    "nothing can be decided")
    pr = with_event_times(pr, event)
    facts = replace(facts, pr=pr)
    merged_before = False
    if event.kind == "merged" and pr.merged and pr.merge_commit_sha:
        # the merge GitHub reports, not the one the payload names, keys the record; and a
        # merge already recorded (under any key) is never recorded again
        event = replace(event, delivery=merge_key(pr.number, pr.merge_commit_sha))
        merged_before = recorded(record, Merged(pr.number, pr.merge_commit_sha,
                                                pr.merged_at or "", pr.base_ref))
    policy, findings = check_policy(facts.policy, facts.org_policy)
    if policy is None:
        if event.kind == "dispatch":  # no comment or statuses: a dispatch never edits the PR
            return _fail_closed(event, facts, dispatch_phase(event), findings)
        return _fail_closed(event, facts, "sign-off" if pr_kind(pr, facts) == "request"
                            else "disclosure", findings, pr)
    ctx = context(facts, pr, policy, record)  # parsed once: every rule below reads it
    plan = dispatch_plan(event, ctx, now) if event.kind == "dispatch" \
        else pr_event_plan(event, ctx, now)
    plan = name_agents(plan, policy.people)  # the record names people by ORCID
    if ledger.delivered(record, event.delivery) or merged_before:
        kept = tuple(e for e in plan.effects if not isinstance(e, ONCE_ONLY))
        return Plan(plan.phase, plan.outcome,
                    f"{plan.reason} (event {event.delivery} already recorded: nothing recorded "
                    "twice)", kept, plan.state)
    return plan


def with_event_times(pr: PullRequest, event: Event) -> PullRequest:
    """The merge and closing times: the earliest of the API's and the payload's (either can
    only make a decision too late, never make a late one count)."""
    return replace(
        pr,
        merged_at=earliest(pr.merged_at, event.merged_at) if pr.merged else pr.merged_at,
        closed_at=earliest(pr.closed_at, event.closed_at) if pr.state == "closed"
        else pr.closed_at)


def _fail_closed(
    event: Event, facts: Facts, phase: PlanPhase, findings: list[Finding],
    pr: PullRequest | None = None,
) -> Plan:
    first = findings[0].render() if findings else "unknown problem"
    reason = f"fail closed: {first}; no decision is counted until this is fixed"
    effects: list[Effect] = [
        Annotation(f.file, f.line, "error", f.render(), f.rule) for f in findings
    ]
    if pr is not None:
        for context in ("check", phase):
            effects.append(Status(status_context(context), "error", reason[:140], pr.head_sha,
                                  facts.run.run_url))
        lines = ["<!-- fivesafes:sticky -->", "### Five Safes: no decision possible ❌", "",
                 reason, "", *[f"- `{f.where}`: {f.message} (fix: {f.fix})" for f in findings]]
        body = "\n".join(lines) + "\n"
        effects += [Comment(pr.number, body), Summary(body)]
    else:
        effects.append(Summary(f"**fivesafes:** {reason}\n"))
    return Plan(phase, "failed", reason, tuple(effects))


def _push_plan(record: ActionRecord, facts: Facts) -> Plan:
    """A push to the default branch: the record must still verify, the policy still parse."""
    findings = ledger.verify_chain(record.action)
    if facts.policy is not None:
        findings += check_policy(facts.policy, facts.org_policy)[1]
    effects: list[Effect] = [
        Annotation(f.file, f.line, "error" if f.severity == "error" else "warning",
                   f.render(), f.rule) for f in findings
    ]
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        reason = f"the default branch is not sound: {errors[0].render()}"
        effects.append(Summary(f"**fivesafes:** {reason}\n"))
        return Plan("record", "failed", reason, tuple(effects))
    reason = f"the action record verifies ({len(record.action)} entries)"
    effects.append(Summary(f"**fivesafes:** {reason}\n"))
    return Plan("record", "completed", reason, tuple(effects))
