"""Which nodes of a submitted crate are actions only the TRE may record, judged by meaning.

A client could claim its own sign-off in many spellings: a subtype (``ReviewAction`` is an
``AssessAction``), a term its ``@context`` maps to ``schema:AssessAction``, a full or
prefixed IRI, an action embedded inside another node instead of listed in ``@graph``, or any
action typed with a Five Safes (``shp:``) ``additionalType``. Types are expanded through the
crate's own context before they are compared, so every spelling is found and stripped.
"""

from __future__ import annotations

from typing import Any

from fivesafes.core.crate.graph import as_list

SCHEMA = "http://schema.org/"
SHP = ("https://w3id.org/shp#", "http://w3id.org/shp#")
# AssessAction and its schema.org subtypes: decisions a client must never record.
ASSESS = frozenset({
    "AssessAction", "ChooseAction", "VoteAction", "IgnoreAction", "ReactAction", "AgreeAction",
    "DisagreeAction", "DislikeAction", "EndorseAction", "LikeAction", "WantAction",
    "ReviewAction",
})
# Other actions of the phases (retrieval, publication; 1.0's Authorize/Reject) and subtypes.
TRE_ONLY = frozenset({
    "DownloadAction", "UpdateAction", "AddAction", "InsertAction", "AppendAction",
    "PrependAction", "DeleteAction", "ReplaceAction", "AllocateAction", "AuthorizeAction",
    "RejectAction", "AcceptAction", "AssignAction",
})
PREFIXES = {"schema": SCHEMA, "shp": SHP[0], "sdo": "https://schema.org/"}


def context_terms(context: Any) -> dict[str, str]:
    """Term and prefix definitions of a JSON-LD ``@context`` (remote contexts are not read)."""
    terms: dict[str, str] = {}
    for item in as_list(context):
        if not isinstance(item, dict):
            continue
        for term, value in item.items():
            iri = value.get("@id") if isinstance(value, dict) else value
            if isinstance(term, str) and isinstance(iri, str):
                terms[term] = iri
    return terms


def expand(name: str, terms: dict[str, str], depth: int = 0) -> str:
    """A type or additionalType as a full IRI (bare RO-Crate terms are schema.org's)."""
    if depth > 8:
        return name
    if name in terms and terms[name] != name:
        return expand(terms[name], terms, depth + 1)
    prefix, sep, rest = name.partition(":")
    if sep and not rest.startswith("//"):
        base = terms.get(prefix) or PREFIXES.get(prefix)
        if base:
            return base + rest
    if "://" in name:
        return name.replace("https://schema.org/", SCHEMA)
    return SCHEMA + name


def _short(iri: str) -> str:
    return iri.removeprefix(SCHEMA)


def verdict(node: dict[str, Any], terms: dict[str, str]) -> str | None:
    """``"assess"`` or ``"action"`` when the node must be stripped, else None."""
    types = {_short(expand(t, terms)) for t in as_list(node.get("@type")) if isinstance(t, str)}
    extra = [v.get("@id") if isinstance(v, dict) else v
             for v in as_list(node.get("additionalType"))]
    shp = any(isinstance(v, str) and expand(v, terms).startswith(SHP) for v in extra)
    if types & ASSESS:
        return "assess"
    if types & TRE_ONLY:
        return "action"
    if shp and any(t.endswith("Action") for t in types):
        return "assess"
    return None

