"""The ``cwl`` executor: the request's CWL Workflow RO-Crate runs with cwltool on the runner.

The embedded engine for a TRE with one runner (the optional extra ``fivesafes-gitops[cwl]``
installs cwltool beside fivesafes). The crate is opened, the inputs mapped and checked exactly
as for ``wes``; cwltool then runs the main CWL file in the attempt's ``work/`` with its own
output and temporary folders there. The whole cwltool run, every tool it starts included, is
inside the sandbox (:mod:`.sandbox`) of the ``local`` executor: a cleared environment, its
own namespaces, a view of the runner holding only the system, the Python running cwltool (its
site-packages read-only), a workflow folder of the project and the attempt's staging folder.
A CWL workflow is granted no data source and no network (unless the policy's
``sandbox-network`` is ``host``); containers (``DockerRequirement``) are not available in it.
Its output object (stdout) names the files it produced; they are copied into ``outputs/`` only
from its output folder, which plays the part of the shared folder. Its logs stay in ``logs/``.

:func:`run_engine` is the one place the engine process starts.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from fivesafes.adapters.executors import contained
from fivesafes.adapters.executors.base import ExecutionContext, ExecutionOutcome, ExecutorFailed
from fivesafes.adapters.executors.cwl_crate import job_for, open_crate, stage_inputs
from fivesafes.adapters.executors.cwl_outputs import collect_outputs
from fivesafes.adapters.executors.sandbox import Sandbox
from fivesafes.adapters.executors.sandbox.environment import workflow_environment
from fivesafes.adapters.executors.sandbox.view import View
from fivesafes.adapters.files import atomic
from fivesafes.models.ledger import Engine

FAILED_STEP = re.compile(rb"^\S+ \[step ([A-Za-z0-9_.-]+)\] completed permanentFail", re.M)


class EngineTimeout(Exception):
    pass


def cwltool_command() -> tuple[list[str], str]:
    """(argv prefix, version) of cwltool: the installed module, else ``cwltool`` on PATH."""
    if importlib.util.find_spec("cwltool") is not None:
        # not ``-m cwltool``: its __main__ drops the exit status of a failed workflow
        return ([sys.executable, "-c", "import sys; from cwltool.main import run; "
                 "sys.exit(run())"], importlib.metadata.version("cwltool"))
    found = shutil.which("cwltool")
    if found is None:
        raise ExecutorFailed("the cwl executor needs cwltool on the runner: install "
                             "fivesafes-gitops[cwl]")
    answer = subprocess.run([found, "--version"], capture_output=True, text=True,
                            timeout=60, check=False)
    return [found], (answer.stdout.split() or ["unknown"])[-1]


def run_engine(sandbox: Sandbox, argv: list[str], view: View, env: dict[str, str],
               stdout: Path, stderr: Path, timeout: float) -> int:
    """Run the engine inside the sandbox, in its own process group; its exit code, or
    EngineTimeout."""
    try:
        return contained.run(sandbox, argv, view, env, (stdout, stderr), timeout, "cwltool")
    except contained.Timeout:
        raise EngineTimeout from None


def failing_step(log: Path) -> str:
    """The failing step's name as cwltool logs it (the name only: a log may hold data)."""
    try:
        found = FAILED_STEP.findall(log.read_bytes()[-1024 * 1024:])
    except OSError:
        return ""
    return f"; failing step {found[0].decode()}" if found else ""


class CwlExecutor:
    kind = "cwl"

    def run(self, context: ExecutionContext) -> ExecutionOutcome:
        sandbox = contained.sandbox_of(context)
        prefix, version = cwltool_command()
        staging = context.staging
        staging.create()
        crate = open_crate(context)
        job = job_for(context, crate, stage_inputs(context), absolute=True)
        engine = Engine(name="cwltool", version=version, language="CWL",
                        language_version=crate.version)
        work = staging.work
        job_file = work / "cwl-job.json"
        atomic.write_text(job_file, json.dumps(job, indent=2, sort_keys=True) + "\n")
        produced = work / "cwl-outputs"
        for folder in (produced, work / "cwl-tmp"):
            folder.mkdir(parents=True, exist_ok=True)
        argv = [*prefix, "--outdir", str(produced), "--tmpdir-prefix", f"{work}/cwl-tmp/",
                "--tmp-outdir-prefix", f"{work}/cwl-tmp/",
                "--disable-color", "--skip-schemas",
                str(crate.folder / crate.main), str(job_file)]
        # HOME is the attempt's work folder: nothing of the runner's home is read or written
        env = workflow_environment(work)
        inside = crate.folder.is_relative_to(staging.root)
        view = contained.view_for(context, () if inside else (crate.folder,))
        timeout = context.policy.executor.timeout
        out, err = staging.logs / "cwltool-stdout.json", staging.logs / "stderr.log"
        try:
            code = run_engine(sandbox, argv, view, env, out, err, timeout)
        except EngineTimeout:
            raise ExecutorFailed(f"the workflow did not finish within {timeout} s: cwltool was "
                                 "stopped", engine) from None
        if code != 0:
            raise ExecutorFailed(f"cwltool exited with status {code}{failing_step(err)}; its "
                                 "logs are kept in the staging folder, outside git", engine)
        try:
            outputs = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ExecutorFailed("cwltool printed no output object", engine) from None
        if not isinstance(outputs, dict):
            raise ExecutorFailed("cwltool printed no output object", engine)
        try:
            results = collect_outputs(outputs, produced, staging.outputs)
        except ExecutorFailed as exc:
            raise ExecutorFailed(str(exc), engine) from None
        if not results:
            raise ExecutorFailed("the workflow produced no output files", engine)
        return ExecutionOutcome(results, f"{len(results)} output file(s) from cwltool "
                                f"{version}", engine)
