"""A read-only index over an RO-Crate's flattened JSON-LD ``@graph``.

The profile rules are written against RDF (SHACL); this index gives them the same view of a
crate without an RDF stack: entities by ``@id``, types with the ``schema.org`` prefixes
stripped, property values as lists, references as ``@id`` strings, and the root found through
the metadata descriptor as RO-Crate 1.2 defines it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Entity = dict[str, Any]
DESCRIPTOR = "ro-crate-metadata.json"
SHP = "https://w3id.org/shp#"
_PREFIXES = ("http://schema.org/", "https://schema.org/", "schema:")
STATUSES = tuple(
    f"http://schema.org/{s}ActionStatus" for s in ("Potential", "Active", "Completed", "Failed")
)
COMPLETED, FAILED = STATUSES[2], STATUSES[3]


def short(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


class Graph:
    """Entities of a crate by id; duplicates and malformed nodes are kept for reporting."""

    def __init__(self, crate: dict[str, Any]) -> None:
        self.entities: dict[str, Entity] = {}
        self.duplicates: list[str] = []
        self.malformed: list[int] = []
        for index, node in enumerate(as_list(crate.get("@graph"))):
            if not isinstance(node, dict) or not isinstance(node.get("@id"), str):
                self.malformed.append(index)
                continue
            if node["@id"] in self.entities:
                self.duplicates.append(node["@id"])
            self.entities.setdefault(node["@id"], node)
        descriptor = self.entities.get(DESCRIPTOR, {})
        about = self.ids(descriptor, "about")
        self.root_id = about[0] if about else "./"

    @property
    def descriptor(self) -> Entity | None:
        return self.entities.get(DESCRIPTOR)

    @property
    def root(self) -> Entity | None:
        return self.entities.get(self.root_id)

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities.values())

    @staticmethod
    def types(entity: Entity | None) -> set[str]:
        if entity is None:
            return set()
        return {short(t) for t in as_list(entity.get("@type")) if isinstance(t, str)}

    def is_a(self, entity_id: str, *types: str) -> bool:
        found = self.types(self.get(entity_id))
        if "File" in found:
            found.add("MediaObject")
        return bool(found.intersection(types))

    def of_type(self, *types: str) -> list[Entity]:
        return [e for e in self if self.types(e).intersection(types)]

    @staticmethod
    def values(entity: Entity | None, prop: str) -> list[Any]:
        return as_list(entity.get(prop)) if entity is not None else []

    @staticmethod
    def ids(entity: Entity | None, prop: str) -> list[str]:
        """The ``{"@id": ...}`` references of a property (plain strings are not references)."""
        if entity is None:
            return []
        return [
            v["@id"] for v in as_list(entity.get(prop))
            if isinstance(v, dict) and isinstance(v.get("@id"), str)
        ]

    @staticmethod
    def additional_types(entity: Entity) -> set[str]:
        """additionalType as IRIs, from ``{"@id": ...}`` or (tolerated) plain strings."""
        found: set[str] = set()
        for value in as_list(entity.get("additionalType")):
            if isinstance(value, dict) and isinstance(value.get("@id"), str):
                found.add(value["@id"])
            elif isinstance(value, str):
                found.add(value)
        return found

    def with_additional_type(self, name: str) -> list[Entity]:
        return [e for e in self if SHP + name in self.additional_types(e)]

    @staticmethod
    def status(entity: Entity) -> str | None:
        """The actionStatus as the 0.4 plain string (an ``{"@id"}`` form is also read)."""
        for value in as_list(entity.get("actionStatus")):
            if isinstance(value, dict):
                value = value.get("@id")
            if isinstance(value, str):
                return value.replace("https://schema.org/", "http://schema.org/")
        return None

    def mentioned(self) -> set[str]:
        return set(self.ids(self.root, "mentions"))
