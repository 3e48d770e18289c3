"""Frequency-table rules: small cells, zeros, class disclosure, rounding, secondary suppression.

Every underlying count of a table is checked, margins included (a total under the threshold
discloses as much as a cell). A zero is disclosive by default (ACRO's ``zeros_are_disclosive``)
unless the researcher marked it structural. A group in which one category holds every unit
discloses that category for each of its members (class disclosure). When the policy asks for
rounding, every count must be a multiple of its base. A suppressed cell that a visible margin
gives back (the margin minus the other cells of its row or column) is no suppression at all,
so it needs a second suppressed cell (secondary suppression).
"""

from __future__ import annotations

from fivesafes.core.findings import Finding
from fivesafes.core.outputs.found import at_cell, make
from fivesafes.core.outputs.tables import Cell, Table
from fivesafes.models.output_rules import Disclosure


def _thresholds(table: Table, rules: Disclosure) -> list[Finding]:
    found: list[Finding] = []
    for cell in table.cells("count"):
        if cell.value is None:
            continue
        if 0 < cell.value < rules.min_cell_count:
            found.append(at_cell(
                "disclosure.min-cell-count", table.path, cell,
                f"a count under the minimum cell count of {rules.min_cell_count}",
                "suppress the cell (and a second one, so no total gives it back), or merge "
                "small groups"))
        elif cell.value == 0 and rules.zeros_disclosive and not cell.margin:
            found.append(at_cell(
                "disclosure.zero", table.path, cell,
                "a zero count (zeros are disclosive under the policy)",
                "merge categories, or request an exception marking it a structural zero with "
                "the reason it cannot be otherwise"))
        if rules.rounding_base and cell.value % rules.rounding_base:
            found.append(at_cell(
                "disclosure.rounding", table.path, cell,
                f"a count that is not a multiple of the policy's rounding base "
                f"{rules.rounding_base}",
                f"round every count to a multiple of {rules.rounding_base}"))
    return found


def _groups(table: Table) -> dict[str, list[Cell]]:
    """group -> its category cells (no margins): rows of a cross-tab; in a long table with
    two or more label columns, the first label's value over the categories of the second."""
    groups: dict[str, list[Cell]] = {}
    counts = [c for c in table.columns("count") if c not in table.margin_columns]
    labels = table.columns("label")
    for r in range(len(table.rows)):
        if r in table.margin_rows:
            continue
        if table.crosstab:
            groups[table.label(r)] = [table.cell(r, c) for c in counts]
        elif len(labels) >= 2 and len(counts) == 1:
            row = table.rows[r]
            key = row[labels[0]].strip() if labels[0] < len(row) else ""
            groups.setdefault(key, []).append(table.cell(r, counts[0]))
    return groups


def _class_disclosure(table: Table) -> list[Finding]:
    found: list[Finding] = []
    categories = max((len(v) for v in _groups(table).values()), default=0)
    if categories < 2:
        return found
    for cells in _groups(table).values():
        known = [c for c in cells if c.value is not None]
        full = [c for c in known if c.value]
        if len(cells) < 2 or len(known) != len(cells) or len(full) != 1:
            continue
        only = full[0]
        others = [c.line for c in cells if c is not only] if not table.crosstab else []
        what = (f"column '{only.column}'" if table.crosstab
                else f"line {only.line} (the group's other lines "
                     f"{', '.join(map(str, others))} are zero)")
        found.append(make(
            "disclosure.class", table.path,
            f"every unit of the group at line {only.line} is in one category ({what}), so "
            "the table discloses that category for each of them", line=only.line,
            table_column=only.column, cell=only.where,
            fix="merge the group with another, or suppress the group's cells"))
    return found


def _recoverable(table: Table, line: list[Cell], margin: Cell | None,
                 along: str) -> list[Finding]:
    hidden = [c for c in line if c.suppressed]
    if margin is None or margin.value is None or len(hidden) != 1:
        return []
    cell = hidden[0]
    return [at_cell(
        "disclosure.secondary-suppression", table.path, cell,
        f"the only suppressed cell of its {along}: the margin '{margin.column}' at line "
        f"{margin.line} minus the other cells gives it back",
        "suppress a second cell in the same row and column (secondary suppression), or "
        "suppress the margin too")]


def _secondary(table: Table) -> list[Finding]:
    found: list[Finding] = []
    counts = [c for c in table.columns("count") if c not in table.margin_columns]
    body = [r for r in range(len(table.rows)) if r not in table.margin_rows]
    for margin_col in sorted(table.margin_columns):
        for r in body:
            found += _recoverable(table, [table.cell(r, c) for c in counts],
                                  table.cell(r, margin_col), "row")
    for margin_row in sorted(table.margin_rows):
        for c in counts:
            found += _recoverable(table, [table.cell(r, c) for r in body],
                                  table.cell(margin_row, c), "column")
    unique = {f.id: f for f in found}
    return list(unique.values())


def frequency_findings(table: Table, rules: Disclosure) -> list[Finding]:
    """Every frequency-table finding of ``table``."""
    if not table.columns("count"):
        return []
    return [*_thresholds(table, rules), *_class_disclosure(table), *_secondary(table)]
