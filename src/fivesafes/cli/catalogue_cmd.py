"""``fivesafes catalogue check|enrich``: the requested data against the source's catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fivesafes.adapters.catalogue import run as catalogue_check
from fivesafes.adapters.files.project import ProjectError
from fivesafes.cli.errors import FINDINGS, CommandError
from fivesafes.core.findings import Finding, errors

_project = click.argument("project_dir", default=".",
                          type=click.Path(file_okay=False, path_type=Path))
_data_dir = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path),
    help="TRE data folder holding SQLite sources (default: $FIVESAFES_DATA_DIR).")
_format = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")


@click.group()
def catalogue() -> None:
    """Check requested schemas, tables and columns against the source's catalogue.

    The source URL is read from the environment variable that access.toml names
    (credentials.secrets.url); a SQLite source without it is a file in the data folder.
    With an http executor in the policy, the TRE's metadata service answers instead.
    """


def _report(findings: list[Finding], fmt: str, extra: dict[str, object]) -> None:
    if fmt == "json":
        click.echo(json.dumps({"findings": [f.as_dict() for f in findings], **extra},
                              indent=2, sort_keys=True))
        return
    for finding in findings:
        click.echo(f"{finding.severity}: {finding.render()}")
    if not errors(findings):
        click.echo("catalogue: every requested schema, table and column is in the source")


def _run(project_dir: Path, data_dir: Path | None, write: bool, fmt: str) -> None:
    try:
        if write:
            findings, plan = catalogue_check.enrich(project_dir, data_dir=data_dir)
        else:
            findings = catalogue_check.run_check(project_dir, data_dir=data_dir)
            plan = []
    except ProjectError as exc:
        for finding in exc.findings:
            click.echo(f"{finding.severity}: {finding.render()}", err=True)
        raise CommandError("the request is not valid; fix the findings above first",
                           FINDINGS) from None
    changes = [
        {"file": p.file, "column": p.column, "datatype": p.datatype, "description": p.description}
        for p in plan
    ]
    _report(findings, fmt, {"enriched": changes} if write else {})
    if write and fmt == "text":
        for change in changes:
            click.echo(f"enriched: {change['file']}: column {change['column']}")
    if errors(findings):
        raise SystemExit(FINDINGS)


@catalogue.command()
@_project
@_data_dir
@_format
def check(project_dir: Path, data_dir: Path | None, fmt: str) -> None:
    """Report requested names missing from the source (exit 1), never writing anything."""
    _run(project_dir, data_dir, write=False, fmt=fmt)


@catalogue.command()
@_project
@_data_dir
@_format
def enrich(project_dir: Path, data_dir: Path | None, fmt: str) -> None:
    """Check, then write column types and descriptions into the dataset files (comments kept)."""
    _run(project_dir, data_dir, write=True, fmt=fmt)
