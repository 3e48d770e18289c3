"""The read-ahead thread between a source's batches and a writer."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pyarrow as pa
import pytest

from fivesafes.adapters.ingress import sinks

SCHEMA = pa.schema([pa.field("n", pa.int64())])


def reader(batches: int, fail_at: int | None = None) -> pa.RecordBatchReader:
    def produce() -> Iterator[pa.RecordBatch]:
        for i in range(batches):
            if i == fail_at:
                raise OSError("the source went away")
            yield pa.RecordBatch.from_pydict({"n": list(range(i * 10, i * 10 + 10))}, SCHEMA)

    return pa.RecordBatchReader.from_batches(SCHEMA, produce())


@pytest.mark.parametrize("spare", [True, False])
def test_every_batch_arrives_in_order_and_is_counted(spare: bool,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sinks, "spare_core", lambda: spare)
    seen: list[int] = []
    with sinks.prefetched(reader(50), lambda b: seen.append(b.num_rows), depth=2) as (
            stream, rows):
        table = stream.read_all()
    assert table.column("n").to_pylist() == list(range(500))
    assert rows == [500]
    assert seen == [10] * 50


@pytest.mark.parametrize("spare", [True, False])
def test_a_failing_source_fails_the_writer(spare: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sinks, "spare_core", lambda: spare)
    with pytest.raises(OSError, match="went away"), sinks.prefetched(reader(20, fail_at=7)) as (
            stream, _):
        stream.read_all()


def test_a_failing_writer_stops_the_reading_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sinks, "spare_core", lambda: True)

    def write_one_then_fail() -> None:
        with sinks.prefetched(reader(1000), depth=1) as (stream, _):
            stream.read_next_batch()
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_one_then_fail()
    # leaving the block joined the thread: nothing is left reading
    assert not [t for t in threading.enumerate() if t.name == "fivesafes-read"]
