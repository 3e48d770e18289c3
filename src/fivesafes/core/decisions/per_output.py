"""Disclosure decided output by output, each decision bound to that output's sha-512.

Output checkers rarely agree to all or nothing: one table is fine, another needs a second
suppressed cell, a third must never leave. So every output has its own outcome, from the
decisions of distinct, eligible checkers (the same gates as any decision: allow-listed, not an
author, separation of duties):

- a decision binds to the output's sha-512 in the manifest at the commit it was made on; it
  counts while the current manifest lists the same bytes, so after a re-run the decisions on
  unchanged outputs carry over and those on changed outputs are reset;
- an approval of an output with an error finding counts only when the same checker overrides
  that finding with a reason (``override <finding id>: <reason>``);
- any reject withholds the output; any ``changes`` asks the researcher to revise it;
- an output is approved by the policy's required number of distinct checkers.

A label is a decision on every output (approve or reject); a review without a ``fivesafes``
block approves, or (changes requested) rejects, every output it saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fivesafes.core.decisions.context import Context
from fivesafes.core.decisions.gates import ineligible
from fivesafes.core.decisions.statements import Said, parse
from fivesafes.core.decisions.tally import STATEFUL_REVIEWS, Tally
from fivesafes.core.facts.values import Facts, Review
from fivesafes.models.disclosure import OutputDecision, Override, Statement
from fivesafes.models.manifest import OutputsManifest


@dataclass
class _Output:
    path: str
    sha512: str
    errors: list[str]
    statements: list[Statement] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    approvers: set[str] = field(default_factory=set)
    uncovered: dict[str, list[str]] = field(default_factory=dict)  # login -> errors


@dataclass(frozen=True)
class OutputsView:
    """Every output's decision, and what is still needed."""

    outputs: tuple[OutputDecision, ...]
    required: int
    notes: tuple[str, ...] = ()  # decisions that did not count, and why

    def of(self, outcome: str) -> list[OutputDecision]:
        return [o for o in self.outputs if o.outcome == outcome]

    @property
    def changes(self) -> bool:
        return bool(self.of("changes-requested"))

    @property
    def met(self) -> bool:
        """Every output decided, none waiting for changes, and at least one approved."""
        return bool(self.outputs) and not self.of("pending") and not self.changes \
            and bool(self.of("approved"))

    @property
    def all_rejected(self) -> bool:
        return bool(self.outputs) and len(self.of("rejected")) == len(self.outputs)


def _reviews_in_order(facts: Facts) -> list[Review]:
    """Every deciding review, oldest first: a checker's later statement on an output replaces
    their earlier one, and what they said of other outputs still stands. A dismissed review
    takes back everything its author said before it."""
    ordered = sorted((r for r in facts.reviews if r.state in STATEFUL_REVIEWS),
                     key=lambda r: (r.submitted_at, r.id))
    kept: list[Review] = []
    for review in ordered:
        if review.state == "DISMISSED":
            kept = [r for r in kept if r.user.login.lower() != review.user.login.lower()]
        else:
            kept.append(review)
    return kept


def _apply(outputs: dict[str, _Output], seen: dict[str, str], login: str, source: str,
           said: list[Said], notes: list[str]) -> None:
    """One checker's statements, against the outputs as they saw them (``seen``: path ->
    sha512 in the manifest they decided on)."""
    for s in said:
        if s.verb == "override":
            path = next((o.path for o in outputs.values() if s.target in o.errors), None)
            if path is None:
                notes.append(f"@{login}: override of `{s.target}` names no error finding "
                             "of this manifest")
            elif seen.get(path) == outputs[path].sha512:
                outputs[path].overrides.append(Override(finding=s.target, login=login,
                                                        reason=s.reason))
            continue
        targets = list(outputs) if s.target == "*" else [s.target]
        for path in targets:
            out = outputs.get(path)
            if out is None:
                notes.append(f"@{login}: `{s.verb} {path}` names no output of this manifest")
                continue
            if seen.get(path) != out.sha512 or (
                    s.sha_prefix and not out.sha512.startswith(s.sha_prefix)):
                notes.append(f"@{login}: the {s.verb} of `{path}` was for other bytes of it; "
                             "decide again on the current outputs")
                continue
            out.statements = [x for x in out.statements if x.login.lower() != login.lower()]
            out.statements.append(Statement(login=login, verdict=s.verb, source=source,
                                            reason=s.reason))


