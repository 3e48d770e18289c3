"""Where a key lives in TOML text: key path -> (line, column).

``tomllib`` gives values but not positions, and pydantic reports errors by key path. This
small scanner maps every key path of a valid TOML document, such as ``("requester", "orcid")``
or ``("dataset", "tables", 0, "columns", 1, "name")``, to the 1-based line and column of its
key (or, for an array element, of its value), so each finding can name its line. It handles
``[table]`` and ``[[array]]`` headers (counting elements), dotted and quoted keys, inline
tables, nested and multi-line arrays and all four string forms. It never raises: on text it
cannot follow it returns what it mapped so far.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Stop(Exception):
    pass


class _Scanner:
    def __init__(self, text: str) -> None:
        self.t = text
        self.n = len(text)
        self.i = 0
        self.starts = [0] + [k + 1 for k, c in enumerate(text) if c == "\n"]
        self.out: dict[KeyPath, Position] = {}
        self.aot: dict[KeyPath, int] = {}
        self.headers: set[KeyPath] = set()
        self.duplicates: list[tuple[KeyPath, Position]] = []

    def pos(self, i: int) -> Position:
        line = bisect_right(self.starts, i)
        return line, i - self.starts[line - 1] + 1

    def note(self, path: KeyPath, i: int) -> None:
        self.out.setdefault(path, self.pos(i))

    def peek(self, s: str) -> bool:
        return self.t.startswith(s, self.i)

    def blanks(self, newlines: bool) -> None:
        while self.i < self.n:
            c = self.t[self.i]
            if c in " \t" or (newlines and c in "\r\n"):
                self.i += 1
            elif c == "#":
                while self.i < self.n and self.t[self.i] != "\n":
                    self.i += 1
            else:
                return

    def expect(self, s: str) -> None:
        if not self.peek(s):
            raise _Stop
        self.i += len(s)

    def string(self) -> str:
        t = self.t
        if self.peek('"""') or self.peek("'''"):
            quote = t[self.i] * 3
            self.i += 3
            start = self.i
            while self.i < self.n and not self.peek(quote):
                self.i += 2 if quote == '"""' and t[self.i] == "\\" else 1
            end = self.i
            self.expect(quote)
            while self.i < self.n and t[self.i] == quote[0] and self.i - end < 5:
                self.i += 1
            return t[start:end]
        quote, start = t[self.i], self.i
        self.i += 1
        while self.i < self.n and t[self.i] != quote:
            if t[self.i] == "\n":
                raise _Stop
            self.i += 2 if quote == '"' and t[self.i] == "\\" else 1
        self.expect(quote)
        try:
            return str(tomllib.loads("k = " + t[start:self.i])["k"])
        except tomllib.TOMLDecodeError:
            return t[start + 1:self.i - 1]

    def key(self) -> list[tuple[str, int]]:
        parts: list[tuple[str, int]] = []
        while True:
            self.blanks(newlines=False)
            start = self.i
            if self.i < self.n and self.t[self.i] in "\"'":
                parts.append((self.string(), start))
            else:
                while self.i < self.n and self.t[self.i] in _BARE:
                    self.i += 1
                if self.i == start:
                    raise _Stop
                parts.append((self.t[start:self.i], start))
            self.blanks(newlines=False)
            if not self.peek("."):
                return parts
            self.i += 1

    def resolve(self, names: Sequence[str]) -> KeyPath:
        path: KeyPath = ()
        for name in names:
            path += (name,)
            if path in self.aot:
                path += (self.aot[path] - 1,)
        return path

    def value(self, base: KeyPath) -> None:
        c = self.t[self.i] if self.i < self.n else ""
        if c in "\"'":
            self.string()
        elif c == "[":
            self.array(base)
        elif c == "{":
            self.inline_table(base)
        else:
            start = self.i
            while self.i < self.n and self.t[self.i] not in ",]}\n#\r":
                self.i += 1
            if self.i == start:
                raise _Stop

    def array(self, base: KeyPath) -> None:
        self.i += 1
        index = 0
        while True:
            self.blanks(newlines=True)
            if self.peek("]"):
                self.i += 1
                return
            self.note((*base, index), self.i)
            self.value((*base, index))
            self.blanks(newlines=True)
            if self.peek(","):
                self.i += 1
                index += 1
            else:
                self.blanks(newlines=True)
                self.expect("]")
                return

    def inline_table(self, base: KeyPath) -> None:
        self.i += 1
        while True:
            self.blanks(newlines=True)
            if self.peek("}"):
                self.i += 1
                return
            self.pair(base)
            self.blanks(newlines=True)
            if self.peek(","):
                self.i += 1

    def pair(self, table: KeyPath) -> None:
        parts = self.key()
        path = table
        for name, start in parts:
            path = (*path, name)
            if path == (*table, *(n for n, _ in parts)) and path in self.out:
                self.duplicates.append((path, self.pos(start)))
            self.note(path, start)
        self.blanks(newlines=False)
        self.expect("=")
        self.blanks(newlines=False)
        self.value(path)

    def header(self) -> KeyPath:
        many = self.peek("[[")
        self.i += 2 if many else 1
        parts = self.key()
        self.expect("]]" if many else "]")
        names = [name for name, _ in parts]
        if many:
            path = (*self.resolve(names[:-1]), names[-1])
            self.aot[path] = self.aot.get(path, 0) + 1
            self.note(path, parts[-1][1])
            path = (*path, self.aot[path] - 1)
        else:
            path = self.resolve(names)
            if path in self.headers:
                self.duplicates.append((path, self.pos(parts[-1][1])))
            self.headers.add(path)
        for depth in range(1, len(path) + 1):
            self.note(path[:depth], parts[-1][1])
        return path

    def document(self) -> dict[KeyPath, Position]:
        table: KeyPath = ()
        try:
            while True:
                self.blanks(newlines=True)
                if self.i >= self.n:
                    break
                if self.peek("["):
                    table = self.header()
                else:
                    self.pair(table)
        except (_Stop, IndexError):
            pass
        return self.out


@lru_cache(maxsize=64)
def _scan(text: str) -> _Scanner:
    scanner = _Scanner(text)
    scanner.document()
    return scanner


def index(text: str) -> dict[KeyPath, Position]:
    """Every key path of ``text`` -> (line, column), 1-based."""
    return _scan(text).out


def duplicates(text: str) -> list[tuple[KeyPath, Position]]:
    """Keys and ``[tables]`` defined twice (``tomllib`` does not always say where)."""
    return list(_scan(text).duplicates)


def locate(text: str, path: Sequence[str | int]) -> Position | None:
    """Position of ``path``, or of its longest prefix present in ``text``; None if none is."""
    found = index(text)
    key = tuple(path)
    while key:
        if key in found:
            return found[key]
        key = key[:-1]
    return None


def line_of(text: str, path: Sequence[str | int]) -> int:
    """The line of ``path`` (or its nearest enclosing key); 1 when nothing matches."""
    position = locate(text, path)
    return position[0] if position else 1
