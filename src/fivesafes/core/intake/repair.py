"""First handling of a submitted request crate: repair known defects, strip what is not trusted.

A request comes from a client outside the TRE. Five Safes RO-Crate says the TRE MUST NOT
trust AssessActions a client put in its request (a client could claim its own sign-off), so
every one is removed, and reported, before anything reads the crate, however it is spelled
(:mod:`fivesafes.core.intake.strip`); so are other recorded actions (downloads, updates)
which only the TRE may record. Known defects of the official
example crates are repaired with a warning instead of refusing them: ``"type"`` written for
``"@type"``, ``licence`` for ``license``, and the draft RO-Crate 1.2 context.
"""

from __future__ import annotations

import copy
from typing import Any

from fivesafes.core.crate.graph import as_list
from fivesafes.core.findings import Finding
from fivesafes.core.intake.strip import context_terms, verdict

_REMOVED = object()


def _warn(file: str, rule: str, message: str, fix: str) -> Finding:
    return Finding(file, None, None, rule, message, fix, "warning")


def _repair(node: dict[str, Any], file: str, found: list[Finding]) -> None:
    node_id = node.get("@id", "?")
    if "@type" not in node and "type" in node:
        node["@type"] = node.pop("type")
        found.append(_warn(file, "import.type-key", f"{node_id}: 'type' used for '@type'",
                           "write '@type' (JSON-LD keyword)"))
    if "licence" in node and "license" not in node:
        node["license"] = node.pop("licence")
        found.append(_warn(file, "import.licence-key", f"{node_id}: 'licence' used for "
                           "'license'", "write 'license' (the schema.org term)"))


def _unmention(graph: list[Any], removed: set[str]) -> None:
    for node in graph:
        if not isinstance(node, dict):
            continue
        for key, value in list(node.items()):
            if key == "@id":
                continue
            kept = [v for v in as_list(value)
                    if not (isinstance(v, dict) and v.get("@id") in removed)]
            if len(kept) != len(as_list(value)):
                if kept:
                    node[key] = kept if isinstance(value, list) else kept[0]
                else:
                    del node[key]


def intake(crate: Any, file: str) -> tuple[dict[str, Any], list[Finding]]:
    """A repaired copy of the crate without client-recorded actions, and what was done."""
    found: list[Finding] = []
    if not isinstance(crate, dict) or not isinstance(crate.get("@graph"), list):
        return {"@graph": []}, [Finding(file, None, None, "import.not-a-crate",
                                        "not an RO-Crate: expected an object with an @graph list",
                                        "submit the request's ro-crate-metadata.json")]
    crate = copy.deepcopy(crate)
    context = crate.get("@context")
    if isinstance(context, str) and context.endswith("-DRAFT/context"):
        found.append(_warn(file, "import.draft-context", f"@context is the draft {context}",
                           "use https://w3id.org/ro/crate/1.2/context"))
    graph: list[Any] = crate["@graph"]
    for node in graph:
        if isinstance(node, dict):
            _repair(node, file, found)
    terms = context_terms(crate.get("@context"))
    removed: set[str] = set()

    def strip(node: dict[str, Any], kind: str, where: str) -> None:
        removed.add(str(node.get("@id")))
        rule = "import.assess-action-stripped" if kind == "assess" else "import.action-stripped"
        kinds = "/".join(str(t) for t in as_list(node.get("@type")))
        found.append(_warn(file, rule, f"{node.get('@id', where)}: client-submitted {kinds} "
                           f"{node.get('name', '')!r} removed; only the TRE records phase "
                           "actions", "nothing to do"))

    def clean(value: Any, where: str) -> Any:
        if isinstance(value, dict):
            kind = verdict(value, terms) if "@type" in value else None
            if kind is not None:
                strip(value, kind, f"(embedded in {where})")
                return _REMOVED
            return {k: c for k, v in value.items() if (c := clean(v, where)) is not _REMOVED}
        if isinstance(value, list):
            return [c for v in value if (c := clean(v, where)) is not _REMOVED]
        return value

    for index, node in enumerate(graph):
        if not isinstance(node, dict):
            continue
        kind = verdict(node, terms)
        if kind is not None:
            strip(node, kind, "")
            continue
        graph[index] = {k: clean(v, str(node.get("@id"))) if k != "@id" else v
                        for k, v in node.items()}
        graph[index] = {k: v for k, v in graph[index].items() if v is not _REMOVED}
    crate["@graph"] = [n for n in graph
                      if not (isinstance(n, dict) and verdict(n, terms) is not None)]
    _unmention(crate["@graph"], removed)
    return crate, found
