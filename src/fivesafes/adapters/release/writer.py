"""Writes a release: one zipped BagIt 1.0 bag whose payload is the Five Safes RO-Crate.

Every output byte is read once. While a file streams into its zip entry, a background thread
takes its sha-512 and a thread pool deflates it (ISA-L, see
:mod:`~fivesafes.adapters.release.zip_streams`); nothing is copied to a temporary bag first.
The crate is rendered only after the outputs have streamed, by a callback that receives the
results (path, size, sha-512, media type), because the crate lists them. The zip's own
sha-512 is taken only when asked for (publication records it; plain packaging does not).

The archive is written to a temporary file beside the target and renamed into place, so a
failure leaves nothing behind. With ``SOURCE_DATE_EPOCH`` set the bytes are reproducible:
fixed timestamps and permissions, sorted names, and deflate output independent of timing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import zipfile
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from fivesafes import __version__
from fivesafes.adapters.files import atomic
from fivesafes.adapters.files.outputs import (
    OUTPUTS_PREFIX,
    OutputFile,
    ReleaseError,
    list_outputs,
)
from fivesafes.adapters.release.zip_streams import (
    BLOCK,
    LEVEL,
    TAG_LEVEL,
    ParallelDeflater,
    SerialWorker,
    raw_crc_extra,
)
from fivesafes.adapters.runner import clock
from fivesafes.adapters.runner.progress import progress_bar
from fivesafes.core.release import bagit_text as bt
from fivesafes.core.release.media_types import SAMPLE_BYTES, media_type, should_deflate
from fivesafes.core.release.zip_rules import name_problems
from fivesafes.models.ledger import Result

__all__ = ["ReleaseError", "ReleaseInfo", "write_release"]

CrateRenderer = Callable[[list[Result]], dict[str, bytes]]
FILE_MODE = 0o100644 << 16
ZIP64_ABOVE = 1 << 30


@dataclass(frozen=True)
class ReleaseInfo:
    """What was written: the zip's path and size, the bag, and the results it lists."""

    path: Path
    size: int
    bag_name: str
    external_id: str
    results: tuple[Result, ...]
    includes_data: bool

    @functools.cached_property
    def sha512(self) -> str:
        """The zip's sha-512, read from ``path`` on first use (packaging never pays for it)."""
        digest = hashlib.sha512()
        with self.path.open("rb") as handle:
            while chunk := handle.read(BLOCK):
                digest.update(chunk)
        return digest.hexdigest()


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


class _BagZip:
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


@contextlib.contextmanager
def _machinery() -> Iterator[tuple[ThreadPoolExecutor, SerialWorker]]:
    worker = SerialWorker()
    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            yield pool, worker
    finally:
        worker.close()


def write_release(
    out: Path,
    *,
    bag_name: str,
    external_id: str,
    outputs: Path | None,
    crate_for: CrateRenderer,
    include_data: bool = True,
    progress: bool | None = None,
    only: Collection[str] | None = None,
) -> ReleaseInfo:
    """Write the release zip ``out`` and return what it holds.

    ``outputs`` (may be None) is streamed into ``data/outputs/`` (with ``include_data``;
    without it the files are only hashed and listed, for releases that carry the crate and
    checksums but no data). ``crate_for(results)`` then returns the crate files by name
    relative to the crate root (``ro-crate-metadata.json``, ``ro-crate-preview.html``).
    Result paths are relative to ``outputs/`` (as the action record keeps them).
    ``only`` (paths relative to ``outputs/``) limits the release to those files: a partial
    release ships exactly the approved outputs, and withheld ones leave no bytes.
    Raises :class:`ReleaseError` for unusable outputs (symlinks, special files, bad names)
    and when a file cannot be read or written; then nothing is left behind.
    """
    files = list_outputs(outputs) if outputs is not None else []
    if only is not None:
        keep = {OUTPUTS_PREFIX + p.removeprefix(OUTPUTS_PREFIX) for p in only}
        files = [f for f in files if f.path in keep]
    out = out.absolute()
    bag: _BagZip | None = None
    try:
        with atomic.atomic_output(out) as file, _machinery() as (pool, worker), progress_bar(
            sum(f.size for f in files), f"packaging {out.name}", progress
        ) as advance:
            bag = _BagZip(file, bag_name, pool, worker)
            bag.add_bytes(bt.BAGIT_TXT, bt.bagit_txt(), tag=True)
            pending = [bag.add_file(item, include_data, advance) for item in files]
            worker.wait()
            results = [settle() for settle in pending]
            for name, data in sorted(crate_for(list(results)).items()):
                if not name or name.startswith(OUTPUTS_PREFIX) or name_problems(name):
                    raise ReleaseError(f"crate file name {name!r} is not allowed in the crate root")
                bag.add_bytes(f"data/{name}", data)
            size = bag.finish(external_id)
    except BaseException as exc:
        if bag is not None:
            with contextlib.suppress(Exception):
                bag.zip.close()  # ends the (discarded) archive so nothing fires later
        if isinstance(exc, OSError):  # an output unreadable, the target unwritable, a full disk
            where = f"{exc.filename}: " if exc.filename else ""
            raise ReleaseError(f"{where}{exc.strerror or exc}; nothing was written") from exc
        raise
    return ReleaseInfo(out, size, bag_name, external_id, tuple(results), include_data)
