"""The JSON Schemas are generated, current, and accept the template's files."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fivesafes.adapters.files import schemas

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "templates" / "project-repo"
FILES = {
    "resources/governance/project.toml": "project",
    "resources/access/access.toml": "access",
    "resources/metadata/dataset_patients.toml": "dataset",
    "resources/metadata/dataset_admissions.toml": "dataset",
    "resources/workflow.toml": "workflow",
    ".github/fivesafes.toml": "policy",
}


def test_check_passes_on_the_committed_schemas() -> None:
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "generate_schemas.py"),
                           "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_stale_and_missing_files_are_listed(tmp_path: Path) -> None:
    schemas.write([tmp_path])
    assert schemas.stale([tmp_path]) == []
    (tmp_path / "project.schema.json").write_text("{}\n")
    (tmp_path / "policy.schema.json").unlink()
    assert sorted(p.name for p in schemas.stale([tmp_path])) == [
        "policy.schema.json", "project.schema.json"]


def test_output_is_deterministic_and_self_describing() -> None:
    first, second = schemas.rendered(), schemas.rendered()
    assert first == second
    assert sorted(first) == sorted(f"{n}.schema.json" for n in
                                   ("project", "access", "dataset", "workflow", "policy",
                                    "actions", "manifest"))
    for text in first.values():
        body = json.loads(text)
        assert text.endswith("}\n")
        assert body["$schema"].startswith("https://json-schema.org/")
        assert body["$id"]
        assert body["title"]
        jsonschema.Draft202012Validator.check_schema(body)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("rel", sorted(FILES))
def test_template_files_point_at_and_match_their_schema(rel: str) -> None:
    path = TEMPLATE / rel
    first = path.read_text().splitlines()[0]
    assert first.startswith("#:schema ")
    target = (path.parent / first.removeprefix("#:schema ")).resolve()
    assert target == (TEMPLATE / ".schemas" / f"{FILES[rel]}.schema.json").resolve()
    schema = json.loads(target.read_text())
    jsonschema.validate(_jsonable(tomllib.loads(path.read_text())), schema)
