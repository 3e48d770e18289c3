"""``fivesafes reconcile``: record every merge the record is missing, and start what it starts.

Run by the ``record`` job on every push to the default branch and on a schedule. With
``GITHUB_TOKEN`` and ``GITHUB_REPOSITORY`` it lists the merged pull requests through the API;
offline (``--facts F --repo-dir D``) the facts file's pull request is the one merge to look at.
For each merge the record does not hold, the engine makes the plan the lost ``closed`` run
would have made (:mod:`fivesafes.core.engine.reconcile`), and it is applied to the same
repository. Running it again changes nothing. Exit 0, 2 for bad input, 3 when GitHub or git
failed.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from fivesafes.cli.event_io import render_text
from fivesafes.cli.reconciling import reconcile_merges
from fivesafes.core.engine.plan import plan_to_json


@click.command()
@click.option("--repo-dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Checkout of the default branch.")
@click.option("--facts", "facts_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Facts as JSON instead of the GitHub API (docs/facts-format.md).")
@click.option("--dry-run", is_flag=True, help="Print the plans; change nothing.")
@click.option("--start/--no-start", default=True, show_default=True,
              help="Also dispatch what a recorded merge should have started, 30 minutes on.")
@click.option("--json", "as_json", is_flag=True, help="Print the plans as JSON.")
def reconcile(repo_dir: Path | None, facts_path: Path | None, dry_run: bool, start: bool,
              as_json: bool) -> None:
    """Record every merged pull request missing from the action record (idempotent)."""
    plans = reconcile_merges(facts_path, repo_dir, dry_run, start=start)
    if as_json:
        click.echo(json.dumps({"reconciled": [plan_to_json(p) for p in plans]}, indent=2,
                              ensure_ascii=False))
    else:
        click.echo(f"{len(plans)} merge(s) missing from the record"
                   + "".join(f"\n{render_text(p)}" for p in plans))
