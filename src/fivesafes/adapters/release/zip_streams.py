"""Stream helpers that let a release be hashed and deflated in one pass over the bytes.

Hashing (sha-512) and deflating both release the GIL, so they can overlap on several cores:

- :class:`SerialWorker` runs small tasks strictly in order on one background thread; the
  writer and the reader feed it sha-512 updates while the main thread moves the bytes.
- :class:`ParallelDeflater` deflates 1 MiB blocks on a thread pool, each block primed with
  the last 32 KiB of the one before and ended on a byte boundary (the pigz technique), so the
  blocks concatenate into one valid raw deflate stream. Block boundaries depend only on the
  data, never on thread timing, so the output is byte-identical on every run.

Deflate is ISA-L's (the ``isal`` package, ``isal_zlib``: plain Deflate that every unzip
reads, several times faster than zlib at a similar ratio), or zlib's where ``isal`` is not
installed. The two give different (equally valid) bytes, so a release is byte-reproducible
for the same inputs and the same deflater; :data:`DEFLATER` says which one this
installation uses, and ``FIVESAFES_DEFLATE=zlib`` chooses zlib on purpose.
"""

from __future__ import annotations

import os
import queue
import struct
import threading
import zipfile
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

BLOCK = 1 << 20
WINDOW = 32 * 1024


def _deflater() -> tuple[str, Any]:
    if os.environ.get("FIVESAFES_DEFLATE", "isal") != "zlib":
        try:
            from isal import isal_zlib
        except ImportError:  # pragma: no cover - isal is a dependency where wheels exist
            pass
        else:
            return "isal", isal_zlib
    return "zlib", zlib


DEFLATER, _ENGINE = _deflater()
# Outputs: ISA-L's level 2 deflates CSV about 4 x as fast as zlib's level 1, and smaller.
LEVEL = 2 if DEFLATER == "isal" else 1
# Small tag files and the crate: the best the engine has.
TAG_LEVEL = 3 if DEFLATER == "isal" else 9
# A zip extra field carrying the CRC-32 of an entry's compressed bytes. The standard CRC
# covers only the inflated data, so without it a changed padding bit of a deflate stream
# would go unnoticed; with it, every byte of a release is covered by some check.
RAW_CRC_ID = 0x7366
_RAW_CRC = struct.Struct("<HHI")


def raw_crc_extra(crc: int) -> bytes:
    return _RAW_CRC.pack(RAW_CRC_ID, 4, crc)


def find_raw_crc(extra: bytes) -> int | None:
    """The raw CRC-32 recorded in an extra field block, if any."""
    at = 0
    while at + 4 <= len(extra):
        ident, size = struct.unpack_from("<HH", extra, at)
        if ident == RAW_CRC_ID and size == 4 and at + 8 <= len(extra):
            return int(_RAW_CRC.unpack_from(extra, at)[2])
        at += 4 + size
    return None


# What a damaged deflate stream raises, whichever engine inflates it.
INFLATE_ERRORS: tuple[type[Exception], ...] = tuple({zlib.error, _ENGINE.error})


def new_inflater() -> Any:
    """A raw-deflate decompressor (ISA-L's inflates about twice as fast as zlib's)."""
    return _ENGINE.decompressobj(-15)


class Hash(Protocol):
    def update(self, data: bytes, /) -> None: ...


class SerialWorker:
    """One background thread running submitted callables in submission order."""

    def __init__(self, depth: int = 8) -> None:
        self._tasks: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="fivesafes-hash", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            task = self._tasks.get()
            try:
                if task is None:
                    return
                if self._error is None:
                    task()
            except BaseException as exc:  # reported to the caller by wait()
                self._error = exc
            finally:
                self._tasks.task_done()

    def submit(self, task: Callable[[], None]) -> None:
        self._tasks.put(task)

    def feed(self, digest: Hash, chunk: bytes) -> None:
        self._tasks.put(lambda: digest.update(chunk))

    def wait(self) -> None:
        """Block until every submitted task has run; re-raise the first failure."""
        self._tasks.join()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        self._tasks.put(None)
        self._thread.join()


def _deflate_block(block: bytes, window: bytes, final: bool, level: int) -> bytes:
    engine = _ENGINE
    if window:
        packer = engine.compressobj(level, engine.DEFLATED, -15, 8, engine.Z_DEFAULT_STRATEGY,
                                    window)
    else:
        packer = engine.compressobj(level, engine.DEFLATED, -15)
    head = packer.compress(block)
    return bytes(head + packer.flush(engine.Z_FINISH if final else engine.Z_SYNC_FLUSH))


class ParallelDeflater:
    """A drop-in for ``zlib.compressobj(level, DEFLATED, -15)`` that uses a thread pool.

    ``compress`` returns the output of blocks already finished (in order), keeping at most
    ``lookahead`` blocks in flight so memory stays bounded; ``flush`` returns the rest and
    ends the stream, and records the CRC-32 of all the output in ``info.extra``.
    """

    def __init__(
        self, pool: ThreadPoolExecutor, level: int = LEVEL, lookahead: int = 0,
        info: zipfile.ZipInfo | None = None,
    ) -> None:
        self._pool = pool
        self._info = info
        self._raw_crc = 0
        self._level = level
        self._lookahead = lookahead or 2 * (os.cpu_count() or 1)
        self._pending: deque[Future[bytes]] = deque()
        self._buffer = bytearray()
        self._window = b""

    def _submit(self, block: bytes, final: bool) -> None:
        self._pending.append(
            self._pool.submit(_deflate_block, block, self._window, final, self._level)
        )
        self._window = block[-WINDOW:]

    def _drain(self, keep: int) -> bytes:
        out: list[bytes] = []
        while self._pending and (len(self._pending) > keep or self._pending[0].done()):
            out.append(self._pending.popleft().result())
            self._raw_crc = zlib.crc32(out[-1], self._raw_crc)
        return b"".join(out)

    def compress(self, data: bytes) -> bytes:
        if not self._buffer and len(data) == BLOCK:
            self._submit(bytes(data), final=False)
        else:
            self._buffer += data
            while len(self._buffer) >= BLOCK:
                self._submit(bytes(self._buffer[:BLOCK]), final=False)
                del self._buffer[:BLOCK]
        return self._drain(self._lookahead)

    def flush(self, mode: int = zlib.Z_FINISH) -> bytes:
        self._submit(bytes(self._buffer), final=True)
        self._buffer.clear()
        tail = self._drain(0)
        if self._info is not None:
            # zipfile rewrites the local header after flush(): the value lands in both headers.
            self._info.extra = raw_crc_extra(self._raw_crc)
        return tail
