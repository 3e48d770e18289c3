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
from fivesafes.cli.output import Output, json_option
from fivesafes.core.admin.pins import RELEASE_RE, SHA_RE
from fivesafes.errors import UsageError
from fivesafes.services.github_setup import automation_repository


@click.command()
@click.argument("project_dir", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--to", "tag", required=True, metavar="vX.Y.Z", help="The release to move to.")
@click.option("--sha", metavar="40HEX",
              help="Pin the release's full commit SHA (with a `# vX.Y.Z` comment) instead of "
                   "the tag.")
@click.option("--org-policy", type=click.Path(path_type=Path, dir_okay=False),
              help="The central policy as a local file (names the automation's repository).")
@json_option
def upgrade(project_dir: Path, tag: str, sha: str | None, org_policy: Path | None,
            as_json: bool) -> None:
    """Pin the project's workflows to release TAG of fivesafes-gitops.

    Rewrites every `uses: ORG/REPO/...@REF` of the automation's repository (the policy's
    [automation] repository, fivesafes/fivesafes-gitops unless a fork is named) in
    PROJECT_DIR/.github/workflows, leaving comments, quoting and layout as they were. Commit
    the result in a pull request.
    """
    if not RELEASE_RE.match(tag):
        raise UsageError(f"--to {tag}: a release tag looks like v1.2.3")
    if sha is not None and not SHA_RE.match(sha):
        raise UsageError(f"--sha {sha}: give the full 40-character lower-case commit SHA")
    if not workflow_files(project_dir):
        raise UsageError(f"{project_dir}/.github/workflows: no workflow files; is this a "
                         "project repository?")
    changed = upgrade_project(project_dir, tag, sha,
                              automation_repository(project_dir, org_policy))
    pin = f"{sha} # {tag}" if sha else tag
    out = Output(as_json)
    out.result({"to": tag, "sha": sha, "changed": {
        path.relative_to(project_dir).as_posix(): count for path, count in changed}})
    if not changed:
        out.line(f"Already at {pin}: nothing changed")
        return
    for path, count in changed:
        out.line(f"{path.relative_to(project_dir).as_posix()}: {count} pin(s) -> {pin}")
