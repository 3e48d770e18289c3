"""``outputs/manifest.toml``: the outputs a disclosure decision is bound to."""

from __future__ import annotations

from pydantic import Field

from fivesafes.models.base import TomlModel
from fivesafes.models.ledger import Result


class DisclosureFinding(TomlModel):
    """A finding of a built-in disclosure check, for the checkers to weigh."""

    rule: str
    path: str
    line: int | None = None
    message: str
    severity: str = "warning"


class OutputsManifest(TomlModel):
    """Each output's path, size, sha-512 and media type, plus the automated findings."""

    request: str = Field(description="urn:uuid of the project/request.")
    execution: str = Field(description="urn:uuid of the execution action that made them.")
    output: list[Result] = Field(default_factory=list)
    finding: list[DisclosureFinding] = Field(default_factory=list)
    acro_summary: str | None = None
