"""Building disclosure findings the same way in every rule family.

A finding names the output, the line, the column and the cell (by its row label and column
name), the rule and the fix, and never the value: the manifest holding it is committed to git.
Its ``id`` is derived from rule, path, line and column, so the same finding on the same bytes
has the same id run after run, and a checker's override or a researcher's exception request
can name it.
"""

from __future__ import annotations

from typing import cast

from fivesafes.core import layout
from fivesafes.core.findings import Finding, Severity
from fivesafes.core.outputs.tables import Cell
from fivesafes.models.manifest import DisclosureFinding


def finding_id(rule: str, path: str, line: int | None, column: str | None) -> str:
    where = path + (f":{line}" if line is not None else "")
    if column:
        where += f":{column}"
    return f"{rule.removeprefix('disclosure.')}@{where}"


def make(rule: str, path: str, message: str, *, severity: str = "error",
         line: int | None = None, column: str | None = None, cell: str | None = None,
         fix: str | None = None, source: str = "fivesafes") -> DisclosureFinding:
    return DisclosureFinding(rule=rule, path=path, line=line, message=message,
                             severity=severity, id=finding_id(rule, path, line, column),
                             column=column, cell=cell, fix=fix, source=source)


def at_cell(rule: str, path: str, cell: Cell, message: str, fix: str,
            severity: str = "error") -> DisclosureFinding:
    return make(rule, path, f"{cell.where}: {message}", severity=severity, line=cell.line,
                column=cell.column, cell=cell.where, fix=fix)


def as_finding(found: DisclosureFinding) -> Finding:
    """A disclosure finding as the product's one reported finding: the output's path under
    outputs/, its line, the rule (with its stable id when it has one), message and fix; the
    manifest keeps the table column and cell besides."""
    rule = found.rule if not found.id else f"{found.rule} ({found.id})"
    severity = cast(Severity, found.severity if found.severity in ("error", "review")
                    else "warning")
    folder = layout.OUTPUTS_MANIFEST.rsplit("/", 1)[0]
    return Finding(f"{folder}/{found.path}", found.line, None, rule, found.message,
                   found.fix or "", severity)
