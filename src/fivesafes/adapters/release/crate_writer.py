"""Writes a crate built by :func:`fivesafes.core.crate.spec.build_crate` to bytes and files.

Our own JSON serialiser rather than ro-crate-py's writer, because the crate is committed to
git and checked with ``crate build --check``: the bytes must depend only on the crate dict
(descriptor, root, then entities by ``@id``; keys sorted; two-space indent; trailing newline),
never on a library's entity order, generated ids or timestamps. Tests read the output back
with ro-crate-py to prove it is a crate that library understands.

The preview is one self-contained HTML page (no scripts, styles inline, nothing fetched),
every value escaped, derived from the crate alone.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from fivesafes.adapters.files import atomic
from fivesafes.core.crate.profile_04 import phase_of

METADATA = "ro-crate-metadata.json"
PREVIEW = "ro-crate-preview.html"
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "color:#222}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;"
    "padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}"
    "code{font-size:.85em;word-break:break-all}"
)


def render_crate(crate: dict[str, Any]) -> dict[str, bytes]:
    """``{"ro-crate-metadata.json": ..., "ro-crate-preview.html": ...}`` as bytes."""
    return {METADATA: render_metadata(crate), PREVIEW: render_preview(crate)}


def render_metadata(crate: dict[str, Any]) -> bytes:
    graph: list[dict[str, Any]] = list(crate["@graph"])
    head = [e for e in graph if e.get("@id") in (METADATA, "./")]
    head.sort(key=lambda e: e["@id"] != METADATA)
    rest = sorted((e for e in graph if e not in head), key=lambda e: str(e["@id"]))
    doc = {"@context": crate["@context"], "@graph": head + rest}
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def write_crate(folder: Path, crate: dict[str, Any]) -> None:
    """Write both files atomically (each to a temporary file in ``folder``, then renamed)."""
    for name, data in render_crate(crate).items():
        atomic.write_bytes(folder / name, data)


def _ids(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value is not None else []
    return [str(i["@id"]) for i in items if isinstance(i, dict) and "@id" in i]


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def render_preview(crate: dict[str, Any]) -> bytes:
    by_id = {str(e["@id"]): e for e in crate["@graph"]}
    root = by_id.get("./", {})

    def name(entity_id: str) -> str:
        return str(by_id.get(entity_id, {}).get("name", entity_id))

    title = str(root.get("name", "RO-Crate"))
    actions = [by_id[i] for i in _ids(root.get("mentions")) if i in by_id]
    create: dict[str, Any] = next(
        (a for a in actions if a.get("@type") == "CreateAction"), {})
    project = _ids(root.get("sourceOrganization"))
    requester = _ids(create.get("agent"))
    workflow = _ids(root.get("mainEntity"))
    rows = "".join(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n".format(
            _e(_kind(a)), _e(a.get("name", "")),
            _e(str(a.get("actionStatus", "")).rsplit("/", 1)[-1].removesuffix("ActionStatus")),
            _e(", ".join(name(i) for i in _ids(a.get("agent")))),
            _e(a.get("startTime", "")), _e(a.get("endTime", "")))
        for a in actions
    )
    results = "".join(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>\n".format(
            _e(by_id.get(i, {}).get("localPath", unquote(i))),
            _e(by_id.get(i, {}).get("contentSize", "")),
            _e(by_id.get(i, {}).get("encodingFormat", "")),
            _e(" ".join(str(by_id.get(c, {}).get("value", ""))
                        for c in _ids(by_id.get(i, {}).get("identifier")))))
        for i in _ids(create.get("result"))
    ) or '<tr><td colspan="4">No results in this crate.</td></tr>\n'
    facts = [
        ("Project", ", ".join(name(i) for i in project)),
        ("Requester", ", ".join(name(i) for i in requester)),
        ("Workflow", ", ".join(f"{name(i)} ({i})" for i in workflow)),
        ("Published", root.get("datePublished", "")),
        ("Licence", ", ".join(name(i) for i in _ids(root.get("license")))),
        ("Profile", ", ".join(_ids(root.get("conformsTo")))),
    ]
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{_e(title)}</h1>\n<p>{_e(root.get('description', ''))}</p>\n<dl>\n"
        + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>\n" for k, v in facts)
        + "</dl>\n<h2>Phase actions</h2>\n<table>\n<tr><th>Phase</th><th>Action</th>"
        "<th>Status</th><th>Agents</th><th>Start</th><th>End</th></tr>\n"
        + rows + "</table>\n<h2>Results</h2>\n<table>\n<tr><th>File</th><th>Bytes</th>"
        "<th>Type</th><th>sha-512</th></tr>\n" + results + "</table>\n"
        f"<p>Machine-readable metadata: <a href=\"{METADATA}\">{METADATA}</a>.</p>\n"
        "</body>\n</html>\n"
    )
    return page.encode()


def _kind(action: dict[str, Any]) -> str:
    extra = _ids(action.get("additionalType"))
    action_type = str(action.get("@type", ""))
    return phase_of(action_type, extra[0] if extra else None) or action_type
