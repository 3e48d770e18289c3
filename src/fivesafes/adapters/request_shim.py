"""Loads the request, policy and dataset texts of a project folder for the execution commands.

SHIM: a minimal loader used until ``fivesafes.adapters.project_files.load_project`` is
available; it raises on the first problem instead of collecting findings (run ``fivesafes
validate`` for those). Replace its callers with ``load_project`` and delete this module.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fivesafes.core import layout
from fivesafes.core.request import Request
from fivesafes.models.access import AccessFile
from fivesafes.models.dataset import DatasetFile
from fivesafes.models.policy import Policy
from fivesafes.models.project import ProjectFile
from fivesafes.models.workflow import WorkflowFile

M = TypeVar("M", bound=BaseModel)


class ProjectLoadError(Exception):
    """A project file is missing or not valid; the message names it."""


def _load(root: Path, relative: str, model: type[M]) -> M:
    path = root / relative
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except FileNotFoundError:
        raise ProjectLoadError(f"{relative}: missing; run `fivesafes validate`") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise ProjectLoadError(f"{relative}: not valid ({first}); run `fivesafes validate` "
                               "for every finding with its line") from None


def dataset_paths(root: Path) -> list[str]:
    folder = root / layout.DATASETS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        f"{layout.DATASETS_DIR}/{p.name}" for p in folder.iterdir()
        if layout.is_dataset_file(f"{layout.DATASETS_DIR}/{p.name}") and p.is_file()
    )


def load_request(root: Path) -> Request:
    return Request(
        project=_load(root, layout.PROJECT, ProjectFile),
        access=_load(root, layout.ACCESS, AccessFile),
        workflow=_load(root, layout.WORKFLOW, WorkflowFile),
        datasets=tuple((p, _load(root, p, DatasetFile)) for p in dataset_paths(root)),
    )


def load_policy(root: Path) -> Policy:
    return _load(root, layout.POLICY, Policy)


def dataset_texts(root: Path, request: Request) -> dict[str, str]:
    return {path: (root / path).read_text(encoding="utf-8") for path, _ in request.datasets}
