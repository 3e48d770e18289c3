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
The zip entries themselves are written by :mod:`fivesafes.adapters.release.bag_zip`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fivesafes.adapters.files import atomic
from fivesafes.adapters.files.outputs import OUTPUTS_PREFIX, ReleaseError, list_outputs
from fivesafes.adapters.release.bag_zip import BagZip
from fivesafes.adapters.release.zip_streams import BLOCK, SerialWorker
from fivesafes.adapters.runner.progress import progress_bar
from fivesafes.core.release import bagit_text as bt
from fivesafes.core.release.zip_rules import name_problems
from fivesafes.models.ledger import Result

__all__ = ["ReleaseError", "ReleaseInfo", "write_release"]

CrateRenderer = Callable[[list[Result]], dict[str, bytes]]


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
    bag: BagZip | None = None
    try:
        with atomic.atomic_output(out) as file, _machinery() as (pool, worker), progress_bar(
            sum(f.size for f in files), f"packaging {out.name}", progress
        ) as advance:
            bag = BagZip(file, bag_name, pool, worker)
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
