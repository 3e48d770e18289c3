"""The built-in checker of a Five Safes RO-Crate: JSON shape, RO-Crate 1.2 basics, references
that stay inside the crate root, and the 0.4 profile's MUST (errors) and SHOULD (warnings).

``fivesafes verify`` must be able to judge a release anywhere, with no network and no RDF
stack, so the profile's SHACL shapes are restated in Python over the JSON-LD dictionary
(:mod:`profile_must`, :mod:`profile_should`). The shared SHACL validator remains the
reference that the tests compare against.
"""

from __future__ import annotations

from typing import Any

from fivesafes.core.crate.graph import Graph
from fivesafes.core.crate.profile_must import check_must
from fivesafes.core.crate.profile_should import check_should
from fivesafes.core.crate.refs import local_path, outside_root
from fivesafes.core.crate.report import Report
from fivesafes.core.crate.rocrate_basics import Payload, data_entities, descriptor_and_root
from fivesafes.core.findings import Finding

__all__ = ["Payload", "Report", "check_crate", "local_path", "outside_root"]


def check_crate(crate: Any, file: str, payload: Payload | None = None) -> list[Finding]:
    """Every finding on a crate.

    ``payload`` (crate-relative path -> (sha-512, size)) enables the checks that every file
    the crate describes is present and matches the size and sha-512 the crate records.
    """
    report = Report(file)
    if not isinstance(crate, dict) or not isinstance(crate.get("@graph"), list):
        report.error("ro-crate.json", "", "not an RO-Crate: expected an object with an @graph list")
        return report.findings
    g = Graph(crate)
    descriptor_and_root(g, crate, report)
    data_entities(g, payload, report)
    check_must(g, lambda rule, where, message: report.error(rule, where, message))
    check_should(g, lambda rule, where, message: report.warning(rule, where, message))
    return report.findings
