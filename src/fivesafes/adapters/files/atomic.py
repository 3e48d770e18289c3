"""The one way the product writes a file: whole, or not at all.

Every file is written to a temporary file with a unique name in the target's folder and renamed
into place, so a reader (a workflow, `git add`, a recipient) never sees half a file, two
writers never share a temporary name, and a failure leaves the old file and no debris behind.
Files are mode 0644: releases, crates and records are meant to be read.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

MODE = 0o644


@contextmanager
def atomic_output(path: Path, *, mode: int = MODE, suffix: str = ".part") -> Iterator[IO[bytes]]:
    """A binary stream whose bytes replace ``path`` when the block ends without an error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
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


@contextmanager
def atomic_path(path: Path, *, suffix: str = ".part") -> Iterator[Path]:
    """A temporary path beside ``path`` for tools that write by name (SQLite), moved into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
