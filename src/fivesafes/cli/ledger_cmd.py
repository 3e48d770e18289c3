"""``fivesafes ledger verify|show``: check and read the hash-chained action record.

``verify`` is what an auditor, a CI job or a release receiver runs: it exits 0 only when no
entry of ``resources/governance/actions.toml`` was edited, dropped, inserted or reordered,
and names every break otherwise (one line each).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from fivesafes.adapters.ledger.file import LedgerError, read_project_record
from fivesafes.adapters.ledger.history import committed_versions
from fivesafes.core import layout
from fivesafes.core.ledger import chain
from fivesafes.core.ledger.history import append_only
from fivesafes.errors import FINDINGS
from fivesafes.models.ledger import ActionRecord

PROJECT = click.argument("project_dir", required=False, default=".",
                         type=click.Path(path_type=Path, file_okay=False))


@click.group()
def ledger() -> None:
    """The action record (resources/governance/actions.toml)."""


@ledger.command()
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--history/--no-history", default=True, show_default=True,
              help="Also check every committed version is a prefix of the record (git).")
def verify(project_dir: Path, as_json: bool, history: bool) -> None:
    """Exit 0 when the record's hash chain is intact, 1 with one line per break.

    In a git checkout every committed version of the record must also be a prefix of the
    current one, which catches a record cut short or rewritten from scratch.
    """
    try:
        record = read_project_record(project_dir)
    except LedgerError as exc:  # for verify, a record that does not parse is not intact
        record = ActionRecord()
        breaks = [exc.finding()]
        history = False
    else:
        breaks = chain.verify_chain(record.action)
    versions = committed_versions(project_dir) if history else None
    if versions:
        breaks += append_only(record.action, versions)
    if as_json:
        click.echo(json.dumps({"entries": len(record.action), "intact": not breaks,
                               "breaks": [f.as_dict() for f in breaks]}, indent=2))
    else:
        for finding in breaks:  # file: message; fix (each break names its entry and commit)
            click.echo(finding.render())
        if not breaks:
            checked = f", {len(versions)} committed version(s) extended" if versions else ""
            click.echo(f"{layout.ACTIONS}: {len(record.action)} entries, chain intact{checked}")
    raise click.exceptions.Exit(FINDINGS if breaks else 0)


@ledger.command()
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
def show(project_dir: Path, as_json: bool) -> None:
    """List the recorded actions, oldest first."""
    record = read_project_record(project_dir)
    if as_json:
        click.echo(json.dumps([chain.entry_fields(e) for e in record.action], indent=2))
        return
    table = Table(title=f"{layout.ACTIONS} ({len(record.action)} entries)")
    for column in ("#", "phase", "status", "time", "by", "PR", "head", "reason"):
        table.add_column(column, overflow="fold")
    for index, e in enumerate(record.action, start=1):
        table.add_row(str(index), e.phase, e.status, e.end or e.start,
                      ", ".join(a.login for a in e.agents if a.kind == "person"),
                      f"#{e.evidence.pr}" if e.evidence.pr else "",
                      (e.evidence.head_sha or "")[:12], e.reason)
    Console(width=None if sys.stdout.isatty() else 160).print(table)

