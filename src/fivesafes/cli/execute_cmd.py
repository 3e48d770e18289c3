"""``fivesafes execute [PROJECT_DIR]``: run the signed-off request inside the TRE."""

from __future__ import annotations

from pathlib import Path

import click

from fivesafes.adapters.executors.base import ExecutorFailed
from fivesafes.adapters.git.lifecycle import commit_paths, is_repo, record_remotely
from fivesafes.adapters.ledger.append import refresh_crate
from fivesafes.adapters.ledger.file import read_record
from fivesafes.cli.errors import failing
from fivesafes.cli.handback_flag import handback_option, refuse_recording
from fivesafes.cli.output import Output, json_option
from fivesafes.core import layout
from fivesafes.core.ledger.chain import entry_fields
from fivesafes.errors import OK, FindingsError
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import ExecutionRefused
from fivesafes.services.execute import execute as run_execution
from fivesafes.services.software import software


@click.command()
@click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--staging-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder OUTSIDE the checkout for outputs and logs (default: "
                   "$FIVESAFES_STAGING_DIR, the policy's executor.staging-dir, or "
                   "~/.local/state/fivesafes/staging).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="TRE data folder holding SQLite sources (default: $FIVESAFES_DATA_DIR).")
@click.option("--workflow-mirror", type=click.Path(file_okay=False, path_type=Path),
              help="TRE folder of approved Workflow RO-Crate zips; set, a workflow given by "
                   "URL is read from it, never downloaded (default: $FIVESAFES_WORKFLOW_MIRROR, "
                   "the policy's executor.workflow-mirror, else an https download).")
@click.option("--commit/--no-commit", default=None,
              help="Commit the record and crate locally (default: in a git checkout).")
@click.option("--push", is_flag=True,
              help="Record on origin's branch instead, by compare-and-swap (the automation).")
@handback_option("write the attempt's record entries to a hand-back in this folder; a "
                 "hosted job records them (`fivesafes handback`).")
@json_option
def execute(project_dir: Path, staging_dir: Path | None, data_dir: Path | None,
            workflow_mirror: Path | None, commit: bool | None, push: bool,
            handback_dir: Path | None, as_json: bool) -> None:
    """Run the policy's executor on the signed-off request and record the attempt.

    Refuses (exit 1) unless the action record holds a completed sign-off of exactly the
    request files present; refuses and records it (exit 1) after the project's end date,
    with an expired agreement, or a researcher no longer accredited. A workflow given by URL
    is retrieved first (from the TRE's workflow mirror, else by https) and its sha-512
    recorded. The request's CreateAction is recorded Active, then Completed with each
    output's path, size and sha-512, or Failed with the reason (exit 3; also when the
    workflow could not be retrieved, or changed since its first retrieval). A re-run is a
    new attempt; earlier attempts stay in the record. Output data stays in the staging folder.
    """
    refuse_recording(handback_dir, {"--push": push, "--commit": commit})
    options = RunOptions(staging_root=staging_dir, data_dir=data_dir,
                         workflow_mirror=workflow_mirror)
    refused: ExecutionRefused | None = None
    with failing("execute refused"):
        before = len(read_record(project_dir).action)
        try:
            entry = run_execution(project_dir, options)
        except ExecutionRefused as exc:  # recorded: reported below, then exit 1
            refused, entry = exc, exc.entry
    refresh_crate(project_dir, software())
    message = f"fivesafes: execution attempt {entry.attempt} {entry.status}"
    if refused is not None:
        message = f"fivesafes: execution attempt {entry.attempt} refused"
    out = Output(as_json)
    if handback_dir is not None:
        code = (ExecutionRefused.exit_code if refused is not None
                else OK if entry.status == "completed" else ExecutorFailed.exit_code)
        out.line(hand_back(handback_dir, project_dir, before, message, code))
        commit = False
    with failing("execute: the attempt is recorded locally but not committed"):
        if push:
            new = [entry_fields(e) for e in read_record(project_dir).action[before:]]
            record_remotely(project_dir, new, message, lambda work: refresh_crate(work, software()))
        elif commit or (commit is None and is_repo(project_dir)):
            commit_paths(project_dir, [layout.ACTIONS, layout.CRATE_DIR], message)
    out.result({"attempt": entry.attempt, "status": "refused" if refused else entry.status,
                "reason": entry.reason, "entry": entry.id,
                "results": [r.model_dump(by_alias=True, exclude_none=True, mode="json")
                            for r in entry.results],
                "handback": str(handback_dir) if handback_dir else None})
    if refused is not None:
        raise FindingsError(f"{refused} (recorded)")
    if entry.status != "completed":
        raise ExecutorFailed(f"execution attempt {entry.attempt} failed: {entry.reason}")
    out.line(f"execution attempt {entry.attempt} completed: {entry.reason}")
    for result in entry.results:
        rows = f", {result.rows} rows" if result.rows is not None else ""
        out.line(f"  {result.path}: {result.size} bytes, {result.media_type}{rows}")


def hand_back(folder: Path, project_dir: Path, before: int, message: str, code: int) -> str:
    """Write the entries this command appended to the hand-back in ``folder``."""
    from fivesafes.adapters.files import handback
    from fivesafes.adapters.files.project import load_project
    from fivesafes.core.lifecycle.handback import Handback

    project = load_project(project_dir)
    entries = tuple(entry_fields(e) for e in project.record.action[before:])
    handback.write(folder, Handback("execution", project.request.id, entries, message, code))
    return (f"handed back {len(entries)} record entr{'y' if len(entries) == 1 else 'ies'} "
            f"in {folder}")
