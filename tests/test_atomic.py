"""The one atomic writer: whole files or none, unique temporary names, readable modes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from fivesafes.adapters.files import atomic
from fivesafes.adapters.ledger.file import write_record
from fivesafes.core import layout
from fivesafes.models.ledger import ActionRecord


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "record.toml"
    target.write_text("old\n")

    def fail() -> None:
        with atomic.atomic_output(target) as out:
            out.write(b"half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        fail()
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.toml"]


def test_written_files_are_world_readable(tmp_path: Path) -> None:
    target = tmp_path / "release.zip"
    atomic.write_bytes(target, b"PK")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_two_writers_never_share_a_temporary_name(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    with atomic.atomic_output(target) as first, atomic.atomic_output(target) as second:
        assert first.name != second.name
        first.write(b"1")
        second.write(b"2")
    assert target.read_bytes() == b"1"


def test_copy_streams_the_bytes(tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(bytes(range(256)) * 20_000)
    atomic.copy_file(source, tmp_path / "out" / "big.bin")
    assert (tmp_path / "out" / "big.bin").read_bytes() == source.read_bytes()


def test_the_action_record_is_written_atomically(tmp_path: Path) -> None:
    write_record(tmp_path, ActionRecord())
    folder = (tmp_path / layout.ACTIONS).parent
    assert [p.name for p in folder.iterdir()] == [Path(layout.ACTIONS).name]


def test_a_set_of_files_lands_whole_or_not_at_all(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"a/one.txt": "1\n", "b/two.txt": "2\n"}
    assert atomic.write_all(tmp_path, files) == ["a/one.txt", "b/two.txt"]
    assert (tmp_path / "b" / "two.txt").read_text() == "2\n"
    assert stat.S_IMODE((tmp_path / "a" / "one.txt").stat().st_mode) == 0o644

    target = tmp_path / "c"
    with pytest.raises(TypeError):
        atomic.write_all(target, {"first.txt": "x", "second.txt": 3})  # type: ignore[dict-item]
    assert not any(p.is_file() for p in target.rglob("*"))


def test_a_pending_file_has_a_unique_name_and_leaves_nothing_when_discarded(
        tmp_path: Path) -> None:
    target = tmp_path / "workspace.duckdb"
    first, second = atomic.Pending(target), atomic.Pending(target)
    assert first.path != second.path
    assert first.path.parent == tmp_path
    first.path.write_bytes(b"db")
    first.path.with_name(first.path.name + ".wal").write_bytes(b"log")
    first.discard()
    second.path.write_bytes(b"kept")
    second.commit()
    second.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["workspace.duckdb"]
    assert target.read_bytes() == b"kept"