def _decisions(ctx: Context, tally: Tally, current: OutputsManifest,
               outputs: dict[str, _Output], notes: list[str]) -> None:
    facts = ctx.facts
    head_seen = {o.path: o.sha512 for o in current.output}
    labelled = {d.login.lower() for d in (*tally.approvals, *tally.rejections)
                if d.source == "label"}
    for d in (*tally.approvals, *tally.rejections):
        if d.source == "label":
            verb = "approve" if d.verdict == "approve" else "reject"
            _apply(outputs, head_seen, d.login, f"label:{d.source_id}",
                   [Said(verb, "*", f"label {d.label}")], notes)  # type: ignore[arg-type]
    for review in _reviews_in_order(facts):
        if ineligible(review.user, "disclosure", ctx) is not None:
            continue  # the tally lists it as refused, with the reason
        parsed = parse(review.body)
        login = review.user.login
        notes += [f"@{login}: {p}" for p in parsed.problems]
        said = list(parsed.said)
        if not any(s.verb != "override" for s in said):
            verb = "approve" if review.state == "APPROVED" else "reject"
            if not (verb == "approve" and login.lower() in labelled):
                said.append(Said(verb, "*", parsed.text))  # type: ignore[arg-type]
        elif parsed.text:
            said = [Said(s.verb, s.target, s.reason or parsed.text, s.sha_prefix)
                    for s in said]
        if review.commit_id == ctx.pr.head_sha:
            seen = head_seen
        else:
            old = ctx.earlier_manifests.get(review.commit_id)
            seen = {o.path: o.sha512 for o in old.output} if old else {}
        _apply(outputs, seen, login, f"review:{review.id}", said, notes)


def _outcome(out: _Output, required: int) -> OutputDecision:
    verdicts: dict[str, set[str]] = {"approve": set(), "reject": set(), "changes": set()}
    for s in out.statements:
        verdicts[s.verdict].add(s.login.lower())
    for login in sorted(verdicts["approve"]):
        missing = [e for e in out.errors
                   if not any(o.finding == e and o.login.lower() == login
                              for o in out.overrides)]
        if missing:
            out.uncovered[login] = missing
        else:
            out.approvers.add(login)
    reasons = [f"@{s.login}: {s.reason}" for s in out.statements
               if s.reason and s.verdict != "approve"]
    if verdicts["reject"]:
        outcome, reason = "rejected", "withheld: " + "; ".join(reasons)
    elif verdicts["changes"]:
        outcome, reason = "changes-requested", "changes requested: " + "; ".join(reasons)
    elif len(out.approvers) >= required:
        outcome = "approved"
        reason = f"approved by {', '.join('@' + x for x in sorted(out.approvers))}"
    else:
        outcome = "pending"
        reason = f"{len(out.approvers)} of {required} approval(s)"
        for login, missing in sorted(out.uncovered.items()):
            reason += (f"; the approval of @{login} needs an override of "
                       + ", ".join(f"`{m}`" for m in missing))
    return OutputDecision(path=out.path, sha512=out.sha512, outcome=outcome,
                          reason=reason, statements=out.statements, overrides=out.overrides,
                          errors=out.errors)


def outputs_view(manifest: OutputsManifest, ctx: Context, tally: Tally) -> OutputsView:
    """Each output's decision at the current head (see the module doc)."""
    errors: dict[str, list[str]] = {}
    for f in manifest.finding:
        if f.severity == "error":
            errors.setdefault(f.path, []).append(f.id or f"{f.rule}@{f.path}")
    outputs = {o.path: _Output(o.path, o.sha512, errors.get(o.path, []))
               for o in manifest.output}
    notes: list[str] = []
    _decisions(ctx, tally, manifest, outputs, notes)
    required = ctx.policy.phases.rule("disclosure").required
    return OutputsView(tuple(_outcome(o, required) for o in outputs.values()), required,
                       tuple(dict.fromkeys(notes)))
