"""``fivesafes catalogue check|enrich|list``: the requested data and the source's catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fivesafes.adapters.catalogue import run as catalogue_check
from fivesafes.cli.findings_output import FORMATS, Format, print_findings
from fivesafes.cli.output import json_option
from fivesafes.core.findings import Finding, errors
from fivesafes.core.request.catalogue import Catalogue
from fivesafes.errors import FINDINGS

_project = click.argument("project_dir", default=".",
                          type=click.Path(file_okay=False, path_type=Path))
_data_dir = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path),
    help="TRE data folder holding SQLite sources (default: $FIVESAFES_DATA_DIR).")
_format = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
                       show_default=True, help="text for people, json for tools, github for "
                       "annotations in an Actions log.")


@click.group()
def catalogue() -> None:
    """Check requested schemas, tables and columns against the source's catalogue.

    The source URL is read from the environment variable that access.toml names
    (credentials.secrets.url); a SQLite source without it is a file in the data folder.
    With an http executor in the policy, the TRE's metadata service answers instead.
    """


def _report(findings: list[Finding], fmt: Format, extra: dict[str, object]) -> None:
    if fmt == "json":
        click.echo(json.dumps({"findings": [f.as_dict() for f in findings], **extra},
                              indent=2, sort_keys=True))
        return
    print_findings(findings, fmt)
    if not errors(findings):
        click.echo("catalogue: every requested schema, table and column is in the source")


def _run(project_dir: Path, data_dir: Path | None, write: bool, fmt: Format) -> None:
    if write:
        findings, plan = catalogue_check.enrich(project_dir, data_dir=data_dir)
    else:
        findings = catalogue_check.run_check(project_dir, data_dir=data_dir)
        plan = []
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
@json_option
def check(project_dir: Path, data_dir: Path | None, fmt: Format, as_json: bool) -> None:
    """Report requested names missing from the source (exit 1), never writing anything."""
    _run(project_dir, data_dir, write=False, fmt="json" if as_json else fmt)


@catalogue.command()
@_project
@_data_dir
@_format
@json_option
def enrich(project_dir: Path, data_dir: Path | None, fmt: Format, as_json: bool) -> None:
    """Check, then write column types and descriptions into the dataset files (comments kept)."""
    _run(project_dir, data_dir, write=True, fmt="json" if as_json else fmt)


def catalogue_json(found: Catalogue) -> dict[str, object]:
    """The catalogue in the shape of the metadata service's answer (docs/executors.md)."""
    return {"source": found.source, "default_schema": found.default_schema, "schemas": [
        {"name": schema, "tables": [
            {"name": table.name, "description": table.description, "columns": [
                {"name": c.name, "datatype": c.datatype, "description": c.description}
                for c in table.columns]}
            for _, table in sorted(tables.items())]}
        for schema, tables in sorted(found.schemas.items())]}


def _print_catalogue(found: Catalogue) -> None:
    default = f" (default schema {found.default_schema})" if found.default_schema else ""
    click.echo(f"source {found.source}{default}")
    for schema, tables in sorted(found.schemas.items()):
        click.echo(f"\nschema {schema}: {len(tables)} table(s)")
        for _, table in sorted(tables.items()):
            about = f"  {table.description}" if table.description else ""
            click.echo(f"  {schema}.{table.name}{about}")
            width = max((len(c.name) for c in table.columns), default=0)
            for column in table.columns:
                line = f"    {column.name:<{width}}  {column.datatype or '?'}"
                click.echo(f"{line}  {column.description}" if column.description else line)


@catalogue.command(name="list")
@_project
@_data_dir
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
def list_(project_dir: Path, data_dir: Path | None, as_json: bool) -> None:
    """List what the source holds: schemas, tables, columns with types and descriptions.

    For researchers preparing a request; needs only resources/access/access.toml.
    """
    found = catalogue_check.list_catalogue(project_dir, data_dir=data_dir)
    if as_json:
        click.echo(json.dumps(catalogue_json(found), indent=2, sort_keys=True))
    else:
        _print_catalogue(found)
