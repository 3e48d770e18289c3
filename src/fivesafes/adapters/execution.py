"""Runs an approved request: the execution phase, recorded attempt by attempt.

The request's CreateAction goes Active in the action record before the executor starts, then
Completed with each output's path, size, sha-512, media type and rows, or Failed with the
reason. A re-run (a maintainer's dispatch after a failure) is a new attempt with the next
number and its own staging folder: earlier attempts are never overwritten.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fivesafes.adapters import clock
from fivesafes.adapters.executors import executor_for
from fivesafes.adapters.executors.base import (
    ExecutionContext,
    Executor,
    ExecutorFailed,
    Staging,
    staging_for,
    staging_root,
)
from fivesafes.adapters.project_files import load_project
from fivesafes.adapters.record_io import actor, append_entry, run_evidence
from fivesafes.core.ids import derived_urn
from fivesafes.core.lifecycle import execution_entry, execution_gate, next_attempt
from fivesafes.core.pr_checks import request_files, sha512_files
from fivesafes.models.ledger import ActionEntry, Result, Status
from fivesafes.models.policy import Policy


class GateClosed(Exception):
    """The action record does not allow this step; the message says why."""


@dataclass(frozen=True)
class RunOptions:
    staging_root: Path | None = None
    data_dir: Path | None = None
    env: Mapping[str, str] | None = None
    executor: Executor | None = None


def attempt_staging(root: Path, policy: Policy, request_id: str, attempt: int,
                    options: RunOptions) -> Staging:
    return staging_for(root, staging_root(policy, options.staging_root), request_id, attempt)


def execute(root: Path, options: RunOptions | None = None) -> ActionEntry:
    """Record Active, run the policy's executor, record Completed or Failed; the last entry."""
    options = options or RunOptions()
    env = dict(os.environ) if options.env is None else dict(options.env)
    project = load_project(root)
    request, policy = project.request, project.policy
    digest = sha512_files(request_files(project.files))
    reason = execution_gate(project.record, digest)
    if reason:
        raise GateClosed(reason)
    attempt = next_attempt(project.record)
    staging = attempt_staging(root, policy, request.id, attempt, options)
    if staging.root.exists():
        shutil.rmtree(staging.root)  # an attempt that never got recorded
    start = clock.stamp()
    people = actor(env)
    append_entry(root, execution_entry(
        request.id, attempt, "active", start=start, end=None, agents=people,
        evidence=run_evidence("execution", f"attempt-{attempt}:active", env, digest),
        reason=f"executor {policy.executor.kind} started"))
    executor = options.executor or executor_for(policy.executor.kind)
    context = ExecutionContext(root, request, policy, staging,
                               derived_urn(request.id, "execution-run", attempt), env,
                               options.data_dir)
    status: Status = "completed"
    results: tuple[Result, ...] = ()
    try:
        outcome = executor.run(context)
    except ExecutorFailed as exc:
        status, why = "failed", f"executor {executor.kind}: {exc}"
    except Exception as exc:
        append_entry(root, execution_entry(
            request.id, attempt, "failed", start=start, end=clock.stamp(), agents=people,
            evidence=run_evidence("execution", f"attempt-{attempt}:failed", env, digest),
            reason=f"executor {executor.kind} failed unexpectedly ({type(exc).__name__})"))
        raise
    else:
        why, results = f"executor {executor.kind}: {outcome.summary}", outcome.results
    record = append_entry(root, execution_entry(
        request.id, attempt, status, start=start, end=clock.stamp(), agents=people,
        evidence=run_evidence("execution", f"attempt-{attempt}:{status}", env, digest),
        reason=why, results=results))
    return record.action[-1]
