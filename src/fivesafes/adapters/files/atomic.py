"""The one way the product writes a file: whole, or not at all.

Every file is written to a temporary file with a unique name in the target's folder and renamed
into place, so a reader (a workflow, `git add`, a recipient) never sees half a file, two
writers never share a temporary name, and a failure leaves the old file and no debris behind.
Files are mode 0644: releases, crates and records are meant to be read. Whole files
(:func:`write_text`, :func:`write_bytes`), streams (:func:`atomic_output`), tools that write by
name (:func:`atomic_path`, :class:`Pending`) and sets of files that land together
(:func:`write_all`) all go through here. The one exception is a running process's stdout and
stderr, which are streamed live into the run's logs folder so a checker can follow them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

MODE = 0o644


def _temporary(target: Path, suffix: str = ".part") -> tuple[int, str]:
    """A new file with a unique name beside ``target`` (its folder made first): fd and name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)


@contextmanager
def atomic_output(path: Path, *, mode: int = MODE, suffix: str = ".part") -> Iterator[IO[bytes]]:
    """A binary stream whose bytes replace ``path`` when the block ends without an error."""
    fd, tmp = _temporary(path, suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes, *, mode: int = MODE) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_output(path, mode=mode) as handle:
        handle.write(data)


def write_text(path: Path, text: str, *, mode: int = MODE) -> None:
    """Write ``text`` to ``path`` atomically, UTF-8, newlines as given."""
    write_bytes(path, text.encode("utf-8"), mode=mode)


def copy_file(source: Path, target: Path, *, mode: int = MODE) -> None:
    """Copy ``source`` to ``target`` atomically, streaming (memory stays flat)."""
    with source.open("rb") as src, atomic_output(target, mode=mode) as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)


class Pending:
    """A uniquely named temporary path beside ``target`` for a writer that opens it by name and
    finishes later (a database file): :meth:`commit` moves it into place, :meth:`discard`
    removes it and anything the tool left beside it (``<name>.wal``)."""

    def __init__(self, target: Path, *, suffix: str = ".part") -> None:
        fd, tmp = _temporary(target, suffix)
        os.close(fd)
        os.unlink(tmp)  # the tool creates it (SQLite and DuckDB refuse an empty file)
        self.target, self.path = target, Path(tmp)

    def commit(self) -> None:
        os.replace(self.path, self.target)

    def discard(self) -> None:
        for leftover in (self.path, self.path.with_name(self.path.name + ".wal")):
            leftover.unlink(missing_ok=True)


@contextmanager
def atomic_path(path: Path, *, suffix: str = ".part") -> Iterator[Path]:
    """A temporary path beside ``path`` for tools that write by name (SQLite, Parquet), moved
    into place when the block ends without an error."""
    pending = Pending(path, suffix=suffix)
    try:
        yield pending.path
        pending.commit()
    finally:
        pending.discard()


def write_all(root: Path, files: Mapping[str, str | bytes], *, mode: int = MODE) -> list[str]:
    """Write every file under ``root`` or none: each to a temporary file first, then all
    renamed into place; a failure before the renames leaves nothing behind."""
    staged: list[tuple[str, Path]] = []
    try:
        for rel, content in sorted(files.items()):
            fd, name = _temporary(root / rel)
            staged.append((rel, Path(name)))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            os.chmod(name, mode)
        for rel, tmp in staged:
            os.replace(tmp, root / rel)
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
    return [rel for rel, _ in staged]
