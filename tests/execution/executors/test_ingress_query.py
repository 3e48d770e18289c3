"""The extract's statements: names only as quoted identifiers, values only as parameters."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fivesafes.adapters.ingress.query import QueryError, select
from fivesafes.adapters.ingress.sources import adbc_sqlite_uri, backend, libpq_uri
from fivesafes.models.dataset import Filter


def test_names_are_quoted_identifiers_and_values_parameters() -> None:
    evil = 'x"; DROP TABLE patients; --'
    statement = select("main", evil, [evil, "age"], [
        Filter(column=evil, op="=", value="1; DROP TABLE patients"),
        Filter(column="age", op="in", value=[1, 2]),
        Filter(column="age", op="not-null")])
    assert statement.sql == (
        'SELECT "x""; DROP TABLE patients; --", "age" FROM "main"."x""; DROP TABLE patients; --"'
        ' WHERE ("x""; DROP TABLE patients; --" = ?) AND ("age" IN (?, ?)) AND '
        '("age" IS NOT NULL)')
    assert statement.parameters == ("1; DROP TABLE patients", 1, 2)
    with sqlite3.connect(":memory:") as db:  # the text is one valid statement
        db.execute(f'CREATE TABLE "{evil.replace(chr(34), chr(34) * 2)}" '
                   f'("{evil.replace(chr(34), chr(34) * 2)}", age)')
        assert db.execute(statement.sql.replace('"main".', ""), statement.parameters
                          ).fetchall() == []


def test_postgresql_placeholders_carry_the_column_type() -> None:
    types = {"birth": "date", "code": "text"}
    statement = select("clinical", "people", ["code"], [
        Filter(column="birth", op=">=", value="1950-01-01"),
        Filter(column="code", op="not-in", value=["A", "B"])],
        lambda n, column: f"${n}::{types[column]}")
    assert statement.sql.endswith(
        'WHERE ("birth" >= $1::date) AND ("code" NOT IN ($2::text, $3::text))')


def test_empty_lists_and_missing_values() -> None:
    assert select(None, "t", ["a"], [Filter(column="a", op="in", value=[])]).sql.endswith(
        "WHERE (1 = 0)")
    assert select(None, "t", ["a"], [Filter(column="a", op="not-in", value=[])]).sql.endswith(
        "WHERE (1 = 1)")
    with pytest.raises(QueryError, match="needs one value"):
        select(None, "t", ["a"], [Filter(column="a", op="<")])


def test_urls_for_the_drivers() -> None:
    assert backend("postgresql+psycopg://u@h/db") == "postgresql"
    assert backend("mssql+pyodbc://h/db") == "mssql"
    assert libpq_uri("postgresql+psycopg2://u:p@h:5433/db?sslmode=require") == (
        "postgresql://u:p@h:5433/db?sslmode=require")
    assert adbc_sqlite_uri("sqlite:///file:/data/my cohort.sqlite?mode=ro&uri=true") == (
        "file:/data/my%20cohort.sqlite?mode=ro")
    assert adbc_sqlite_uri("sqlite:////data/c.sqlite") == "file:/data/c.sqlite?mode=ro"


def test_the_sqlalchemy_fallback_gives_the_rows_the_adbc_path_gives(source_db: Path) -> None:
    """Dialects without an ADBC driver go through SQLAlchemy: same columns, rows and nulls."""
    from fivesafes.adapters.catalogue.sql import sqlite_url
    from fivesafes.adapters.ingress import sources, sqlalchemy_source
    from fivesafes.models.dataset import Column, Table

    table = Table(name="patients", columns=[Column(name="person_id"), Column(name="region")],
                  filters=[Filter(column="birth_year", op=">=", value=1940),
                           Filter(column="sex", op="in", value=["F", "M"])])
    url = sqlite_url(source_db)
    with sources.record_batches(url, "main", table) as reader:
        fast = reader.read_all()
    with sqlalchemy_source.record_batches(url, "main", table, ["person_id", "region"]) as reader:
        slow = reader.read_all()
    assert fast.num_rows > 0
    assert slow.column_names == fast.column_names == ["person_id", "region"]
    assert sorted(slow.to_pylist(), key=str) == sorted(fast.to_pylist(), key=str)
