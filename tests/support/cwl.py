"""A project whose signed-off workflow is the shipped CWL Workflow RO-Crate, from the mirror."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import tomlkit
from tests.support.execution import set_executor, sign_off

from fivesafes.adapters.executors.bundle import (
    CWL_COUNTS,
    CWL_COUNTS_ID,
    CWL_COUNTS_URL,
    add_to_mirror,
    bundled_workflow,
)
from fivesafes.adapters.ledger.append import refresh_crate
from fivesafes.core import layout
from fivesafes.models.ledger import ActionEntry
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import execute
from fivesafes.services.software import software

TABLE = "region,sex\nnorth,f\nnorth,m\nsouth,f\nnorth,f\n"
# what the workflow makes of TABLE, counting by region with min_count 2
COUNTS = b"region,count\nnorth,3\nsouth,<2\n"
INPUTS: list[dict[str, Any]] = [
    {"name": "table", "file": "resources/inputs/patients.csv"},
    {"name": "column", "value": "region"},
    {"name": "min_count", "value": "2"},
]


def cwl_project(project: Path, mirror: Path, inputs: Any = None, folder: Any = None,
                **executor: Any) -> Path:
    """Point ``project`` at the CWL crate (placed in ``mirror``), with ``executor`` settings,
    and sign it off. ``inputs`` (a list of workflow.toml inputs) and ``folder`` (another crate
    folder) are typed Any only so that executor settings can be spread in as ``**{...}``."""
    placed = add_to_mirror(mirror, CWL_COUNTS_URL, folder or bundled_workflow(CWL_COUNTS))
    (project / "resources" / "inputs").mkdir(parents=True, exist_ok=True)
    (project / "resources" / "inputs" / "patients.csv").write_text(TABLE)
    path = project / "resources" / "workflow.toml"
    doc = tomlkit.parse(path.read_text())
    workflow = tomlkit.table()
    workflow.update({"id": CWL_COUNTS_ID, "name": "Counts by column",
                     "distribution": CWL_COUNTS_URL, "sha512": sha512(placed.read_bytes()),
                     "language": "cwl"})
    aot = tomlkit.aot()
    for item in INPUTS if inputs is None else inputs:
        aot.append(tomlkit.item(item))
    workflow["inputs"] = aot
    doc["workflow"] = workflow
    path.write_text(tomlkit.dumps(doc))
    set_executor(project, **executor)
    sign_off(project)
    return project


def run(project: Path, staging: Path, env: dict[str, str] | None = None,
        **options: Any) -> ActionEntry:
    return execute(project, RunOptions(staging_root=staging, env=env or {}, **options))


def sha512(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def crate_graph(project: Path) -> dict[str, dict[str, Any]]:
    refresh_crate(project, software())
    data = json.loads((project / layout.CRATE_DIR / "ro-crate-metadata.json").read_text())
    return {e["@id"]: e for e in data["@graph"]}
