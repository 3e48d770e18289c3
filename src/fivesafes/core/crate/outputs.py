"""Output files of a request's crate.

Results are listed from their recorded path, size, sha-512 and media type; the data itself is
never read here. A path that could point outside ``outputs/`` is refused, so no crate can
reference a file outside its root.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from fivesafes.core.crate.entities import Entity, Graph, add_checksum, ref
from fivesafes.models.ledger import Result

OUTPUTS = "outputs/"


def output_path(path: str) -> str:
    """``outputs/<path>``; ValueError for a path that could point outside ``outputs/``."""
    rel = path.removeprefix(OUTPUTS)
    parts = rel.split("/")
    if not rel or "\\" in rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"result path {path!r} is not a plain relative path under {OUTPUTS}")
    return OUTPUTS + rel


def result_id(path: str, *, attached: bool) -> str:
    """``outputs/<path>`` when the file is in the crate, ``#outputs/<path>`` when it is not."""
    local = quote(output_path(path), safe="/-._~")
    return local if attached else "#" + local


def add_results(graph: Graph, results: Sequence[Result], *, attached: bool) -> list[str]:
    """Output files, sorted by path. Absent ones (not in this crate) say where they belong."""
    ids: list[str] = []
    for result in sorted(results, key=lambda r: r.path):
        path = output_path(result.path)
        entity: Entity = {
            "@id": result_id(result.path, attached=attached), "@type": "File",
            "name": path.rsplit("/", 1)[-1],
            "description": f"Output {path} of the workflow run"
                           + (f" ({result.rows} rows)." if result.rows is not None else "."),
            "contentSize": str(result.size), "encodingFormat": result.media_type,
            "identifier": ref(add_checksum(graph, result.sha512)),
        }
        if not attached:
            entity["localPath"] = path
        ids.append(graph.add(entity))
    return ids
