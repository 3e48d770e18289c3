"""The ``local`` executor: runs the policy's command on the machine the automation runs on.

Meant for a self-hosted runner inside the TRE, and for the demo. The command is the policy's
argv (never a shell string, never from the pull request) with ``{workflow}``,
``{workflow-crate}`` (the retrieved crate zip), ``{inputs}``, ``{outputs}`` and ``{source}``
substituted. It runs in the attempt's staging folder, outside the checkout, inside the
sandbox (:mod:`.sandbox`): a cleared environment, its own namespaces, and a view of the runner
holding only the system, the Python it needs, the approved workflow folder, what the command
is granted and the attempt's staging folder; in its own process group, under the policy's
timeout: on expiry the whole group is stopped. Its output goes to log files in the staging
folder, never to the job log, because a workflow may print data.

The data source is granted only to a command that names ``{source}``: a SQLite file path (that
one file shown read-only), or ``env:FIVESAFES_SOURCE_URL`` with the URL in that variable (a URL
may hold a password, and a command line is visible to every local user); a source reached
over the network brings the runner's network with it, unless the policy says otherwise.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from fivesafes.adapters.catalogue import sql as catalogue_sql
from fivesafes.adapters.executors import contained
from fivesafes.adapters.executors.base import (
    ExecutionContext,
    ExecutionOutcome,
    ExecutorFailed,
    collect_results,
)
from fivesafes.adapters.executors.sandbox.environment import workflow_environment
from fivesafes.adapters.files import atomic

SOURCE_URL_ENV = "FIVESAFES_SOURCE_URL"
FEEDBACK_ENV = "FIVESAFES_DISCLOSURE_FEEDBACK"


@dataclass(frozen=True)
class Grant:
    """What the command is given of the data source: ``{source}``'s text, variables, the files
    the sandbox shows, and whether it needs the runner's network."""

    text: str = ""
    env: dict[str, str] = field(default_factory=dict)
    files: tuple[Path, ...] = ()
    network: bool = False


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
    atomic.write_text(path, json.dumps(values, indent=2, sort_keys=True) + "\n")
    return path


def _url_grant(url: str) -> Grant:
    """A URL source: a SQLite URL's file is shown; any other source is reached by network."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return Grant(f"env:{SOURCE_URL_ENV}", {SOURCE_URL_ENV: url})
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite":
        path = database.removeprefix("file:").split("?", 1)[0]
        files = (Path(path),) if path and Path(path).is_absolute() else ()
        return Grant(f"env:{SOURCE_URL_ENV}", {SOURCE_URL_ENV: url}, files)
    return Grant(f"env:{SOURCE_URL_ENV}", {SOURCE_URL_ENV: url}, network=True)


def source_grant(context: ExecutionContext) -> Grant:
    """The ``{source}`` text and what the child needs to read it."""
    access = context.request.access
    name = catalogue_sql.url_secret(access)
    if name and context.env.get(name):
        return _url_grant(context.env[name])
    if access.source.type == "sqlite":
        try:
            path = catalogue_sql.sqlite_path(access, context.data_dir)
        except catalogue_sql.SourceUnavailable as exc:
            raise ExecutorFailed(str(exc)) from None
        return Grant(str(path), files=(path,))
    return Grant(f"env:{SOURCE_URL_ENV}")


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


def workflow_folder(context: ExecutionContext) -> Path | None:
    """The approved workflow folder of the project, when the workflow is one."""
    workflow = context.request.workflow.workflow.id
    if workflow.startswith(("https://", "http://")):
        return None
    return _inside(context.project_root, workflow, "workflow folder")


class LocalExecutor:
    kind = "local"

    def run(self, context: ExecutionContext) -> ExecutionOutcome:
        sandbox = contained.sandbox_of(context)
        staging = context.staging
        staging.create()
        inputs = write_inputs(context)
        uses_source = any("{source}" in arg for arg in context.policy.executor.command)
        grant = source_grant(context) if uses_source else Grant()
        argv = command(context, inputs, grant.text)
        granted = dict(grant.env)
        if context.feedback:  # the revise loop: what the checkers asked of the last attempt
            feedback = staging.work / "disclosure-feedback.json"
            atomic.write_text(feedback, json.dumps(dict(context.feedback), indent=2,
                                                   sort_keys=True) + "\n")
            granted[FEEDBACK_ENV] = str(feedback)
        env = workflow_environment(staging.work, granted)
        folder = workflow_folder(context)
        view = contained.view_for(context, (*([folder] if folder else []), *grant.files),
                                  network_granted=grant.network)
        timeout = context.policy.executor.timeout
        try:
            code = contained.run(sandbox, argv, view, env,
                                 (staging.logs / "stdout.log", staging.logs / "stderr.log"),
                                 timeout, f"the workflow command {argv[0]!r}")
        except contained.Timeout:
            raise ExecutorFailed(f"the workflow command did not finish within {timeout} s "
                                 "and was stopped") from None
        if code != 0:
            raise ExecutorFailed(f"the workflow command exited with status {code}; its logs "
                                 "are kept in the staging folder, outside git")
        results = collect_results(staging.outputs)
        if not results:
            raise ExecutorFailed("the workflow command wrote no files into its outputs folder")
        return ExecutionOutcome(results, f"{len(results)} output file(s)")
