"""Magnitude tables: dominance (NK rule, p% rule) needs the microdata behind each cell.

A mean or a sum can give away one dominant contributor (one patient's cost) even when the cell
counts are large. The output alone cannot show it: the contributions behind each cell are
needed. When the workflow supplies that evidence (ACRO ran the NK and p% checks on the
microdata; see :mod:`fivesafes.core.outputs.acro`), its verdict per cell is used. Without it,
every magnitude column is marked ``review``: never passed automatically.
"""

from __future__ import annotations

from fivesafes.core.findings import Finding
from fivesafes.core.outputs.found import make
from fivesafes.core.outputs.tables import Table
from fivesafes.models.output_rules import Disclosure


def needs_review(table: Table, rules: Disclosure, *, unclassified: bool = False,
                 ) -> list[Finding]:
    """One ``review`` finding per magnitude column (or per unclassified numeric table)."""
    found: list[Finding] = []
    for c in table.columns("magnitude"):
        name = table.header[c].strip()
        found.append(make(
            "disclosure.dominance", table.path,
            f"column '{name}' holds magnitudes; dominance (NK n={rules.nk_n} "
            f"k={rules.nk_k:.0%}, p% {rules.p_ratio:.0%}) cannot be checked without the "
            "microdata behind each cell", severity="review", line=1, table_column=name,
            fix="run the analysis through ACRO so its NK and p% checks travel with the "
                "output, or a checker confirms no cell is dominated by one or two units"))
    if unclassified and not found and not table.columns("count"):
        numeric = [table.header[c].strip() for c in table.columns("other")]
        if numeric:
            found.append(make(
                "disclosure.unclassified", table.path,
                "numeric columns whose header says neither count nor magnitude ("
                + ", ".join(f"'{n}'" for n in numeric[:5]) + "): not checked automatically",
                severity="review", line=1,
                fix="name count columns n/count/'Number of ...' and magnitude columns "
                    "mean/sum/..., or a checker reviews the table"))
    return found
