"""``fivesafes crate build [PROJECT_DIR] [--check]``: derive the crate from the request files.

The crate in ``crate/`` is derived data: the request (``resources/``), the action record and
the policy fully determine it, so ``--check`` can tell a stale committed crate from a current
one byte for byte, the way generated files are checked in CI.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fivesafes.adapters.files.project import load_project
from fivesafes.adapters.release.crate_writer import render_crate, write_crate
from fivesafes.cli.output import Output, json_option
from fivesafes.core import layout
from fivesafes.core.crate.spec import build_crate
from fivesafes.errors import FINDINGS
from fivesafes.services.software import software


def stale_files(root: Path, files: dict[str, bytes]) -> list[str]:
    """Repository paths of the crate files whose committed bytes differ from ``files``."""
    folder = root / layout.CRATE_DIR
    return [f"{layout.CRATE_DIR}/{name}" for name, data in sorted(files.items())
            if not (folder / name).is_file() or (folder / name).read_bytes() != data]


@click.group()
def crate() -> None:
    """The Five Safes RO-Crate of a project (crate/ro-crate-metadata.json and preview)."""


@crate.command()
@click.argument("project_dir", default=".", type=click.Path(path_type=Path))
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if the committed crate is not what build would write.")
@json_option
def build(project_dir: Path, check: bool, as_json: bool) -> None:
    """Derive crate/ from resources/, the policy and the action record (byte-stable).

    Exit 0 when written (or, with --check, up to date); 1 when the request is not valid or,
    with --check, the committed crate is stale (each stale file is named); 2 when the folder
    is not a project.
    """
    project = load_project(project_dir)
    document = build_crate(project.request, project.record, project.policy,
                           software=software())
    out = Output(as_json)
    if check:
        stale = stale_files(project_dir, render_crate(document))
        for path in stale:
            click.echo(f"{path}: stale; fix: run `fivesafes crate build` and commit it",
                       err=True)
        out.result({"crate": layout.CRATE_DIR, "stale": stale, "written": []})
        if stale:
            sys.exit(FINDINGS)
        out.line(f"{layout.CRATE_DIR}/ is up to date")
        return
    write_crate(project_dir / layout.CRATE_DIR, document)
    out.line(f"wrote {layout.CRATE_METADATA} and {layout.CRATE_PREVIEW}")
    out.result({"crate": layout.CRATE_DIR, "stale": [],
                "written": [layout.CRATE_METADATA, layout.CRATE_PREVIEW]})
