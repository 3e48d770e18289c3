"""Streams of Arrow record batches from a source: ADBC where a driver exists, else SQLAlchemy.

SQLite and PostgreSQL are read with their ADBC drivers (``adbc-driver-sqlite``,
``adbc-driver-postgresql``): the driver fills Arrow buffers itself, so no row becomes a
Python object, and the column names and types come from the database's own catalogue over
the same connection. Any other dialect goes through
:mod:`~fivesafes.adapters.ingress.sqlalchemy_source`.

SQLite has no column types, only values: its driver takes each column's type from the first
batch, so a column that is NULL all through that batch would later fail with "type mismatch".
``sqlite_batch_rows`` finds, with a cheap query, how long the first batch must be for every
column to show a value, and columns that are NULL throughout get their declared type.
"""

from __future__ import annotations

import contextlib
import re
import urllib.parse
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from fivesafes.adapters.ingress.query import Statement, quote, select
from fivesafes.models.dataset import Table

SQLITE_BATCH = 65_536
SQLITE_MAX_BATCH = 1 << 20
SQLITE_TYPES = {"INT": pa.int64(), "REAL": pa.float64(), "FLOA": pa.float64(),
                "DOUB": pa.float64(), "BLOB": pa.binary()}
PG_COLUMNS = """SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = $1 AND n.nspname = {schema} AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum"""
NUMERIC = re.compile(r"numeric\((\d+),(\d+)\)")
PG_PARAMETERS = "fivesafes_parameters"


class SourceError(Exception):
    """The source could not be read; the message names no URL."""


def backend(url: str) -> str:
    """The dialect of a SQLAlchemy URL (``postgresql+psycopg://`` -> ``postgresql``)."""
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    return "postgresql" if scheme == "postgres" else scheme


def adbc_sqlite_uri(url: str) -> str:
    """A read-only SQLite URI for the ADBC driver (the file is never created or changed)."""
    path = url.split(":///", 1)[1] if ":///" in url else ""
    path = path.removeprefix("file:").split("?", 1)[0]
    if not path or path == ":memory:":
        raise SourceError("an in-memory SQLite database has no data to extract")
    return f"file:{urllib.parse.quote(path, safe='/')}?mode=ro"


def libpq_uri(url: str) -> str:
    """The libpq connection URI of a SQLAlchemy ``postgresql[+driver]://`` URL."""
    return re.sub(r"^postgres(?:ql)?(?:\+[^:]*)?://", "postgresql://", url)


def _declared(sql_type: str | None) -> pa.DataType:
    text = (sql_type or "").upper()
    return next((t for key, t in SQLITE_TYPES.items() if key in text), pa.string())


def sqlite_batch_rows(cursor: Any, statement: Statement, columns: Sequence[str]) -> tuple[
        int, set[str]]:
    """Rows per batch so the first batch holds a value of every column; all-NULL columns."""
    counts = ", ".join(f"count({quote(c)})" for c in columns)
    cursor.execute(f"SELECT {counts} FROM ({statement.sql} LIMIT {SQLITE_BATCH})",  # noqa: S608
                   statement.parameters)
    empty = [c for c, n in zip(columns, cursor.fetchone(), strict=True) if not n]
    rows, never = SQLITE_BATCH, set()
    for column in empty:
        cursor.execute(f"SELECT n FROM (SELECT row_number() OVER () AS n, {quote(column)} AS v "  # noqa: S608
                       f"FROM ({statement.sql})) WHERE v IS NOT NULL LIMIT 1",
                       statement.parameters)
        found = cursor.fetchone()
        if found is None:
            never.add(column)
        else:
            rows = max(rows, int(found[0]))
    if rows > SQLITE_MAX_BATCH:
        raise SourceError(f"a column's first value is beyond row {SQLITE_MAX_BATCH}")
    return rows, never


def _columns(cursor: Any, sql: str, parameters: tuple[Any, ...], where: str) -> dict[str, str]:
    cursor.execute(sql, parameters)
    found = {str(name): str(kind) for name, kind in cursor.fetchall()}
    if not found:
        raise SourceError(f"table {where} is not in the source")
    return found


def _wanted(table: Table, known: dict[str, str]) -> list[str]:
    return [c.name for c in table.columns] or list(known)


