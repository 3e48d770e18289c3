"""Reads one member of a received zip: its raw bytes once, inflated, checked as they pass.

Kept apart from :mod:`fivesafes.adapters.release.reader`, which decides what to read and
collects the results, because this is the part that distrusts the bytes themselves: it reads
the local header and the data directly instead of through :mod:`zipfile`, so that it can
check what zipfile does not (a deflate stream that ends exactly where the entry ends, the
CRC-32 of the compressed bytes that release zips record, the declared size), and it holds
the digests the hashing thread updates for each member.
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import BinaryIO

from fivesafes.adapters.release.zip_streams import BLOCK, INFLATE_ERRORS, find_raw_crc, new_inflater

__all__ = ["MEMBER_ERRORS", "Damaged", "MemberDigest", "stream_member"]


class MemberDigest:
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


class Damaged(Exception):
    """A member's bytes do not match what its headers say."""


MEMBER_ERRORS: tuple[type[Exception], ...] = (Damaged, OSError, *INFLATE_ERRORS)


def stream_member(
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
        raise Damaged("no local header")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    inflater = new_inflater() if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, raw_crc, size = info.compress_size, 0, 0
    expected_raw = find_raw_crc(info.extra)  # only release zips record it

    def out(data: bytes) -> None:
        nonlocal size
        size += len(data)
        if size > info.file_size:
            raise Damaged(f"expands beyond its declared {info.file_size} bytes")
        emit(data)

    while left > 0:
        chunk = fp.read(min(BLOCK, left))
        if not chunk:
            raise Damaged("the archive ends inside this member")
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
            raise Damaged("the deflate stream does not end where the member ends")
    if inflater is not None and expected_raw is not None and expected_raw != raw_crc:
        raise Damaged("its compressed bytes do not match their recorded CRC-32")
    if size != info.file_size:
        raise Damaged(f"holds {size} bytes but declares {info.file_size}")
    return raw_crc if inflater is None else None
