"""The ``extract`` executor: copies exactly the approved data into the staging folder.

Data ingress (what CR8TOR's staging does): for each requested table, the approved columns
(every column when none are listed) and rows (the structured filters, as bound parameters;
never SQL text from the request) are streamed from the source into one file per table,
``<dataset>/<table>.csv`` or ``.parquet``, with the row count recorded. Identifiers are always
quoted, so a name is only ever a name. The Five Safes profile needs a workflow as the crate's
``mainEntity``: extract requests name the built-in extract workflow, shipped in this package
as a versioned Workflow RO-Crate (``fivesafes/workflows/extract/``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement, quoted_name

from fivesafes.adapters.catalogue import sql as catalogue_sql
from fivesafes.adapters.executors.base import (
    ExecutionContext,
    ExecutionOutcome,
    ExecutorFailed,
    Staging,
    collect_results,
)
from fivesafes.models.dataset import Filter, Table

WORKFLOW_VERSION = "1.0.0"
WORKFLOW_ID = f"https://w3id.org/fivesafes/workflows/extract/{WORKFLOW_VERSION}"
BATCH = 5000


def workflow_crate() -> Path:
    """The folder of the built-in extract Workflow RO-Crate."""
    return Path(str(resources.files("fivesafes") / "workflows" / "extract"))


def _name(identifier: str) -> quoted_name:
    return quoted_name(identifier, quote=True)


def condition(column: ColumnElement[Any], flt: Filter) -> ColumnElement[bool]:
    """A structured filter as an expression with bound parameters."""
    value = flt.value
    if flt.op in ("in", "not-in"):
        values = value if isinstance(value, list) else [value]
        return column.in_(values) if flt.op == "in" else column.not_in(values)
    if flt.op == "is-null":
        return column.is_(None)
    if flt.op == "not-null":
        return column.is_not(None)
    if value is None or isinstance(value, list):
        raise ExecutorFailed(f"filter on {flt.column}: operator {flt.op} needs one value")
    ops = {"=": column.__eq__, "!=": column.__ne__, "<": column.__lt__, "<=": column.__le__,
           ">": column.__gt__, ">=": column.__ge__}
    return ops[flt.op](value)


def select_for(schema: str | None, table: Table, columns: Sequence[str]) -> sa.Select[Any]:
    source = sa.table(_name(table.name), *(sa.column(_name(c)) for c in columns),
                      schema=_name(schema) if schema else None)
    query = sa.select(*(source.c[c] for c in columns))
    for flt in table.filters:
        query = query.where(condition(sa.column(_name(flt.column)), flt))
    return query


def _rows(connection: sa.Connection, query: sa.Select[Any]) -> Iterator[Sequence[Any]]:
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    for partition in result.partitions(BATCH):
        yield from partition


def _write_csv(path: Path, columns: Sequence[str], rows: Iterator[Sequence[Any]]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


def _write_parquet(path: Path, columns: Sequence[str], rows: Iterator[Sequence[Any]]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExecutorFailed("parquet output needs pyarrow: install fivesafes-gitops[parquet]"
                             ) from None
    count = 0
    writer: Any = None
    schema: Any = None
    batch: list[Sequence[Any]] = []

    def flush() -> None:
        nonlocal writer, schema
        arrays = [pa.array([r[i] for r in batch], type=schema.field(i).type if schema else None)
                  for i in range(len(columns))]
        if schema is None:
            schema = pa.schema([pa.field(c, pa.string() if a.type == pa.null() else a.type)
                                for c, a in zip(columns, arrays, strict=True)])
            arrays = [a.cast(f.type) for a, f in zip(arrays, schema, strict=True)]
            writer = pq.ParquetWriter(path, schema)
        writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
        batch.clear()

    try:
        for row in rows:
            batch.append(row)
            count += 1
            if len(batch) >= BATCH:
                flush()
        if batch or writer is None:
            flush()
    finally:
        if writer is not None:
            writer.close()
    return count


class ExtractExecutor:
    kind = "extract"

    def run(self, context: ExecutionContext) -> ExecutionOutcome:
        fmt = context.request.access.destination.format
        if fmt not in ("csv", "parquet"):
            raise ExecutorFailed(f"the extract executor writes csv or parquet, not {fmt}")
        try:
            url = catalogue_sql.source_url(context.request.access, context.env, context.data_dir)
        except catalogue_sql.SourceUnavailable as exc:
            raise ExecutorFailed(str(exc)) from None
        context.staging.create()
        rows: dict[str, int] = {}
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                inspector = sa.inspect(connection)
                for _, dataset_file in context.request.datasets:
                    dataset = dataset_file.dataset
                    # No tables listed: the whole schema, as approved.
                    tables = dataset.tables or [
                        Table(name=t) for t in inspector.get_table_names(schema=dataset.schema_)]
                    for table in tables:
                        relative = f"{dataset.name}/{table.name}.{fmt}"
                        rows[relative] = self._copy(connection, inspector, dataset.schema_,
                                                    table, context.staging.outputs / relative)
        except sa.exc.SQLAlchemyError as exc:
            raise ExecutorFailed(f"reading source '{context.request.access.source.name}' failed "
                                 f"({type(exc).__name__})") from None
        finally:
            engine.dispose()
        results = collect_results(context.staging.outputs, rows)
        return ExecutionOutcome(results, f"{len(results)} table(s), {sum(rows.values())} rows")

    @staticmethod
    def _copy(connection: sa.Connection, inspector: sa.Inspector, schema: str | None,
              table: Table, path: Path) -> int:
        columns = [c.name for c in table.columns] or [
            str(c["name"]) for c in inspector.get_columns(table.name, schema=schema)]
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = _rows(connection, select_for(schema, table, columns))
        if path.suffix == ".parquet":
            return _write_parquet(path, columns, rows)
        return _write_csv(path, columns, rows)


def main(argv: Sequence[str]) -> int:
    """``extract.py PROJECT_DIR STAGING_DIR [DATA_DIR]``: the built-in workflow's entry point."""
    import os

    from fivesafes.adapters.files.project import load_project

    if len(argv) not in (2, 3):
        print("usage: extract.py PROJECT_DIR STAGING_DIR [DATA_DIR]")
        return 2
    project = load_project(Path(argv[0]))
    context = ExecutionContext(project.root, project.request, project.policy,
                               Staging(Path(argv[1])),
                               execution_id="standalone", env=dict(os.environ),
                               data_dir=Path(argv[2]) if len(argv) == 3 else None)
    outcome = ExtractExecutor().run(context)
    print(outcome.summary)
    return 0
