"""A real PostgreSQL source: catalogue checks, enrichment from column comments, extracts."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import tomlkit
from tests.support.execution import set_executor, sign_off
from tests.support.postgres import Server

from fivesafes.adapters.catalogue.run import check_catalogue, enrich
from fivesafes.core import layout
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import execute

SETUP = """
CREATE SCHEMA clinical;
CREATE TABLE clinical.people (
  person_id integer PRIMARY KEY,
  birth_date date,
  sex text,
  score numeric(6, 2),
  note text,
  postcode text
);
COMMENT ON COLUMN clinical.people.birth_date IS 'Date of birth.';
COMMENT ON COLUMN clinical.people.score IS 'Frailty score.';
INSERT INTO clinical.people
SELECT i, date '1930-01-01' + (i * 37) % 25000,
       CASE WHEN i % 7 = 0 THEN NULL WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
       CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 1000) / 10.0 END,
       CASE WHEN i % 3 = 0 THEN NULL ELSE 'note, "quoted" é ' || i END,
       'AB' || i
FROM generate_series(1, 3000) AS i;
"""

DATASET = """
[dataset]
name = "people"
description = "People of the cohort."
schema = "clinical"
justification = "The study population."

[[dataset.tables]]
name = "people"
columns = [
  { name = "person_id" },
  { name = "birth_date" },
  { name = "sex" },
  { name = "score" },
  { name = "note", description = "The researcher's own words." },
]

[[dataset.tables.filters]]
column = "birth_date"
op = ">="
value = "1950-01-01"

