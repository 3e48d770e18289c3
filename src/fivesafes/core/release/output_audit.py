"""What a recipient checks about each shipped output: approved, and nothing left unanswered.

A release whose crate decides outputs one by one (per-output disclosure checks, part of the
request's disclosure check) must ship only outputs whose own check is completed, by at least
one named checker, with no error finding left without an override. A crate that decided the
manifest as a whole (written before per-output decisions) is judged by its one disclosure
check, as before.
"""

from __future__ import annotations

from fivesafes.core.crate.graph import COMPLETED, SHP, Entity, Graph
from fivesafes.core.crate.refs import local_path
from fivesafes.core.crate.report import Report
from fivesafes.core.findings import Finding


def output_checks(g: Graph) -> list[Entity]:
    """Per-output disclosure checks: DisclosureCheck actions that are part of another."""
    return [e for e in g if SHP + "DisclosureCheck" in g.additional_types(e)
            and g.ids(e, "isPartOf")]


def audit_outputs(g: Graph, file: str, shipped: set[str]) -> list[Finding]:
    checks = output_checks(g)
    report = Report(file)
    if not checks:
        return report.findings
    by_path: dict[str, Entity] = {}
    for check in checks:
        for target in g.ids(check, "object"):
            path = local_path(target) or (target[1:] if target.startswith("#outputs/") else None)
            if path:
                by_path[path] = check
    for path in sorted(p for p in shipped if p.startswith("outputs/")):
        found = by_path.get(path)
        if found is None:
            report.error("action.output-unchecked", path,
                         "the release ships this output, but no disclosure check of it is "
                         "recorded")
            continue
        check = found
        if g.status(check) != COMPLETED or not g.ids(check, "agent"):
            report.error("action.output-not-approved", str(check["@id"]),
                         f"the release ships {path}, which the output checkers did not approve")
        errors = check.get("error")
        if errors:
            report.error("action.output-finding-not-overridden", str(check["@id"]),
                         f"the release ships {path} with an error finding nobody overrode: "
                         f"{errors[0] if isinstance(errors, list) else errors}")
    return report.findings
