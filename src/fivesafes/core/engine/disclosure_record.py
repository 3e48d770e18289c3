"""What a recorded decision says beyond who decided: findings, exceptions, per-output
outcomes, and the reasons people wrote.

An output checker's reasons are the point of the record: a later reader (an auditor, the
receiver of a release) must see which findings the checks raised, what the researcher asked
to be excepted, which checker overrode which finding and why, and the outcome of every output.
A sign-off rejection's reason, written in the review, is kept the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fivesafes.core.decisions.assess import Assessment
from fivesafes.core.decisions.gates import Decision
from fivesafes.core.decisions.statements import parse
from fivesafes.core.facts.values import Facts


def review_statements(decisions: Sequence[Decision], facts: Facts) -> list[dict[str, Any]]:
    """The free text of each deciding review, as record statements."""
    bodies = {r.id: r.body for r in facts.reviews}
    out: list[dict[str, Any]] = []
    for d in decisions:
        if d.source != "review":
            continue
        text = parse(bodies.get(d.source_id, "")).text
        if text:
            verdict = "approve" if d.verdict == "approve" else "reject"
            out.append({"login": d.login, "verdict": verdict,
                        "source": f"review:{d.source_id}", "reason": text[:2000]})
    return out


def disclosure_fields(a: Assessment) -> dict[str, Any]:
    """Per-output decisions, findings and exceptions of a disclosure assessment."""
    manifest, view = a.checked.manifest, a.outputs
    if manifest is None or view is None:
        return {}
    def dump(items: Sequence[Any]) -> list[dict[str, Any]]:
        return [i.model_dump(by_alias=True, exclude_none=True, mode="json") for i in items]
    return {
        "outputs": dump(view.outputs),
        "disclosure-findings": dump(manifest.finding),
        "exceptions": dump(manifest.exception),
        "changes-requested": [o.path for o in view.of("changes-requested")],
    }


def people(a: Assessment) -> list[str]:
    """Everyone whose statement decided an output (they are the entry's agents)."""
    found: dict[str, str] = {}
    for output in a.outputs.outputs if a.outputs else ():
        for s in output.statements:
            found.setdefault(s.login.lower(), s.login)
    return [found[k] for k in sorted(found)]
