"""``fivesafes validate``: is this request acceptable? Reads, never writes.

Exit 0 when valid (warnings allowed), 1 when any finding is an error, 2 when the folder is
not a project at all.
"""

from __future__ import annotations

from pathlib import Path

import click

from fivesafes.adapters.files.project import scan_tree
from fivesafes.adapters.github.org_policy import resolve_org_policy
from fivesafes.cli.findings_output import FORMATS, Format, emit
from fivesafes.cli.output import json_option
from fivesafes.core import layout
from fivesafes.core.findings import errors
from fivesafes.core.request.examples import example_warnings
from fivesafes.core.request.validate import validate_policy, validate_request
from fivesafes.errors import FINDINGS, OK


@click.command()
@click.argument("project_dir", default=".", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for people, json for tools, github for Actions annotations.")
@click.option("--catalogue", "with_catalogue", is_flag=True,
              help="Also check that every requested schema, table and column exists in the "
                   "source named in access.toml (needs the TRE's source or metadata service).")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False),
              help="With --catalogue: the TRE data folder holding file sources such as SQLite "
                   "(default: $FIVESAFES_DATA_DIR).")
@click.option("--org-policy", type=click.Path(path_type=Path, dir_okay=False),
              help="The organisation's central policy as a local file, for a policy that "
                   "extends it (default: read from its repository through the API).")
@json_option
def validate(project_dir: Path, fmt: Format, with_catalogue: bool,
             data_dir: Path | None, org_policy: Path | None, as_json: bool) -> None:
    """Check every request file and the policy of PROJECT_DIR (default: here).

    Reports TOML syntax, schema (unknown keys with did-you-mean, wrong types), ORCID check
    digits, ROR ids, e-mail forms, dates, workflow sources, duplicate datasets and secret
    values, each with its file, line and fix; with --catalogue, also the requested tables
    and columns against the source. Writes nothing. Exit 0 valid, 1 findings, 2 not a
    project folder.
    """
    fmt = "json" if as_json else fmt  # --json: the flag every reporting command takes
    files, findings = scan_tree(project_dir)
    policy_data = files.get(layout.POLICY)
    policy, policy_findings = validate_policy(
        policy_data, resolve_org_policy(policy_data, org_policy))
    result = validate_request(files, policy)
    findings = findings + policy_findings + result.findings + example_warnings(files)
    if with_catalogue and not errors(findings):
        from fivesafes.adapters.catalogue.run import check_catalogue

        findings = findings + check_catalogue(project_dir, data_dir=data_dir)
    emit(findings, fmt, len(files))
    raise SystemExit(FINDINGS if errors(findings) else OK)
