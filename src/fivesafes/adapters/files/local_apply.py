"""Applying a plan without GitHub: the record in a checkout, the rest reported.

Offline (``handle --facts``) there is no pull request to label or comment on, so this applier
appends the plan's ``record`` entries to the checkout's action record (once per delivery,
written atomically) and reports every other effect as a line of what GitHub would be asked to
do; annotations and the step summary still go to the Actions runner when there is one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from fivesafes.adapters.ledger.file import read_record, write_record
from fivesafes.adapters.runner.actions import append_summary, emit_annotation, in_actions
from fivesafes.core.engine.plan import (
    AddLabel,
    Annotation,
    Comment,
    Commit,
    Dispatch,
    Effect,
    Plan,
    Record,
    RemoveLabel,
    RequestReviewers,
    Status,
    Summary,
)
from fivesafes.core.facts.values import Facts
from fivesafes.core.ledger import chain as ledger


def describe(effect: Effect) -> str:
    """One line saying what the effect asks for."""
    if isinstance(effect, Record):
        entry = effect.entry
        return f"record {entry.get('phase')} {entry.get('status')} {entry.get('id')}"
    if isinstance(effect, AddLabel):
        return f"add label {effect.label} to #{effect.pr}"
    if isinstance(effect, RemoveLabel):
        return f"remove label {effect.label} from #{effect.pr}: {effect.reason}"
    if isinstance(effect, Comment):
        return f"update the sticky comment of #{effect.pr} ({len(effect.body)} characters)"
    if isinstance(effect, Status):
        return f"status {effect.context} = {effect.state} on {effect.sha[:12]}: " \
               f"{effect.description}"
    if isinstance(effect, Commit):
        return f"commit to {effect.branch}: {effect.message}"
    if isinstance(effect, Dispatch):
        return f"start {effect.target} for #{effect.pr} at {effect.sha[:12]}"
    if isinstance(effect, Annotation):
        return f"annotation {effect.level}: {effect.message}"
    if isinstance(effect, RequestReviewers):
        who = [*effect.users, *(f"team {t}" for t in effect.teams)]
        return f"ask {', '.join(who)} to review #{effect.pr}"
    assert isinstance(effect, Summary)
    return f"step summary ({len(effect.markdown)} characters)"


class LocalApplier:
    """A :class:`fivesafes.core.engine.ports.PlanApplier` for a checkout (``repo_dir``), or none."""

    def __init__(self, repo_dir: Path | None, echo: Callable[[str], None]) -> None:
        self.repo_dir = repo_dir
        self.echo = echo

    def apply(self, plan: Plan, facts: Facts) -> None:
        entries = [e for e in plan.effects if isinstance(e, Record)]
        commits = [e for e in plan.effects if isinstance(e, Commit)]
        if entries and commits and self.repo_dir is not None:
            record = read_record(self.repo_dir)
            delivery = commits[0].delivery
            if ledger.delivered(record, delivery):
                self.echo(f"already recorded: {delivery}")
            else:
                for entry in entries:
                    record = ledger.append(record, dict(entry.entry))
                write_record(self.repo_dir, record)
                self.echo(f"recorded {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} "
                          f"in {self.repo_dir}")
        for effect in plan.effects:
            if isinstance(effect, Annotation):
                if in_actions():  # stderr: stdout may carry the plan as JSON
                    emit_annotation(effect.level, effect.message, effect.file, effect.line,
                                    effect.title, stream=sys.stderr)
            elif isinstance(effect, Summary):
                append_summary(effect.markdown)
            elif not isinstance(effect, Record):
                self.echo(f"not applied offline: {describe(effect)}")
