"""The phase actions of a request's crate, derived from its action record.

The crate shows each phase's CURRENT state: for every phase, the latest recorded entry that is
not a refused attempt. Earlier entries of a phase were superseded (a push re-ran the check, a
pending decision became completed) and refused attempts never were decisions; both stay in the
action record, which is the full history. This keeps every action in the crate meaningful to a
receiver, who must treat a pending or failed sign-off or disclosure as a stop.

Free text from the record (reasons) is scrubbed of every distinctive value of ``access.toml``
before it enters the crate, so a host or secret name quoted in an error message cannot leak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fivesafes.core.crate import profile_04 as p
from fivesafes.core.crate.entities import (
    Entity,
    Graph,
    add_checksum,
    add_sha512,
    ref,
    refs,
)
from fivesafes.core.crate.people import add_agent_person
from fivesafes.core.ids import derived_urn
from fivesafes.core.request.parsed import Request
from fivesafes.models.access import AccessFile
from fivesafes.models.ledger import ActionEntry, Agent, Phase
from fivesafes.models.policy import Policy

PHASE_ORDER: tuple[Phase, ...] = (
    "check", "validation", "workflow-retrieval", "sign-off", "execution", "disclosure",
    "publication",
)
REDACTED = "[redacted]"


@dataclass(frozen=True)
class Context:
    """What every phase action refers to."""

    request: Request
    policy: Policy | None
    software: str | None
    project: str
    workflow: str
    distribution: str | None
    agreements: tuple[str, ...] = ()  # the project's agreement and approval: sign-off instruments


def secret_words(access: AccessFile) -> tuple[str, ...]:
    """The distinctive values of ``access.toml`` that must never appear in a crate."""
    source, dest = access.source, access.destination
    words = [source.name, source.host, source.database, source.catalog, dest.name,
             str(source.port) if source.port else None, *access.credentials.secrets.values()]
    return tuple(sorted({w for w in words if w and len(w) >= 3}, key=lambda w: (-len(w), w)))


def scrub(text: str, words: Sequence[str]) -> str:
    for word in words:
        text = text.replace(word, REDACTED)
    return text


def agent_ids(graph: Graph, ctx: Context, agents: Sequence[Agent]) -> list[str]:
    ids: list[str] = []
    for agent in agents:
        if agent.kind == "automation":
            if ctx.software:
                ids.append(ctx.software)
            continue
        ids.append(add_agent_person(graph, agent, ctx.policy.people if ctx.policy else {}))
    return ids


def _policy_instrument(graph: Graph, ctx: Context, phase: Phase) -> str:
    project = ctx.request.project.project
    entity: Entity = {"@id": derived_urn("agreement-policy", project.id, phase),
                      "@type": "CreativeWork"}
    if ctx.policy is None:
        entity["name"] = f"Agreement policy for {phase} of the project repository"
    else:
        rule = ctx.policy.phases.rule("sign-off" if phase == "sign-off" else "disclosure")
        entity["name"] = f"{ctx.policy.tre.name} agreement policy for {phase}"
        entity["description"] = (
            f"{rule.required} distinct approver(s) from {', '.join(rule.approvers)}, none of "
            "them an author of the request, at the current head commit"
            + (f"; each holding {' and '.join(rule.requires_accreditation)} on the day of "
               "the decision" if rule.requires_accreditation else "")
            + (f"; distinct from those of {', '.join(rule.distinct_from)}."
               if rule.distinct_from else ".")
        )
    return graph.add(entity)


def _describe(entry: ActionEntry, words: Sequence[str]) -> str:
    ev = entry.evidence
    parts = [f"Recorded {entry.status} (attempt {entry.attempt})"]
    if ev.pr is not None:
        parts.append(f"pull request #{ev.pr}")
    if ev.head_sha:
        parts.append(f"head commit {ev.head_sha}")
    if ev.digest:
        parts.append(f"digest {ev.digest}")
    if entry.findings:
        parts.append(f"{len(entry.findings)} finding(s) in the action record")
    text = "; ".join(parts) + "."
    if entry.reason:
        text += " " + scrub(entry.reason, words)
    return text


def _digest_hex(entry: ActionEntry) -> str | None:
    digest = entry.evidence.digest or ""
    hexdigest = digest.removeprefix("sha512:")
    return hexdigest if digest.startswith("sha512:") and len(hexdigest) == 128 else None


def add_phase_action(
    graph: Graph, ctx: Context, entry: ActionEntry, *, results: Sequence[str],
    words: Sequence[str],
) -> str | None:
    """One recorded phase (not execution) as its 0.4 action; ``None`` if refused."""
    kind = p.PHASE_KINDS[entry.phase]
    agents = agent_ids(graph, ctx, entry.agents)
    status = p.action_status(entry.status, decided_by=len(agents))
    if status is None:
        return None
    entity: Entity = {
        "@id": entry.id, "@type": kind.type, "name": f"{kind.label}: {p.outcome(status)}",
        "description": _describe(entry, words), "actionStatus": status,
        "startTime": entry.start, "object": ref(p.ROOT),
    }
    if kind.additional_type:
        entity["additionalType"] = ref(kind.additional_type)
    if entry.end:
        entity["endTime"] = entry.end
    if not agents and entry.phase not in ("sign-off", "disclosure") and ctx.software:
        agents = [ctx.software]
    if agents:
        entity["agent"] = refs(agents)
    if entry.phase in ("check", "publication"):
        entity["instrument"] = ref(add_sha512(graph))
    elif entry.phase == "validation":
        entity["instrument"] = ref(p.PROFILE)
    elif entry.phase == "sign-off":
        entity["instrument"] = refs([_policy_instrument(graph, ctx, entry.phase),
                                     *ctx.agreements])
        entity["object"] = refs([p.ROOT, ctx.workflow, ctx.project])
    elif entry.phase == "disclosure":
        entity["instrument"] = ref(_policy_instrument(graph, ctx, entry.phase))
        entity["object"] = refs([p.ROOT, *results])
    elif entry.phase == "workflow-retrieval":
        _retrieval(graph, ctx, entry, entity)
    if entry.phase == "publication" and entry.release is not None:
        rel = entry.release
        entity["description"] += f" Release {rel.tag}: {rel.file}, sha-512 {rel.sha512}."
    return graph.add(entity)


def _retrieval(graph: Graph, ctx: Context, entry: ActionEntry, entity: Entity) -> None:
    """A DownloadAction: object the DataDownload, result the retrieved copy of the workflow."""
    entity["object"] = ref(ctx.distribution or ctx.workflow)
    if entry.status != "completed":
        return
    copy: Entity = {
        "@id": "#retrieved-workflow", "@type": "Dataset",
        "name": "Retrieved copy of the workflow",
        "description": "The Workflow RO-Crate as the TRE retrieved it (from its workflow "
                       "mirror or by download).",
        "sameAs": ref(ctx.workflow), "conformsTo": ref(p.WORKFLOW_CRATE),
    }
    if ctx.distribution:
        copy["distribution"] = ref(ctx.distribution)
    hexdigest = _digest_hex(entry)
    if hexdigest:
        copy["identifier"] = ref(add_checksum(graph, hexdigest))
    entity["result"] = ref(graph.add(copy))
