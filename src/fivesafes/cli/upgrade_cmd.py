"""``fivesafes upgrade [PROJECT_DIR] --to vX.Y.Z``: move a project to another release.

A project repository runs this repository's reusable workflow and actions at a pinned
release. Upgrading is a reviewed change to ``.github/workflows/``: this command rewrites only
the pinned refs, keeping every comment and the layout, so the pull request shows exactly the
version change and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import click

from fivesafes.adapters.files.workflow_pins import upgrade_project, workflow_files
from fivesafes.cli.errors import USAGE, CommandError
from fivesafes.core.admin.pins import RELEASE_RE, SHA_RE


@click.command()
@click.argument("project_dir", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--to", "tag", required=True, metavar="vX.Y.Z", help="The release to move to.")
@click.option("--sha", metavar="40HEX",
              help="Pin the release's full commit SHA (with a `# vX.Y.Z` comment) instead of "
                   "the tag.")
def upgrade(project_dir: Path, tag: str, sha: str | None) -> None:
    """Pin the project's workflows to release TAG of fivesafes-gitops.

    Rewrites every `uses: fivesafes/fivesafes-gitops/...@REF` in PROJECT_DIR/.github/workflows,
    leaving comments, quoting and layout as they were. Commit the result in a pull request.
    """
    if not RELEASE_RE.match(tag):
        raise CommandError(f"--to {tag}: a release tag looks like v1.2.3", USAGE)
    if sha is not None and not SHA_RE.match(sha):
        raise CommandError(f"--sha {sha}: give the full 40-character lower-case commit SHA",
                           USAGE)
    if not workflow_files(project_dir):
        raise CommandError(f"{project_dir}/.github/workflows: no workflow files; is this a "
                           "project repository?", USAGE)
    changed = upgrade_project(project_dir, tag, sha)
    pin = f"{sha} # {tag}" if sha else tag
    if not changed:
        click.echo(f"Already at {pin}: nothing changed")
        return
    for path, count in changed:
        click.echo(f"{path.relative_to(project_dir).as_posix()}: {count} pin(s) -> {pin}")
