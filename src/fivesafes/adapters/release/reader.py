"""Reads a received zip as a stream, never extracting anything to disk.

Order matters for safety: first the end records and every header are parsed and
cross-checked by hand (:mod:`zip_layout`), which also bounds the member count before
:mod:`zipfile` parses (and holds) the directory; then every entry is checked by
:mod:`fivesafes.core.release.zip_rules`; only a zip that passes is read. Members are then
streamed once in 1 MiB chunks: sha-512 on a background thread, byte counts checked against
the declared sizes and the overall limit as they go, and only small files (tag files, crate
metadata) kept in memory. Each member's bytes are read and checked by
:mod:`fivesafes.adapters.release.zip_members`.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from fivesafes.adapters.release.zip_layout import LayoutError, check_layout
from fivesafes.adapters.release.zip_members import (
    MEMBER_ERRORS,
    Damaged,
    MemberDigest,
    stream_member,
)
from fivesafes.adapters.release.zip_streams import SerialWorker
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
    done: list[tuple[str, zipfile.ZipInfo, MemberDigest, list[bytes] | None]] = []
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
                digest, chunks = MemberDigest(algorithms, crc=not stored), list[bytes]()

                def emit(data: bytes, digest: MemberDigest = digest, chunks: list[bytes] = chunks,
                         wanted: bool = bound > 0) -> None:
                    nonlocal total
                    total += len(data)
                    if total > limits.max_total_bytes:
                        raise Damaged(f"the archive expands beyond {limits.max_total_bytes} "
                                      "bytes")
                    worker.feed(digest, data)
                    if wanted:
                        chunks.append(data)
                    advance(len(data))

                try:
                    crc = stream_member(fp, info, emit)
                    if crc is not None:
                        digest.crc = crc
                except MEMBER_ERRORS as exc:
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