[[dataset.tables.filters]]
column = "sex"
op = "in"
value = ["F", "M"]
"""


@pytest.fixture(scope="module")
def cohort_url(postgres: Server) -> str:
    return postgres.create_database("cohort", SETUP)


@pytest.fixture
def pg_project(tre_project: Path, cohort_url: str) -> Path:
    access = tre_project / layout.ACCESS
    doc = tomlkit.parse(access.read_text())
    doc["source"]["type"] = "postgresql"
    doc["source"]["database"] = "cohort"
    access.write_text(tomlkit.dumps(doc))
    metadata = tre_project / "resources" / "metadata"
    for old in metadata.glob("dataset_*.toml"):
        old.unlink()
    (metadata / "dataset_people.toml").write_text(DATASET)
    return tre_project


def expected(postgres: Server, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(postgres.conninfo("cohort")) as connection:
        return connection.execute(sql).fetchall()


def test_catalogue_check_and_enrich_against_postgresql(pg_project: Path,
                                                       cohort_url: str) -> None:
    env = {"SOURCE_DATABASE_URL": cohort_url}
    assert check_catalogue(pg_project, env=env) == []
    findings, plan = enrich(pg_project, env=env)
    assert findings == []
    described = {p.column: p.description for p in plan}
    assert described["birth_date"] == "Date of birth."
    assert described["score"] == "Frailty score."
    assert {p.column: p.datatype for p in plan}["score"] == "NUMERIC(6, 2)"
    text = (pg_project / "resources/metadata/dataset_people.toml").read_text()
    assert "The researcher's own words." in text
    path = pg_project / "resources/metadata/dataset_people.toml"
    path.write_text(text.replace('{ name = "note"', '{ name = "notes"'))
    [finding] = check_catalogue(pg_project, env=env)
    assert finding.rule == "catalogue.column"


def test_extract_from_postgresql_to_parquet_keeps_types_nulls_and_filters(
        pg_project: Path, staging: Path, cohort_url: str, postgres: Server) -> None:
    set_executor(pg_project, kind="extract")
    doc = tomlkit.parse((pg_project / layout.ACCESS).read_text())
    doc["destination"]["format"] = "parquet"
    (pg_project / layout.ACCESS).write_text(tomlkit.dumps(doc))
    sign_off(pg_project)
    entry = execute(pg_project, RunOptions(staging_root=staging,
                                           env={"SOURCE_DATABASE_URL": cohort_url}))
    assert entry.status == "completed", entry.reason
    want = expected(postgres, "SELECT person_id, birth_date, sex, score, note FROM "
                              "clinical.people WHERE birth_date >= '1950-01-01' AND sex IN "
                              "('F', 'M') ORDER BY person_id")
    [result] = entry.results
    assert (result.path, result.rows) == ("people/people.parquet", len(want))
    table = pq.read_table(next(staging.rglob("outputs")) / result.path)
    assert table.column_names == ["person_id", "birth_date", "sex", "score", "note"]
    got = sorted(zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True))
    assert [(r[0], r[1], r[2], _decimal(r[3]), r[4]) for r in got] == [
        (r[0], r[1], r[2], r[3], r[4]) for r in want]
    assert any(r[3] is None for r in want)
    assert any(r[4] is None for r in want)
    assert isinstance(got[0][1], dt.date)
    assert str(table.schema.field("score").type) == "decimal128(6, 2)"


def _decimal(value: object) -> decimal.Decimal | None:
    return None if value is None else decimal.Decimal(str(value)).quantize(decimal.Decimal("0.01"))


def test_extract_from_postgresql_to_csv(pg_project: Path, staging: Path, cohort_url: str,
                                        postgres: Server) -> None:
    import csv

    set_executor(pg_project, kind="extract")
    sign_off(pg_project)
    entry = execute(pg_project, RunOptions(staging_root=staging,
                                           env={"SOURCE_DATABASE_URL": cohort_url}))
    assert entry.status == "completed", entry.reason
    with (next(staging.rglob("outputs")) / "people/people.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["person_id", "birth_date", "sex", "score", "note"]
    want = expected(postgres, "SELECT person_id, birth_date, note FROM clinical.people "
                              "WHERE birth_date >= '1950-01-01' AND sex IS NOT NULL")
    by_id = {int(r[0]): r for r in rows[1:]}
    assert len(by_id) == len(want)
    for person, birth, note in want:
        assert by_id[person][1] == birth.isoformat()
        assert by_id[person][4] == (note or "")


def test_extract_into_a_postgresql_destination_schema(pg_project: Path, staging: Path,
                                                      cohort_url: str, postgres: Server) -> None:
    import psycopg

    workspace = postgres.create_database("workspace")
    set_executor(pg_project, kind="extract")
    doc = tomlkit.parse((pg_project / layout.ACCESS).read_text())
    doc["destination"]["type"] = "postgresql"
    doc["destination"]["name"] = "project_42"
    doc["credentials"]["secrets"]["destination"] = "WORKSPACE_DATABASE_URL"
    (pg_project / layout.ACCESS).write_text(tomlkit.dumps(doc))
    sign_off(pg_project)
    env = {"SOURCE_DATABASE_URL": cohort_url, "WORKSPACE_DATABASE_URL": workspace}
    entry = execute(pg_project, RunOptions(staging_root=staging, env=env))
    assert entry.status == "completed", entry.reason
    want = expected(postgres, "SELECT count(*) FROM clinical.people WHERE birth_date >= "
                              "'1950-01-01' AND sex IS NOT NULL")[0][0]
    [result] = entry.results
    assert (result.path, result.rows) == ("project_42.postgresql.json", want)
    receipt = json.loads((next(staging.rglob("outputs")) / result.path).read_text())
    assert receipt["tables"] == [{"dataset": "people", "table": "people",
                                  "name": "people__people", "rows": want}]
    with psycopg.connect(postgres.conninfo("workspace")) as connection:
        row = connection.execute(
            'SELECT count(*), count(*) - count(score) FROM project_42."people__people"'
        ).fetchone()
    assert row is not None
    count, nulls = row
    assert count == want
    assert nulls > 0


def test_postgresql_destination_without_its_secret_fails_naming_it(
        pg_project: Path, staging: Path, cohort_url: str) -> None:
    set_executor(pg_project, kind="extract")
    doc = tomlkit.parse((pg_project / layout.ACCESS).read_text())
    doc["destination"]["type"] = "postgresql"
    doc["credentials"]["secrets"]["destination"] = "WORKSPACE_DATABASE_URL"
    (pg_project / layout.ACCESS).write_text(tomlkit.dumps(doc))
    sign_off(pg_project)
    entry = execute(pg_project, RunOptions(staging_root=staging,
                                           env={"SOURCE_DATABASE_URL": cohort_url}))
    assert entry.status == "failed"
    assert "WORKSPACE_DATABASE_URL" in entry.reason


def test_catalogue_list_of_postgresql(pg_project: Path, cohort_url: str) -> None:
    from fivesafes.adapters.catalogue.run import list_catalogue

    found = list_catalogue(pg_project, env={"SOURCE_DATABASE_URL": cohort_url})
    assert "pg_catalog" not in found.schemas
    assert "information_schema" not in found.schemas
    people = found.schemas["clinical"]["people"]
    assert [c.name for c in people.columns] == ["person_id", "birth_date", "sex", "score",
                                                "note", "postcode"]
    birth, score = people.column("birth_date"), people.column("score")
    assert birth is not None
    assert score is not None
    assert birth.description == "Date of birth."
    assert score.datatype == "NUMERIC(6, 2)"


def test_postgresql_filter_values_are_data_never_sql(pg_project: Path, staging: Path,
                                                     cohort_url: str, postgres: Server) -> None:
    path = pg_project / "resources/metadata/dataset_people.toml"
    path.write_text(path.read_text().replace('value = ["F", "M"]',
                                             """value = ["F'); DROP TABLE clinical.people; --"]"""))
    set_executor(pg_project, kind="extract")
    sign_off(pg_project)
    entry = execute(pg_project, RunOptions(staging_root=staging,
                                           env={"SOURCE_DATABASE_URL": cohort_url}))
    assert entry.status == "completed", entry.reason
    assert [r.rows for r in entry.results] == [0]
    assert expected(postgres, "SELECT count(*) FROM clinical.people")[0][0] == 3000
