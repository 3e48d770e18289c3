"""Which Five Safes RO-Crate version a crate declares, and whether this version can read it.

A crate from another producer says which profile it follows in ``conformsTo`` (on the root,
or on the metadata descriptor). 0.4 and 0.5-DRAFT use the same terms (:mod:`profile_04`);
1.0 (:mod:`profile_10`) does not, so a 1.0 crate is refused with a message naming its version
rather than read as if it were 0.4, and so is any other version. ``import`` and ``verify``
both ask here before they read a crate's actions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fivesafes.core.crate import profile_04, profile_10
from fivesafes.core.crate.graph import Graph
from fivesafes.core.findings import Finding

FIVE_SAFES = re.compile(r"^https?://[^ ]*\b5s-crate/([^/#?]+)/?$")
# Versions read with the 0.4 terms (0.5-DRAFT changes none of the terms this product reads).
READ_AS_04 = ("0.4", "0.5-DRAFT")


@dataclass(frozen=True)
class Declared:
    """The profile a crate declares: its IRI and version, or None for none."""

    iri: str | None
    version: str | None

    @property
    def supported(self) -> bool:
        return self.version in READ_AS_04

    @property
    def name(self) -> str:
        if self.version is None:
            return "no Five Safes RO-Crate profile"
        if self.iri is None:
            return (f"no profile, but uses {profile_10.PROFILE_NAME} terms "
                    f"({'/'.join(profile_10.DECISION_TYPES)})")
        if self.version.startswith("1."):
            return f"Five Safes RO-Crate {self.version} (Working Draft)"
        return f"Five Safes RO-Crate {self.version}"


def declared_profile(crate: Any) -> Declared:
    if not isinstance(crate, dict):
        return Declared(None, None)
    g = Graph(crate)
    for entity in (g.root, g.descriptor):
        for iri in g.ids(entity, "conformsTo") + [
            v for v in Graph.values(entity, "conformsTo") if isinstance(v, str)
        ]:
            match = FIVE_SAFES.match(iri)
            if match:
                return Declared(iri, match.group(1))
    if any(g.types(e).intersection(profile_10.DECISION_TYPES) for e in g):
        return Declared(None, "1.0")  # undeclared, but written in 1.0's terms
    return Declared(None, None)


def profile_findings(crate: Any, where: str, rule: str) -> list[Finding]:
    """An error when the crate declares a version this product cannot read (none: a warning)."""
    found = declared_profile(crate)
    if found.supported:
        return []
    if found.version is None:
        return [Finding(where, None, None, rule, "the crate declares no Five Safes RO-Crate "
                        f"profile; it is read as {profile_04.PROFILE_NAME}",
                        f"declare conformsTo {profile_04.PROFILE} on the root", "warning")]
    readable = " and ".join(READ_AS_04)
    return [Finding(where, None, None, rule,
                    f"the crate declares {found.name} ({found.iri or 'no conformsTo'}); this "
                    "version of "
                    f"fivesafes reads Five Safes RO-Crate {readable} only, and does not read "
                    "it as 0.4", f"ask for a {profile_04.PROFILE_NAME} crate, or use a "
                    f"fivesafes release that reads {found.version}")]
