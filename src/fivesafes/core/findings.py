"""A finding: what is wrong, where (file, line, column), and how to fix it.

Every check in the product reports through this one type so the text, JSON and GitHub
annotation renderings stay consistent: validation, verify, import, doctor, the catalogue and
the disclosure checks all build it. The disclosure checks fill the optional fields too (a
stable ``id`` an override names, the table column and cell, the checker that found it); the
outputs manifest stores those findings in its own file format (``DisclosureFinding``), converted
at the one place the manifest is written and read back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

# error blocks; warning informs; review (the disclosure checks') asks a person to look.
Severity = Literal["error", "warning", "review"]


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int | None
    column: int | None
    rule: str
    message: str
    fix: str = ""
    severity: Severity = "error"
    id: str | None = None  # stable across runs on the same bytes: what an override names
    table_column: str | None = None  # the column's name, when the finding is in a table
    cell: str | None = None  # the cell by row label and column name, never its value
    source: str | None = None  # which checker found it (fivesafes or acro)

    @property
    def where(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def render(self) -> str:
        """``file:line[:col]: message; fix`` (the one-line text form)."""
        text = f"{self.where}: {self.message}"
        if self.fix:
            text += f"; fix: {self.fix}"
        return text

    def as_dict(self) -> dict[str, object]:
        """Every field; the optional disclosure fields only when set, so a validation
        finding's JSON is the same as before they existed."""
        return {k: v for k, v in asdict(self).items() if v is not None or k in _ALWAYS}


_ALWAYS = frozenset({"file", "line", "column", "rule", "message", "fix", "severity"})


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]
