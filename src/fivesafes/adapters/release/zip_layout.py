"""The raw layout of a zip: end records, central directory and local headers, cross-checked.

:mod:`zipfile` trusts the central directory and skips most of each local header, so two
tools can see different content in one archive (a classic way to smuggle a file past a
checker), and bytes that no reader looks at can change unnoticed. This module parses every
header itself and reports where the archive is not one consistent, gap-free sequence of
entries: local headers that disagree with the directory, bytes before, between or after the
entries, end records that do not add up. It also reports where the archive departs from the
exact form the release writer produces (``canonical``), so that any changed byte of a
release is found even where it would not change the extracted files.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from fivesafes.adapters.release.zip_streams import RAW_CRC_ID, find_raw_crc
from fivesafes.errors import UsageError

_EOCD = struct.Struct("<4s4H2LH")
_LOC64 = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_LOCAL = struct.Struct("<4s2B4HL2L2H")
MAX32, MAX16 = 0xFFFFFFFF, 0xFFFF
FILE_ATTR = 0o100644 << 16


class LayoutError(UsageError):
    """No end of central directory record: not a zip at all."""


@dataclass
class Layout:
    count: int = 0
    cd_size: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (rule, message)
    canonical: list[tuple[str, str]] = field(default_factory=list)


def _zip64(extra: bytes, wanted: list[bool]) -> tuple[list[int], set[int]]:
    """Values of the zip64 extra field for the 32-bit fields marked in ``wanted``; extra ids."""
    values: list[int] = []
    ids: set[int] = set()
    at = 0
    while at + 4 <= len(extra):
        ident, size = struct.unpack_from("<HH", extra, at)
        ids.add(ident)
        body = extra[at + 4:at + 4 + size]
        if ident == 1:
            count = sum(wanted)
            values = list(struct.unpack_from(f"<{count}Q", body)) if len(body) >= 8 * count else []
        at += 4 + size
    if at != len(extra):
        ids.add(-1)
    return values, ids


def end_records(fp: BinaryIO) -> tuple[Layout, int, int, int]:
    """The directory's entry count, size and offset, and where it must end."""
    size = fp.seek(0, 2)
    start = max(0, size - (_EOCD.size + MAX16))
    fp.seek(start)
    tail = fp.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise LayoutError("not a zip archive (no end of central directory record)")
    layout = Layout()
    _, disk, cd_disk, on_disk, count, cd_size, cd_offset, comment = _EOCD.unpack_from(tail, at)
    end = start + at
    if start + at + _EOCD.size + comment != size:
        layout.problems.append(("zip.trailing-bytes", "bytes after the end record"))
    if comment:
        layout.canonical.append(("zip.form", "the archive has a comment"))
    if (disk, cd_disk) != (0, 0) or on_disk != count:
        layout.problems.append(("zip.end-record", "multi-disk fields in the end record"))
    has_zip64 = at >= _LOC64.size and tail[at - _LOC64.size:at - _LOC64.size + 4] == b"PK\x06\x07"
    if MAX16 in (count, on_disk) or MAX32 in (cd_size, cd_offset) or has_zip64:
        if not has_zip64:
            layout.problems.append(("zip.end-record", "zip64 end records are missing"))
        else:
            sig, _, offset, disks = _LOC64.unpack_from(tail, at - _LOC64.size)
            fp.seek(min(offset, size))
            record = _EOCD64.unpack(fp.read(_EOCD64.size).ljust(_EOCD64.size, b"\0"))
            if sig != b"PK\x06\x07" or record[0] != b"PK\x06\x06" or disks != 1 or (
                offset + 12 + record[1] != end - _LOC64.size or record[4:6] != (0, 0)
                or record[6] != record[7]
            ):
                layout.problems.append(("zip.end-record", "inconsistent zip64 end records"))
            if record[2:4] != (45, 45):
                layout.canonical.append(("zip.form", "zip64 end record versions"))
            for small, big, limit in ((count, record[7], MAX16), (on_disk, record[6], MAX16),
                                      (cd_size, record[8], MAX32), (cd_offset, record[9], MAX32)):
                if small not in (big, limit):
                    layout.problems.append(("zip.end-record", "the end records disagree"))
            count, cd_size, cd_offset, end = record[7], record[8], record[9], offset
    layout.count, layout.cd_size = count, cd_size
    return layout, count, cd_offset, end


