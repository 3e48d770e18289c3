"""The SELECT of one approved table: quoted identifiers, filter values as bound parameters.

Names from the request are only ever identifiers (``quoted_name(..., quote=True)``) and values
only ever parameters, so neither can become SQL. Each column carries the type the source's
catalogue reports, so the bound values take that type: on PostgreSQL the statement says
``$1::DATE`` and a filter value ``"2020-01-01"`` compares as a date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql.elements import ColumnElement, quoted_name

from fivesafes.models.dataset import Filter, Table


class QueryError(ValueError):
    """A filter that cannot be applied (e.g. an operator without its value)."""


@dataclass(frozen=True)
class Statement:
    """SQL text with positional parameters, for a driver of the given paramstyle."""

    sql: str
    parameters: tuple[Any, ...]


def name(identifier: str) -> quoted_name:
    return quoted_name(identifier, quote=True)


def condition(column: ColumnElement[Any], flt: Filter) -> ColumnElement[bool]:
    """A structured filter as an expression with bound parameters of the column's type."""
    value = flt.value

    def bound(item: Any) -> sa.BindParameter[Any]:
        return sa.bindparam(None, item, type_=column.type, unique=True)

    if flt.op in ("in", "not-in"):
        values = [bound(v) for v in (value if isinstance(value, list) else [value])]
        return column.in_(values) if flt.op == "in" else column.not_in(values)
    if flt.op == "is-null":
        return column.is_(None)
    if flt.op == "not-null":
        return column.is_not(None)
    if value is None or isinstance(value, list):
        raise QueryError(f"filter on {flt.column}: operator {flt.op} needs one value")
    ops = {"=": column.__eq__, "!=": column.__ne__, "<": column.__lt__, "<=": column.__le__,
           ">": column.__gt__, ">=": column.__ge__}
    return ops[flt.op](bound(value))


def select_for(schema: str | None, table: Table, columns: Sequence[str],
               types: Mapping[str, Any] | None = None) -> sa.Select[Any]:
    """``SELECT columns FROM schema.table WHERE filters``; ``types`` types the parameters."""
    known = types or {}

    def column(identifier: str) -> sa.ColumnClause[Any]:
        return sa.column(name(identifier), known.get(identifier))

    source = sa.table(name(table.name), *(column(c) for c in columns),
                      schema=name(schema) if schema else None)
    query = sa.select(*(source.c[c] for c in columns))
    for flt in table.filters:
        query = query.where(condition(column(flt.column), flt))
    return query


def compile_for(query: sa.Select[Any], dialect: Dialect) -> Statement:
    """The statement as text for ``dialect`` (its paramstyle), with values in order."""
    compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    order = compiled.positiontup or []
    return Statement(str(compiled), tuple(compiled.params[key] for key in order))
