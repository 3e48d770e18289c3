"""Fixtures of the foundation tests: projects built from the template plus a case's changes.

A case folder holds ``expected.toml``: ``delete`` (paths), ``encode`` (path -> encoding),
``[[replace]]`` (file, old, new: ``old`` must occur exactly once), ``[[write]]`` (file, text)
and, for invalid cases, ``[expect]`` (file, line, message substring).
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "templates" / "project-repo"
CASES = Path(__file__).resolve().parent / "cases"
FIXED_ID = "urn:uuid:6d0c2a4e-8f1b-4c3d-9e2a-7b5f1d3c9a10"


def apply_case(root: Path, spec: dict[str, Any]) -> None:
    for entry in spec.get("replace", []):
        path = root / entry["file"]
        text = path.read_text(encoding="utf-8")
        count = text.count(entry["old"])
        assert count == 1, f"{entry['file']}: {entry['old']!r} occurs {count} times"
        path.write_text(text.replace(entry["old"], entry["new"]), encoding="utf-8")
    for entry in spec.get("write", []):
        path = root / entry["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry["text"], encoding="utf-8")
    for rel, encoding in spec.get("encode", {}).items():
        path = root / rel
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    for rel in spec.get("delete", []):
        (root / rel).unlink()


def load_spec(case: Path) -> dict[str, Any]:
    with (case / "expected.toml").open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture
def template_project(tmp_path: Path) -> Path:
    """A copy of the template, as a project repository would hold it."""
    root = tmp_path / "project"
    shutil.copytree(TEMPLATE, root)
    return root


@pytest.fixture
def case_project(tmp_path: Path) -> Callable[[Path], Path]:
    """Build the project of a case folder; returns its root."""
    def build(case: Path) -> Path:
        root = tmp_path / case.name
        shutil.copytree(TEMPLATE, root)
        apply_case(root, load_spec(case))
        return root
    return build
