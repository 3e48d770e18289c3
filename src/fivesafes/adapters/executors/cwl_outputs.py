"""Copies a CWL run's output files from the engine's shared folder into ``outputs/``.

The engine reports each output File or Directory by ``location``. Only ``file://`` locations
(or plain absolute paths) whose real path, links resolved, lies under the shared folder are
read: an engine, or a workflow, that points anywhere else on the runner is refused, so a run
can never turn a file of the runner into an "output". Each file is hashed with sha-512 as it
is copied (read once), and the size and sha-1 ``checksum`` the engine reported must match the
bytes copied. Media types come from the CWL ``format``, else from the file name.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from fivesafes.adapters.executors.base import CHUNK, ExecutorFailed
from fivesafes.core.cwl.interface import CwlError
from fivesafes.core.cwl.outputs import OutputItem, format_media_type, output_items
from fivesafes.models.ledger import Result


def local_path(item: OutputItem, shared: Path) -> Path:
    """The real path of ``item`` on the runner; refused unless it is under ``shared``."""
    parts = urlsplit(item.location)
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        raw = unquote(parts.path)
    elif not parts.scheme and item.location.startswith("/"):
        raw = item.location
    else:
        raise ExecutorFailed(f"output {item.output} is at {parts.scheme or 'a relative'} "
                             "location, not a file in the shared folder (executor.shared-dir); "
                             "it was not copied")
    path = Path(raw).resolve()
    if not path.is_relative_to(shared.resolve()):
        raise ExecutorFailed(f"output {item.output} ({Path(raw).name}) lies outside the shared "
                             "folder (executor.shared-dir); it was not copied")
    return path


def _copy(source: Path, target: Path) -> tuple[str, str, int]:
    """Copy while hashing: (sha-512 hex, sha-1 hex, size)."""
    sha512, sha1, size = hashlib.sha512(), hashlib.sha1(usedforsecurity=False), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as reader, target.open("xb") as writer:
        while chunk := reader.read(CHUNK):
            sha512.update(chunk)
            sha1.update(chunk)
            size += len(chunk)
            writer.write(chunk)
    return sha512.hexdigest(), sha1.hexdigest(), size


def _files(folder: Path, shared: Path, output: str) -> Iterator[tuple[Path, str]]:
    """Regular files under a Directory output (links must stay in the shared folder)."""
    for base, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(base) / name
            real = path.resolve()
            if not real.is_relative_to(shared.resolve()) or not real.is_file():
                raise ExecutorFailed(f"output {output}: {path.relative_to(folder).as_posix()} "
                                     "is not a regular file in the shared folder")
            yield real, path.relative_to(folder).as_posix()


def _result(source: Path, relative: str, outputs: Path, item: OutputItem,
            check: bool) -> Result:
    sha512, sha1, size = _copy(source, outputs / relative)
    if check and item.size is not None and item.size != size:
        raise ExecutorFailed(f"output {relative}: the engine reported {item.size} bytes, "
                             f"{size} were read")
    if check and item.checksum and item.checksum.startswith("sha1$") \
            and item.checksum[5:] != sha1:
        raise ExecutorFailed(f"output {relative}: its bytes differ from the checksum the "
                             "engine reported")
    media = format_media_type(item.format, relative) if check else format_media_type(
        None, relative)
    return Result(path=relative, size=size, sha512=sha512, media_type=media)


def collect_outputs(outputs_object: Mapping[str, Any], shared: Path, outputs: Path
                    ) -> tuple[Result, ...]:
    """Copy every File and Directory of the output object into ``outputs``; their Results."""
    try:
        items = output_items(outputs_object)
    except CwlError as exc:
        raise ExecutorFailed(str(exc)) from None
    paths = [(item, local_path(item, shared)) for item in items]  # all checked before copying
    results: list[Result] = []
    for item, path in paths:
        if item.kind == "File":
            if not path.is_file():
                raise ExecutorFailed(f"output {item.output}: {item.relative} is not a file")
            results.append(_result(path, item.relative, outputs, item, check=True))
        else:
            if not path.is_dir():
                raise ExecutorFailed(f"output {item.output}: {item.relative} is not a folder")
            for real, inner in _files(path, shared, item.output):
                results.append(_result(real, f"{item.relative}/{inner}", outputs, item,
                                       check=False))
    return tuple(sorted(results, key=lambda r: r.path))
