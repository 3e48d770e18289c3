"""``fivesafes import REQUEST [DIR]``: a submitted Five Safes RO-Crate request into TOML files.

Requests can arrive from any producer as a zipped crate or bag. The import refuses hostile
archives exactly as ``verify`` does, strips the AssessActions a client may have included
(only the TRE records phase actions), tolerates the known defects of the official examples
with warnings, and writes ``resources/`` files a researcher and maintainer can then edit.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from fivesafes.cli.errors import failing
from fivesafes.cli.findings_output import print_findings
from fivesafes.core.findings import errors
from fivesafes.errors import FINDINGS
from fivesafes.services.import_request import import_request, write_files


@click.command(name="import")
@click.argument("request", type=click.Path(path_type=Path))
@click.argument("project_dir", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite request files that already exist.")
@click.option("--json", "as_json", is_flag=True, help="Print findings and files as JSON.")
def import_(request: Path, project_dir: Path, force: bool, as_json: bool) -> None:
    """Turn a submitted request (zip, folder or ro-crate-metadata.json) into resources/ files.

    Writes resources/governance/project.toml and resources/workflow.toml from the crate, and
    resources/access/access.toml as a placeholder the maintainer must fill in (a request
    never carries where data lives). Values the crate lacks are left empty with a FILL IN
    comment. Client-submitted AssessActions are removed and reported.

    Exit 0 written (warnings are printed), 1 refused (hostile or broken input: nothing is
    written), 2 not readable or files already exist (use --force).
    """
    with failing(fix="give a request .zip, folder or .json"):
        result = import_request(request)
    refused = bool(errors(result.findings)) or not result.files
    if not refused:
        result.written = write_files(project_dir, result.files, force=force)
    if as_json:
        click.echo(json.dumps({"source": result.source, "ok": not refused,
                               "written": result.written,
                               "findings": [f.as_dict() for f in result.findings]},
                              indent=2, sort_keys=True))
    else:
        print_findings(result.findings)
        if refused:
            click.echo(f"REFUSED: {result.source}: nothing was written", err=True)
        else:
            click.echo(f"imported {result.source}: wrote " + ", ".join(result.written))
    if refused:
        raise SystemExit(FINDINGS)
