"""Code a CWL document would fetch at run time instead of taking it from the crate.

A CWL step may ``run:`` a tool by URL, and ``$import``, ``$include``, ``$mixin`` and
``$schemas`` may name URLs too; the engine would then fetch and run something nobody signed
off. Every byte that runs must be in the signed-off Workflow RO-Crate, so such references are
found here (before anything is submitted) and the attempt refused. Container images
(``DockerRequirement``) are the TRE's to allow or not and are not counted here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

FETCHING_KEYS = frozenset({"run", "$import", "$include", "$mixin", "$schemas"})


def _urls(value: Any) -> Iterator[str]:
    if isinstance(value, str) and "://" in value and not value.startswith("file://"):
        yield value
    elif isinstance(value, str) and value.startswith("file://"):
        yield value  # an absolute path on the engine's machine is no file of the crate
    elif isinstance(value, list):
        for item in value:
            yield from _urls(item)


def remote_references(doc: Any) -> list[str]:
    """Every URL the document would fetch (``run``, ``$import``, ... values), sorted."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in FETCHING_KEYS:
                    found.update(_urls(value))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    return sorted(found)
