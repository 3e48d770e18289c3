"""A parsed request: the typed content of a project's ``resources/`` files."""

from __future__ import annotations

from dataclasses import dataclass

from fivesafes.models.access import AccessFile
from fivesafes.models.dataset import DatasetFile
from fivesafes.models.project import ProjectFile
from fivesafes.models.workflow import WorkflowFile


@dataclass(frozen=True)
class Request:
    """Everything a researcher asks for, as validated models (paths are repository-relative)."""

    project: ProjectFile
    access: AccessFile
    workflow: WorkflowFile
    datasets: tuple[tuple[str, DatasetFile], ...]

    @property
    def id(self) -> str:
        return self.project.project.id
