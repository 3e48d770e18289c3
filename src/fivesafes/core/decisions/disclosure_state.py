"""Where a disclosure pull request stands, from its per-output decisions.

The disclosure phase completes when every output is decided (approved by the required number
of distinct checkers, or withheld by a rejection) and at least one is approved: publication
then ships exactly the approved outputs (a partial release) and lists the others as withheld.
A request for changes on any output sends the researcher back to revise (a re-run of the same
signed-off request); rejecting every output withholds the results. Holds freeze it all.
"""

from __future__ import annotations

from fivesafes.core.decisions.per_output import OutputsView
from fivesafes.core.decisions.tally import Tally
from fivesafes.core.engine.plan import Outcome
from fivesafes.core.lifecycle import phases
from fivesafes.core.lifecycle.phases import StateName


def _names(view: OutputsView, outcome: str) -> str:
    return ", ".join(f"`{o.path}`" for o in view.of(outcome))


def disclosure_state(view: OutputsView, tally: Tally,
                     candidates: tuple[str, ...]) -> tuple[StateName, Outcome, str]:
    """(state, outcome, reason) of the disclosure phase."""
    if tally.holds:
        who = ", ".join(sorted({f"@{d.login}" for d in tally.holds}))
        return phases.DISCLOSURE_HELD, "pending", f"disclosure held by {who}"
    if view.all_rejected:
        return (phases.DISCLOSURE_REJECTED, "failed",
                "disclosure rejected: every output is withheld ("
                + "; ".join(f"`{o.path}` {o.reason}" for o in view.outputs) + ")")
    if view.changes:
        asked = "; ".join(f"`{o.path}`: {o.reason}" for o in view.of("changes-requested"))
        return (phases.DISCLOSURE_CHANGES, "pending",
                f"changes requested ({asked}); the researcher revises the analysis and a "
                "maintainer re-runs the signed-off request, whose new outputs replace these "
                "on this pull request")
    if view.met:
        withheld = _names(view, "rejected")
        return (phases.DISCLOSED, "completed",
                f"disclosure approved: {_names(view, 'approved')}"
                + (f"; withheld: {withheld}" if withheld else ""))
    pending = view.of("pending")
    who = ", ".join(f"`{x}`" if x.startswith("@") else f"@{x}" for x in candidates)
    return (phases.DISCLOSURE_PENDING, "pending",
            f"disclosure needs decisions on {len(pending)} output(s) ("
            + "; ".join(f"`{o.path}`: {o.reason}" for o in pending)
            + f") from {who or 'nobody the policy allows'}")
