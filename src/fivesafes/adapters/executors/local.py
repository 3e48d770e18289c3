"""The ``local`` executor: runs the policy's command on the machine the automation runs on.

Meant for a self-hosted runner inside the TRE, and for the demo. The command is the policy's
argv (never a shell string, never from the pull request) with ``{workflow}``,
``{workflow-crate}`` (the retrieved crate zip), ``{inputs}``, ``{outputs}`` and ``{source}``
substituted. It runs in the attempt's staging folder, outside the checkout, in its own process
group with a minimal environment (no GitHub token reaches the workflow), under the policy's
timeout: on expiry the whole group is stopped. Its output
goes to log files in the staging folder, never to the job log, because a workflow may print
data. ``{source}`` is a SQLite file path, or ``env:FIVESAFES_SOURCE_URL`` with the URL in that
variable: a URL may hold a password, and a command line is visible to every local user.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

from fivesafes.adapters.catalogue import sql as catalogue_sql
from fivesafes.adapters.executors.base import (
    ExecutionContext,
    ExecutionOutcome,
    ExecutorFailed,
    collect_results,
)

SOURCE_URL_ENV = "FIVESAFES_SOURCE_URL"
FEEDBACK_ENV = "FIVESAFES_DISCLOSURE_FEEDBACK"
PASSED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "SOURCE_DATE_EPOCH",
              "VIRTUAL_ENV", "PYTHONPATH", "SYSTEMROOT")
GRACE_SECONDS = 5


def _inside(root: Path, relative: str, what: str) -> Path:
    parts = PurePosixPath(relative)
    path = (root / relative).resolve()
    if parts.is_absolute() or ".." in parts.parts or not path.is_relative_to(root.resolve()):
        raise ExecutorFailed(f"{what} {relative!r} must be a path inside the project")
    return path


def write_inputs(context: ExecutionContext) -> Path:
    """inputs.json in the work folder: name -> value, or the path of a copied input file."""
    values: dict[str, Any] = {}
    copies = context.staging.work / "inputs"
    for item in context.request.workflow.workflow.inputs:
        if item.file is not None:
            source = _inside(context.project_root, item.file, f"input file of {item.name}")
            copies.mkdir(parents=True, exist_ok=True)
            target = copies / source.name
            shutil.copyfile(source, target)
            values[item.name] = str(target)
        else:
            values[item.name] = item.value
    path = context.staging.work / "inputs.json"
    path.write_text(json.dumps(values, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def source_argument(context: ExecutionContext) -> tuple[str, dict[str, str]]:
    """The ``{source}`` text and any variable the child needs to read it."""
    access = context.request.access
    name = catalogue_sql.url_secret(access)
    if name and context.env.get(name):
        return f"env:{SOURCE_URL_ENV}", {SOURCE_URL_ENV: context.env[name]}
    if access.source.type == "sqlite":
        try:
            return str(catalogue_sql.sqlite_path(access, context.data_dir)), {}
        except catalogue_sql.SourceUnavailable as exc:
            raise ExecutorFailed(str(exc)) from None
    return f"env:{SOURCE_URL_ENV}", {}


def command(context: ExecutionContext, inputs: Path, source: str) -> list[str]:
    argv = list(context.policy.executor.command)
    if not argv:
        raise ExecutorFailed("the policy's executor.command is empty; set the argv to run in "
                             ".github/fivesafes.toml")
    workflow = context.request.workflow.workflow.id
    if not workflow.startswith(("https://", "http://")):
        workflow = str(_inside(context.project_root, workflow, "workflow folder"))
    values = {"{workflow}": workflow, "{inputs}": str(inputs),
              "{outputs}": str(context.staging.outputs), "{source}": source}
    if any("{workflow-crate}" in arg for arg in argv):
        if context.workflow_crate is None:
            raise ExecutorFailed("the command uses {workflow-crate} but no Workflow RO-Crate "
                                 "was retrieved: the workflow is a folder or names no "
                                 "distribution")
        values["{workflow-crate}"] = str(context.workflow_crate)
    result = []
    for arg in argv:
        for placeholder, value in values.items():
            arg = arg.replace(placeholder, value)
        result.append(arg)
    if result[0] in ("python", "python3"):
        result[0] = sys.executable  # the interpreter fivesafes runs under, not PATH's
    return result


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the whole process group: TERM, a grace period, then KILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            process.wait(timeout=GRACE_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


class LocalExecutor:
    kind = "local"

    def run(self, context: ExecutionContext) -> ExecutionOutcome:
        staging = context.staging
        staging.create()
        inputs = write_inputs(context)
        uses_source = any("{source}" in arg for arg in context.policy.executor.command)
        source, extra_env = source_argument(context) if uses_source else ("", {})
        argv = command(context, inputs, source)
        env = {k: v for k, v in os.environ.items() if k in PASSED_ENV} | extra_env
        if context.feedback:  # the revise loop: what the checkers asked of the last attempt
            feedback = staging.work / "disclosure-feedback.json"
            feedback.write_text(json.dumps(dict(context.feedback), indent=2, sort_keys=True)
                                + "\n", encoding="utf-8")
            env[FEEDBACK_ENV] = str(feedback)
        timeout = context.policy.executor.timeout
        with (staging.logs / "stdout.log").open("wb") as out, \
                (staging.logs / "stderr.log").open("wb") as err:
            try:
                process = subprocess.Popen(argv, cwd=staging.work, env=env, stdout=out,
                                           stderr=err, stdin=subprocess.DEVNULL,
                                           start_new_session=True)
            except OSError as exc:
                raise ExecutorFailed(f"the workflow command {argv[0]!r} could not be started "
                                     f"({exc.strerror or type(exc).__name__})") from None
            try:
                code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                stop_group(process)
                raise ExecutorFailed(f"the workflow command did not finish within {timeout} s "
                                     "and was stopped") from None
            finally:
                stop_group(process)  # no stray children outlive the run
        if code != 0:
            raise ExecutorFailed(f"the workflow command exited with status {code}; its logs "
                                 "are kept in the staging folder, outside git")
        results = collect_results(staging.outputs)
        if not results:
            raise ExecutorFailed("the workflow command wrote no files into its outputs folder")
        return ExecutionOutcome(results, f"{len(results)} output file(s)")
