"""Reads and writes a hand-back folder (core/lifecycle/handback.py says what it holds).

The folder travels from the TRE job to a hosted job as a workflow artifact, so the reader
trusts nothing in it: it must hold ``handback.json`` and, for a publication, the one release
zip that file names, as plain files; anything else (another file, a folder, a link) is refused
before a byte of it is read. The writer adds to the hand-back of an earlier command of the
same job (``execute`` then ``disclose``) rather than replacing it.
"""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

from fivesafes.adapters.files.atomic import copy_file, write_text
from fivesafes.core.lifecycle.handback import FILE, Handback, HandbackInvalid, parse, to_json
from fivesafes.errors import UsageError


class HandbackError(UsageError):
    """The hand-back folder cannot be read or written; the message says why."""


def read(folder: Path) -> tuple[Handback, Path | None]:
    """The hand-back in ``folder`` and its release zip (None when it has none)."""
    if not folder.is_dir():
        raise HandbackError(f"{folder}: no hand-back folder (the TRE job hands one back)")
    names = {}
    for path in folder.iterdir():
        mode = path.lstat().st_mode
        if not stat.S_ISREG(mode):
            raise HandbackError(f"{folder}: {path.name} is not a plain file; a hand-back holds "
                                f"{FILE} and the release zip only")
        names[path.name] = path
    if FILE not in names:
        raise HandbackError(f"{folder}: {FILE} is missing")
    try:
        handback = parse(names.pop(FILE).read_text(encoding="utf-8"))
    except (HandbackInvalid, UnicodeDecodeError) as exc:
        raise HandbackError(f"{folder}: {exc}") from None
    expected = str(handback.release.get("file", "")) if handback.release else ""
    extra = sorted(set(names) - {expected})
    if extra:
        raise HandbackError(f"{folder}: {', '.join(extra)} may not leave the TRE; a hand-back "
                            f"holds {FILE} and the release zip only")
    if not expected:
        return handback, None
    if expected not in names:
        raise HandbackError(f"{folder}: the release zip {expected} is missing")
    return handback, names[expected]


def write(folder: Path, handback: Handback, release_zip: Path | None = None) -> Path:
    """Write (or add to) the hand-back in ``folder``; the path of its ``handback.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FILE
    if target.exists():
        earlier, _ = read(folder)
        if earlier.kind == handback.kind and earlier.request == handback.request:
            handback = replace(
                handback, entries=earlier.entries + handback.entries,
                notes=earlier.notes + handback.notes,
                exit_code=handback.exit_code or earlier.exit_code,
                manifest=handback.manifest or earlier.manifest,
                release=handback.release or earlier.release,
                message=earlier.message if not handback.entries else handback.message)
    if release_zip is not None:
        assert handback.release is not None
        copy_file(release_zip, folder / str(handback.release["file"]))
    write_text(target, to_json(handback))
    return target

