"""What a pull request event does to labels and reviewers beyond its decision.

Unearned and stale labels are removed, holds and rejections removed by someone who may not
lift them are put back, an ``unlabeled`` event is read as a lift or a refused lift, and the
phase's users and teams are asked to review when the pull request enters its decision.
"""

from __future__ import annotations

from fivesafes.core.decisions.assess import Assessment
from fivesafes.core.decisions.gates import Lift, Refusal
from fivesafes.core.engine.plan import AddLabel, RemoveLabel, RequestReviewers
from fivesafes.core.facts.events import Event


def label_removals(a: Assessment, extra: Refusal | None) -> list[RemoveLabel]:
    """Unearned and stale labels, never the label of a decision that still counts."""
    t = a.tally
    counted = {d.label for d in (*t.approvals, *t.rejections, *t.holds) if d.label}
    out: dict[str, RemoveLabel] = {}
    for r in a.tally.refusals:
        if r.label:
            out.setdefault(r.label, RemoveLabel(a.pr.number, r.label, r.why))
    for d in a.tally.stale:
        if d.label:
            out.setdefault(d.label, RemoveLabel(
                a.pr.number, d.label, f"stale: @{d.login} approved an earlier commit"))
    if extra is not None and extra.label and extra.label in a.pr.labels:
        out.setdefault(extra.label, RemoveLabel(a.pr.number, extra.label, extra.why))
    return [out[k] for k in sorted(out) if k not in counted]


def label_restorations(a: Assessment) -> list[AddLabel]:
    """Holds and rejections removed by someone who may not lift them: put back."""
    return [AddLabel(a.pr.number, label) for label in
            sorted({d.label for d in a.tally.restored if d.label})]


def lift_event(event: Event, a: Assessment) -> tuple[Refusal | None, Lift | None]:
    """For an ``unlabeled`` event: the refused lift it attempted, or the lift it made."""
    if event.kind != "unlabeled":
        return None, None
    sender = event.sender.login.lower()
    refused = [r for r in a.tally.refused_lifts
               if r.label == event.label and r.login.lower() == sender]
    lifted = [x for x in a.tally.lifts if x.label == event.label and x.login.lower() == sender]
    best_refused = max(refused, key=lambda r: r.source_id) if refused else None
    best_lift = max(lifted, key=lambda x: x.source_id) if lifted else None
    if best_refused is not None and (best_lift is None
                                     or best_refused.source_id > best_lift.source_id):
        return best_refused, None
    return None, best_lift


ENTERS_DECISION = ("opened", "reopened", "synchronize")  # ready_for_review is "reopened"


def review_request(event: Event, a: Assessment) -> RequestReviewers | None:
    """Ask the phase's users and teams to review when the pull request enters its decision
    (opened or pushed, checks passing, approvals still missing); None otherwise.

    Who already approved this head, the author and those separated from the phase are not
    asked (they are not candidates). Teams are ``org/slug``; the applier asks those of the
    repository's own organisation (GitHub refuses others; the comment mentions them).
    """
    t = a.tally
    if event.kind not in ENTERS_DECISION or not a.checked.passed or t.met or t.rejections:
        return None
    users = tuple(c for c in a.candidates if not c.startswith("@"))
    teams = tuple(c[1:] for c in a.candidates if c.startswith("@") and "/" in c)
    if not users and not teams:
        return None
    return RequestReviewers(a.pr.number, users, teams)
