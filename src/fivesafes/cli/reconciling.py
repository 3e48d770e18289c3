"""Reconciling the record with the merges it is missing: shared by ``reconcile`` and ``handle``.

``handle`` runs it on a push to the default branch (and on the schedule), ``reconcile`` on its
own; both list the merged pull requests (the API, or offline the facts file's one merge), plan
what each lost ``closed`` run would have planned, and apply it, then dispatch what a recorded
merge should have started.
"""

from __future__ import annotations

import os
from pathlib import Path

from fivesafes.adapters.files.facts_file import FileFacts
from fivesafes.adapters.runner.clock import stamp
from fivesafes.cli.errors import failing
from fivesafes.cli.event_io import applier, facts_source, fetch, github_mode, repository_mismatch
from fivesafes.core.engine.plan import Plan, Summary
from fivesafes.core.engine.planner import parse_record, plan_event
from fivesafes.core.engine.reconcile import Merged, merge_event, missing, unstarted
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.events import Event
from fivesafes.core.facts.values import Facts
from fivesafes.errors import FindingsError


def _merged(facts_path: Path | None, repo_dir: Path | None, probe: Event,
            repository: str) -> tuple[list[Merged], Facts]:
    """The merged pull requests to look at, and the facts of the default branch."""
    if github_mode(facts_path, probe):
        from fivesafes.adapters.github.api import GitHubApi
        from fivesafes.adapters.github.facts import merged_pulls

        base = fetch(facts_source(None, repo_dir, probe), probe)
        with failing("listing the merged pull requests failed"):
            return merged_pulls(GitHubApi.from_env(), repository, base.default_branch), base
    base = fetch(FileFacts(facts_path, repo_dir), probe)
    pr = base.pr
    if pr is None or not pr.merged or not pr.merge_commit_sha or not pr.merged_at:
        return [], base
    return [Merged(pr.number, pr.merge_commit_sha, pr.merged_at, pr.base_ref)], base


def reconcile_merges(facts_path: Path | None, repo_dir: Path | None, dry_run: bool,
                     repository: str = "", default_branch: str = "",
                     start: bool = False) -> list[Plan]:
    """Plan (and unless ``dry_run`` apply) the merge of every merged pull request the record
    is missing; raises :class:`FindingsError` when the repositories disagree."""
    repository = repository or os.environ.get("GITHUB_REPOSITORY", "")
    probe = Event("reconcile", "", "push", Actor("fivesafes[bot]", "Bot"), "reconcile",
                  repository, default_branch)
    merged, base = _merged(facts_path, repo_dir, probe, repository)
    why = repository_mismatch(probe, base)
    if why is not None:
        raise FindingsError(why)
    record, problem = parse_record(base.record)
    if record is None:
        raise FindingsError(f"the action record is unreadable: {problem}")
    plans: list[Plan] = []
    for found in missing(record, merged, base.default_branch):
        event = merge_event(found, repository or base.run.repository, base.default_branch)
        facts = fetch(facts_source(facts_path, repo_dir, event), event)
        plan = plan_event(event, facts, stamp())
        plans.append(plan)
        if not dry_run:
            with failing("applying the plan failed"):
                applier(facts_path, repo_dir, event).apply(plan, facts)
    if start:
        plans += _start_unstarted(facts_path, repo_dir, dry_run, probe, merged)
    return plans


def _start_unstarted(facts_path: Path | None, repo_dir: Path | None, dry_run: bool,
                     probe: Event, merged: list[Merged]) -> list[Plan]:
    """Dispatch what a recorded merge should have started (a lost dispatch)."""
    base = fetch(facts_source(facts_path, repo_dir, probe), probe)
    record, _ = parse_record(base.record)
    dispatch = unstarted(record, merged, stamp()) if record is not None else None
    if dispatch is None:
        return []
    reason = (f"#{dispatch.pr} was merged and recorded but {dispatch.target} never started; "
              f"{dispatch.target} is dispatched (the gate judges it on the record)")
    plan = Plan(dispatch.target, "completed", reason,
                (dispatch, Summary(f"**fivesafes:** {reason}\n")))
    if not dry_run:
        with failing(f"starting {dispatch.target} failed"):
            applier(facts_path, repo_dir, probe).apply(plan, base)
    return [plan]
