"""Round-trip edits of TOML files with tomlkit: comments, order and layout survive.

The request files are written by people and carry their comments; tools that change a value
(``fivesafes init``, ``upgrade``) must leave everything else exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, Array, Table

from fivesafes.adapters.files import atomic
from fivesafes.errors import UsageError

KeyPath = Sequence[str | int]
Edit = tuple[KeyPath, object]


class TomlEditError(UsageError):
    """A key path does not lead to a table that can hold the value."""


def _step(node: Any, key: str | int, path: KeyPath, create: bool) -> Any:
    if isinstance(key, int):
        if not isinstance(node, AoT | Array | list) or not -len(node) <= key < len(node):
            raise TomlEditError(f"{_show(path)}: no element {key}")
        return node[key]
    if not isinstance(node, Container | Table | dict):
        raise TomlEditError(f"{_show(path)}: {key!r} is not inside a table")
    if key not in node:
        if not create:
            raise TomlEditError(f"{_show(path)}: no key {key!r}")
        node[key] = tomlkit.table()
    return node[key]


def _show(path: KeyPath) -> str:
    return ".".join(str(k) for k in path)


def set_in(doc: Any, path: KeyPath, value: object, *, create: bool = True) -> None:
    """Set ``path`` (keys and list indexes) in a tomlkit document; missing tables are made."""
    if not path:
        raise TomlEditError("empty key path")
    node = doc
    for key in path[:-1]:
        node = _step(node, key, path, create)
    last = path[-1]
    if isinstance(last, int):
        _step(node, last, path, create=False)
        node[last] = value
    elif isinstance(node, Container | Table | dict):
        if last not in node and not create:
            raise TomlEditError(f"{_show(path)}: no key {last!r}")
        node[last] = value
    else:
        raise TomlEditError(f"{_show(path)}: {last!r} is not inside a table")


def get_in(doc: Any, path: KeyPath) -> Any:
    """The plain value at ``path`` (raises TomlEditError when absent)."""
    node = doc
    for key in path:
        node = _step(node, key, path, create=False)
    return node.unwrap() if hasattr(node, "unwrap") else node


def edit_text(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with every edit applied; everything not edited is kept byte for byte."""
    doc = tomlkit.parse(text)
    for path, value in edits:
        set_in(doc, path, value)
    return tomlkit.dumps(doc)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` next to ``path`` and rename it into place (never half-written)."""
    atomic.write_text(path, text)


def edit_file(path: Path, edits: Iterable[Edit]) -> None:
    """Apply ``edits`` to the TOML file at ``path`` in place, atomically."""
    text = path.read_text(encoding="utf-8")
    new = edit_text(text, edits)
    if new != text:
        write_atomic(path, new)
