"""A finding: what is wrong, where (file, line, column), and how to fix it.

Every check in the product reports through this one type so the text, JSON and GitHub
annotation renderings stay consistent.
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
        return asdict(self)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]
