"""Streams of Arrow record batches from a source: ADBC where a driver exists, else SQLAlchemy.

SQLite and PostgreSQL are read with their ADBC drivers (``adbc-driver-sqlite``,
``adbc-driver-postgresql``): the driver fills Arrow buffers itself, so no row becomes a
Python object. Any other dialect goes through SQLAlchemy (the URL's own DBAPI driver), whose
rows are turned into batches column by column: correct everywhere, only slower.

SQLite has no column types, only values: its driver takes each column's type from the first
batch, so a column that is NULL all through that batch would later fail with "type mismatch".
``sqlite_batch_rows`` finds, with a cheap query, how long the first batch must be for every
column to show a value, and columns that are NULL throughout get their declared type.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from fivesafes.adapters.ingress.query import Statement, compile_for

SQLITE_BATCH = 65_536
SQLITE_MAX_BATCH = 1 << 20
FALLBACK_BATCH = 5_000
SQLITE_TYPES = {"INT": pa.int64(), "REAL": pa.float64(), "FLOA": pa.float64(),
                "DOUB": pa.float64(), "BLOB": pa.binary()}


class SourceError(Exception):
    """The source could not be read; the message names no URL."""


def backend(url: str) -> str:
    return sa.engine.make_url(url).get_backend_name()


def adbc_sqlite_uri(url: str) -> str:
    """A read-only SQLite URI for the ADBC driver (the file is never created or changed)."""
    database = sa.engine.make_url(url).database or ""
    path = database.removeprefix("file:").split("?", 1)[0]
    if not path or path == ":memory:":
        raise SourceError("an in-memory SQLite database has no data to extract")
    return f"file:{path}?mode=ro"


def libpq_uri(url: str) -> str:
    """The libpq connection URI of a SQLAlchemy ``postgresql[+driver]://`` URL."""
    parsed = sa.engine.make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _declared(sql_type: Any) -> pa.DataType:
    text = str(sql_type).upper()
    return next((t for key, t in SQLITE_TYPES.items() if key in text), pa.string())


def sqlite_batch_rows(cursor: Any, statement: Statement, columns: Sequence[str]) -> tuple[
        int, set[str]]:
    """Rows per batch so the first batch holds a value of every column; all-NULL columns."""
    inner = f"SELECT * FROM ({statement.sql} LIMIT {SQLITE_BATCH})"
    counts = ", ".join(f"count({_quote(c)})" for c in columns)
    cursor.execute(f"SELECT {counts} FROM ({inner})", statement.parameters)
    empty = [c for c, n in zip(columns, cursor.fetchone(), strict=True) if not n]
    rows, never = SQLITE_BATCH, set()
    for column in empty:
        ident = _quote(column)
        cursor.execute(f"SELECT n FROM (SELECT row_number() OVER () AS n, {ident} AS v FROM "
                       f"({statement.sql})) WHERE v IS NOT NULL LIMIT 1", statement.parameters)
        found = cursor.fetchone()
        if found is None:
            never.add(column)
        else:
            rows = max(rows, int(found[0]))
    if rows > SQLITE_MAX_BATCH:
        raise SourceError(f"a column's first value is beyond row {SQLITE_MAX_BATCH}")
    return rows, never


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@contextlib.contextmanager
def _sqlite(url: str, query: sa.Select[Any], columns: Sequence[str],
            types: dict[str, Any]) -> Iterator[pa.RecordBatchReader]:
    import adbc_driver_sqlite.dbapi as adbc_sqlite

    statement = compile_for(query, sqlite.dialect(paramstyle="qmark"))
    with adbc_sqlite.connect(adbc_sqlite_uri(url)) as connection, \
            connection.cursor() as probe, connection.cursor() as cursor:
        rows, never = sqlite_batch_rows(probe, statement, columns)
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(rows)})
        cursor.execute(statement.sql, statement.parameters)
        reader = cursor.fetch_record_batch()
        if never:
            target = pa.schema([pa.field(f.name, _declared(types.get(f.name)))
                                if f.name in never else f for f in reader.schema])
            reader = pa.RecordBatchReader.from_batches(
                target, (b.cast(target) for b in reader))
        yield reader


