"""The extract executor copies exactly the approved columns and rows, and nothing else."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
import tomlkit
from tests.support.execution import set_executor, sign_off

from fivesafes.adapters.executors.extract import WORKFLOW_ID, WORKFLOW_VERSION, workflow_crate
from fivesafes.core import layout
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import execute


def expected_rows(db: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return int(connection.execute(sql).fetchone()[0])


def set_format(root: Path, fmt: str) -> None:
    path = root / layout.ACCESS
    doc = tomlkit.parse(path.read_text())
    doc["destination"]["format"] = fmt
    path.write_text(tomlkit.dumps(doc))


def test_extract_copies_the_approved_columns_and_filtered_rows(
        tre_project: Path, staging: Path, data_dir: Path) -> None:
    set_executor(tre_project, kind="extract")
    sign_off(tre_project)
    entry = execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir, env={}))
    assert entry.status == "completed", entry.reason
    db = data_dir / "synthetic_cohort.sqlite"
    rows = {r.path: r.rows for r in entry.results}
    assert rows == {
        "patients/patients.csv": expected_rows(
            db, "SELECT count(*) FROM patients WHERE birth_year >= 1940"),
        "admissions/admissions.csv": expected_rows(db, "SELECT count(*) FROM admissions"),
    }
    outputs = next(staging.rglob("outputs"))
    with (outputs / "patients" / "patients.csv").open() as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["person_id", "birth_year", "sex", "region"]  # never postcode
    assert min(int(r[1]) for r in table[1:]) >= 1940


def test_extract_writes_parquet(tre_project: Path, staging: Path, data_dir: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    set_executor(tre_project, kind="extract")
    set_format(tre_project, "parquet")
    sign_off(tre_project)
    entry = execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir, env={}))
    assert entry.status == "completed", entry.reason
    outputs = next(staging.rglob("outputs"))
    table = pq.read_table(outputs / "patients" / "patients.parquet")
    rows = {r.path: r.rows for r in entry.results}
    assert table.num_rows == rows["patients/patients.parquet"]
    assert table.column_names == ["person_id", "birth_year", "sex", "region"]
    assert {r.media_type for r in entry.results} == {"application/vnd.apache.parquet"}


def test_filter_values_are_data_never_sql(tre_project: Path, staging: Path, data_dir: Path) -> None:
    set_executor(tre_project, kind="extract")
    path = tre_project / "resources/metadata/dataset_patients.toml"
    path.write_text(path.read_text().replace(
        'op = ">="\nvalue = 1940', "op = \"=\"\nvalue = \"1940; DROP TABLE patients; --\""))
    sign_off(tre_project)
    entry = execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir, env={}))
    assert entry.status == "completed", entry.reason
    assert {r.path: r.rows for r in entry.results}["patients/patients.csv"] == 0
    db = data_dir / "synthetic_cohort.sqlite"
    assert expected_rows(db, "SELECT count(*) FROM patients") > 0


def test_missing_source_is_a_recorded_failure(tre_project: Path, staging: Path) -> None:
    set_executor(tre_project, kind="extract")
    sign_off(tre_project)
    entry = execute(tre_project, RunOptions(staging_root=staging, env={}))
    assert entry.status == "failed"
    assert "FIVESAFES_DATA_DIR" in entry.reason


def test_the_built_in_extract_workflow_is_a_versioned_workflow_crate() -> None:
    crate = json.loads((workflow_crate() / "ro-crate-metadata.json").read_text())
    root = next(e for e in crate["@graph"] if e["@id"] == "./")
    assert root["version"] == WORKFLOW_VERSION
    assert root["identifier"] == WORKFLOW_ID
    main = next(e for e in crate["@graph"] if e["@id"] == root["mainEntity"]["@id"])
    assert "ComputationalWorkflow" in main["@type"]
    assert (workflow_crate() / main["@id"]).is_file()


def set_destination(root: Path, **values: str) -> None:
    path = root / layout.ACCESS
    doc = tomlkit.parse(path.read_text())
    for key, value in values.items():
        doc["destination"][key] = value
    path.write_text(tomlkit.dumps(doc))


def test_extract_into_a_duckdb_file(tre_project: Path, staging: Path, data_dir: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    set_executor(tre_project, kind="extract")
    set_destination(tre_project, type="duckdb", name="cohort-workspace")
    sign_off(tre_project)
    entry = execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir, env={}))
    assert entry.status == "completed", entry.reason
    db = data_dir / "synthetic_cohort.sqlite"
    patients = expected_rows(db, "SELECT count(*) FROM patients WHERE birth_year >= 1940")
    admissions = expected_rows(db, "SELECT count(*) FROM admissions")
    [result] = entry.results
    assert (result.path, result.rows) == ("cohort-workspace.duckdb", patients + admissions)
    outputs = next(staging.rglob("outputs"))
    assert sorted(p.name for p in outputs.iterdir()) == ["cohort-workspace.duckdb"]
    with duckdb.connect(str(outputs / result.path), read_only=True) as con:
        assert con.execute('SELECT count(*), min(birth_year) FROM "patients"."patients"'
                           ).fetchone() == (patients, 1940)
        assert [r[0] for r in con.execute('DESCRIBE "patients"."patients"').fetchall()] == [
            "person_id", "birth_year", "sex", "region"]
        assert con.execute('SELECT count(*) FROM "admissions"."admissions"').fetchone() == (
            admissions,)


def test_sqlite_columns_null_through_the_first_batch_keep_their_values(
        tre_project: Path, staging: Path, tmp_path: Path) -> None:
    """SQLite's Arrow driver types a column by its first batch: NULLs first must not break it."""
    pq = pytest.importorskip("pyarrow.parquet")
    folder = tmp_path / "sparse-data"
    folder.mkdir()
    with sqlite3.connect(folder / "synthetic_cohort.sqlite") as connection:
        connection.execute("CREATE TABLE patients (person_id INTEGER, birth_year INTEGER, "
                           "sex TEXT, region TEXT, postcode TEXT)")
        connection.executemany("INSERT INTO patients VALUES (?, ?, ?, ?, NULL)", [
            (i, 1950, None if i < 100_000 else "F", None, ) for i in range(100_005)])
        connection.execute("CREATE TABLE admissions (person_id INTEGER, admission_date TEXT, "
                           "diagnosis_code TEXT)")
    set_executor(tre_project, kind="extract")
    set_format(tre_project, "parquet")
    sign_off(tre_project)
    entry = execute(tre_project, RunOptions(staging_root=staging, data_dir=folder, env={}))
    assert entry.status == "completed", entry.reason
    table = pq.read_table(next(staging.rglob("outputs")) / "patients" / "patients.parquet")
    assert table.num_rows == 100_005
    assert table.column("sex").to_pylist()[-5:] == ["F"] * 5
    assert str(table.schema.field("region").type) == "string"  # NULL throughout: as declared
    admissions = pq.read_table(next(staging.rglob("outputs")) / "admissions" /
                               "admissions.parquet")
    assert admissions.num_rows == 0
