"""From raw bytes to a validated model, with every problem as a finding on its line.

The three layers of a file (UTF-8, TOML syntax, schema) fail in different ways; this module
turns each failure into a finding that names the file, the line, what is wrong and the fix,
including "did you mean" for unknown keys.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import types
import typing
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fivesafes.core.findings import Finding, Severity
from fivesafes.core.request.toml_locate import KeyPath, duplicates, locate
from fivesafes.core.request.values import did_you_mean

M = TypeVar("M", bound=BaseModel)
AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
TYPE_WORDS = {"string": "a string", "int": "a whole number", "float": "a number",
              "bool": "true or false", "date": "a date (YYYY-MM-DD)", "list": "a list [...]",
              "dict": "a table", "model": "a table"}


@dataclass(frozen=True)
class Doc:
    """One parsed TOML file."""

    file: str
    text: str
    data: dict[str, Any]

    def at(self, path: KeyPath, rule: str, message: str, fix: str = "",
           severity: Severity = "error") -> Finding:
        """A finding on the line of ``path`` (or of its nearest enclosing key)."""
        position = locate(self.text, path)
        line, column = position if position else (1, None)
        return Finding(self.file, line, column, rule, message, fix, severity)


def show(path: KeyPath) -> str:
    """``dataset.tables[0].columns[1].name``"""
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def decode(file: str, data: bytes) -> tuple[str | None, list[Finding]]:
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [Finding(file, 1, 1, "encoding.bom", "starts with a UTF-8 byte order mark",
                              "save the file as UTF-8 without BOM")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Finding(file, line, column, "encoding.utf8",
                              f"is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded)",
                              "save the file as UTF-8")]


def parse(file: str, text: str) -> tuple[Doc | None, list[Finding]]:
    try:
        return Doc(file, text, tomllib.loads(text)), []
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = AT.search(message)
        line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
        message = AT.sub("", message).replace(" (at end of document)", "")
        dup = duplicates(text)
        if dup and (line is None or "overwrite" in message.lower() or "redefine" in message):
            path, (line, column) = dup[0]
            message = f"{show(path)} is defined twice"
        fix = "fix the TOML at this line (see https://toml.io)"
        if "illegal character '\\n'" in message.lower():
            fix = "close the string on the same line, or use triple quotes for longer text"
        return None, [Finding(file, line or 1, column, "toml.syntax",
                              f"TOML syntax error: {message[:1].lower()}{message[1:]}", fix)]


def load(file: str, raw: bytes) -> tuple[Doc | None, list[Finding]]:
    text, found = decode(file, raw)
    if text is None:
        return None, found
    return parse(file, text)


# -- schema ---------------------------------------------------------------------------------
def _model_at(model: type[BaseModel], loc: KeyPath) -> type[BaseModel] | None:
    """The model class describing the table at ``loc`` below ``model``."""
    current: Any = model
    for key in loc:
        current = _strip(current)
        if isinstance(key, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for n, f in current.model_fields.items()
                          if (f.alias or n) == key), None)
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    current = _strip(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _strip(annotation: Any) -> Any:
    """Optional[X] -> X, list[X] -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if models else args[0]
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def _present(data: Any, loc: tuple[Any, ...]) -> KeyPath:
    path: list[str | int] = []
    node = data
    for key in loc:
        in_table = isinstance(node, dict) and isinstance(key, str) and key in node
        in_list = isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
        if not (in_table or in_list):
            break
        node = node[key]
        path.append(key)
    return tuple(path)


def _kind(value: object) -> str:
    for kind, types_ in (("true/false", bool), ("a whole number", int), ("a number", float),
                         ("a string", str), ("a date", dt.date), ("a list", list),
                         ("a table", dict)):
        if isinstance(value, types_):
            return kind
    return type(value).__name__


def _table(path: KeyPath) -> str:
    return f"[{show(path)}]" if path else "the top level"


def _message(doc: Doc, model: type[BaseModel], err: Any) -> Finding:
    loc: tuple[Any, ...] = tuple(err["loc"])
    kind: str = err["type"]
    present = _present(doc.data, loc)
    name = show(present)
    value = err.get("input")
    if kind == "missing":
        parent, key = present, str(loc[len(present)])
        return doc.at(parent, "schema.missing", f"missing required key `{key}` in {_table(parent)}",
                      f"add {key} = ... (see the comments in the template)")
    if kind == "extra_forbidden":
        table, key = present[:-1], str(present[-1])
        target = _model_at(model, table)
        allowed = keys_of(target) if target else []
        guess = did_you_mean(key, allowed)
        fix = (f"did you mean `{guess}`?" if guess else
               f"remove it; allowed keys here: {', '.join(allowed)}" if allowed else "remove it")
        return doc.at(present, "schema.unknown-key", f"unknown key `{key}` in {_table(table)}", fix)
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        options = re.findall(r"'([^']*)'", expected)
        guess = did_you_mean(str(value), options) if isinstance(value, str) else None
        fix = f"did you mean {guess!r}?" if guess else f"use one of {expected}"
        return doc.at(present, "schema.choice", f"{name} {value!r} is not one of {expected}", fix)
    base = kind.split("_")[0]
    if kind.endswith(("_type", "_parsing")) and base in TYPE_WORDS:
        fix = (f"write {present[-1]} = {value} without quotes" if isinstance(value, str)
               and base in ("int", "float") and re.fullmatch(r"-?\d+(\.\d+)?", value)
               else f"give {TYPE_WORDS[base]}")
        return doc.at(present, "schema.type",
                      f"{name} must be {TYPE_WORDS[base]}, not {_kind(value)} ({value!r})", fix)
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind in ("string_too_short", "too_short"):
        message = "must not be empty"
    return doc.at(present, "schema.value", f"{name}: {message[:1].lower()}{message[1:]}",
                  "see the comments in the template for what goes here")


def validate_model(doc: Doc, model: type[M]) -> tuple[M | None, list[Finding]]:
    """``model`` of ``doc.data`` (strict: TOML types must match), or findings on their lines."""
    try:
        return model.model_validate(doc.data, strict=True), []
    except ValidationError as exc:
        found: dict[tuple[Any, ...], Finding] = {}
        for err in exc.errors():
            loc = tuple(err["loc"])
            key = loc if err["type"] == "missing" else _present(doc.data, loc)
            found.setdefault(key, _message(doc, model, err))
        return None, list(found.values())
