"""Model outputs: a regression on too few residual degrees of freedom discloses its data.

With few residual degrees of freedom a fitted model nearly reproduces the observations, so
ACRO's rule (``safe_dof_threshold``, default 10) asks for a minimum. Summaries are read as the
common tools write them: statsmodels (``Df Residuals:``, also in ACRO's CSV of a model), R
(``on N degrees of freedom``), and tables with a ``df_resid``/``dof`` column.
"""

from __future__ import annotations

import re

from fivesafes.core.findings import Finding
from fivesafes.core.outputs.found import make
from fivesafes.core.outputs.tables import Table, number, words
from fivesafes.models.output_rules import Disclosure

PATTERNS = (
    re.compile(r"Df Residuals:\W*(\d+)", re.IGNORECASE),
    re.compile(r"on (\d+) degrees of freedom", re.IGNORECASE),
    re.compile(r"residual (?:degrees of freedom|dof|df)\W+(\d+)", re.IGNORECASE),
)
DOF_HEADERS = {("df", "resid"), ("df", "residuals"), ("dof",), ("residual", "df"),
               ("df", "residual")}


def _finding(path: str, line: int, dof: int, rules: Disclosure,
             column: str | None = None) -> Finding:
    return make("disclosure.residual-dof", path,
                f"a model with {dof} residual degrees of freedom, under the minimum of "
                f"{rules.min_residual_dof}", line=line, table_column=column,
                fix="fit the model on more observations or fewer parameters")


def text_findings(path: str, text: str, rules: Disclosure) -> list[Finding]:
    found: list[Finding] = []
    for number_, line in enumerate(text.splitlines(), start=1):
        for pattern in PATTERNS:
            for match in pattern.finditer(line):
                dof = int(match.group(1))
                if dof < rules.min_residual_dof:
                    found.append(_finding(path, number_, dof, rules))
    return found


def table_findings(table: Table, rules: Disclosure) -> list[Finding]:
    found: list[Finding] = []
    for c, name in enumerate(table.header):
        if tuple(words(name)) not in DOF_HEADERS:
            continue
        for r, row in enumerate(table.rows):
            value = number(row[c]) if c < len(row) else None
            if value is not None and value < rules.min_residual_dof:
                found.append(_finding(table.path, table.lines[r], int(value), rules,
                                      name.strip()))
    return found
