"""Where an extract goes, as ``access.toml``'s ``[destination]`` says.

``workspace`` and ``filestore``: one file per table, ``<dataset>/<table>.<format>`` (csv or
parquet). ``duckdb``: one DuckDB file ``<destination name>.duckdb`` holding a schema per
dataset. ``postgresql``: tables ``<dataset>__<table>`` in the schema named by the
destination's ``name``, in the database whose URL is in the environment variable that
``credentials.secrets.destination`` names; the outputs then hold a receipt listing the tables
and their row counts (the data itself stays in the database).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from fivesafes.adapters.files import atomic
from fivesafes.adapters.ingress import sinks
from fivesafes.models.access import AccessFile

DESTINATION_SECRET = "destination"  # noqa: S105 (the role whose secret NAME is given)


class Target(Protocol):
    def key(self, dataset: str, table: str) -> str: ...
    def write(self, dataset: str, table: str, reader: pa.RecordBatchReader) -> None: ...
    def finish(self, rows: Mapping[str, int]) -> None: ...
    def close(self, ok: bool) -> None: ...
    def recorded(self, rows: Mapping[str, int]) -> dict[str, int]: ...


class Files:
    def __init__(self, outputs: Path, fmt: str) -> None:
        self.outputs, self.fmt = outputs, fmt

    def key(self, dataset: str, table: str) -> str:
        return f"{dataset}/{table}.{self.fmt}"

    def write(self, dataset: str, table: str, reader: pa.RecordBatchReader) -> None:
        path = self.outputs / self.key(dataset, table)
        (sinks.write_parquet if self.fmt == "parquet" else sinks.write_csv)(path, reader)

    def finish(self, rows: Mapping[str, int]) -> None:
        return None

    def close(self, ok: bool) -> None:
        return None

    def recorded(self, rows: Mapping[str, int]) -> dict[str, int]:
        return dict(rows)


class DuckDB:
    def __init__(self, outputs: Path, name: str) -> None:
        self.file_name = f"{name}.duckdb"
        self.path = outputs / self.file_name
        self.db: sinks.DuckDBFile | None = None

    def key(self, dataset: str, table: str) -> str:
        return f"{dataset}.{table}"

    def write(self, dataset: str, table: str, reader: pa.RecordBatchReader) -> None:
        if self.db is None:
            self.db = sinks.DuckDBFile(self.path)
        self.db.write(dataset, table, reader)

    def finish(self, rows: Mapping[str, int]) -> None:
        if self.db is None:
            self.db = sinks.DuckDBFile(self.path)

    def close(self, ok: bool) -> None:
        if self.db is not None:
            self.db.close(commit=ok)

    def recorded(self, rows: Mapping[str, int]) -> dict[str, int]:
        return {self.file_name: sum(rows.values())}


class Postgres:
    def __init__(self, outputs: Path, url: str, schema: str) -> None:
        self.receipt = outputs / f"{schema}.postgresql.json"
        self.url, self.schema = url, schema
        self._db: sinks.PostgresSchema | None = None

    @property
    def db(self) -> sinks.PostgresSchema:
        """The connection, opened on first use (inside the executor's error handling)."""
        if self._db is None:
            self._db = sinks.PostgresSchema(self.url, self.schema)
        return self._db

    def key(self, dataset: str, table: str) -> str:
        return f"{dataset}.{table}"

    def write(self, dataset: str, table: str, reader: pa.RecordBatchReader) -> None:
        self.db.write(dataset, table, reader)

    def finish(self, rows: Mapping[str, int]) -> None:
        tables = [{"dataset": key.split(".", 1)[0], "table": key.split(".", 1)[1],
                   "name": sinks.PostgresSchema.table_name(*key.split(".", 1)), "rows": n}
                  for key, n in sorted(rows.items())]
        text = json.dumps({"database": "postgresql", "schema": self.schema,
                           "tables": tables}, indent=2, sort_keys=True)
        atomic.write_text(self.receipt, text + "\n")

    def close(self, ok: bool) -> None:
        if self._db is not None:
            self._db.close(commit=ok)

    def recorded(self, rows: Mapping[str, int]) -> dict[str, int]:
        return {self.receipt.name: sum(rows.values())}


def target_for(access: AccessFile, env: Mapping[str, str], outputs: Path) -> Target:
    """The destination's writer; ValueError naming what to set when it cannot be used."""
    destination = access.destination
    if destination.type == "duckdb":
        try:
            import duckdb  # noqa: F401
        except ImportError:
            raise ValueError(f"destination '{destination.name}' (duckdb) needs the duckdb "
                             "package on the runner: pip install 'fivesafes-gitops[duckdb]'"
                             ) from None
        return DuckDB(outputs, destination.name)
    if destination.type == "postgresql":
        secret = access.credentials.secrets.get(DESTINATION_SECRET)
        if not secret or not env.get(secret):
            missing = secret or "a destination secret (credentials.secrets.destination)"
            raise ValueError(f"destination '{destination.name}' (postgresql): environment "
                             f"variable {missing} is not set")
        return Postgres(outputs, env[secret], destination.name)
    return Files(outputs, destination.format)
