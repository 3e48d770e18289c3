"""Reads a received zip as a stream, never extracting anything to disk.

Order matters for safety: first the end records and every header are parsed and
cross-checked by hand (:mod:`zip_layout`), which also bounds the member count before
:mod:`zipfile` parses (and holds) the directory; then every entry is checked by
:mod:`fivesafes.core.release.zip_rules`; only a zip that passes is read. Members are then
streamed once in 1 MiB chunks: sha-512 on a background thread, byte counts checked against
the declared sizes and the overall limit as they go, and only small files (tag files, crate
metadata) kept in memory.
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from fivesafes.adapters.release.zip_layout import LayoutError, check_layout
from fivesafes.adapters.release.zip_streams import (
    BLOCK,
    INFLATE_ERRORS,
    SerialWorker,
    find_raw_crc,
    new_inflater,
)
from fivesafes.adapters.runner.progress import progress_bar
from fivesafes.core.findings import Finding
from fivesafes.core.release.bag_manifests import other_algorithms
from fivesafes.core.release.zip_rules import Entry, Limits, check_entries
from fivesafes.errors import UsageError

__all__ = ["Limits", "ReadResult", "Unreadable", "read_zip"]

QUEUE_DEPTH = 64  # MiB of content the hashing thread may lag behind


class Unreadable(UsageError):
    """The file is missing, not a zip, or too damaged to read at all."""


@dataclass
class ReadResult:
    """Findings, the root folder, each member's sha-512 and size, and the kept small files.

    Paths in ``digests`` and ``kept`` are relative to ``root`` (the single top folder).
    ``others`` holds digests in the other algorithms the bag's manifests name (md5, sha256,
    ...), computed only when such a manifest is present.
    ``complete`` is False when structural findings stopped reading before any member.
    ``form`` says where the archive departs from the form the release writer produces.
    """

    file: str
    root: str
    findings: list[Finding] = field(default_factory=list)
    digests: dict[str, tuple[str, int]] = field(default_factory=dict)
    others: dict[str, dict[str, str]] = field(default_factory=dict)  # algorithm -> path -> hex
    kept: dict[str, bytes] = field(default_factory=dict)
    complete: bool = False
    form: list[Finding] = field(default_factory=list)


def _entries(archive: zipfile.ZipFile) -> list[Entry]:
    return [
        Entry(i.filename, i.external_attr, i.flag_bits, i.compress_type, i.file_size,
              i.compress_size, i.header_offset)
        for i in archive.infolist()
    ]


def read_zip(
    path: Path,
    limits: Limits,
    keep: Callable[[str], int],
    *,
    single_root: bool = True,
    progress: bool | None = None,
) -> ReadResult:
    """Check the directory, then stream every member.

    ``keep(path)`` is the most bytes of that member to hold in memory (0: hash only); a
    member declaring more than its bound is a finding.
    """
    name = path.name
    try:
        fp = path.open("rb")
    except OSError as exc:
        raise Unreadable(f"{path}: cannot open: {exc.strerror or exc}") from exc
    with fp:
        try:
            layout = check_layout(fp, limits.max_members, limits.max_directory_bytes)
        except (OSError, struct.error, LayoutError, ValueError, OverflowError) as exc:
            raise Unreadable(f"{path}: not a readable zip archive: {exc}") from exc
        count, cd_size = layout.count, layout.cd_size
        if count > limits.max_members or cd_size > limits.max_directory_bytes:
            result = ReadResult(name, "")
            result.findings.append(Finding(
                name, None, None, "zip.members",
                f"the archive declares {count} members in {cd_size} bytes of directory "
                f"(limit {limits.max_members} members)",
                "raise --max-members if the archive is trusted"))
            return result
        damaged = [Finding(name, None, None, rule, message,
                           "refuse this archive; it is damaged or was altered")
                   for rule, message in layout.problems]
        if damaged:
            return ReadResult(name, "", damaged)
        try:
            archive = zipfile.ZipFile(fp)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise Unreadable(f"{path}: not a readable zip archive: {exc}") from exc
        with archive:
            entries = _entries(archive)
            findings, root = check_entries(entries, limits, name, single_root=single_root)
            result = ReadResult(name, root, findings)
            result.form = [Finding(name, None, None, rule, message,
                                   "the archive was changed after it was written", "warning")
                           for rule, message in layout.canonical]
            if any(f.severity == "error" for f in findings):
                return result
            _stream(fp, archive, result, limits, keep, progress)
    return result


class _Digest:
    """sha-512, CRC-32 and any other digests of a member, updated on the hashing thread."""

    def __init__(self, algorithms: tuple[str, ...] = (), *, crc: bool = True) -> None:
        self.sha = hashlib.sha512()
        self.crc = 0
        self.with_crc = crc  # stored members: the reading thread takes the CRC instead
        self.others = {name: hashlib.new(name) for name in algorithms}

    def update(self, data: bytes) -> None:
        self.sha.update(data)
        if self.with_crc:
            self.crc = zlib.crc32(data, self.crc)
        for other in self.others.values():
            other.update(data)


class _Damaged(Exception):
    """A member's bytes do not match what its headers say."""


