"""Rules every received zip must pass before a single member is read.

A release or request zip comes from outside and is treated as hostile. These checks look
only at the central directory entries: names that escape or confuse (absolute, ``..``,
backslashes, duplicates that collide on a case-insensitive disk), links and special files,
encryption, unexpected compression methods, and the size, ratio and count limits that stop
zip bombs. The entries come in as plain data so the rules stay pure and easy to test.
"""

from __future__ import annotations

import itertools
import re
import stat
import unicodedata
from dataclasses import dataclass

from fivesafes.core.findings import Finding

STORED, DEFLATED = 0, 8
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Limits:
    """Bounds on what a zip may expand to; the defaults suit releases of tens of GB."""

    max_total_bytes: int = 64 * 1024**3
    # Deflate cannot expand more than 1032 times. Honest tables stay far below 1000 (a table
    # of one repeated row: about 500 at zlib's default level, about 200 at the level-1
    # deflate `package` writes); a member of nothing but zeros at level 6 or 9 passes it.
    max_ratio: float = 1000.0
    max_members: int = 100_000
    # The central directory is read whole: 64 MiB holds 100,000 entries with long names.
    max_directory_bytes: int = 64 * 1024**2
    max_crate_bytes: int = 32 * 1024**2
    max_tag_bytes: int = 64 * 1024**2
    # Members smaller than this are not ratio-checked (tiny files compress absurdly well).
    ratio_floor: int = 1024**2


@dataclass(frozen=True)
class Entry:
    """What the central directory says about one member."""

    name: str
    external_attr: int
    flag_bits: int
    compress_type: int
    file_size: int
    compress_size: int
    header_offset: int


def name_problems(name: str) -> list[tuple[str, str]]:
    """``(rule, problem)`` pairs for a member name."""
    found: list[tuple[str, str]] = []
    if name.startswith("/") or _DRIVE.match(name):
        found.append(("zip.absolute-path", "is an absolute path"))
    if "\\" in name:
        found.append(("zip.backslash", "contains a backslash"))
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        found.append(("zip.path-escape", "contains a '..' segment"))
    if any(part in ("", ".") for part in parts) and not name.startswith("/"):
        found.append(("zip.bad-name", "has an empty or '.' segment"))
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        found.append(("zip.bad-name", "contains a control character"))
    return found


def entry_problems(entry: Entry, limits: Limits) -> list[tuple[str, str]]:
    """``(rule, problem)`` pairs for one member's type, encryption, method and ratio."""
    found = name_problems(entry.name)
    mode = entry.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        found.append(("zip.symlink", "is a symbolic link"))
    elif kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        found.append(("zip.special-file", "is a device, FIFO or socket, not a regular file"))
    if entry.flag_bits & 0x1:
        found.append(("zip.encrypted", "is encrypted"))
    if entry.compress_type not in (STORED, DEFLATED):
        found.append(("zip.method", f"uses compression method {entry.compress_type}, "
                                    "not stored or deflated"))
    if entry.name.endswith("/") and entry.file_size:
        found.append(("zip.bad-name", "is a folder entry with content"))
    if entry.file_size > limits.ratio_floor:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > limits.max_ratio:
            found.append(("zip.ratio", f"expands {ratio:.0f} times (limit {limits.max_ratio:g})"))
    return found


def check_entries(
    entries: list[Entry], limits: Limits, file: str, *, single_root: bool = True
) -> tuple[list[Finding], str]:
    """Findings over the whole directory, and the root folder (``""`` when there is none)."""
    findings: list[Finding] = []

    def add(rule: str, message: str, fix: str) -> None:
        findings.append(Finding(file, None, None, rule, message, fix))

    if len(entries) > limits.max_members:
        add("zip.members", f"{len(entries)} members (limit {limits.max_members})",
            "raise --max-members if the archive is trusted")
    seen: dict[str, str] = {}
    for entry in entries:
        for rule, problem in entry_problems(entry, limits):
            add(rule, f"member {entry.name!r} {problem}", "refuse this archive; re-package it")
        key = unicodedata.normalize("NFC", entry.name.rstrip("/")).casefold()
        if key in seen:
            add("zip.duplicate", f"member {entry.name!r} repeats {seen[key]!r}",
                "refuse this archive; names must be unique (ignoring case)")
        seen.setdefault(key, entry.name)
    total = sum(e.file_size for e in entries)
    if total > limits.max_total_bytes:
        add("zip.size", f"members declare {total} bytes in all (limit {limits.max_total_bytes})",
            "raise --max-total-bytes if the archive is trusted")
    ordered = sorted(entries, key=lambda e: e.header_offset)
    for before, after in itertools.pairwise(ordered):
        end = before.header_offset + 30 + len(before.name) + before.compress_size
        if end > after.header_offset:
            add("zip.overlap", f"members {before.name!r} and {after.name!r} overlap",
                "refuse this archive; overlapping members are a zip-bomb technique")
    return findings, _root(entries, findings, file, single_root)


def _root(entries: list[Entry], findings: list[Finding], file: str, single_root: bool) -> str:
    tops = {e.name.split("/", 1)[0] for e in entries}
    nested = all("/" in e.name.rstrip("/") or e.name.endswith("/") for e in entries)
    if len(tops) == 1 and nested and entries:
        return tops.pop()
    if single_root:
        listed = ", ".join(sorted(tops)[:5])
        findings.append(Finding(file, None, None, "zip.top-level",
                                f"expected exactly one top-level folder, found: {listed or 'none'}",
                                "a release zip holds one folder: the bag"))
    return ""