@contextlib.contextmanager
def _sqlite(url: str, schema: str | None, table: Table) -> Iterator[pa.RecordBatchReader]:
    import adbc_driver_sqlite.dbapi as adbc_sqlite

    with adbc_sqlite.connect(adbc_sqlite_uri(url)) as connection, \
            connection.cursor() as probe, connection.cursor() as cursor:
        known = _columns(probe, "SELECT name, type FROM pragma_table_info(?, ?)",
                         (table.name, schema or "main"), table.name)
        columns = _wanted(table, known)
        statement = select(schema, table.name, columns, table.filters)
        rows, never = sqlite_batch_rows(probe, statement, columns)
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(rows)})
        cursor.execute(statement.sql, statement.parameters)
        reader = cursor.fetch_record_batch()
        if never:
            target = pa.schema([pa.field(f.name, _declared(known.get(f.name)))
                                if f.name in never else f for f in reader.schema])
            reader = pa.RecordBatchReader.from_batches(target, (b.cast(target) for b in reader))
        yield reader


def _plain_type(field: pa.Field, sql_type: str | None) -> pa.DataType:
    """Arrow's type for a column the driver passes as an opaque extension (e.g. numeric)."""
    match = NUMERIC.fullmatch(sql_type or "")
    if match and "numeric" in str(field.type) and int(match.group(1)) <= 38:
        return pa.decimal128(int(match.group(1)), int(match.group(2)))
    return field.type.storage_type


def plain(reader: pa.RecordBatchReader, types: dict[str, str]) -> pa.RecordBatchReader:
    """The stream with extension-typed columns as plain Arrow types every writer takes:
    ``numeric(p, s)`` as decimals, anything else the driver cannot map as its text."""
    fields = list(reader.schema)
    if not any(isinstance(f.type, pa.BaseExtensionType) for f in fields):
        return reader
    target = pa.schema([pa.field(f.name, _plain_type(f, types.get(f.name)), f.nullable)
                        if isinstance(f.type, pa.BaseExtensionType) else f for f in fields])

    def convert(batch: pa.RecordBatch) -> pa.RecordBatch:
        columns = [column.storage.cast(field.type)
                   if isinstance(column.type, pa.BaseExtensionType) else column
                   for column, field in zip(batch.columns, target, strict=True)]
        return pa.RecordBatch.from_arrays(columns, schema=target)

    return pa.RecordBatchReader.from_batches(target, (convert(b) for b in reader))


@contextlib.contextmanager
def _postgresql(url: str, schema: str | None, table: Table) -> Iterator[pa.RecordBatchReader]:
    """PostgreSQL: the driver streams a query's result with ``COPY``, but only a query without
    parameters (one with them comes back whole). So the filter values are bound into a
    temporary one-row table first, typed as their columns, and the query reads them from it."""
    import adbc_driver_postgresql.dbapi as adbc_pg

    with adbc_pg.connect(libpq_uri(url)) as connection, connection.cursor() as cursor:
        in_schema = "$2" if schema else "current_schema()"
        known = _columns(cursor, PG_COLUMNS.format(schema=in_schema),
                         (table.name, schema) if schema else (table.name,), table.name)
        kinds: list[str] = []

        def placeholder(n: int, column: str) -> str:
            kinds.append(known.get(column, "text"))
            return f"(SELECT p{n} FROM {PG_PARAMETERS})"  # noqa: S608

        statement = select(schema, table.name, _wanted(table, known), table.filters,
                           placeholder)
        if statement.parameters:
            cursor.execute(f"CREATE TEMPORARY TABLE {PG_PARAMETERS} (" + ", ".join(
                f"p{n} {kind}" for n, kind in enumerate(kinds, 1)) + ")")
            cursor.execute(f"INSERT INTO {PG_PARAMETERS} VALUES (" + ", ".join(  # noqa: S608
                f"${n}::{kind}" for n, kind in enumerate(kinds, 1)) + ")",
                statement.parameters)
        cursor.execute(statement.sql)
        yield plain(cursor.fetch_record_batch(), known)


@contextlib.contextmanager
def record_batches(url: str, schema: str | None, table: Table) -> Iterator[
        pa.RecordBatchReader]:
    """The approved columns (all when none are listed) and rows of ``table``, as batches."""
    kind = backend(url)
    if kind == "sqlite":
        with _sqlite(url, schema, table) as reader:
            yield reader
    elif kind == "postgresql":
        with _postgresql(url, schema, table) as reader:
            yield reader
    else:
        from fivesafes.adapters.ingress import sqlalchemy_source

        known = [c.name for c in table.columns] or None
        with sqlalchemy_source.record_batches(url, schema, table, known) as reader:
            yield reader


def table_names(url: str, schema: str | None) -> list[str]:
    """The tables of a schema (a dataset that lists none asks for all), via SQLAlchemy."""
    import sqlalchemy as sa

    from fivesafes.adapters.catalogue.sql import engine_url

    engine = sa.create_engine(engine_url(url))
    try:
        with engine.connect() as connection:
            return list(sa.inspect(connection).get_table_names(schema=schema))
    finally:
        engine.dispose()
