"""The disclosure check of each output, in the crate: what was found and what was decided.

A release's receiver must see, per output, that output checkers looked at it: an AssessAction
(``shp:DisclosureCheck``) per output, part of the request's disclosure check, with the output
as its object, the checkers who decided as agents, the findings and overrides (with their
reasons) in its description, and an ``error`` for every error finding nobody overrode. A
withheld output is a CreativeWork without bytes, named with its sha-512 and the reason.
"""

from __future__ import annotations

from collections.abc import Mapping

from fivesafes.core.crate import profile_04 as p
from fivesafes.core.crate.entities import (
    Entity,
    Graph,
    add_checksum,
    add_person,
    github_url,
    ref,
    refs,
)
from fivesafes.core.crate.outputs import output_path
from fivesafes.core.ids import derived_urn
from fivesafes.models.disclosure import OutputDecision
from fivesafes.models.ledger import ActionEntry

WORD = {"approved": "approved", "rejected": "withheld", "changes-requested":
        "changes requested", "pending": "not decided"}


def withheld_id(path: str) -> str:
    return "#withheld/" + output_path(path)


def _withheld(graph: Graph, decision: OutputDecision) -> str:
    return graph.add({
        "@id": withheld_id(decision.path), "@type": "CreativeWork",
        "name": output_path(decision.path),
        "description": f"Withheld by the output checkers ({decision.reason}); no bytes of it "
                       "are in this crate.",
        "identifier": ref(add_checksum(graph, decision.sha512)),
    })


def _describe(entry: ActionEntry, decision: OutputDecision) -> str:
    found = [f for f in entry.disclosure_findings if f.path == decision.path]
    parts = [f"Output {output_path(decision.path)}: {WORD[decision.outcome]} "
             f"({decision.reason})."]
    if found:
        parts.append("Findings: " + "; ".join(
            f"{f.severity} {f.id or f.rule}: {f.message}" for f in found) + ".")
    else:
        parts.append("The disclosure checks found nothing.")
    asked = [e for e in entry.exceptions if e.path == decision.path]
    if asked:
        parts.append("Exception requests: " + "; ".join(
            f"{e.finding} ({e.source}): {e.reason}" for e in asked) + ".")
    if decision.overrides:
        parts.append("Overrides: " + "; ".join(
            f"{o.finding} by {o.login}: {o.reason}" for o in decision.overrides) + ".")
    return " ".join(parts)


def add_output_checks(graph: Graph, entry: ActionEntry, parent: str,
                      files: Mapping[str, str], instrument: str | None) -> list[str]:
    """One AssessAction per decided output of a disclosure entry; their ids."""
    ids: list[str] = []
    for decision in sorted(entry.outputs, key=lambda d: d.path):
        target = files.get(decision.path) or _withheld(graph, decision)
        approvers = sorted({s.login for s in decision.statements if s.verdict == "approve"},
                           key=str.lower)
        known = {a.login.lower(): a for a in entry.agents}
        agents = [add_person(graph, (known[x.lower()].id if x.lower() in known else None)
                             or github_url(x), x) for x in approvers]
        status = {"approved": p.COMPLETED, "rejected": p.FAILED}.get(decision.outcome,
                                                                     p.ACTIVE)
        entity: Entity = {
            "@id": derived_urn(entry.id, "output", decision.path), "@type": "AssessAction",
            "additionalType": ref(p.DISCLOSURE_CHECK),
            "name": f"Disclosure check of {output_path(decision.path)}: "
                    f"{WORD[decision.outcome]}",
            "description": _describe(entry, decision), "actionStatus": status,
            "startTime": entry.start, "object": ref(target), "isPartOf": ref(parent),
        }
        if entry.end:
            entity["endTime"] = entry.end
        if agents:
            entity["agent"] = refs(agents)
        if instrument:
            entity["instrument"] = ref(instrument)
        missing = _unoverridden(decision)
        if missing:
            entity["error"] = [f"error finding {m} was not overridden" for m in missing]
        ids.append(graph.add(entity))
    return ids


def _unoverridden(decision: OutputDecision) -> list[str]:
    covered = {o.finding for o in decision.overrides}
    return [e for e in decision.errors if e not in covered]


def approved_paths(entry: ActionEntry | None) -> set[tuple[str, str]] | None:
    """(path, sha512) of the approved outputs; None when the entry decided the manifest as a
    whole (recorded before per-output decisions)."""
    if entry is None or not entry.outputs:
        return None
    return {(o.path, o.sha512) for o in entry.outputs if o.outcome == "approved"}
