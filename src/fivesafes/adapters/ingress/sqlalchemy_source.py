"""Record batches through SQLAlchemy, for dialects without an ADBC driver here.

The URL's own DBAPI driver reads the rows; they are turned into Arrow arrays column by column,
a batch at a time: correct for every dialect SQLAlchemy knows, only slower than ADBC. The
query is built with SQLAlchemy's expression language (identifiers quoted, values bound, each
value typed as the column's reflected type).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement, quoted_name

from fivesafes.adapters.ingress.query import QueryError
from fivesafes.models.dataset import Filter, Table

BATCH = 5_000


def _name(identifier: str) -> quoted_name:
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
               types: dict[str, Any]) -> sa.Select[Any]:
    def column(identifier: str) -> sa.ColumnClause[Any]:
        return sa.column(_name(identifier), types.get(identifier))

    source = sa.table(_name(table.name), *(column(c) for c in columns),
                      schema=_name(schema) if schema else None)
    query = sa.select(*(source.c[c] for c in columns))
    for flt in table.filters:
        query = query.where(condition(column(flt.column), flt))
    return query


def _batches(result: sa.CursorResult[Any], columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
    schema: pa.Schema | None = None
    for partition in result.partitions(BATCH):
        arrays = [pa.array([row[i] for row in partition],
                           type=schema.field(i).type if schema else None)
                  for i in range(len(columns))]
        if schema is None:
            schema = pa.schema([pa.field(c, pa.string() if a.type == pa.null() else a.type)
                                for c, a in zip(columns, arrays, strict=True)])
            arrays = [a.cast(f.type) for a, f in zip(arrays, schema, strict=True)]
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)


@contextlib.contextmanager
def record_batches(url: str, schema: str | None, table: Table,
                   wanted: Sequence[str] | None) -> Iterator[pa.RecordBatchReader]:
    """The rows of ``wanted`` columns (all when None) of ``table``, as batches."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            known = {str(c["name"]): c["type"]
                     for c in sa.inspect(connection).get_columns(table.name, schema=schema)}
            columns = list(wanted or known)
            query = select_for(schema, table, columns, known)
            result = connection.execution_options(
                stream_results=True, yield_per=BATCH).execute(query)
            batches = _batches(result, columns)
            first = next(batches, None)
            if first is None:
                empty = pa.schema([pa.field(c, pa.string()) for c in columns])
                yield pa.RecordBatchReader.from_batches(empty, iter(()))
                return
            rest = (b.cast(first.schema) for b in batches)
            yield pa.RecordBatchReader.from_batches(first.schema, _chain(first, rest))
    finally:
        engine.dispose()


def _chain(first: pa.RecordBatch, rest: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    yield first
    yield from rest
