"""Action record entries the engine plans to append.

Entries carry what a later reader needs to trust a decision without GitHub: who decided
(login and resolved identity), on which head commit and digest, through which review and label
events, in which run. Ids derive from the event's delivery and the phase, so a re-delivered
event produces the same id and is recognised as already recorded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from fivesafes.core.decisions.gates import Decision, Lift, Refusal
from fivesafes.core.decisions.people import registered
from fivesafes.core.engine.plan import Plan, Record
from fivesafes.core.facts.events import Event
from fivesafes.core.facts.values import Facts
from fivesafes.core.findings import Finding
from fivesafes.core.ids import derived_urn
from fivesafes.core.request.parsed import Request
from fivesafes.core.request.values import orcid_bare
from fivesafes.models.ledger import Agent, EntryDraft, Evidence, Phase, Status
from fivesafes.models.people import RegisteredPerson


def identity(login: str, facts: Facts, request: Request | None) -> str:
    """ORCID of the requester when the login is theirs, else the GitHub profile URL."""
    if request is not None and request.project.requester.github.lower() == login.lower():
        orcid = request.project.requester.orcid
        return orcid if orcid.startswith("https://") else f"https://orcid.org/{orcid}"
    server = (facts.run.server_url or "https://github.com").rstrip("/")
    return f"{server}/{login}"


def agent(login: str, role: str, facts: Facts, request: Request | None) -> dict[str, Any]:
    return {"login": login, "kind": "person", "role": role,
            "id": identity(login, facts, request)}


def record(
    event: Event, facts: Facts, now: str, *, phase: Phase, status: Status, reason: str,
    digest: str | None = None, decisions: Sequence[Decision] = (),
    refusals: Sequence[Refusal] = (), findings: Sequence[Finding] = (),
    request: Request | None = None, role: str = "approver", lifts: Sequence[Lift] = (),
    extra: Mapping[str, Any] | None = None,
) -> Record:
    """A ``record`` effect: one entry (TOML keys, without prev/digest)."""
    pr = facts.pr
    people: dict[str, dict[str, Any]] = {}
    for d in decisions:
        people.setdefault(d.login.lower(), agent(d.login, role, facts, request))
    for r in refusals:
        people.setdefault(r.login.lower(), agent(r.login, "refused", facts, request))
    for lift in lifts:
        people.setdefault(lift.login.lower(), agent(lift.login, "lifted", facts, request))
    sources = [(x.source, x.source_id) for x in decisions] + [
        (x.source, x.source_id) for x in refusals] + [("label", x.source_id) for x in lifts]
    evidence = Evidence(
        event=event.name, delivery=event.delivery, digest=digest or None,
        reviews=sorted({i for s, i in sources if s == "review"}),
        label_events=sorted({i for s, i in sources if s == "label" and i}),
        run_url=facts.run.run_url or None,
        **({"pr": pr.number, "head_sha": pr.head_sha, "base_ref": pr.base_ref}
           if pr is not None else {}))
    draft = EntryDraft(
        id=derived_urn(event.delivery, phase), phase=phase, status=status, start=now,
        end=now, reason=reason, evidence=evidence, findings=[f.render() for f in findings],
        agents=[Agent.model_validate(people[k]) for k in sorted(people)])
    additions = {key: value for key, value in (extra or {}).items() if value}
    if additions:  # empty additions stay out, as in entries written before them
        draft = EntryDraft.model_validate({**draft.fields(), **additions})
    return Record(draft.fields())


def registry_agent(agent: Mapping[str, Any],
                   people: Mapping[str, RegisteredPerson]) -> dict[str, Any]:
    """A person agent with the registry's name and ORCID (its ``id`` too), when listed."""
    person = registered(people, str(agent.get("login", ""))) \
        if agent.get("kind", "person") == "person" else None
    if person is None:
        return dict(agent)
    orcid = f"https://orcid.org/{orcid_bare(person.orcid)}"
    return {**agent, "id": orcid, "orcid": orcid, "name": person.name}


def name_agents(plan: Plan, people: Mapping[str, RegisteredPerson]) -> Plan:
    """The plan with every recorded person named from the people registry."""
    if not people:
        return plan
    effects = tuple(
        Record(EntryDraft.model_validate(
            {**e.entry, "agents": [registry_agent(a, people) for a in e.entry["agents"]]}
        ).fields())
        if isinstance(e, Record) and e.entry.get("agents") else e for e in plan.effects)
    return dataclasses.replace(plan, effects=effects)
