"""Reading a CSV/TSV output as a table a disclosure check can reason about.

Output checkers meet tables of many shapes: long tables (label columns and a count column),
wide cross-tabulations (a label column, then one column per category), and either with margins
("Total", "All"). This module finds, from the header and the values alone, which columns hold
counts (``n``, ``count``, ``Number of patients``, ``Patients (n)``, ...), which hold magnitudes
(means, sums, costs), which rows and columns are margins, and which cells were suppressed, so
every rule family sees the same reading of the same table. Pure: text in, a table out.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["label", "count", "magnitude", "other"]
COUNT_FIRST = {"n", "count", "counts", "freq", "frequency", "number", "num", "no", "nb"}
COUNT_LAST = {"n", "count", "counts", "freq", "frequency", "number", "num"}
COUNT_WORDS = {"patients", "people", "persons", "individuals", "cases", "events", "admissions",
               "deaths", "births", "participants", "subjects", "respondents", "records",
               "total", "count", "n", "freq", "frequency"}
MAGNITUDE = {"mean", "average", "avg", "median", "sum", "cost", "costs", "amount", "income",
             "spend", "spending", "salary", "sd", "std", "stdev", "min", "max", "value",
             "duration", "weight", "height", "bmi", "score", "los", "price", "pay", "gbp",
             "usd", "eur", "revenue", "dose"}
RATE = {"pct", "percent", "percentage", "proportion", "rate", "ratio", "share", "prop"}
MARGIN = {"total", "all", "overall", "sum", "grand total", "totals"}
SUPPRESSED = re.compile(r"^(?:|\*+|\[?c\]?|\[?x\]?|\[low\]|suppressed|redacted|~|"
                        r"[<≤]\s*\d+|nan)$", re.IGNORECASE)
NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?"
                    r"(?:\s*\(.*\))?%?$")


@dataclass(frozen=True)
class Cell:
    line: int  # line of the file (1-based, the header is line 1)
    row: str  # the row's label (its label cells joined by " / ")
    column: str
    text: str
    value: float | None  # the number, None when suppressed or not a number
    suppressed: bool
    margin: bool  # in a margin row or a margin column

    @property
    def where(self) -> str:
        """The cell by line and column: row labels stay out of the committed manifest (a rare
        category's name can itself disclose), the checker opens the file in the TRE."""
        return f"line {self.line}, column '{self.column}'"


@dataclass(frozen=True)
class Table:
    path: str
    header: tuple[str, ...]
    kinds: tuple[Kind, ...]
    lines: tuple[int, ...]  # the file line of each body row
    rows: tuple[tuple[str, ...], ...]
    margin_rows: frozenset[int]  # indexes into rows
    margin_columns: frozenset[int]
    crosstab: bool  # categories are columns (a wide table of counts)

    def columns(self, kind: Kind) -> list[int]:
        return [i for i, k in enumerate(self.kinds) if k == kind]

    def label(self, r: int) -> str:
        parts = [self.rows[r][i].strip() for i in self.columns("label") if i < len(self.rows[r])]
        return " / ".join(p for p in parts if p) or f"line {self.lines[r]}"

    def cell(self, r: int, c: int) -> Cell:
        text = self.rows[r][c].strip() if c < len(self.rows[r]) else ""
        value = number(text)
        return Cell(self.lines[r], self.label(r), self.header[c].strip(), text, value,
                    value is None and bool(SUPPRESSED.match(text)),
                    r in self.margin_rows or c in self.margin_columns)

    def cells(self, kind: Kind) -> list[Cell]:
        cols = self.columns(kind)
        return [self.cell(r, c) for r in range(len(self.rows)) for c in cols]


def words(name: str) -> list[str]:
    return re.findall(r"[a-z]+", name.lower())


def number(text: str) -> float | None:
    """The leading number of a cell: ``12``, ``1,234``, ``12.0``, ``12 (3.4%)``."""
    text = text.strip()
    if not NUMBER.match(text):
        return None
    head = text.split("(")[0].strip().rstrip("%").replace(",", "")
    try:
        return float(head)
    except ValueError:
        return None


def header_kind(name: str) -> Kind | None:
    """What a header alone says its column holds (None: the header does not say)."""
    found = words(name)
    if not found:
        return None
    if set(found) & RATE or ("%" in name and "(n" not in name.replace(" ", "").lower()):
        return "other"
    if set(found) & MAGNITUDE:
        return "magnitude"
    if found[0] in COUNT_FIRST or found[-1] in COUNT_LAST or (
            len(found) == 1 and found[0] in COUNT_WORDS) or found[-1] == "total":
        return "count"
    return None


def _is_margin(text: str) -> bool:
    return " ".join(words(text)) in MARGIN


def parse(path: str, text: str) -> Table | None:
    """The table in a CSV/TSV text (None when it has no header or no body)."""
    reader = csv.reader(io.StringIO(text), delimiter="\t" if path.endswith(".tsv") else ",")
    header = tuple(next(reader, []))
    rows: list[tuple[str, ...]] = []
    lines: list[int] = []
    for row in reader:
        if any(x.strip() for x in row):
            rows.append(tuple(row))
            lines.append(reader.line_num)
    if not header or not rows:
        return None
    kinds: list[Kind] = []
    candidates: list[int] = []  # numeric columns whose header says nothing
    for c, name in enumerate(header):
        values = [r[c].strip() for r in rows if c < len(r)]
        numeric = [v for v in values if number(v) is not None]
        textual = [v for v in values if number(v) is None and not SUPPRESSED.match(v)]
        said = header_kind(name)
        if (textual and not numeric) or (c == 0 and said is None):
            kinds.append("label")
        elif said is not None and numeric:
            kinds.append(said)
        else:
            kinds.append("other")
            if not textual:
                candidates.append(c)
    integers = all(
        v is None or (v >= 0 and v.is_integer())
        for c in candidates for v in (number(r[c]) for r in rows if c < len(r)))
    crosstab = len(candidates) >= 2 and integers and "count" not in kinds
    for c in candidates:
        if crosstab or (integers and _is_margin(header[c])):
            kinds[c] = "count"
    if not any(k == "label" for k in kinds) and kinds:
        crosstab = False
    margin_rows = frozenset(r for r, row in enumerate(rows)
                            if any(_is_margin(row[c]) for c, k in enumerate(kinds)
                                   if k == "label" and c < len(row)))
    margin_columns = frozenset(c for c, name in enumerate(header)
                               if kinds[c] == "count" and _is_margin(name))
    return Table(path, header, tuple(kinds), tuple(lines), tuple(rows), margin_rows,
                 margin_columns, crosstab)
