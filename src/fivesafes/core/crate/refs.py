"""Where a crate's ``@id`` references point: a URI, a local fragment, or a path in the crate.

A received crate must not point outside its own root: an ``@id`` such as ``../../etc/passwd``,
``/home/x`` or ``file:///...`` would make any tool that resolves data entities read files
the sender chose. These helpers classify references without touching any file.
"""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from typing import Any

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def is_uri(ref: str) -> bool:
    return bool(_SCHEME.match(ref))


def outside_root(ref: str) -> str | None:
    """Why a reference leaves the crate root, or None when it stays inside (or is a URI)."""
    if ref.startswith(("#", "_:")):
        return None
    if is_uri(ref):
        return "is a file: URI" if ref.lower().startswith("file:") else None
    path = urllib.parse.unquote(ref.split("#", 1)[0].split("?", 1)[0])
    if "\\" in path:
        return "contains a backslash"
    if path.startswith("/"):
        return "is an absolute path"
    normal = posixpath.normpath(path) if path else "."
    if normal == ".." or normal.startswith("../"):
        return "points above the crate root"
    return None


def local_path(ref: str) -> str | None:
    """The crate-relative path of a local data entity id (None for URIs, fragments, root)."""
    if ref.startswith(("#", "_:")) or is_uri(ref) or outside_root(ref):
        return None
    path = posixpath.normpath(urllib.parse.unquote(ref.split("#", 1)[0].split("?", 1)[0]))
    return None if path == "." else path


def references(value: Any) -> list[str]:
    """Every ``{"@id": ...}`` inside a JSON value, depth first."""
    found: list[str] = []
    if isinstance(value, dict):
        if isinstance(value.get("@id"), str):
            found.append(value["@id"])
        for key, inner in value.items():
            if key != "@id":
                found.extend(references(inner))
    elif isinstance(value, list):
        for inner in value:
            found.extend(references(inner))
    return found
