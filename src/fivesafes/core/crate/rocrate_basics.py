"""The RO-Crate 1.2 requirements a Five Safes crate rests on, and the payload it describes.

The profile is layered on RO-Crate 1.2, so a release must first be a sound RO-Crate: a
metadata descriptor about a root ``Dataset`` with name, description, datePublished and
license; typed entities with unique ids; software with name, url and version; every local
data entity reachable from the root and present in the payload, with the size and sha-512
the crate records for it; and no reference that leaves the crate root.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fivesafes.core.crate.graph import DESCRIPTOR, Entity, Graph
from fivesafes.core.crate.refs import local_path, outside_root, references
from fivesafes.core.crate.report import Report

Payload = Mapping[str, tuple[str, int]]
_DAY = re.compile(
    r"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})?)?$"
)
_SCHEMA_HTTPS = "https://schema.org/"


def descriptor_and_root(g: Graph, crate: dict[str, Any], report: Report) -> None:
    if "@context" not in crate:
        report.error("ro-crate.context", "", "the crate has no @context")
    for index in g.malformed:
        report.error("ro-crate.entity", f"@graph[{index}]", "entity without a string @id")
    for dup in sorted(set(g.duplicates)):
        report.error("ro-crate.duplicate-id", dup, "@id appears more than once in @graph")
    for entity in g:
        raw = [t for t in Graph.values(entity, "@type") if isinstance(t, str)]
        if not raw:
            report.error("ro-crate.type", entity["@id"], "entity without @type")
        for name in raw:
            if name.startswith(_SCHEMA_HTTPS):
                report.error("ro-crate.type", entity["@id"], f"@type {name!r} is not a term of "
                             "the RO-Crate context; use the short term (e.g. 'Dataset')")
    descriptor = g.descriptor
    if descriptor is None or "CreativeWork" not in g.types(descriptor) or not g.ids(
        descriptor, "about"
    ):
        report.error("ro-crate.descriptor", DESCRIPTOR, "The root of the document MUST have an "
                     "entity with @id `ro-crate-metadata.json`, typed as `schema:CreativeWork` "
                     "and with an `about` property referencing the Root Data Entity")
    root = g.root
    if root is None or "Dataset" not in g.types(root):
        report.error("ro-crate.root", g.root_id, "The Root Data Entity MUST be a `Dataset`")
        return
    if not g.root_id.endswith("/"):
        report.error("ro-crate.root", g.root_id, "The Root Data Entity URI MUST end with `/`")
    for prop in ("name", "description", "datePublished", "license"):
        if not Graph.values(root, prop):
            report.error("ro-crate.root", g.root_id,
                         f"The Root Data Entity MUST have a `{prop}` property")
    for value in Graph.values(root, "datePublished"):
        if not isinstance(value, str) or not _DAY.match(value):
            report.error("ro-crate.root", g.root_id, f"datePublished {value!r} MUST be an "
                         "ISO 8601 date with at least day precision")
    for profile in g.ids(root, "conformsTo"):
        if profile.rstrip("/") == "https://w3id.org/ro/crate":
            report.error("ro-crate.root", g.root_id, "The Root Data Entity MUST NOT declare the "
                         "version-less RO-Crate profile URI in its conformsTo property")
        elif not g.is_a(profile, "Profile"):
            report.error("ro-crate.root", g.root_id, f"conformsTo {profile} MUST reference a "
                         "Profile entity")
    for app in g.of_type("SoftwareApplication", "ComputerLanguage"):
        for prop in ("name", "url", "version"):
            if not Graph.values(app, prop):
                report.error("ro-crate.software", app["@id"], "A SoftwareApplication or "
                             f"ComputerLanguage MUST have a `{prop}` property")


def _reachable(g: Graph) -> set[str]:
    seen: set[str] = set()
    todo = [g.root_id]
    while todo:
        for part in g.ids(g.get(todo.pop()), "hasPart"):
            if part not in seen:
                seen.add(part)
                todo.append(part)
    return seen


def _claims(g: Graph, entity: Entity, actual: tuple[str, int], report: Report) -> None:
    """A file's recorded contentSize and sha-512 identifier must match its bytes."""
    digest, size = actual
    for value in Graph.values(entity, "contentSize"):
        if str(value) != str(size):
            report.error("crate.content-size", entity["@id"],
                         f"contentSize {value} but the payload file has {size} bytes")
    for checksum in (g.get(i) or {} for i in g.ids(entity, "identifier")):
        is_sha512 = str(checksum.get("propertyID", "")).endswith("#sha-512")
        if is_sha512 and str(checksum.get("value", "")).lower() != digest:
            report.error("crate.checksum", entity["@id"],
                         "the sha-512 the crate records differs from the payload file's")


CRATE_FILES = ("ro-crate-metadata.json", "ro-crate-preview.html")


def data_entities(g: Graph, payload: Payload | None, report: Report) -> None:
    reachable = _reachable(g)
    described: set[str] = set()
    for entity in g:
        eid = entity["@id"]
        for ref in [eid, *references({k: v for k, v in entity.items() if k != "@id"})]:
            why = outside_root(ref)
            if why:
                report.error("crate.outside-root", eid,
                             f"reference {ref!r} {why}; every local path must stay in the crate")
        path = local_path(eid)
        kinds = g.types(entity)
        is_file = bool(kinds & {"File", "MediaObject"})
        if not path or not (is_file or "Dataset" in kinds) or eid == DESCRIPTOR:
            continue
        described.add(path if is_file else path.rstrip("/") + "/")
        if eid not in reachable:
            report.error("ro-crate.has-part", eid, "A Data Entity MUST be directly or "
                         "indirectly linked to the `Root Data Entity` through `hasPart`")
        if payload is None:
            continue
        present = path in payload if is_file else any(
            p.startswith(path.rstrip("/") + "/") for p in payload)
        if not present:
            report.error("crate.missing-file", eid,
                         "the crate describes this data entity but the payload does not hold it")
        elif is_file:
            _claims(g, entity, payload[path], report)
    for path in sorted(set(payload or ()) - described - set(CRATE_FILES)):
        if not any(d.endswith("/") and path.startswith(d) for d in described):
            report.error("crate.undescribed-file", path, "the payload holds a file the crate "
                         "does not describe: it was never listed as a result or checked")