_MEMBER_ERRORS: tuple[type[Exception], ...] = (_Damaged, OSError, *INFLATE_ERRORS)


def _member(
    fp: BinaryIO, info: zipfile.ZipInfo, emit: Callable[[bytes], None]
) -> int | None:
    """Read one member's raw bytes once: check the raw CRC, inflate, check the size.

    Reads the data itself instead of through :mod:`zipfile` so that it can check what
    zipfile does not: that a deflate stream ends exactly where the entry ends, and the
    CRC-32 of the compressed bytes that release zips record. ``emit`` gets the content.
    A stored member's content CRC-32 is taken here and returned (this thread only reads
    it, so the two threads share the work); a deflated one's is taken on the hashing
    thread, off this one's critical path, and None is returned.
    """
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise _Damaged("no local header")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    inflater = new_inflater() if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, raw_crc, size = info.compress_size, 0, 0
    expected_raw = find_raw_crc(info.extra)  # only release zips record it

    def out(data: bytes) -> None:
        nonlocal size
        size += len(data)
        if size > info.file_size:
            raise _Damaged(f"expands beyond its declared {info.file_size} bytes")
        emit(data)

    while left > 0:
        chunk = fp.read(min(BLOCK, left))
        if not chunk:
            raise _Damaged("the archive ends inside this member")
        left -= len(chunk)
        if inflater is None:
            raw_crc = zlib.crc32(chunk, raw_crc)  # stored: the raw bytes are the content
            out(chunk)
            continue
        if expected_raw is not None:
            raw_crc = zlib.crc32(chunk, raw_crc)
        data = inflater.decompress(chunk, BLOCK)
        while True:
            if data:
                out(data)
            if not inflater.unconsumed_tail:
                break
            data = inflater.decompress(inflater.unconsumed_tail, BLOCK)
    if inflater is not None:
        out(inflater.flush())
        if not inflater.eof or inflater.unused_data:
            raise _Damaged("the deflate stream does not end where the member ends")
    if inflater is not None and expected_raw is not None and expected_raw != raw_crc:
        raise _Damaged("its compressed bytes do not match their recorded CRC-32")
    if size != info.file_size:
        raise _Damaged(f"holds {size} bytes but declares {info.file_size}")
    return raw_crc if inflater is None else None


def _stream(
    fp: BinaryIO,
    archive: zipfile.ZipFile,
    result: ReadResult,
    limits: Limits,
    keep: Callable[[str], int],
    progress: bool | None,
) -> None:
    infos = [i for i in archive.infolist() if not i.is_dir()]
    prefix = result.root + "/" if result.root else ""
    algorithms = tuple(sorted(other_algorithms(i.filename[len(prefix):] for i in infos)))
    total = 0
    # A deep queue lets this thread inflate the next member while the hashing thread is
    # still on the last one; bounded, so memory stays flat (at most QUEUE_DEPTH MiB).
    worker = SerialWorker(depth=QUEUE_DEPTH)
    done: list[tuple[str, zipfile.ZipInfo, _Digest, list[bytes] | None]] = []
    try:
        with progress_bar(sum(i.file_size for i in infos), "verifying", progress) as advance:
            for info in infos:
                rel = info.filename[len(prefix):]
                bound = keep(rel)
                if bound and info.file_size > bound:
                    result.findings.append(Finding(
                        result.file, None, None, "zip.size",
                        f"{rel} declares {info.file_size} bytes (limit {bound} for this file)",
                        "refuse this archive"))
                    bound = 0
                stored = info.compress_type != zipfile.ZIP_DEFLATED
                digest, chunks = _Digest(algorithms, crc=not stored), list[bytes]()

                def emit(data: bytes, digest: _Digest = digest, chunks: list[bytes] = chunks,
                         wanted: bool = bound > 0) -> None:
                    nonlocal total
                    total += len(data)
                    if total > limits.max_total_bytes:
                        raise _Damaged(f"the archive expands beyond {limits.max_total_bytes} "
                                       "bytes")
                    worker.feed(digest, data)
                    if wanted:
                        chunks.append(data)
                    advance(len(data))

                try:
                    crc = _member(fp, info, emit)
                    if crc is not None:
                        digest.crc = crc
                except _MEMBER_ERRORS as exc:
                    worker.wait()
                    result.findings.append(Finding(
                        result.file, None, None, "zip.corrupt", f"{rel}: {exc}",
                        "download the release again; the archive is damaged or forged"))
                    return
                done.append((rel, info, digest, chunks if bound else None))
        worker.wait()
        for rel, info, digest, kept in done:
            if digest.crc != info.CRC:
                result.findings.append(Finding(
                    result.file, None, None, "zip.corrupt",
                    f"{rel}: its content does not match its CRC-32",
                    "download the release again; the archive is damaged or forged"))
                return
            result.digests[rel] = (digest.sha.hexdigest(), info.file_size)
            for name, other in digest.others.items():
                result.others.setdefault(name, {})[rel] = other.hexdigest()
            if kept is not None:
                result.kept[rel] = b"".join(kept)
        result.complete = True
    finally:
        worker.close()
