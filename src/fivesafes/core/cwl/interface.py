"""A CWL workflow's interface: its version, inputs and outputs, read from the parsed document.

CWL writes the same thing several ways (``int?``, ``["null", "int"]``, ``File[]``,
``{type: array, items: File}``; inputs as a list or a map; ids ``#main/x`` in packed files), so
each parameter is normalised once into a :class:`CwlType`. Types the request's TOML inputs can
never fill (records, unions of several types) are kept as ``unsupported`` so the mapping
refuses them by name instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SCALARS = frozenset({"string", "int", "long", "float", "double", "boolean", "File",
                     "Directory", "Any"})
VERSIONS = ("v1.0", "v1.1", "v1.2")


class CwlError(ValueError):
    """The workflow document cannot be run as a request's workflow; the message says why."""


@dataclass(frozen=True)
class CwlType:
    base: str  # one of SCALARS, "enum", or "unsupported"
    optional: bool = False
    array: bool = False
    symbols: tuple[str, ...] = ()

    def describe(self) -> str:
        text = self.base + ("[]" if self.array else "")
        return text + ("?" if self.optional else "")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: CwlType
    has_default: bool = False
    format: str | None = None

    @property
    def required(self) -> bool:
        return not (self.type.optional or self.has_default)


@dataclass(frozen=True)
class Interface:
    version: str
    inputs: tuple[Parameter, ...]
    outputs: tuple[Parameter, ...]

    def input(self, name: str) -> Parameter | None:
        return next((p for p in self.inputs if p.name == name), None)


def short_id(value: str) -> str:
    """``#main/table`` or ``file.cwl#table`` -> ``table``."""
    return value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _symbol(value: object) -> str:
    return short_id(str(value))


def parse_type(raw: object) -> CwlType:
    if isinstance(raw, str):
        optional = raw.endswith("?")
        name = raw.removesuffix("?")
        array = name.endswith("[]")
        name = name.removesuffix("[]")
        base = name if name in SCALARS else "unsupported"
        if name == "null":
            return CwlType("unsupported", optional=True)
        return CwlType(base, optional=optional, array=array)
    if isinstance(raw, list):
        kinds = [parse_type(item) for item in raw if item != "null"]
        optional = "null" in raw
        if len(kinds) != 1:
            return CwlType("unsupported", optional=optional)
        only = kinds[0]
        return CwlType(only.base, optional or only.optional, only.array, only.symbols)
    if isinstance(raw, Mapping):
        kind = raw.get("type")
        if kind == "array":
            items = parse_type(raw.get("items"))
            if items.array or items.optional:
                return CwlType("unsupported")
            return CwlType(items.base, array=True, symbols=items.symbols)
        if kind == "enum":
            return CwlType("enum", symbols=tuple(_symbol(s) for s in raw.get("symbols", [])))
    return CwlType("unsupported")


def expand(value: str | None, namespaces: Mapping[str, str]) -> str | None:
    """``iana:text/csv`` -> the IRI, using the document's ``$namespaces``."""
    if not value or ":" not in value:
        return value
    prefix, rest = value.split(":", 1)
    return namespaces[prefix] + rest if prefix in namespaces else value


def _parameters(raw: object, namespaces: Mapping[str, str], what: str
                ) -> tuple[Parameter, ...]:
    items: list[tuple[str, Any]] = []
    if isinstance(raw, Mapping):
        items = [(str(k), v) for k, v in raw.items()]
    elif isinstance(raw, list):
        for entry in raw:
            if not isinstance(entry, Mapping) or "id" not in entry:
                raise CwlError(f"an entry of the workflow's {what} has no id")
            items.append((str(entry["id"]), entry))
    elif raw is not None:
        raise CwlError(f"the workflow's {what} are neither a list nor a map")
    params = []
    for key, value in items:
        spec = value if isinstance(value, Mapping) else {"type": value}
        fmt = spec.get("format")
        params.append(Parameter(short_id(key), parse_type(spec.get("type")),
                                "default" in spec,
                                expand(fmt if isinstance(fmt, str) else None, namespaces)))
    return tuple(params)


def main_process(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """The process a file runs: itself, or ``#main`` of a packed ``$graph``."""
    graph = doc.get("$graph")
    if graph is None:
        return doc
    for entry in graph if isinstance(graph, list) else []:
        if isinstance(entry, Mapping) and short_id(str(entry.get("id", ""))) == "main":
            return entry
    raise CwlError("the packed workflow ($graph) has no process with id #main")


def interface(doc: Mapping[str, Any]) -> Interface:
    """Version and parameters of a parsed CWL document (a Workflow or a tool)."""
    version = doc.get("cwlVersion")
    if version not in VERSIONS:
        raise CwlError(f"cwlVersion {version!r} is not one of {', '.join(VERSIONS)}")
    process = main_process(doc)
    if process.get("class") not in ("Workflow", "CommandLineTool", "ExpressionTool"):
        raise CwlError(f"the main entity is a CWL {process.get('class')!r}, not a Workflow "
                       "or a tool")
    namespaces = doc.get("$namespaces") or {}
    if not isinstance(namespaces, Mapping):
        namespaces = {}
    return Interface(str(version), _parameters(process.get("inputs"), namespaces, "inputs"),
                     _parameters(process.get("outputs"), namespaces, "outputs"))