def _plain_type(field: pa.Field, sql_type: Any) -> pa.DataType:
    """Arrow's type for a column the driver passes as an opaque extension (e.g. numeric)."""
    storage = field.type.storage_type
    precision, scale = getattr(sql_type, "precision", None), getattr(sql_type, "scale", None)
    if field.type.extension_name == "arrow.opaque" and "numeric" in str(field.type) and (
            precision and scale is not None and precision <= 38):
        return pa.decimal128(precision, scale)
    return storage


def plain(reader: pa.RecordBatchReader, types: dict[str, Any]) -> pa.RecordBatchReader:
    """The stream with extension-typed columns as plain Arrow types every writer takes:
    ``numeric(p, s)`` as decimals, anything else the driver cannot map as its text."""
    fields = list(reader.schema)
    if not any(isinstance(f.type, pa.BaseExtensionType) for f in fields):
        return reader
    target = pa.schema([pa.field(f.name, _plain_type(f, types.get(f.name)), f.nullable)
                        if isinstance(f.type, pa.BaseExtensionType) else f for f in fields])

    def convert(batch: pa.RecordBatch) -> pa.RecordBatch:
        columns = []
        for column, field in zip(batch.columns, target, strict=True):
            if isinstance(column.type, pa.BaseExtensionType):
                column = column.storage.cast(field.type)
            columns.append(column)
        return pa.RecordBatch.from_arrays(columns, schema=target)

    return pa.RecordBatchReader.from_batches(target, (convert(b) for b in reader))


@contextlib.contextmanager
def _postgresql(url: str, query: sa.Select[Any], types: dict[str, Any]) -> Iterator[
        pa.RecordBatchReader]:
    import adbc_driver_postgresql.dbapi as adbc_pg

    statement = compile_for(query, postgresql.dialect(paramstyle="numeric_dollar"))
    with adbc_pg.connect(libpq_uri(url)) as connection, connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.parameters or None)
        yield plain(cursor.fetch_record_batch(), types)


def _row_batches(result: sa.CursorResult[Any], columns: Sequence[str]) -> Iterator[
        pa.RecordBatch]:
    schema: pa.Schema | None = None
    for partition in result.partitions(FALLBACK_BATCH):
        arrays = [pa.array([row[i] for row in partition],
                           type=schema.field(i).type if schema else None)
                  for i in range(len(columns))]
        if schema is None:
            schema = pa.schema([pa.field(c, pa.string() if a.type == pa.null() else a.type)
                                for c, a in zip(columns, arrays, strict=True)])
            arrays = [a.cast(f.type) for a, f in zip(arrays, schema, strict=True)]
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)


@contextlib.contextmanager
def _sqlalchemy(url: str, query: sa.Select[Any], columns: Sequence[str]) -> Iterator[
        pa.RecordBatchReader]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            result = connection.execution_options(
                stream_results=True, yield_per=FALLBACK_BATCH).execute(query)
            batches = _row_batches(result, columns)
            first = next(batches, None)
            if first is None:
                schema = pa.schema([pa.field(c, pa.string()) for c in columns])
                yield pa.RecordBatchReader.from_batches(schema, iter(()))
                return
            rest = (b.cast(first.schema) for b in batches)
            yield pa.RecordBatchReader.from_batches(first.schema, _chain(first, rest))
    finally:
        engine.dispose()


def _chain(first: pa.RecordBatch, rest: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    yield first
    yield from rest


@contextlib.contextmanager
def record_batches(url: str, query: sa.Select[Any], columns: Sequence[str],
                   types: dict[str, Any] | None = None) -> Iterator[pa.RecordBatchReader]:
    """The rows of ``query`` as a stream of record batches (columns named ``columns``)."""
    kind = backend(url)
    if kind == "sqlite":
        with _sqlite(url, query, columns, types or {}) as reader:
            yield reader
    elif kind == "postgresql":
        with _postgresql(url, query, types or {}) as reader:
            yield reader
    else:
        with _sqlalchemy(url, query, columns) as reader:
            yield reader
