"""The ``extract`` executor: copies exactly the approved data into the TRE workspace.

Data ingress (what CR8TOR's staging does): for each requested table, the approved columns
(every column when none are listed) and rows (the structured filters, as bound parameters;
never SQL text from the request) stream from the source as Arrow record batches
(:mod:`fivesafes.adapters.ingress`) into the destination the request names: one file per
table, ``<dataset>/<table>.csv`` or ``.parquet``, for a ``workspace`` or ``filestore``; one
DuckDB file for ``duckdb``; a schema of the workspace's PostgreSQL database for
``postgresql``. Row counts are recorded. SQLAlchemy reads the catalogue (table names, column
names and types). The Five Safes profile needs a workflow as the crate's ``mainEntity``:
extract requests name the built-in extract workflow, shipped in this package as a versioned
Workflow RO-Crate (``fivesafes/workflows/extract/``).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from fivesafes.adapters.catalogue import sql as catalogue_sql
from fivesafes.adapters.executors.base import (
    ExecutionContext,
    ExecutionOutcome,
    ExecutorFailed,
    Staging,
    collect_results,
)
from fivesafes.adapters.executors.extract_targets import Target, target_for
from fivesafes.adapters.ingress import sinks
from fivesafes.adapters.ingress.query import QueryError
from fivesafes.adapters.ingress.sources import SourceError, record_batches, table_names
from fivesafes.adapters.runner.progress import meter
from fivesafes.models.dataset import Table

WORKFLOW_VERSION = "1.0.0"
WORKFLOW_ID = f"https://w3id.org/fivesafes/workflows/extract/{WORKFLOW_VERSION}"
# Errors of the drivers and writers, by module (importing them all to name their classes
# would load SQLAlchemy and DuckDB on every extract).
DRIVER_MODULES = ("sqlalchemy", "adbc_driver", "pyarrow", "duckdb", "_duckdb", "psycopg")


def workflow_crate() -> Path:
    """The folder of the built-in extract Workflow RO-Crate."""
    return Path(str(resources.files("fivesafes") / "workflows" / "extract"))


def _read_error(exc: Exception) -> bool:
    module = type(exc).__module__ or ""
    return isinstance(exc, SourceError | OSError) or module.startswith(DRIVER_MODULES)


class ExtractExecutor:
    kind = "extract"

    def run(self, context: ExecutionContext) -> ExecutionOutcome:
        access = context.request.access
        try:
            url = catalogue_sql.source_url(access, context.env, context.data_dir)
            target = target_for(access, context.env, context.staging.outputs)
        except (catalogue_sql.SourceUnavailable, ValueError) as exc:
            raise ExecutorFailed(str(exc)) from None
        context.staging.create()
        rows: dict[str, int] = {}
        ok = False
        try:
            for _, dataset_file in context.request.datasets:
                dataset = dataset_file.dataset
                # No tables listed: the whole schema, as approved.
                tables = dataset.tables or [
                    Table(name=t) for t in table_names(url, dataset.schema_)]
                for table in tables:
                    key = target.key(dataset.name, table.name)
                    rows[key] = self._copy(url, dataset.name, dataset.schema_, table, target,
                                           key)
            target.finish(rows)
            ok = True
        except QueryError as exc:
            raise ExecutorFailed(str(exc)) from None
        except SourceError as exc:
            raise ExecutorFailed(f"reading source '{access.source.name}' failed: {exc}"
                                 ) from None
        except Exception as exc:
            if not _read_error(exc):
                raise
            raise ExecutorFailed(f"reading source '{access.source.name}' failed "
                                 f"({type(exc).__name__})") from None
        finally:
            target.close(ok)
        results = collect_results(context.staging.outputs, target.recorded(rows))
        return ExecutionOutcome(results, f"{len(rows)} table(s), {sum(rows.values())} rows")

    @staticmethod
    def _copy(url: str, dataset: str, schema: str | None, table: Table, target: Target,
              key: str) -> int:
        with record_batches(url, schema, table) as reader, \
                meter(f"extracting {key}") as advance, sinks.prefetched(
                    reader, lambda batch: advance(batch.nbytes, rows=batch.num_rows)
                ) as (stream, count):
            target.write(dataset, table.name, stream)
        return count[0]


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
