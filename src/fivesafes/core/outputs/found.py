"""Building disclosure findings the same way in every rule family.

A finding names the output, the line, the column and the cell (by its row label and column
name), the rule and the fix, and never the value: the manifest holding it is committed to git.
Its ``id`` is derived from rule, path, line and column, so the same finding on the same bytes
has the same id run after run, and a checker's override or a researcher's exception request
can name it. The checks build the product's one :class:`Finding` (its ``file`` is the output's
path under the outputs folder); :func:`to_manifest` is the one
crossing into the manifest's file format (the decisions read the manifest's own model).
"""

from __future__ import annotations

import dataclasses

from fivesafes.core import layout
from fivesafes.core.findings import Finding, Severity
from fivesafes.core.outputs.tables import Cell
from fivesafes.models.manifest import DisclosureFinding

OUTPUTS_FOLDER = layout.OUTPUTS_MANIFEST.rsplit("/", 1)[0]


def finding_id(rule: str, path: str, line: int | None, column: str | None) -> str:
    where = path + (f":{line}" if line is not None else "")
    if column:
        where += f":{column}"
    return f"{rule.removeprefix('disclosure.')}@{where}"


def make(rule: str, path: str, message: str, *, severity: Severity = "error",
         line: int | None = None, table_column: str | None = None, cell: str | None = None,
         fix: str | None = None, source: str = "fivesafes") -> Finding:
    return Finding(path, line, None, rule, message, fix or "", severity,
                   id=finding_id(rule, path, line, table_column), table_column=table_column,
                   cell=cell, source=source)


def at_cell(rule: str, path: str, cell: Cell, message: str, fix: str,
            severity: Severity = "error") -> Finding:
    return make(rule, path, f"{cell.where}: {message}", severity=severity, line=cell.line,
                table_column=cell.column, cell=cell.where, fix=fix)


def to_manifest(found: Finding) -> DisclosureFinding:
    """The finding as the outputs manifest stores it (``path``, ``column`` the table's)."""
    return DisclosureFinding(rule=found.rule, path=found.file, line=found.line,
                             message=found.message, severity=found.severity, id=found.id,
                             column=found.table_column, cell=found.cell,
                             fix=found.fix or None, source=found.source)


def reported(found: Finding) -> Finding:
    """The finding as a person reads it: the file under ``outputs/``, the rule with its id
    (what an override or an exception request names)."""
    rule = found.rule if not found.id else f"{found.rule} ({found.id})"
    return dataclasses.replace(found, file=f"{OUTPUTS_FOLDER}/{found.file}", rule=rule)
