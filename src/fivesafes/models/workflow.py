"""``resources/workflow.toml``: the workflow the request asks to run, and its inputs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from fivesafes.models.base import TomlModel

Language = Literal["cwl", "nextflow", "snakemake", "galaxy", "python", "r", "other"]


class Input(TomlModel):
    """A workflow input: the FormalParameter name and a value or a file."""

    name: str = Field(min_length=1)
    value: str | int | float | bool | None = None
    file: str | None = Field(default=None, description="Path relative to the project root.")
    description: str | None = None

    @model_validator(mode="after")
    def _value_or_file(self) -> Input:
        if (self.value is None) == (self.file is None):
            raise ValueError("give exactly one of value or file")
        return self


class Workflow(TomlModel):
    """A Workflow RO-Crate by versioned https URL, or a folder relative to the project root."""

    id: str = Field(description="Versioned https URL of a Workflow RO-Crate, or a folder.")
    name: str = Field(min_length=1)
    distribution: str | None = Field(
        default=None, description="https URL of the downloadable Workflow RO-Crate zip."
    )
    sha512: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{128}$",
        description="sha-512 (hex) of the distribution zip. Part of the request the approvers "
        "sign off: the workflow runs only if the retrieved bytes match it.",
    )
    language: Language = "other"
    version: str | None = None
    inputs: list[Input] = Field(default_factory=list)


class WorkflowFile(TomlModel):
    """The whole of ``workflow.toml``."""

    workflow: Workflow
