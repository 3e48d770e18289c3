"""``fivesafes status``: the request's phase, what is pending from whom, the last decisions.

Read from the committed action record and policy only, so it works offline on any clone; a
rich table on a terminal, JSON with ``--json`` for scripts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from fivesafes.adapters.github.org_policy import resolve_org_policy
from fivesafes.adapters.ledger.file import read_project_record
from fivesafes.core import layout
from fivesafes.core.ledger.view import View, view, view_to_json
from fivesafes.core.request.validate import validate_policy


def _print(v: View) -> None:
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(f"[bold]state:[/bold] {v.state}   [bold]phase:[/bold] {v.phase}   "
                  f"[bold]entries:[/bold] {v.entries}   [bold]chain:[/bold] "
                  + ("intact" if not v.breaks else "[red]BROKEN[/red]"))
    if v.pending is not None:
        who = ", ".join(v.pending.approvers) or "the automation"
        text = f"[bold]pending:[/bold] {v.pending.phase}: {v.pending.what}"
        if v.pending.approvers:
            text += f" from {who}"
        if v.pending.excluded:
            text += f" (not {', '.join(v.pending.excluded)}: separation of duties)"
        console.print(text)
    if v.refused:
        console.print(f"[yellow]refused attempts:[/yellow] {v.refused}")
    table = Table(title="last decisions")
    for column in ("time", "phase", "status", "by", "PR", "head", "reason"):
        table.add_column(column, overflow="fold")
    for e in v.decisions:
        table.add_row(e.end or e.start, e.phase, e.status,
                      ", ".join(a.login for a in e.agents if a.kind == "person"),
                      f"#{e.evidence.pr}" if e.evidence.pr else "",
                      (e.evidence.head_sha or "")[:12], e.reason)
    if v.decisions:
        console.print(table)
    for line in v.breaks:
        console.print(f"[red]{line}[/red]")


@click.command()
@click.argument("project_dir", required=False, default=".",
                type=click.Path(path_type=Path, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--org-policy", type=click.Path(path_type=Path, dir_okay=False),
              help="The organisation's central policy as a local file, for a policy that "
                   "extends it.")
def status(project_dir: Path, as_json: bool, org_policy: Path | None) -> None:
    """Where the request stands: phase, what is pending and from whom, last decisions."""
    record = read_project_record(project_dir)
    policy_path = project_dir / layout.POLICY
    data = policy_path.read_bytes() if policy_path.is_file() else None
    policy, _ = validate_policy(data, resolve_org_policy(data, org_policy))
    v = view(record, policy)
    if as_json:
        click.echo(json.dumps(view_to_json(v), indent=2))
    else:
        _print(v)
