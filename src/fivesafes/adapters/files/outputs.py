"""The output files of a run, listed safely for packaging.

Only regular files are packaged. A symbolic link could pull a file from anywhere on the
machine into a public release, and a FIFO or device could hang or flood the packager, so
both are refused, as are names that cannot be written into a bag manifest unambiguously.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from fivesafes.errors import UsageError

OUTPUTS_PREFIX = "outputs/"


class ReleaseError(UsageError):
    """The release cannot be written (bad outputs, bad names); nothing was left behind."""


@dataclass(frozen=True)
class OutputFile:
    """A file to package: its crate-relative path (``outputs/...``), source and size."""

    path: str
    source: Path
    size: int


def check_name(rel: str, where: Path) -> None:
    """Refuse names a manifest or an unzip on another system would mangle."""
    problems = []
    if "\\" in rel:
        problems.append("contains a backslash")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in rel):
        problems.append("contains a control character")
    if "%" in rel:
        # RFC 8493 wants '%' written as %25 in manifests; bagit-python does not decode it.
        problems.append("contains '%', which BagIt tools read differently")
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        problems.append("is not valid UTF-8")
    if problems:
        raise ReleaseError(f"{where}: the name {rel!r} {' and '.join(problems)}; rename the file")


def list_outputs(root: Path) -> list[OutputFile]:
    """Every regular file under ``root``, sorted by path; refuses links and special files."""
    if not root.is_dir():
        raise ReleaseError(f"{root}: outputs folder not found; pass an existing folder")
    found: list[OutputFile] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        base = Path(folder)
        for name in [*dirs, *names]:
            path = base / name
            mode = path.lstat().st_mode
            rel = path.relative_to(root).as_posix()
            check_name(rel, path)
            if stat.S_ISLNK(mode):
                raise ReleaseError(
                    f"{path}: is a symbolic link; copy the file it points to into the outputs"
                )
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                raise ReleaseError(f"{path}: is not a regular file (device, FIFO or socket)")
            found.append(OutputFile(OUTPUTS_PREFIX + rel, path, path.lstat().st_size))
    found.sort(key=lambda f: f.path.encode("utf-8"))
    return found
