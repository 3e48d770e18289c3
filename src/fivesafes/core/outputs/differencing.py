"""Differencing: a cell given back by a total published in another output.

Suppressing a small cell protects nothing when another output states the table's total: the
total minus the visible cells is the suppressed cell (the demo's ``summary.json`` says how many
patients there are in all). Likewise a total that exceeds a table's cells by less than the
minimum cell count reveals a small group the table left out. Totals are read from count-like
numbers in JSON outputs (keys such as ``patients``, ``total``, ``n``) and from the single
count of one-row tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from fivesafes.core.findings import Finding
from fivesafes.core.outputs.found import make
from fivesafes.core.outputs.tables import Table, header_kind
from fivesafes.models.output_rules import Disclosure


def _leaves(data: Any, prefix: str = "") -> Iterator[tuple[str, float]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, f"{prefix}[{i}]")
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        yield prefix, float(data)


def totals(path: str, text: str) -> list[tuple[str, str, float]]:
    """(path, key, value) of the count-like numbers of a JSON output."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    found = []
    for key, value in _leaves(data):
        last = key.rsplit(".", 1)[-1]
        if header_kind(last) == "count" and value >= 0 and value.is_integer():
            found.append((path, key, value))
    return found


def _body(table: Table) -> tuple[float, int, int]:
    """(sum of visible body counts, number of suppressed body cells, first line) of a table."""
    visible, hidden = 0.0, 0
    for cell in table.cells("count"):
        if cell.margin:
            continue
        if cell.suppressed:
            hidden += 1
        elif cell.value is not None:
            visible += cell.value
    return visible, hidden, table.lines[0]


def findings(tables: Mapping[str, Table], json_texts: Mapping[str, str],
             rules: Disclosure) -> list[Finding]:
    """Cells of one output recoverable from a total stated in another."""
    stated = [t for path, text in sorted(json_texts.items()) for t in totals(path, text)]
    found: list[Finding] = []
    for path, table in sorted(tables.items()):
        if not table.columns("count"):
            continue
        visible, hidden, line = _body(table)
        for other, key, total in stated:
            gap = total - visible
            if hidden == 1 and 0 < gap < rules.min_cell_count:
                message = (f"the one suppressed cell is given back by '{key}' in {other} "
                           "minus the other cells")
            elif hidden == 0 and 0 < gap < rules.min_cell_count:
                message = (f"'{key}' in {other} exceeds the cells of this table by less than "
                           f"{rules.min_cell_count}: the difference reveals a small group")
            else:
                continue
            found.append(make(
                "disclosure.differencing", path, message, line=line, table_column=key,
                fix=f"suppress a second cell (secondary suppression), or drop or round "
                    f"'{key}' in {other}"))
    return found
