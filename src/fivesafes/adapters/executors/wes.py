"""The ``wes`` executor: the request's CWL Workflow RO-Crate runs on a GA4GH WES 1.0 engine.

The TRE's cluster runs the engine (Toil's WES server in the docs and tests); the runner only
submits and watches. The crate's files go as ``workflow_attachment`` with a relative
``workflow_url`` (the engine never fetches a workflow itself), the language version from the
file's ``cwlVersion`` checked against ``service-info`` first; the request's inputs become the
job by name, file inputs attached too. Only those inputs go into ``workflow_params``: a WES
server stores and echoes them, so nothing of the runner's environment ever does. The run id is
written into the attempt's folder the moment the run exists (creation is never retried: that
could start the workflow twice). The run is polled with growing pauses and cancelled when the
policy's timeout passes. On COMPLETE, output files are copied only from the shared folder the
engine and the runner both see (``executor.shared-dir``), and from the run's own folder in it
when there is one, so a run can never hand in another run's files; on EXECUTOR_ERROR,
SYSTEM_ERROR or CANCELED the attempt fails with the state and the failing step. The engine's
logs go to the attempt's ``logs/``, never the job log: a workflow may print data.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fivesafes.adapters.executors.base import ExecutionContext, ExecutionOutcome, ExecutorFailed
from fivesafes.adapters.executors.cwl_crate import CwlCrate, job_for, open_crate, stage_inputs
from fivesafes.adapters.executors.cwl_outputs import collect_outputs
from fivesafes.adapters.executors.wes_client import WesClient, WesError
from fivesafes.adapters.files.atomic import write_text
from fivesafes.models.ledger import Engine

TERMINAL = frozenset({"COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED"})
FAILED = frozenset({"EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED"})
CANCEL_WAIT = 120.0
MAX_PAUSE = 30.0
LOG_LIMIT = 50 * 1024 * 1024
ENGINE_NAMES = {"toil": "Toil", "cromwell": "Cromwell", "cwltool": "cwltool",
                "arvados": "Arvados", "nextflow": "Nextflow"}
RUN_FILE = "wes-run.json"


def pause(elapsed: float) -> float:
    """Seconds to wait before the next poll: 1 s at first, growing to 30 s on long runs."""
    return min(MAX_PAUSE, 1.0 + elapsed / 30.0)


def engine_of(info: Mapping[str, Any]) -> tuple[str, str]:
    versions = info.get("workflow_engine_versions")
    if isinstance(versions, dict) and versions:
        name, version = sorted(versions.items())[0]
        return ENGINE_NAMES.get(str(name).lower(), str(name)), str(version)
    return str(info.get("name") or "WES engine"), str(info.get("version") or "unknown")


def check_version(info: Mapping[str, Any], version: str) -> None:
    types = info.get("workflow_type_versions")
    offered: list[str] = []
    if isinstance(types, dict):
        for key, value in types.items():
            if str(key).lower() == "cwl" and isinstance(value, dict):
                offered = [str(v) for v in value.get("workflow_type_version") or []]
    if version not in offered:
        raise ExecutorFailed(f"the WES service does not run CWL {version} (it offers "
                             f"{', '.join(offered) or 'no CWL version'})")


def failing_step(log: Mapping[str, Any], main: str) -> str:
    """The most specific task that failed, as the engine names it, with its exit code."""
    tasks = [t for t in log.get("task_logs") or [] if isinstance(t, dict)
             and t.get("exit_code") not in (0, None)]
    steps = [t for t in tasks if str(t.get("name")) != main] or tasks
    if not steps:
        run_log = log.get("run_log")
        code = run_log.get("exit_code") if isinstance(run_log, dict) else None
        return f" (the engine exited with code {code})" if isinstance(code, int) else ""
    task = max(steps, key=lambda t: len(str(t.get("name", ""))))
    return f"; failing step {task.get('name')} (exit code {task.get('exit_code')})"


def secrets_of(context: ExecutionContext, token: str | None) -> list[str]:
    """Values that must never appear in workflow_params."""
    names = list(context.request.access.credentials.secrets.values())
    values = [context.env.get(n, "") for n in names] + [token or ""]
    return [v for v in values if len(v) >= 4]


class WesExecutor:
    kind = "wes"

    def __init__(self, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sleep, self.clock = sleep, clock

    def client(self, context: ExecutionContext) -> WesClient:
        executor = context.policy.executor
        if not executor.url:
            raise ExecutorFailed("the wes executor needs executor.url (the WES base URL) in "
                                 ".github/fivesafes.toml")
        token = None
        if executor.token_secret:
            token = context.env.get(executor.token_secret)
            if not token:
                raise ExecutorFailed(f"the wes executor needs its bearer token in the "
                                     f"environment variable {executor.token_secret}")
        try:
            return WesClient(executor.url, token, executor.token_secret, sleep=self.sleep)
        except WesError as exc:
            raise ExecutorFailed(str(exc)) from None

    def run(self, context: ExecutionContext) -> ExecutionOutcome:
        shared = context.policy.executor.shared_dir
        if not shared:
            raise ExecutorFailed("the wes executor needs executor.shared-dir: the folder where "
                                 "the engine's outputs are readable from the runner")
        client = self.client(context)
        context.staging.create()
        crate = open_crate(context)
        staged = stage_inputs(context)
        job = job_for(context, crate, staged, absolute=False)
        params = json.dumps(job, sort_keys=True)
        if any(secret in params for secret in secrets_of(context, client.token)):
            raise ExecutorFailed("a secret of the runner appears in the workflow's inputs; "
                                 "nothing was submitted")
        try:
            info = client.service_info()
            name, version = engine_of(info)
            check_version(info, crate.version)
            engine = Engine(name=name, version=version, language="CWL",
                            language_version=crate.version)
            run_id = self.submit(client, context, crate, staged, params)
        except WesError as exc:
            raise ExecutorFailed(str(exc)) from None
        engine = engine.model_copy(update={"run_id": run_id})
        if context.run_created is not None:
            context.run_created(engine)
        try:
            return self.follow(client, context, crate, engine, Path(shared))
        except WesError as exc:
            raise ExecutorFailed(f"run {run_id}: {exc}", engine) from None

    def submit(self, client: WesClient, context: ExecutionContext, crate: CwlCrate,
               staged: Mapping[str, str], params: str) -> str:
        fields = [("workflow_type", "CWL"), ("workflow_type_version", crate.version),
                  ("workflow_url", crate.main), ("workflow_params", params),
                  ("tags", json.dumps({"fivesafes_execution": context.execution_id}))]
        files = [(f, crate.folder / f) for f in crate.files]
        files += [(rel, context.staging.work / rel) for rel in staged.values()]
        try:
            run_id = client.create_run(fields, files)
        except WesError as exc:
            if exc.definite:
                raise
            raise WesError(f"{exc}; the run may have been created: look for the tag "
                           f"fivesafes_execution={context.execution_id} in the service's runs "
                           "before running again (nothing was submitted twice)") from None
        write_text(context.staging.root / RUN_FILE, json.dumps(
            {"run_id": run_id, "execution": context.execution_id}, sort_keys=True) + "\n")
        return run_id

    def wait(self, client: WesClient, run_id: str, until: float) -> str:
        """Poll the run's state until it is terminal or ``until`` passes; the last state."""
        started = self.clock()
        while True:
            state = client.status(run_id)
            if state in TERMINAL or self.clock() >= until:
                return state
            self.sleep(min(pause(self.clock() - started), max(0.0, until - self.clock())))

    def follow(self, client: WesClient, context: ExecutionContext, crate: CwlCrate,
               engine: Engine, shared: Path) -> ExecutionOutcome:
        timeout = context.policy.executor.timeout
        run_id = str(engine.run_id)
        state = self.wait(client, run_id, self.clock() + timeout)
        if state not in TERMINAL:
            late = f"the workflow did not finish within {timeout} s: the engine's run {run_id}"
            try:
                client.cancel(run_id)
                state = self.wait(client, run_id, self.clock() + CANCEL_WAIT)
                self.keep_logs(client, run_id, context)
            except WesError as exc:
                raise ExecutorFailed(f"{late} could not be cancelled ({exc})", engine) from None
            raise ExecutorFailed(f"{late} was cancelled (state {state})", engine)
        log = self.keep_logs(client, run_id, context)
        if state in FAILED:
            raise ExecutorFailed(f"the engine's run {run_id} ended {state}"
                                 f"{failing_step(log, crate.main)}; its logs are kept in the "
                                 "staging folder, outside git", engine)
        outputs = log.get("outputs")
        if not isinstance(outputs, dict):
            raise ExecutorFailed(f"the engine's run {run_id} completed without an outputs "
                                 "object", engine)
        own = shared / run_id  # Toil's layout: a run's files under <work_dir>/<run id>/
        try:
            results = collect_outputs(outputs, own if own.is_dir() else shared,
                                      context.staging.outputs)
        except ExecutorFailed as exc:
            raise ExecutorFailed(str(exc), engine) from None
        if not results:
            raise ExecutorFailed(f"the engine's run {run_id} produced no output files", engine)
        return ExecutionOutcome(results, f"{len(results)} output file(s) from {engine.name} "
                                f"{engine.version} run {run_id}", engine)

    def keep_logs(self, client: WesClient, run_id: str, context: ExecutionContext
                  ) -> dict[str, Any]:
        """The run log, written with the engine's stdout and stderr into ``logs/``."""
        log = client.run_log(run_id)
        logs = context.staging.logs
        write_text(logs / "wes-run-log.json", json.dumps(log, indent=2, sort_keys=True))
        run_log = log.get("run_log") if isinstance(log.get("run_log"), dict) else {}
        for stream in ("stdout", "stderr"):
            reference = (run_log or {}).get(stream)
            if isinstance(reference, str) and reference:
                client.download(reference, logs / f"engine-{stream}.log", LOG_LIMIT)
        return log
