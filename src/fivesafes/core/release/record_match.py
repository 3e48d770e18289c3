"""Is this release the one the project's record published, and do its actions say what the
record says?

Integrity alone proves nothing about approval: anyone can run ``fivesafes package`` on altered
outputs and a crate claiming every sign-off. The action record in the project repository is
the authority. A release is recognised when the record's publication entry names its zip's
sha-512, or the sha-512 of its bag's ``tagmanifest-sha512.txt`` (which covers the payload
manifest and so every payload byte: an honest re-zip of the same bag still matches, a changed
byte does not). Then every action in the crate must be the record's entry of that id, with the
same phase, status and people, and every decision the record holds at that publication must be
in the crate. Pure: the record, the crate and the digests come in, findings go out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fivesafes.core.crate import profile_04 as p
from fivesafes.core.crate.entities import github_url
from fivesafes.core.crate.graph import Entity, Graph
from fivesafes.core.findings import Finding
from fivesafes.core.ledger.chain import verify_chain
from fivesafes.core.ledger.queries import current_entries
from fivesafes.models.ledger import ActionEntry, ActionRecord

FIX = "do not use this release: it is not the one the project published"
DECISIONS = ("sign-off", "disclosure")


@dataclass(frozen=True)
class Match:
    """The record's publication entry a release matched, and how."""

    entry: ActionEntry
    exact: bool  # the zip's bytes; otherwise the bag's content (a re-zip)


def _short(digest: str | None) -> str:
    return f"{digest[:16]}..." if digest else "(not computed)"


def find_publication(record: ActionRecord, zip_sha512: str | None,
                     bag_sha512: str | None) -> Match | None:
    for entry in reversed(record.action):
        release = entry.release
        if entry.phase != "publication" or entry.status != "completed" or release is None:
            continue
        # the public zip, and the copy with the data the TRE folder received (when it differs)
        for zip_digest, bag_digest in ((release.sha512, release.bag_sha512),
                                       (release.full_sha512, release.full_bag_sha512)):
            if zip_sha512 is not None and zip_digest == zip_sha512:
                return Match(entry, True)
            if bag_sha512 is not None and bag_digest == bag_sha512:
                return Match(entry, False)
    return None


def _people(entry: ActionEntry) -> set[str]:
    return {a.id or github_url(a.login) for a in entry.agents
            if a.kind != "automation"}


def _crate_people(g: Graph, action: Entity) -> set[str]:
    return {i for i in g.ids(action, "agent") if g.is_a(i, "Person")}


def _phase(g: Graph, action: Entity) -> str | None:
    for kind in sorted(g.types(action)):
        extra: list[str | None] = [*sorted(g.additional_types(action))] or [None]
        for additional in extra:
            phase = p.phase_of(kind, additional)
            if phase is not None:
                return phase
    return None


def _compare(g: Graph, action: Entity, entry: ActionEntry, where: str) -> list[Finding]:
    differs: list[str] = []
    phase = _phase(g, action)
    if phase != entry.phase:
        differs.append(f"it is a {phase or 'foreign'} action, the record's entry is "
                       f"{entry.phase}")
    people = _people(entry)
    expected = p.action_status(entry.status, decided_by=len(people))
    if g.status(action) != expected:
        differs.append(f"its status is {g.status(action)}, the record says {entry.status}")
    if people and _crate_people(g, action) != people:
        differs.append(f"its people are {sorted(_crate_people(g, action))}, the record's are "
                       f"{sorted(people)}")
    return [Finding(where, None, None, "record.action-differs",
                    f"action {entry.id} ({entry.phase}): " + "; ".join(differs), FIX)
            ] if differs else []


def match_actions(crate: dict[str, Any], record: ActionRecord, match: Match,
                  where: str) -> list[Finding]:
    """Findings where the crate's actions disagree with the record up to the publication."""
    g = Graph(crate)
    upto = record.action[:record.action.index(match.entry) + 1]
    by_id = {e.id: e for e in upto}
    findings: list[Finding] = []
    seen: set[str] = set()
    for action in g:
        if not any(t.endswith("Action") for t in g.types(action)):
            continue
        if "CreateAction" in g.types(action) and action["@id"] not in by_id:
            continue  # the request's own run: its status follows the execution entry
        entry = by_id.get(action["@id"])
        if entry is None:
            findings.append(Finding(where, None, None, "record.action-unknown",
                                    f"action {action['@id']} ({_phase(g, action) or 'foreign'}) "
                                    "is not in the record", FIX))
            continue
        seen.add(entry.id)
        findings += _compare(g, action, entry, where)
    current = current_entries(ActionRecord(action=upto))
    for phase in DECISIONS:
        entry = current.get(phase)  # type: ignore[call-overload]
        if entry is not None and entry.id not in seen:
            findings.append(Finding(where, None, None, "record.action-missing",
                                    f"the record's {phase} {entry.id} ({entry.status}) is not "
                                    "in the crate", FIX))
    return findings


def check_against_record(
    record: ActionRecord, record_name: str, crate: Any, where: str,
    zip_sha512: str | None, bag_sha512: str | None,
) -> tuple[list[Finding], Match | None]:
    """Every finding on a release checked against a record, and the publication it matched."""
    findings = verify_chain(record.action, record_name)
    match = find_publication(record, zip_sha512, bag_sha512)
    if match is None:
        published = [e.release for e in record.action
                     if e.phase == "publication" and e.release is not None]
        listed = "; ".join(f"{r.tag}: zip {_short(r.sha512)}, bag {_short(r.bag_sha512)}"
                           for r in published) or "none"
        findings.append(Finding(
            record_name, None, None, "record.not-published",
            f"this zip (sha-512 {_short(zip_sha512)}, bag tag manifest sha-512 "
            f"{_short(bag_sha512)}) is not a release the record published; the record's "
            f"publications: {listed}", FIX))
        return findings, None
    if isinstance(crate, dict) and isinstance(crate.get("@graph"), list):
        findings += match_actions(crate, record, match, where)
    return findings, match
