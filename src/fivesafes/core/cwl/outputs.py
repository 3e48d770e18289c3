"""The files an engine reports in a CWL output object, and their media types.

A CWL output object maps each output name to a File, a Directory, an array of them, or a
plain value (which is no file and is not copied). Each File or Directory becomes an
:class:`OutputItem` with the place it belongs under ``outputs/`` (``<output name>/<basename>``,
so two outputs never collide), the engine's ``location``, and what the engine says of it
(``size``, ``checksum``, ``format``) for the executor to check against the bytes it copies.
Secondary files go beside their primary file. Media types come from the CWL ``format`` IRI
(IANA media-type IRIs, and the EDAM formats workflows commonly use), else from the name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fivesafes.core.cwl.interface import CwlError
from fivesafes.core.release.media_types import media_type

IANA = "https://www.iana.org/assignments/media-types/"
EDAM = {
    "format_3752": "text/csv", "format_3475": "text/tab-separated-values",
    "format_3464": "application/json", "format_2330": "text/plain",
    "format_3603": "image/png", "format_3508": "application/pdf",
    "format_3750": "application/yaml", "format_2332": "application/xml",
    "format_3987": "application/zip", "format_3989": "application/gzip",
}


@dataclass(frozen=True)
class OutputItem:
    output: str
    relative: str  # under outputs/
    kind: str  # File or Directory
    location: str
    size: int | None = None
    checksum: str | None = None
    format: str | None = None


def format_media_type(fmt: str | None, path: str) -> str:
    """The media type a CWL ``format`` IRI names; the name's when it names none we know."""
    if fmt:
        for prefix in (IANA, IANA.replace("https://", "http://")):
            if fmt.startswith(prefix) and "/" in fmt[len(prefix):]:
                return fmt[len(prefix):]
        key = fmt.rstrip("/").rsplit("/", 1)[-1]
        if "edamontology.org" in fmt and key in EDAM:
            return EDAM[key]
    return media_type(path)


def _plain(name: str, what: str) -> str:
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise CwlError(f"output {what} has an unusable basename {name!r}")
    return name


def _basename(obj: Mapping[str, Any]) -> str:
    if isinstance(obj.get("basename"), str):
        return str(obj["basename"])
    location = str(obj.get("location") or obj.get("path") or "")
    return location.rstrip("/").rsplit("/", 1)[-1]


def _items(output: str, value: Any, folder: str) -> Iterator[OutputItem]:
    if isinstance(value, list):
        for entry in value:
            yield from _items(output, entry, folder)
        return
    if not isinstance(value, Mapping) or value.get("class") not in ("File", "Directory"):
        return  # a plain value: nothing to copy
    location = value.get("location") or value.get("path")
    if not isinstance(location, str) or not location:
        raise CwlError(f"output {output}: the engine gave a {value['class']} without a location")
    name = _plain(_basename(value), output)
    size = value.get("size")
    checksum = value.get("checksum")
    fmt = value.get("format")
    yield OutputItem(output, f"{folder}/{name}", str(value["class"]), location,
                     size if isinstance(size, int) and not isinstance(size, bool) else None,
                     checksum if isinstance(checksum, str) else None,
                     fmt if isinstance(fmt, str) else None)
    yield from _items(output, value.get("secondaryFiles") or [], folder)


def output_items(outputs: Mapping[str, Any]) -> list[OutputItem]:
    """Every File and Directory of the output object, sorted by place; duplicates refused."""
    items: list[OutputItem] = []
    for name in sorted(outputs):
        items.extend(_items(name, outputs[name], _plain(name, "name")))
    seen: set[str] = set()
    for item in items:
        if item.relative in seen:
            raise CwlError(f"output {item.output}: two files would both be {item.relative}")
        seen.add(item.relative)
    return sorted(items, key=lambda i: i.relative)
