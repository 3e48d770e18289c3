"""Destinations of an extract: parquet or CSV files, a DuckDB file, a PostgreSQL schema.

Every writer takes a stream of record batches and writes it as it comes, so memory holds a
batch or two whatever the table's size. Files are written under a temporary name and renamed
when complete; the databases are written in one transaction, so a failure leaves nothing
half-written. Tables in a database are replaced on a re-run (a new execution attempt).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from fivesafes.adapters.files import atomic
from fivesafes.adapters.ingress.sources import libpq_uri

OnBatch = Callable[[pa.RecordBatch], None]
CSV_OPTIONS = pa_csv.WriteOptions(quoting_style="needed")


_DONE = object()


@contextlib.contextmanager
def prefetched(reader: pa.RecordBatchReader, on_batch: OnBatch | None = None,
               depth: int = 4) -> Iterator[tuple[pa.RecordBatchReader, list[int]]]:
    """The same stream, read ahead by a thread; rows are counted into the one-element list.

    The driver fills the next batch while the writer encodes this one (both release the
    GIL), so reading and writing overlap on two cores. At most ``depth`` batches wait, so
    memory stays flat. Leaving the block stops and joins the thread, before the caller closes
    the cursor it reads from. On a machine with no core to spare (one core, or a load average
    at the number of cores), handing each batch between threads only costs time: the stream
    is then read in this thread.
    """
    if not spare_core():
        yield counted(reader, on_batch)
        return
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in reader:
                if not put(batch):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, which raises it
            put(exc)

    rows = [0]

    def batches() -> Iterator[pa.RecordBatch]:
        while (item := waiting.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, pa.RecordBatch)
            rows[0] += item.num_rows
            if on_batch is not None:
                on_batch(item)
            yield item

    thread = threading.Thread(target=produce, name="fivesafes-read", daemon=True)
    thread.start()
    try:
        yield pa.RecordBatchReader.from_batches(reader.schema, batches()), rows
    finally:
        stop.set()
        thread.join()


def write_parquet(path: Path, reader: pa.RecordBatchReader) -> None:
    with atomic.atomic_path(path) as part, pq.ParquetWriter(part, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)


def write_csv(path: Path, reader: pa.RecordBatchReader) -> None:
    """CSV as pyarrow writes it: a quoted header, values quoted only where needed, NULL empty."""
    with atomic.atomic_path(path) as part, pa_csv.CSVWriter(
            part, reader.schema, write_options=CSV_OPTIONS) as writer:
        for batch in reader:
            writer.write_batch(batch)


def _ident(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class DuckDBFile:
    """One DuckDB file of the workspace: a schema per dataset, a table per requested table."""

    def __init__(self, path: Path) -> None:
        import duckdb

        self.path = path
        self._pending = atomic.Pending(path)
        self._db: Any = duckdb.connect(str(self._pending.path))
        self._db.begin()

    def write(self, schema: str, table: str, reader: pa.RecordBatchReader) -> None:
        self._db.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)}")
        self._db.register("fivesafes_batches", reader)
        try:
            self._db.execute(f"CREATE OR REPLACE TABLE {_ident(schema)}.{_ident(table)} AS "  # noqa: S608
                             "SELECT * FROM fivesafes_batches")
        finally:
            self._db.unregister("fivesafes_batches")

    def close(self, commit: bool) -> None:
        try:
            if commit:
                self._db.commit()
                self._db.execute("CHECKPOINT")
            self._db.close()
            if commit:
                self._pending.commit()
        finally:
            self._pending.discard()


class PostgresSchema:
    """Tables ``<dataset>__<table>`` in one schema of the workspace's PostgreSQL database."""

    def __init__(self, url: str, schema: str) -> None:
        import adbc_driver_postgresql.dbapi as adbc_pg

        self.schema = schema
        self._db: Any = adbc_pg.connect(libpq_uri(url))
        with self._db.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)}")

    @staticmethod
    def table_name(dataset: str, table: str) -> str:
        return f"{dataset}__{table}"

    def write(self, dataset: str, table: str, reader: pa.RecordBatchReader) -> None:
        with self._db.cursor() as cursor:
            cursor.adbc_ingest(self.table_name(dataset, table), reader, mode="replace",
                               db_schema_name=self.schema)

    def close(self, commit: bool) -> None:
        try:
            if commit:
                self._db.commit()
            else:
                self._db.rollback()
        finally:
            self._db.close()


def spare_core() -> bool:
    cores = os.cpu_count() or 1
    return cores > 1 and os.getloadavg()[0] < cores - 0.5


def counted(reader: pa.RecordBatchReader, on_batch: OnBatch | None = None) -> tuple[
        pa.RecordBatchReader, list[int]]:
    """The same stream, counting rows into the returned one-element list as batches pass."""
    rows = [0]

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in reader:
            rows[0] += batch.num_rows
            if on_batch is not None:
                on_batch(batch)
            yield batch

    return pa.RecordBatchReader.from_batches(reader.schema, batches()), rows
