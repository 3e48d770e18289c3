"""The SELECT of one approved table: quoted identifiers, filter values as bound parameters.

Names from the request are only ever identifiers (double-quoted, inner quotes doubled) and
values only ever parameters, so neither can become SQL. The statement is written here, not
by SQLAlchemy, so the ADBC path does not pay for importing it. The placeholder is the
driver's: ``?`` for SQLite; ``$1::<type>`` for PostgreSQL, with the column's type as the
server itself reports it (``format_type``), so a filter value ``"2020-01-01"`` compares as a
date. :mod:`fivesafes.adapters.ingress.sqlalchemy_source` builds the same query for other
dialects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fivesafes.models.dataset import Filter

Placeholder = Callable[[int, str], str]  # (parameter number from 1, column) -> SQL
COMPARISONS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class QueryError(ValueError):
    """A filter that cannot be applied (e.g. an operator without its value)."""


@dataclass(frozen=True)
class Statement:
    """SQL text with positional parameters."""

    sql: str
    parameters: tuple[Any, ...]


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def qualified(schema: str | None, table: str) -> str:
    return f"{quote(schema)}.{quote(table)}" if schema else quote(table)


def qmark(_: int, __: str) -> str:
    return "?"


class _Builder:
    def __init__(self, placeholder: Placeholder) -> None:
        self.placeholder = placeholder
        self.parameters: list[Any] = []

    def bind(self, column: str, value: Any) -> str:
        self.parameters.append(value)
        return self.placeholder(len(self.parameters), column)

    def condition(self, flt: Filter) -> str:
        column, value = quote(flt.column), flt.value
        if flt.op == "is-null":
            return f"{column} IS NULL"
        if flt.op == "not-null":
            return f"{column} IS NOT NULL"
        if flt.op in ("in", "not-in"):
            values = value if isinstance(value, list) else [value]
            if not values:  # nothing is in an empty list, everything is outside it
                return "1 = 0" if flt.op == "in" else "1 = 1"
            marks = ", ".join(self.bind(flt.column, v) for v in values)
            return f"{column} {'IN' if flt.op == 'in' else 'NOT IN'} ({marks})"
        if value is None or isinstance(value, list):
            raise QueryError(f"filter on {flt.column}: operator {flt.op} needs one value")
        return f"{column} {COMPARISONS[flt.op]} {self.bind(flt.column, value)}"


def select(schema: str | None, table: str, columns: Sequence[str], filters: Sequence[Filter],
           placeholder: Placeholder = qmark) -> Statement:
    """``SELECT columns FROM schema.table WHERE filters`` with bound values."""
    builder = _Builder(placeholder)
    where = [f"({builder.condition(flt)})" for flt in filters]
    # Only quoted identifiers and placeholders reach the text; values are parameters.
    sql = f"SELECT {', '.join(quote(c) for c in columns)} FROM {qualified(schema, table)}"  # noqa: S608
    if where:
        sql += " WHERE " + " AND ".join(where)
    return Statement(sql, tuple(builder.parameters))
