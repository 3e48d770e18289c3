"""``fivesafes crate build [PROJECT_DIR] [--check]``: derive the crate from the request files.

The crate in ``crate/`` is derived data: the request (``resources/``), the action record and
the policy fully determine it, so ``--check`` can tell a stale committed crate from a current
one byte for byte, the way generated files are checked in CI.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import TypeVar

import click
from pydantic import BaseModel, ValidationError

from fivesafes import __version__
from fivesafes.adapters.crate_writer import render_crate, write_crate
from fivesafes.adapters.ledger_file import LedgerError, read_record
from fivesafes.cli.errors import FINDINGS, USAGE, CommandError
from fivesafes.core import layout
from fivesafes.core.crate_spec import Software, build_crate
from fivesafes.core.request import Request
from fivesafes.models.access import AccessFile
from fivesafes.models.dataset import DatasetFile
from fivesafes.models.ledger import ActionRecord
from fivesafes.models.policy import Policy
from fivesafes.models.project import ProjectFile
from fivesafes.models.workflow import WorkflowFile

M = TypeVar("M", bound=BaseModel)
SOFTWARE_NAME = "fivesafes-gitops"
SOFTWARE_URL = "https://pypi.org/project/fivesafes-gitops/"


def software() -> Software:
    """The automation as the crate records it."""
    return Software(name=SOFTWARE_NAME, url=SOFTWARE_URL, version=__version__)


def _load(root: Path, rel: str, model: type[M]) -> M:
    path = root / rel
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except FileNotFoundError:
        raise CommandError(f"{rel}: missing; fix: create it (see the project template)",
                           USAGE) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise CommandError(f"{rel}: unreadable: {exc}; fix: run `fivesafes validate`",
                           USAGE) from None


def load_inputs(root: Path) -> tuple[Request, Policy | None, ActionRecord]:
    """The request, the policy (if present) and the action record of a project folder."""
    datasets = tuple(
        (f"{layout.DATASETS_DIR}/{p.name}", _load(root, f"{layout.DATASETS_DIR}/{p.name}",
                                                   DatasetFile))
        for p in sorted((root / layout.DATASETS_DIR).glob(f"{layout.DATASET_PREFIX}*.toml"))
    )
    request = Request(
        project=_load(root, layout.PROJECT, ProjectFile),
        access=_load(root, layout.ACCESS, AccessFile),
        workflow=_load(root, layout.WORKFLOW, WorkflowFile),
        datasets=datasets,
    )
    policy = _load(root, layout.POLICY, Policy) if (root / layout.POLICY).exists() else None
    try:
        record = read_record(root)
    except LedgerError as exc:
        raise CommandError(f"{exc}; fix: restore it from git history", USAGE) from None
    return request, policy, record


def stale_files(root: Path, files: dict[str, bytes]) -> list[str]:
    """Repository paths of the crate files whose committed bytes differ from ``files``."""
    folder = root / layout.CRATE_DIR
    return [f"{layout.CRATE_DIR}/{name}" for name, data in sorted(files.items())
            if not (folder / name).is_file() or (folder / name).read_bytes() != data]


@click.group()
def crate() -> None:
    """The Five Safes RO-Crate of a project (crate/ro-crate-metadata.json and preview)."""


@crate.command()
@click.argument("project_dir", default=".",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if the committed crate is not what build would write.")
def build(project_dir: Path, check: bool) -> None:
    """Derive crate/ from resources/ and the action record (byte-stable)."""
    if not project_dir.is_dir():
        raise CommandError(f"{project_dir}: not a folder; fix: give a project folder", USAGE)
    request, policy, record = load_inputs(project_dir)
    document = build_crate(request, record, policy, software=software())
    if check:
        stale = stale_files(project_dir, render_crate(document))
        for path in stale:
            click.echo(f"{path}: stale; fix: run `fivesafes crate build` and commit it",
                       err=True)
        if stale:
            sys.exit(FINDINGS)
        click.echo(f"{layout.CRATE_DIR}/ is up to date")
        return
    write_crate(project_dir / layout.CRATE_DIR, document)
    click.echo(f"wrote {layout.CRATE_METADATA} and {layout.CRATE_PREVIEW}")
