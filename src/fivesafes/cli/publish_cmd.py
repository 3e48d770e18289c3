"""``fivesafes publish [PROJECT_DIR]``: release what the output checkers approved."""

from __future__ import annotations

from pathlib import Path

import click

from fivesafes.adapters.executors.base import ExecutorFailed
from fivesafes.adapters.files.outputs import ReleaseError
from fivesafes.adapters.files.project import ProjectError
from fivesafes.adapters.git import lifecycle as lifecycle_git
from fivesafes.adapters.ledger.append import refresh_crate
from fivesafes.adapters.ledger.file import read_record
from fivesafes.adapters.release.targets import TargetError
from fivesafes.cli.crate_cmd import software
from fivesafes.cli.errors import EXTERNAL, CommandError
from fivesafes.core import layout
from fivesafes.core.ledger.chain import entry_fields
from fivesafes.services.execute import GateClosed, RunOptions
from fivesafes.services.publish import PublishOptions, PublishResult
from fivesafes.services.publish import publish as run_publish


def commit_release(root: Path, result: PublishResult, push: bool) -> str | None:
    """Commit the final record and crate: on origin by compare-and-swap, or locally."""
    message = f"fivesafes: publication {result.tag} recorded"
    if not push:
        return lifecycle_git.commit_paths(root, [layout.ACTIONS, layout.CRATE_DIR], message)
    entry = entry_fields(read_record(root).action[-1])
    return lifecycle_git.record_remotely(
        root, [entry], message, lambda work: refresh_crate(work, software()))


@click.command()
@click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--to", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the `directory` target (default: $FIVESAFES_PUBLISH_DIR or "
                   "publication.directory in the policy).")
@click.option("--staging-dir", type=click.Path(file_okay=False, path_type=Path),
              help="The staging folder the execution used (see `fivesafes execute`).")
@click.option("--commit/--no-commit", default=None,
              help="Commit the record and crate (default: in a git checkout).")
@click.option("--push", is_flag=True,
              help="Record on origin's branch instead, by compare-and-swap (the automation).")
def publish(project_dir: Path, directory: Path | None, staging_dir: Path | None,
            commit: bool | None, push: bool) -> None:
    """Publish the outputs the checkers approved to the policy's targets.

    Refuses (exit 1) unless the record holds a completed disclosure of exactly the
    outputs/manifest.toml present, and unless every staged output still matches it byte for
    byte. Writes the publication to the record, the release zip (a BagIt bag of the crate) to
    each target, and the final crate; prints where the zip went.
    """
    options = PublishOptions(software=software(), run=RunOptions(staging_root=staging_dir),
                             directory=directory)
    try:
        result = run_publish(project_dir, options)
    except (ProjectError, GateClosed) as exc:
        raise CommandError(f"publish refused: {exc}", exc.exit_code) from None
    except (ExecutorFailed, TargetError, ReleaseError) as exc:
        raise CommandError(f"publish failed: {exc}", EXTERNAL) from None
    data = "with the outputs" if result.includes_data else "without data (checksums only)"
    click.echo(f"published {result.tag} {data}; zip sha-512 {result.sha512}")
    for location in result.locations:
        click.echo(f"  {location}")
    if commit is None:
        commit = lifecycle_git.is_repo(project_dir)
    if commit or push:
        try:
            commit_release(project_dir, result, push)
        except lifecycle_git.GitError as exc:  # local commit or push of the record
            raise CommandError(f"publish: the release is out but the record was not "
                               f"committed: {exc}", exc.exit_code) from None
