"""Line numbers of the parts of a dataset file, for findings a researcher can jump to.

The TOML parsers give values, not positions, so a finding about the third column of the second
table needs its line found in the text. Dataset files are written in one of two shapes (array
of tables ``[[dataset.tables]]`` with inline or ``[[dataset.tables.columns]]`` columns, or one
inline array); this module searches the right table's stretch of text for the key that names
the thing, skipping comment lines. When a name cannot be placed it falls back to the table's
line, then to None (the finding still names the file).
"""

from __future__ import annotations

import re

_TABLE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*dataset\.tables[ \t]*\]\]", re.MULTILINE)
_SCHEMA = re.compile(r"^[ \t]*schema[ \t]*=", re.MULTILINE)
_COLUMNS = re.compile(r"(?:^|[\s{,])columns[ \t]*=|\[\[[ \t]*dataset\.tables\.columns[ \t]*\]\]")


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _table_span(text: str, index: int) -> tuple[int, int]:
    headers = [m.start() for m in _TABLE_HEADER.finditer(text)]
    if index < len(headers):
        end = headers[index + 1] if index + 1 < len(headers) else len(text)
        return headers[index], end
    return 0, len(text)


def _find_key(text: str, start: int, end: int, key: str, value: str) -> list[int]:
    """Offsets of every ``key = "value"`` in text[start:end], comment lines skipped."""
    pattern = re.compile(
        r"(?:^|[\s{,])" + re.escape(key) + r"[ \t]*=[ \t]*([\"'])" + re.escape(value) + r"\1"
    )
    found: list[int] = []
    offset = start
    for line in text[start:end].splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            match = pattern.search(line)
            if match:
                found.append(offset + match.start())
        offset += len(line)
    return found


def _code_between(text: str, start: int, end: int) -> str:
    return "".join(
        line for line in text[start:end].splitlines(keepends=True)
        if not line.lstrip().startswith("#")
    )


def schema_line(text: str) -> int | None:
    match = _SCHEMA.search(text)
    return _line_at(text, match.start()) if match else None


def table_line(text: str, index: int, name: str) -> int | None:
    start, end = _table_span(text, index)
    for found in _find_key(text, start, end, "name", name):
        if not _COLUMNS.search(_code_between(text, start, found)):
            return _line_at(text, found)
    return _line_at(text, start) if start > 0 else None


def column_line(text: str, index: int, name: str) -> int | None:
    """The line of a column entry (a ``name`` key that comes after ``columns``)."""
    start, end = _table_span(text, index)
    for found in _find_key(text, start, end, "name", name):
        if _COLUMNS.search(_code_between(text, start, found)):
            return _line_at(text, found)
    return _line_at(text, start) if start > 0 else None


def filter_line(text: str, index: int, column: str) -> int | None:
    start, end = _table_span(text, index)
    found = _find_key(text, start, end, "column", column)
    return _line_at(text, found[0]) if found else (_line_at(text, start) if start > 0 else None)
