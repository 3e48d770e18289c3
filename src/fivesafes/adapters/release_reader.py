"""Reads a received zip as a stream, never extracting anything to disk.

Order matters for safety: first the end-of-central-directory record is read by hand to learn
the member count before :mod:`zipfile` parses (and holds) the directory; then every entry is
checked by :mod:`fivesafes.core.zip_rules`; only a zip that passes is read. Members are then
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

from fivesafes.adapters.progress import progress_bar
from fivesafes.adapters.zip_streams import BLOCK, SerialWorker
from fivesafes.core.findings import Finding
from fivesafes.core.zip_rules import Entry, Limits, check_entries

__all__ = ["Limits", "ReadResult", "Unreadable", "read_zip"]

_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


class Unreadable(Exception):
    """The file is missing, not a zip, or too damaged to read at all."""


@dataclass
class ReadResult:
    """Findings, the root folder, each member's sha-512 and size, and the kept small files.

    Paths in ``digests`` and ``kept`` are relative to ``root`` (the single top folder).
    ``complete`` is False when structural findings stopped reading before any member.
    """

    file: str
    root: str
    findings: list[Finding] = field(default_factory=list)
    digests: dict[str, tuple[str, int]] = field(default_factory=dict)
    kept: dict[str, bytes] = field(default_factory=dict)
    complete: bool = False


def _member_count(fp: BinaryIO) -> tuple[int, int]:
    """(members, central directory bytes) from the end records, before zipfile reads them."""
    size = fp.seek(0, 2)
    tail_start = max(0, size - (_EOCD.size + 0xFFFF))
    fp.seek(tail_start)
    tail = fp.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise Unreadable("not a zip archive (no end of central directory record)")
    _, _, _, _, count, cd_size, _, _ = _EOCD.unpack_from(tail, at)
    if (count == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= _ZIP64_LOCATOR.size:
        sig, _, offset, _ = _ZIP64_LOCATOR.unpack_from(tail, at - _ZIP64_LOCATOR.size)
        if sig == b"PK\x06\x07" and offset + _ZIP64_EOCD.size <= size:
            fp.seek(offset)
            record = _ZIP64_EOCD.unpack(fp.read(_ZIP64_EOCD.size))
            if record[0] == b"PK\x06\x06":
                count, cd_size = record[7], record[8]
    return count, cd_size


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
            count, cd_size = _member_count(fp)
        except (OSError, struct.error) as exc:
            raise Unreadable(f"{path}: not a readable zip archive: {exc}") from exc
        if count > limits.max_members or cd_size > limits.max_members * 4096:
            result = ReadResult(name, "")
            result.findings.append(Finding(
                name, None, None, "zip.members",
                f"the archive declares {count} members in {cd_size} bytes of directory "
                f"(limit {limits.max_members} members)",
                "raise --max-members if the archive is trusted"))
            return result
        try:
            archive = zipfile.ZipFile(fp)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise Unreadable(f"{path}: not a readable zip archive: {exc}") from exc
        with archive:
            entries = _entries(archive)
            findings, root = check_entries(entries, limits, name, single_root=single_root)
            result = ReadResult(name, root, findings)
            if any(f.severity == "error" for f in findings):
                return result
            _stream(archive, result, limits, keep, progress)
    return result


def _stream(
    archive: zipfile.ZipFile,
    result: ReadResult,
    limits: Limits,
    keep: Callable[[str], int],
    progress: bool | None,
) -> None:
    infos = [i for i in archive.infolist() if not i.is_dir()]
    prefix = result.root + "/" if result.root else ""
    total = 0
    worker = SerialWorker()
    try:
        with progress_bar(sum(i.file_size for i in infos), "verifying", progress) as advance:
            for info in infos:
                rel = info.filename[len(prefix):]
                bound = keep(rel)
                wanted = bound > 0
                if wanted and info.file_size > bound:
                    result.findings.append(Finding(
                        result.file, None, None, "zip.size",
                        f"{rel} declares {info.file_size} bytes (limit {bound} for this file)",
                        "refuse this archive"))
                    wanted = False
                digest, chunks, size = hashlib.sha512(), [], 0
                try:
                    with archive.open(info) as member:
                        while chunk := member.read(BLOCK):
                            size += len(chunk)
                            total += len(chunk)
                            if size > info.file_size or total > limits.max_total_bytes:
                                raise zipfile.BadZipFile("more data than declared")
                            worker.feed(digest, chunk)
                            if wanted:
                                chunks.append(chunk)
                            advance(len(chunk))
                    worker.wait()
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
                    worker.wait()
                    result.findings.append(Finding(
                        result.file, None, None, "zip.corrupt", f"{rel}: cannot be read: {exc}",
                        "download the release again; the archive is damaged or forged"))
                    return
                if size != info.file_size:
                    result.findings.append(Finding(
                        result.file, None, None, "zip.corrupt",
                        f"{rel}: holds {size} bytes but declares {info.file_size}",
                        "download the release again; the archive is damaged or forged"))
                    return
                result.digests[rel] = (digest.hexdigest(), size)
                if wanted:
                    result.kept[rel] = b"".join(chunks)
        result.complete = True
    finally:
        worker.close()
