"""Reads an unpacked bag (or crate) folder the way :mod:`reader` reads a zip: hostile input.

A request may arrive as a folder instead of a zip. It gets the same treatment: nothing is
followed outside it (a symbolic link or special file is refused, never read), names are
checked as zip member names are, the member count and total size are bounded, and every file
is hashed once (sha-512, plus each algorithm a manifest of the bag names) so the BagIt rules
of :mod:`fivesafes.core.release.bag_rules` judge it exactly as they judge a zip.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

from fivesafes.adapters.release.reader import ReadResult
from fivesafes.adapters.release.zip_streams import BLOCK
from fivesafes.core.findings import Finding
from fivesafes.core.release.bag_manifests import other_algorithms
from fivesafes.core.release.zip_rules import Limits, name_problems

__all__ = ["read_folder", "read_member"]

FIX = "refuse this folder; re-package the request"


def _walk(root: Path, result: ReadResult, limits: Limits) -> list[tuple[str, Path, int]]:
    """Every regular file (bag-relative path, path, size); problems become findings."""
    files: list[tuple[str, Path, int]] = []
    total = 0

    def add(rule: str, message: str, fix: str = FIX) -> None:
        result.findings.append(Finding(result.file, None, None, rule, message, fix))

    for folder, dirs, names in os.walk(root, followlinks=False):
        for name in sorted(dirs):
            if (Path(folder) / name).is_symlink():
                add("zip.symlink", f"{(Path(folder) / name).relative_to(root)} is a symbolic "
                    "link")
        dirs[:] = sorted(d for d in dirs if not (Path(folder) / d).is_symlink())
        for name in sorted(names):
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                add("zip.symlink", f"{rel} is a symbolic link")
                continue
            if not stat.S_ISREG(info.st_mode):
                add("zip.special-file", f"{rel} is a device, FIFO or socket, not a file")
                continue
            for rule, problem in name_problems(rel):
                add(rule, f"{rel!r} {problem}")
            total += info.st_size
            files.append((rel, path, info.st_size))
            if len(files) > limits.max_members:
                add("zip.members", f"more than {limits.max_members} files",
                    "raise --max-members if the folder is trusted")
                return files
    if total > limits.max_total_bytes:
        add("zip.size", f"the files hold {total} bytes (limit {limits.max_total_bytes})",
            "raise --max-total-bytes if the folder is trusted")
    return files


def read_folder(root: Path, limits: Limits, keep: Callable[[str], int]) -> ReadResult:
    """Check and hash every file under ``root``; ``keep(path)`` as for :func:`read_zip`."""
    result = ReadResult(root.name, "")
    files = _walk(root, result, limits)
    if result.findings:
        return result
    algorithms = sorted(other_algorithms(rel for rel, _, _ in files))
    for rel, path, size in files:
        bound = keep(rel)
        if bound and size > bound:
            result.findings.append(Finding(result.file, None, None, "zip.size",
                                           f"{rel} holds {size} bytes (limit {bound})", FIX))
            bound = 0
        sha = hashlib.sha512()
        others = {name: hashlib.new(name) for name in algorithms}
        kept: list[bytes] = []
        read = 0
        with path.open("rb") as handle:
            while chunk := handle.read(BLOCK):
                read += len(chunk)
                sha.update(chunk)
                for other in others.values():
                    other.update(chunk)
                if bound:
                    kept.append(chunk)
        result.digests[rel] = (sha.hexdigest(), read)
        for name, other in others.items():
            result.others.setdefault(name, {})[rel] = other.hexdigest()
        if bound:
            result.kept[rel] = b"".join(kept)
    result.complete = True
    return result


def read_member(root: Path, rel: str, limit: int) -> bytes | None:
    """The bytes of one regular file under ``root`` (None: absent, a link, or too large)."""
    if name_problems(rel):
        return None
    path = root.joinpath(*rel.split("/"))
    try:
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        return None
    current = root
    for part in rel.split("/")[:-1]:
        current = current / part
        if current.is_symlink():
            return None
    return path.read_bytes()
