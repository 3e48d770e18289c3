"""Runs an approved request: the execution phase, recorded attempt by attempt.

A workflow given by URL is retrieved first (the workflow-retrieval phase: where from, its
sha-512), into the attempt's staging folder; a failed retrieval, or bytes that differ from the
first retrieval of the same URL, is recorded and the workflow does not run (the execution is
recorded Failed with that reason). Then the request's CreateAction goes Active in the action
record before the executor starts, then Completed with each output's path, size, sha-512,
media type and rows, or Failed with the reason. A re-run (a maintainer's dispatch after a
failure) is a new attempt with the next number and its own staging folder, and retrieves the
workflow again: earlier attempts are never overwritten.

An executor that runs researcher code on the runner (``local``, ``cwl``) runs it in the
sandbox the policy's ``executor.sandbox`` asks for; it is chosen before anything is staged, so
a runner without isolation refuses (exit 1) with nothing run and nothing recorded, and every
execution entry of the attempt says which sandbox it ran in (``evidence.sandbox``).

What an attempt is given before it runs (the run options, its staging folder, the retrieval
step) is :mod:`fivesafes.services.attempt`.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fivesafes.adapters.executors import executor_for
from fivesafes.adapters.executors.base import ExecutionContext, ExecutorFailed
from fivesafes.adapters.executors.retrieval import mirror_folder
from fivesafes.adapters.executors.sandbox import RUNS_RESEARCHER_CODE, Sandbox
from fivesafes.adapters.executors.sandbox.probe import choose
from fivesafes.adapters.files.project import load_project
from fivesafes.adapters.ledger.append import actor, append_entry, run_evidence
from fivesafes.adapters.runner import clock
from fivesafes.core.decisions.people import execution_barred
from fivesafes.core.ids import derived_urn
from fivesafes.core.ledger.entries import registry_agent
from fivesafes.core.ledger.queries import latest, next_attempt
from fivesafes.core.lifecycle.retrieval import retrieval_url
from fivesafes.core.lifecycle.steps import execution_entry, execution_gate, revising
from fivesafes.core.request.digest import request_files, sha512_files
from fivesafes.core.request.parsed import Request
from fivesafes.errors import FindingsError
from fivesafes.models.ledger import ActionEntry, ActionRecord, Engine, Result, Status
from fivesafes.models.policy import Policy
from fivesafes.services.attempt import GateClosed, Retrieval, RunOptions, attempt_staging


class ExecutionRefused(FindingsError):
    """The project or its people allow no execution today; the refusal is recorded."""

    def __init__(self, entry: ActionEntry) -> None:
        super().__init__(entry.reason)
        self.entry = entry


def feedback(record: ActionRecord, policy: Policy) -> dict[str, Any] | None:
    """What output checkers asked of the latest outputs, when this run revises them."""
    if not revising(record):
        return None
    disclosure = latest(record, "disclosure")
    assert disclosure is not None
    asked = {o.path: o.reason for o in disclosure.outputs if o.outcome == "changes-requested"}
    return {"attempt": next_attempt(record), "min-cell-count": policy.disclosure.min_cell_count,
            "changes-requested": asked or dict.fromkeys(disclosure.changes_requested, "")}


def execute(root: Path, options: RunOptions | None = None) -> ActionEntry:
    """Retrieve a URL workflow, record Active, run the policy's executor, record Completed or
    Failed; the last entry (Failed without running when the retrieval failed)."""
    options = options or RunOptions()
    env = dict(os.environ) if options.env is None else dict(options.env)
    project = load_project(root)
    request, policy = project.request, project.policy
    digest = sha512_files(request_files(project.files))
    reason = execution_gate(project.record, digest)
    if reason:
        raise GateClosed(reason)
    attempt = next_attempt(project.record)
    people = tuple(registry_agent(a, policy.people) for a in actor(env))  # ORCID if listed
    _refuse_if_barred(root, project.record, request, policy, attempt, people, env, digest)
    sandbox = _sandbox(policy)  # refuses here, before anything runs, when isolation is missing
    staging = attempt_staging(root, policy, request.id, attempt, options)
    if staging.root.exists():
        shutil.rmtree(staging.root)  # an attempt that never got recorded
    crate: Path | None = None
    url = retrieval_url(request.workflow.workflow, policy.executor.kind)
    if url is not None:
        retrieval = Retrieval(root, request.id, attempt, url, env, people,
                              request.workflow.workflow.sha512)
        not_run = functools.partial(_not_run, retrieval, digest, sandbox)
        try:
            failure, crate = retrieval.run(project.record, staging.workflow_crate,
                                           mirror_folder(policy, options.workflow_mirror, env))
        except Exception:
            not_run("the retrieval failed unexpectedly")
            raise
        if failure is not None:
            return not_run(failure)
    start = clock.stamp()

    def evidence(step: str) -> dict[str, Any]:
        return _evidence(f"attempt-{attempt}:{step}", env, digest, sandbox)

    append_entry(root, execution_entry(
        request.id, attempt, "active", start=start, end=None, agents=people,
        evidence=evidence("active"), reason=f"executor {policy.executor.kind} started"))
    executor = options.executor or executor_for(policy.executor.kind)

    def run_created(engine: Engine) -> None:
        append_entry(root, execution_entry(
            request.id, attempt, "active", start=start, end=None, agents=people,
            evidence=evidence("run-created"),
            reason=f"executor {executor.kind}: {engine.name} created run {engine.run_id}",
            engine=engine, step="run-created"))

    context = ExecutionContext(root, request, policy, staging,
                               derived_urn(request.id, "execution-run", attempt), env,
                               options.data_dir, crate, run_created=run_created,
                               feedback=feedback(project.record, policy), sandbox=sandbox)
    status: Status = "completed"
    results: tuple[Result, ...] = ()
    engine: Engine | None = None
    try:
        outcome = executor.run(context)
    except ExecutorFailed as exc:
        status, why, engine = "failed", f"executor {executor.kind}: {exc}", exc.engine
    except Exception as exc:
        append_entry(root, execution_entry(
            request.id, attempt, "failed", start=start, end=clock.stamp(), agents=people,
            evidence=evidence("failed"),
            reason=f"executor {executor.kind} failed unexpectedly ({type(exc).__name__})"))
        raise
    else:
        why, results = f"executor {executor.kind}: {outcome.summary}", outcome.results
        engine = outcome.engine
    record = append_entry(root, execution_entry(
        request.id, attempt, status, start=start, end=clock.stamp(), agents=people,
        evidence=evidence(status), reason=why, results=results, engine=engine))
    return record.action[-1]


def _sandbox(policy: Policy) -> Sandbox | None:
    """The sandbox of an executor that runs researcher code here, or SandboxUnavailable."""
    if policy.executor.kind not in RUNS_RESEARCHER_CODE:
        return None  # extract runs the package's code; http and wes run nothing here
    return choose(policy.executor.sandbox)


def _evidence(step: str, env: Mapping[str, str], digest: str,
              sandbox: Sandbox | None) -> dict[str, Any]:
    evidence = run_evidence("execution", step, env, digest)
    if sandbox is not None:
        evidence["sandbox"] = sandbox.kind
    return evidence


def _not_run(retrieval: Retrieval, digest: str, sandbox: Sandbox | None,
             why: str) -> ActionEntry:
    """Record the attempt Failed because its workflow was not retrieved; that entry."""
    now, attempt = clock.stamp(), retrieval.attempt
    record = append_entry(retrieval.root, execution_entry(
        retrieval.request_id, attempt, "failed", start=now, end=now, agents=retrieval.people,
        evidence=_evidence(f"attempt-{attempt}:failed", retrieval.env, digest, sandbox),
        reason=f"the workflow was not retrieved, so it did not run: {why}"))
    return record.action[-1]


def _refuse_if_barred(root: Path, record: ActionRecord, request: Request, policy: Policy,
                      attempt: int, people: tuple[dict[str, Any], ...],
                      env: Mapping[str, str], digest: str) -> None:
    """Record a refusal and raise when the project (ended, an agreement expired) or its
    researchers' accreditation no longer allow the execution the sign-off approved."""
    why = execution_barred(request.project, policy, clock.now().date())
    if why is None:
        return
    now = clock.stamp()
    fields = execution_entry(
        request.id, attempt, "refused", start=now, end=now, agents=people,
        evidence=run_evidence("execution", f"attempt-{attempt}:refused", env, digest),
        reason=f"execution refused: {why}")
    fields = fields.model_copy(
        update={"id": derived_urn(request.id, "execution-refused", len(record.action))})
    raise ExecutionRefused(append_entry(root, fields).action[-1])