def check_layout(fp: BinaryIO, max_members: int, max_directory: int) -> Layout:
    """Parse and cross-check every header (call only when the counts are within limits)."""
    layout, count, cd_offset, cd_end = end_records(fp)
    if layout.problems or count > max_members or layout.cd_size > max_directory:
        return layout  # refused, or over the limits (the caller says so), before any reading
    if cd_offset + layout.cd_size != cd_end or not 0 <= cd_offset <= cd_end <= fp.seek(0, 2):
        layout.problems.append(("zip.end-record", "the directory size or offset is wrong"))
        return layout
    fp.seek(cd_offset)
    directory = fp.read(layout.cd_size)
    spans: list[tuple[int, int, str]] = []
    at = 0
    for _ in range(count):
        if at + _CENTRAL.size > len(directory):
            layout.problems.append(("zip.directory", "the central directory is truncated"))
            return layout
        fields = _CENTRAL.unpack_from(directory, at)
        name_len, extra_len, comment_len = fields[12:15]
        name = directory[at + 46:at + 46 + name_len]
        extra = directory[at + 46 + name_len:at + 46 + name_len + extra_len]
        at += 46 + name_len + extra_len + comment_len
        if fields[0] != b"PK\x01\x02":
            layout.problems.append(("zip.directory", "bad central directory signature"))
            return layout
        spans.append(_entry(fp, fields, name, extra, comment_len, layout, cd_offset))
    if at != len(directory):
        layout.problems.append(("zip.directory", "the directory holds more than its entries"))
    position = 0
    for start, stop, label in sorted(spans):
        if start != position:
            layout.problems.append(("zip.gap", f"unaccounted bytes before {label!r}"))
        position = max(position, stop)
    if position != cd_offset:
        layout.problems.append(("zip.gap", "unaccounted bytes before the central directory"))
    return layout


def _entry(fp: BinaryIO, cd: tuple[Any, ...], name: bytes, extra: bytes, comment_len: int,
           layout: Layout, cd_offset: int) -> tuple[int, int, str]:
    (_, made_version, made_system, need_version, reserved, flags, method, time, date, crc,
     csize, usize, _, _, _, disk, iattr, eattr, offset) = cd
    label = name.decode("utf-8", "replace")
    wanted = [usize == MAX32, csize == MAX32, offset == MAX32]
    values, ids = _zip64(extra, wanted)
    resolved = [usize, csize, offset]
    for index, flag in enumerate(wanted):
        if flag and values:
            resolved[index] = values.pop(0)
    usize_r, csize_r, offset_r = resolved
    raw_crc = find_raw_crc(extra)
    if ids - {1, RAW_CRC_ID} or comment_len or disk or iattr or eattr != FILE_ATTR or reserved or (
        made_system != 3 or made_version != need_version or flags not in (0, 0x800)
        or (method == 8) != (raw_crc is not None)
    ):
        layout.canonical.append(("zip.form", f"{label!r} is not in the form releases are "
                                 "written in (attributes, versions, flags or extra fields)"))
    fp.seek(min(offset_r, cd_offset))
    local = fp.read(_LOCAL.size) if offset_r < cd_offset else b""
    if len(local) < _LOCAL.size or local[:4] != b"PK\x03\x04":
        layout.problems.append(("zip.local-header", f"{label!r}: no local header at its offset"))
        return offset_r, offset_r + 1, label
    (_, l_version, l_reserved, l_flags, l_method, l_time, l_date, l_crc, l_csize, l_usize,
     l_name_len, l_extra_len) = _LOCAL.unpack(local)
    l_name = fp.read(l_name_len)
    l_extra = fp.read(l_extra_len)
    l_values, l_ids = _zip64(l_extra, [l_usize == MAX32, l_csize == MAX32])
    if l_usize == MAX32 and l_values:
        l_usize = l_values.pop(0)
    if l_csize == MAX32 and l_values:
        l_csize = l_values.pop(0)
    same = (l_version, l_flags, l_method, l_time, l_date, l_name) == (
        need_version, flags, method, time, date, name)
    descriptor = flags & 0x8
    if not descriptor:
        same = same and (l_crc, l_csize, l_usize) == (crc, csize_r, usize_r)
    if find_raw_crc(l_extra) != raw_crc:
        same = False
    if not same:
        layout.problems.append(("zip.local-header", f"{label!r}: the local header disagrees "
                                "with the central directory"))
    if l_ids - {1, RAW_CRC_ID} or l_reserved or descriptor:
        layout.canonical.append(("zip.form", f"{label!r}: local header not in release form"))
    stop: int = offset_r + _LOCAL.size + l_name_len + l_extra_len + csize_r
    if descriptor and stop <= cd_offset:
        fp.seek(stop)
        head = fp.read(4)
        stop += (4 if head == b"PK\x07\x08" else 0) + (20 if usize_r > MAX32 else 12)
    return offset_r, stop, label
