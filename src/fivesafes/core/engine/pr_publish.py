"""Publishing a pull request's assessment: statuses, annotations, sticky comment, summary.

Every pull request event republishes the assessment at the head: the check, validation and
decision statuses (and the required check of the other kind of pull request, which does not
apply), an annotation per finding on its line, and the comment and summary that say where
the request stands.
"""

from __future__ import annotations

from fivesafes.core.decisions.assess import Assessment
from fivesafes.core.engine.comment import render
from fivesafes.core.engine.disclosure_comment import finding_annotations
from fivesafes.core.engine.plan import (
    Annotation,
    Comment,
    Effect,
    RemoveLabel,
    Status,
    StatusState,
    Summary,
    status_context,
)
from fivesafes.core.facts.values import Facts


def _status(context: str, state: StatusState, text: str, sha: str, facts: Facts) -> Status:
    return Status(status_context(context), state, text[:140], sha, facts.run.run_url)


def publish(a: Assessment, facts: Facts, *, notes: list[str], look_again: list[str],
            removals: list[RemoveLabel], statuses: bool = True, state: str | None = None,
            reason: str | None = None) -> list[Effect]:
    """The effects that show an assessment: labels, statuses, annotations, comment, summary."""
    sha, c, t = a.pr.head_sha, a.checked, a.tally
    effects: list[Effect] = list(removals)
    if statuses:
        check_err = [f for f in c.check if f.severity == "error"]
        valid_err = [f for f in c.validation if f.severity == "error"]
        effects.append(_status("check", "failure" if check_err else "success",
                               check_err[0].render() if check_err else f"digest {c.digest}",
                               sha, facts))
        effects.append(_status("validation", "failure" if valid_err else "success",
                               valid_err[0].render() if valid_err else "no errors", sha, facts))
        decided: StatusState = ("success" if t.met else "failure" if t.rejections
                                else "pending")
        text = a.reason
        if a.outputs is not None:  # disclosure decided per output
            decided = {"completed": "success", "failed": "failure"}.get(  # type: ignore[assignment]
                a.outcome, "pending")
        if t.late and not t.met:  # a closed pull request: what came after it never counts
            decided, text = "failure", t.late[-1].why
        effects.append(_other_phase_status(a, facts))
        effects.append(_status(t.phase, decided, text, sha, facts))
    for f in (*c.check, *c.validation):
        if not f.file.startswith("("):
            effects.append(Annotation(f.file, f.line, "error" if f.severity == "error"
                                      else "warning", f.render(), f.rule))
    effects += finding_annotations(a, facts)
    body = render(a, facts, notes=notes, look_again=look_again, state=state, reason=reason)
    effects += [Comment(a.pr.number, body), Summary(body)]
    return effects


def _other_phase_status(a: Assessment, facts: Facts) -> Status:
    """The required check of the other kind of pull request, which does not apply here.

    The ruleset requires ``fivesafes / sign-off`` and ``fivesafes / disclosure`` from the
    automation's App, so a check run of a skipped job (posted by GitHub Actions) cannot stand
    in for either; the automation says which one does not apply."""
    if a.checked.kind == "request":
        return _status("disclosure", "success", "not a disclosure pull request: nothing to "
                       "disclose", a.pr.head_sha, facts)
    return _status("sign-off", "success", "a disclosure pull request, opened by the "
                   "automation: its request was signed off before it ran", a.pr.head_sha, facts)
