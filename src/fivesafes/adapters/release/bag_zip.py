"""The zip a release is written into, entry by entry, as a BagIt bag.

Kept apart from :mod:`fivesafes.adapters.release.writer`, which decides what goes into the
release and where the archive lands, because this is the zip-level machinery: each entry's
header (fixed timestamps and permissions, ZIP64 only for large members, a recorded CRC-32 of
the compressed bytes), deflating through the thread pool of
:mod:`~fivesafes.adapters.release.zip_streams`, the sha-512 of every member taken as it
streams, and the bag's manifests and tag files written last.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import IO

from fivesafes import __version__
from fivesafes.adapters.files.outputs import OUTPUTS_PREFIX, OutputFile
from fivesafes.adapters.release.zip_streams import (
    BLOCK,
    LEVEL,
    TAG_LEVEL,
    ParallelDeflater,
    SerialWorker,
    raw_crc_extra,
)
from fivesafes.adapters.runner import clock
from fivesafes.core.release import bagit_text as bt
from fivesafes.core.release.media_types import SAMPLE_BYTES, media_type, should_deflate
from fivesafes.models.ledger import Result

__all__ = ["BagZip"]

FILE_MODE = 0o100644 << 16
ZIP64_ABOVE = 1 << 30


def _can_swap_compressor() -> bool:
    """Whether this Python's zipfile writer has the compressor hook the writer relies on.

    Without it every entry is stored: still a valid release, just larger.
    """
    with zipfile.ZipFile(io.BytesIO(), "w") as probe, probe.open("probe", "w") as entry:
        return hasattr(entry, "_compressor")


_CAN_SWAP_COMPRESSOR = _can_swap_compressor()


def _date_time() -> tuple[int, int, int, int, int, int]:
    moment = clock.now()
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    return max(stamp, (1980, 1, 1, 0, 0, 0))


class BagZip:
    """The zip being written plus the hashing and deflating machinery around it."""

    def __init__(
        self, file: IO[bytes], bag_name: str, pool: ThreadPoolExecutor, worker: SerialWorker
    ) -> None:
        self.file = file
        self.zip = zipfile.ZipFile(self.file, "w", allowZip64=True)
        self.bag = bag_name
        self.pool = pool
        self.worker = worker
        self.date_time = _date_time()
        self.payload: list[tuple[str, str, int]] = []  # (bag path, sha512, size)
        self.tags: list[tuple[str, str]] = []

    def _open(self, bag_path: str, deflate: bool, size: int, level: int) -> IO[bytes]:
        """A zip entry to write; deflated ones go through the pool and record a raw CRC."""
        info = zipfile.ZipInfo(f"{self.bag}/{bag_path}", self.date_time)
        info.create_system = 3
        info.external_attr = FILE_MODE
        deflate = deflate and _CAN_SWAP_COMPRESSOR
        info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
        info.file_size = size
        if deflate:
            info.extra = raw_crc_extra(0)  # placeholder of the final length
        entry = self.zip.open(info, "w", force_zip64=size > ZIP64_ABOVE)
        if deflate:
            # zipfile's writer calls compress()/flush() on this attribute.
            entry._compressor = ParallelDeflater(  # type: ignore[attr-defined]
                self.pool, level, info=info)
        return entry

    def add_bytes(self, bag_path: str, data: bytes, tag: bool = False) -> None:
        with self._open(bag_path, len(data) >= 64, len(data), TAG_LEVEL) as entry:
            entry.write(data)
        sha = hashlib.sha512(data).hexdigest()
        if tag:
            self.tags.append((bag_path, sha))
        else:
            self.payload.append((bag_path, sha, len(data)))

    def add_file(
        self, item: OutputFile, store: bool, advance: Callable[[int], None]
    ) -> Callable[[], Result]:
        """Stream one output: hash it and, when ``store``, write it to ``data/<path>``.

        Returns a function giving its Result once the hashing thread has caught up (call
        ``worker.wait()`` first): the next file streams while this one is still hashed.
        """
        digest = hashlib.sha512()
        written = 0
        with item.source.open("rb") as src, contextlib.ExitStack() as stack:
            chunk = src.read(BLOCK)
            entry = None
            if store:
                deflate = should_deflate(item.path, chunk[:SAMPLE_BYTES])
                entry = stack.enter_context(
                    self._open("data/" + item.path, deflate, item.size, LEVEL))
            while chunk:
                self.worker.feed(digest, chunk)
                if entry is not None:
                    entry.write(chunk)
                written += len(chunk)
                advance(len(chunk))
                chunk = src.read(BLOCK)

        def settle() -> Result:
            sha = digest.hexdigest()
            if store:
                self.payload.append(("data/" + item.path, sha, written))
            return Result(path=item.path.removeprefix(OUTPUTS_PREFIX), size=written,
                          sha512=sha, media_type=media_type(item.path))

        return settle

    def finish(self, external_id: str) -> int:
        payload_bytes = sum(size for _, _, size in self.payload)
        self.add_bytes(bt.MANIFEST, bt.manifest((p, s) for p, s, _ in self.payload), tag=True)
        info = bt.tag_file([
            ("Bag-Software-Agent", f"fivesafes {__version__}"),
            ("Bagging-Date", bt.bagging_date(clock.now())),
            ("External-Identifier", external_id),
            ("Payload-Oxum", bt.payload_oxum(payload_bytes, len(self.payload))),
        ])
        self.add_bytes(bt.BAG_INFO, info, tag=True)
        self.add_bytes(bt.TAGMANIFEST, bt.manifest(self.tags))
        self.zip.close()
        size = self.file.tell()
        self.file.close()
        return size
