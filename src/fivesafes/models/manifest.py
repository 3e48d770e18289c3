"""``outputs/manifest.toml``: the outputs a disclosure decision is bound to.

Besides each proposed output (path, size, sha-512, media type) it carries what the checks
found (each finding with a stable ``id`` a checker's override names), the researcher's
exception requests, and the staged files that are never proposed (ACRO's own bookkeeping,
its "do not release" summaries, federated evidence), listed with their digest and the reason,
so checkers see everything the run wrote and publication can tell them apart.
"""

from __future__ import annotations

from pydantic import Field

from fivesafes.models.base import TomlModel
from fivesafes.models.disclosure import DisclosureFinding, ExceptionRequest
from fivesafes.models.ledger import Result

__all__ = ["DisclosureFinding", "ExceptionRequest", "Excluded", "OutputsManifest"]


class Excluded(TomlModel):
    """A staged file the run wrote that is never proposed for release."""

    path: str
    size: int = Field(ge=0)
    sha512: str = Field(pattern=r"^[0-9a-f]{128}$")
    reason: str


class OutputsManifest(TomlModel):
    """Each output's path, size, sha-512 and media type, plus the automated findings."""

    request: str = Field(description="urn:uuid of the project/request.")
    execution: str = Field(description="urn:uuid of the execution action that made them.")
    attempt: int | None = Field(default=None, description="The execution attempt.")
    output: list[Result] = Field(default_factory=list)
    finding: list[DisclosureFinding] = Field(default_factory=list)
    exception: list[ExceptionRequest] = Field(default_factory=list)
    excluded: list[Excluded] = Field(default_factory=list)
    acro_summary: str | None = None
