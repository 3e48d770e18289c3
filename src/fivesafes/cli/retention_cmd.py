"""``fivesafes retention [PROJECT_DIR]``: remove staging folders of finished requests."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fivesafes.adapters.git.lifecycle import commit_paths, is_repo, record_remotely
from fivesafes.adapters.ledger.append import refresh_crate
from fivesafes.cli.errors import failing
from fivesafes.cli.handback_flag import handback_option, refuse_recording
from fivesafes.core import layout
from fivesafes.core.ledger.chain import entry_fields
from fivesafes.services.retention import apply_retention
from fivesafes.services.software import software


@click.command()
@click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--staging-dir", type=click.Path(file_okay=False, path_type=Path),
              help="The staging root execute used (default: $FIVESAFES_STAGING_DIR, the "
                   "policy's executor.staging-dir, or ~/.local/state/fivesafes/staging).")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@click.option("--commit/--no-commit", default=None,
              help="Commit the record and crate locally (default: in a git checkout).")
@click.option("--push", is_flag=True,
              help="Record on origin's branch instead, by compare-and-swap (the automation).")
@handback_option("hand back the removal's record entry in this folder; a hosted job "
                 "records it (`fivesafes handback`).")
def retention(project_dir: Path, staging_dir: Path | None, dry_run: bool, as_json: bool,
              commit: bool | None, push: bool, handback_dir: Path | None) -> None:
    """Remove the request's staging folder once its retention has passed, and record it.

    A published request keeps its staging folder (output data inside the TRE) for the
    policy's executor.retention-days after the publication; a request whose project ended
    unpublished, that long after the end date. Without retention-days nothing is removed.
    The removal is a `retention` entry in the action record. Exit 0 whether something was
    removed or kept; 1 when the request is not valid; 3 when the record could not be pushed.
    """
    refuse_recording(handback_dir, {"--push": push, "--commit": commit})
    with failing("retention refused"):
        result = apply_retention(project_dir, staging=staging_dir, dry_run=dry_run)
    message = "fivesafes: staging folder removed after retention"
    if result.entry is not None and handback_dir is not None:
        from fivesafes.adapters.files import handback
        from fivesafes.core.lifecycle.handback import Handback

        handback.write(handback_dir, Handback(
            "retention", result.request, (entry_fields(result.entry),), message))
    elif result.entry is not None:
        refresh_crate(project_dir, software())
        with failing("retention: the removal is recorded locally but not committed"):
            if push:
                record_remotely(project_dir, [entry_fields(result.entry)], message,
                                lambda work: refresh_crate(work, software()))
            elif commit or (commit is None and is_repo(project_dir)):
                commit_paths(project_dir, [layout.ACTIONS, layout.CRATE_DIR], message)
    if as_json:
        click.echo(json.dumps({
            "request": result.request, "outcome": result.outcome, "reason": result.reason,
            "removable-from": result.removable_from, "dry-run": dry_run,
            "recorded": result.entry.id if result.entry else None}, sort_keys=True))
    else:
        click.echo(f"{result.outcome}: {result.reason}")
