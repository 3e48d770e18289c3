"""JSON Schemas of the project files, generated from the pydantic models.

The models are the single source of truth; the schemas exist so editors (Even Better TOML,
taplo, JetBrains) validate a request as the researcher types, through the ``#:schema`` line at
the top of every template file. Output is deterministic (sorted keys, two-space indent, one
trailing newline) so ``scripts/generate_schemas.py --check`` can tell when a copy is stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from fivesafes.adapters.files import atomic
from fivesafes.core import layout
from fivesafes.models.access import AccessFile
from fivesafes.models.dataset import DatasetFile
from fivesafes.models.ledger import ActionRecord
from fivesafes.models.manifest import OutputsManifest
from fivesafes.models.policy import Policy
from fivesafes.models.project import ProjectFile
from fivesafes.models.workflow import WorkflowFile

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = "urn:fivesafes-gitops:schema:"


@dataclass(frozen=True)
class SchemaSpec:
    name: str
    model: type[BaseModel]
    title: str
    describes: str


SPECS: tuple[SchemaSpec, ...] = (
    SchemaSpec("project", ProjectFile, "Five Safes project and requester",
               layout.PROJECT),
    SchemaSpec("access", AccessFile, "Five Safes data source and destination",
               layout.ACCESS),
    SchemaSpec("dataset", DatasetFile, "Five Safes requested dataset",
               f"{layout.DATASETS_DIR}/{layout.DATASET_PREFIX}*.toml"),
    SchemaSpec("workflow", WorkflowFile, "Five Safes workflow and inputs",
               layout.WORKFLOW),
    SchemaSpec("policy", Policy, "Five Safes project repository policy",
               layout.POLICY),
    SchemaSpec("actions", ActionRecord, "Five Safes action record",
               layout.ACTIONS),
    SchemaSpec("manifest", OutputsManifest, "Five Safes outputs manifest",
               layout.OUTPUTS_MANIFEST),
)


def file_name(spec: SchemaSpec) -> str:
    return f"{spec.name}.schema.json"


def schema_of(spec: SchemaSpec) -> dict[str, Any]:
    body = spec.model.model_json_schema(by_alias=True, mode="validation")
    body.pop("title", None)
    return {
        "$schema": DIALECT,
        "$id": ID_PREFIX + spec.name,
        "title": spec.title,
        "description": f"{spec.describes}. Generated from the fivesafes models; do not edit.",
        **body,
    }


def render(spec: SchemaSpec) -> str:
    return json.dumps(schema_of(spec), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def rendered() -> dict[str, str]:
    """File name -> content of every schema."""
    return {file_name(spec): render(spec) for spec in SPECS}


def stale(folders: list[Path]) -> list[Path]:
    """Schema files in ``folders`` that are missing or differ from the models."""
    out: list[Path] = []
    for folder in folders:
        for name, text in rendered().items():
            path = folder / name
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                out.append(path)
    return out


def write(folders: list[Path]) -> list[Path]:
    """Write every schema into every folder (atomically); return the files that changed."""
    changed = stale(folders)
    for path in changed:
        atomic.write_text(path, rendered()[path.name])
    return changed
