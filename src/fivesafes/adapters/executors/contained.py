"""Starting a workflow's process for the ``local`` and ``cwl`` executors: in the sandbox, in its
own process group, with output to log files, under the policy's timeout.

The view is built from the attempt: its staging folder is the one writable place (the
retrieved crate in it read-only), the checkout, the whole staging root and the data folder are
private (nothing in them is shown unless granted), the runner's home, work and temporary
folders protected. A program the workflow starts that the sandbox would not show is refused
before anything runs, naming the policy key that shows it. On timeout the whole group gets
SIGTERM, then SIGKILL: the sandbox's outer process dies, and with it every process inside.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

from fivesafes.adapters.catalogue.sql import DATA_DIR_ENV
from fivesafes.adapters.executors.base import ExecutionContext, ExecutorFailed
from fivesafes.adapters.executors.sandbox import Sandbox
from fivesafes.adapters.executors.sandbox.probe import choose
from fivesafes.adapters.executors.sandbox.view import PathRefused, View, runner_folders, shows

GRACE_SECONDS = 5


class Timeout(Exception):
    pass


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


def sandbox_of(context: ExecutionContext) -> Sandbox:
    """The sandbox the service chose, else the policy's choice now."""
    return context.sandbox or choose(context.policy.executor.sandbox)


def view_for(context: ExecutionContext, readable: Sequence[Path] = (),
             network_granted: bool = False) -> View:
    """What the attempt's workflow sees (docs/executors.md, "The sandbox")."""
    executor = context.policy.executor
    network = {"none": False, "host": True}.get(executor.sandbox_network, network_granted)
    staging = context.staging
    data = context.data_dir or (Path(os.environ[DATA_DIR_ENV])
                                if os.environ.get(DATA_DIR_ENV) else None)
    private = [context.project_root.absolute(), staging.root.parent.parent]
    if data is not None:
        private.append(data.absolute())
    shown = [*readable]
    if staging.workflow_crate.parent.is_dir():
        shown.append(staging.workflow_crate.parent)  # retrieved and hashed: read-only
    return View(cwd=staging.work, writable=(staging.root,), readable=tuple(shown),
                protected=runner_folders(), private=tuple(private),
                extra=tuple(executor.sandbox_read_only), network=network)


def _program(argv: Sequence[str], env: dict[str, str]) -> str | None:
    return shutil.which(argv[0], path=env.get("PATH")) if argv else None


def run(sandbox: Sandbox, argv: Sequence[str], view: View, env: dict[str, str],
        logs: tuple[Path, Path], timeout: float, what: str) -> int:
    """Run ``argv`` in ``sandbox``; its exit status, Timeout, or ExecutorFailed naming
    ``what`` when it cannot start."""
    try:
        plan = sandbox.plan(view)
    except PathRefused as exc:
        raise ExecutorFailed(str(exc)) from None
    program = _program(argv, env)
    if program is None:
        raise ExecutorFailed(f"{what} could not be started (no such program)")
    if plan and not shows(plan, Path(program)):
        raise ExecutorFailed(f"{what} could not be started: {program} is not visible inside "
                             "the sandbox; show its folder with executor.sandbox-read-only")
    with logs[0].open("wb") as out, logs[1].open("wb") as err, \
            sandbox.command(argv, view) as command:
        try:
            process = subprocess.Popen(command, cwd=view.cwd, env=env, stdout=out, stderr=err,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            raise ExecutorFailed(f"{what} could not be started "
                                 f"({exc.strerror or type(exc).__name__})") from None
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Timeout from None
        finally:
            stop_group(process)  # no stray children outlive the run
