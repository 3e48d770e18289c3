"""What a recipient must check about the recorded actions before trusting a release.

The profile asks receivers to look at the status of every action. A release whose sign-off
or disclosure check failed or is still pending, or whose disclosure check was rejected but
whose results were shipped anyway, must not be used. When a phase was attempted more than
once (a rejection, a fix, a new approval) the latest attempt decides; earlier failures are
reported as warnings so the history stays visible.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fivesafes.core.crate.graph import COMPLETED, FAILED, SHP, Entity, Graph
from fivesafes.core.crate.refs import local_path
from fivesafes.core.crate.report import Report
from fivesafes.core.findings import Finding
from fivesafes.core.release.output_audit import audit_outputs

DECISIONS = ("SignOff", "DisclosureCheck")
CRATE_FILES = ("ro-crate-metadata.json", "ro-crate-preview.html")


def _kind(g: Graph, entity: Entity) -> str:
    extra = sorted(t.removeprefix(SHP) for t in g.additional_types(entity) if t.startswith(SHP))
    return extra[0] if extra else sorted(g.types(entity))[0]


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def _when(entity: Entity) -> dt.datetime:
    """When an action ended (else started); undated actions sort first."""
    for prop in ("endTime", "startTime"):
        value = entity.get(prop)
        if isinstance(value, str):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                continue
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return _EARLIEST


def _by_kind(g: Graph) -> dict[str, list[Entity]]:
    kinds: dict[str, list[Entity]] = {}
    for entity in g:
        if g.ids(entity, "isPartOf"):
            continue  # a per-output check, judged by output_audit
        if any(t.endswith("Action") for t in g.types(entity)):
            kinds.setdefault(_kind(g, entity), []).append(entity)
    for entities in kinds.values():
        entities.sort(key=_when)
    return kinds


def shipped_results(g: Graph, payload: set[str]) -> set[str]:
    """Result files present in the payload: outputs/ files and any CreateAction result."""
    results = {p for p in payload if p.startswith("outputs/")}
    for action in g.of_type("CreateAction"):
        for ref in g.ids(action, "result"):
            path = local_path(ref)
            if path and (path in payload or any(p.startswith(path.rstrip("/") + "/")
                                                for p in payload)):
                results.add(path)
    return results - set(CRATE_FILES)


def audit_actions(crate: dict[str, Any], file: str, payload: set[str]) -> list[Finding]:
    """Findings on the status of every action, given the crate-relative payload paths."""
    g = Graph(crate)
    report = Report(file)
    kinds = _by_kind(g)
    shipped = shipped_results(g, payload)
    for kind, entities in sorted(kinds.items()):
        *earlier, latest = entities
        for entity in earlier:
            if g.status(entity) == FAILED:
                report.warning("action.superseded", entity["@id"],
                               f"an earlier {kind} failed; a later attempt decides")
        status = g.status(latest)
        name = {"SignOff": "sign-off", "DisclosureCheck": "disclosure"}.get(kind, kind)
        if status == FAILED:
            report.error(f"action.{name}-failed" if kind in DECISIONS else "action.failed",
                         latest["@id"], f"the {name} action failed")
            if kind == "DisclosureCheck" and shipped:
                report.error("action.rejected-results-shipped", latest["@id"],
                             "the disclosure check rejected the results but the release "
                             f"ships them: {', '.join(sorted(shipped)[:5])}")
        elif status != COMPLETED:
            state = (status or "no actionStatus").rsplit("/", 1)[-1]
            if kind in DECISIONS:
                report.error(f"action.{name}-pending", latest["@id"],
                             f"the {name} is not completed ({state})")
            else:
                report.warning("action.pending", latest["@id"],
                               f"{kind} is not completed ({state})")
    executed = any(g.status(a) == COMPLETED for a in g.of_type("CreateAction"))
    if (shipped or executed) and "SignOff" not in kinds:
        report.error("action.sign-off-missing", g.root_id,
                     "the workflow ran or results are shipped, but no sign-off is recorded")
    if shipped and "DisclosureCheck" not in kinds:
        report.error("action.disclosure-missing", g.root_id,
                     "results are shipped but no disclosure check is recorded")
    return report.findings + audit_outputs(g, file, shipped)
