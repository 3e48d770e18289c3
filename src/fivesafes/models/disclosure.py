"""What disclosure checks found and what output checkers decided, per output.

Shared by the outputs manifest (what the checks found, what the researcher asked) and the
action record (what was decided, by whom, with which reason), so the record says exactly
what the checkers saw. Every field is optional or defaulted: records written before per-output
decisions existed still load.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fivesafes.models.base import TomlModel

OutputOutcome = Literal["approved", "rejected", "changes-requested", "pending"]


class DisclosureFinding(TomlModel):
    """A finding of a disclosure check, for the checkers to weigh."""

    rule: str
    path: str
    line: int | None = None
    message: str
    severity: str = Field(
        default="warning",
        description="error: blocks release unless a checker overrides it with a reason; "
        "review: a checker must look (never passed automatically); warning: for information.")
    id: str | None = Field(default=None, description="Stable id an override or exception names.")
    column: str | None = Field(default=None, description="The table column, when in a table.")
    cell: str | None = Field(default=None, description="Line and column of the cell.")
    fix: str | None = None
    source: str | None = Field(default=None, description="fivesafes or acro.")


class ExceptionRequest(TomlModel):
    """A researcher's request that a finding be accepted, with their reason."""

    finding: str = Field(description="The id of the finding (or '*' for every finding of path).")
    path: str
    reason: str
    source: str = Field(default="researcher", description="acro (its exception) or researcher.")
    structural_zero: bool = False


class Override(TomlModel):
    """A checker accepting an error finding, with the reason."""

    finding: str
    login: str
    reason: str


class Statement(TomlModel):
    """One checker's decision on one output, bound to the output's sha-512."""

    login: str
    verdict: Literal["approve", "reject", "changes"]
    source: str = Field(description="review or label, with its id: review:123, label:45.")
    reason: str = ""


class OutputDecision(TomlModel):
    """The outcome for one output and everything it rests on."""

    path: str
    sha512: str = Field(pattern=r"^[0-9a-f]{128}$")
    outcome: OutputOutcome
    reason: str = ""
    statements: list[Statement] = Field(default_factory=list)
    overrides: list[Override] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list,
                              description="Error findings of the output (ids).")
