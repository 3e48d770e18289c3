"""A project policy that ``extends`` the organisation's: merged, validated, and tightened only.

The central policy is validated on its own first (its findings name its own file), then the
project's tables are laid over it key by key: tables merge, any other value of the project
replaces the organisation's. The merged policy must be a valid policy, and every value the
project set may only make it stricter (:mod:`fivesafes.core.org.tighten`). Without the central
policy's bytes the answer is an error with the reason: a policy that cannot be checked against
its organisation is never used (fail closed).
"""

from __future__ import annotations

from typing import Any

from fivesafes.core import layout
from fivesafes.core.findings import Finding, errors
from fivesafes.core.org.extends import parse_extends
from fivesafes.core.org.source import OrgSource
from fivesafes.core.org.tighten import loosenings
from fivesafes.core.request import policy_rules, secret_scan
from fivesafes.core.request.toml_doc import Doc, load, validate_model
from fivesafes.models.policy import Policy

# keys whose lists the project adds to instead of replacing (issue: the people registry)
ADDITIVE = ("people",)


def merge_data(org: dict[str, Any], project: dict[str, Any], top: bool = True
               ) -> dict[str, Any]:
    """The organisation's tables with the project's keys laid over them."""
    out = dict(org)
    for key, value in project.items():
        base = out.get(key)
        if isinstance(base, dict) and isinstance(value, dict):
            out[key] = merge_data(base, value, top=False)
        elif top and key in ADDITIVE and isinstance(base, list) and isinstance(value, list):
            out[key] = [*base, *value]
        else:
            out[key] = value
    return out


def _scan(doc: Doc) -> list[Finding]:
    return secret_scan.scan(doc.file, doc.text, doc.data)


def _org_policy(source: OrgSource) -> tuple[Doc | None, Policy | None, list[Finding]]:
    assert source.data is not None
    doc, found = load(source.label, source.data)
    if doc is None:
        return None, None, found
    found += _scan(doc)
    if "extends" in doc.data:
        found.append(doc.at(("extends",), "policy.extends-chain",
                            "the organisation's policy itself extends another policy",
                            "keep one central policy: remove extends from it"))
    parsed, schema = validate_model(doc, Policy)
    found += schema
    if parsed is not None:
        found += policy_rules.policy(doc, parsed)
    return doc, (parsed if not errors(found) else None), found


def _cannot_read(doc: Doc, what: str, reason: str, fix: str) -> Finding:
    return doc.at(("extends",), "policy.extends-unreadable", f"{what}: {reason}", fix)


def validate_extending(doc: Doc, source: OrgSource | None
                       ) -> tuple[Policy | None, list[Finding]]:
    """The effective policy of project policy ``doc`` that extends ``source`` and findings."""
    value = doc.data.get("extends")
    ref = parse_extends(value) if isinstance(value, str) else None
    if ref is None:
        return None, [doc.at(("extends",), "policy.extends", f"extends {value!r} is not "
                             "ORG/REPO[/PATH][@REF]", 'e.g. extends = "example-tre/policy"')]
    if source is None:
        return None, [_cannot_read(doc, f"the organisation's policy {ref.label}", "not read",
                                   "run with --org-policy PATH (offline) or GITHUB_TOKEN "
                                   "set, so the central policy can be read")]
    if source.data is None:
        return None, [_cannot_read(doc, f"the organisation's policy {source.label} cannot "
                                   "be read", source.reason or "unknown reason",
                                   "give the token read access to the central policy's "
                                   "repository (offline: --org-policy PATH); until then "
                                   "nothing can be decided (fail closed)")]
    org_doc, org, found = _org_policy(source)
    if org_doc is None or org is None:
        return None, found
    merged_doc = Doc(doc.file, doc.text, merge_data(org_doc.data, doc.data))
    merged, schema = validate_model(merged_doc, Policy)
    found += schema
    if merged is None:
        return None, found
    org_rules = {(f.rule, f.message) for f in found}
    found += [f for f in policy_rules.policy(merged_doc, merged)
              if (f.rule, f.message) not in org_rules]
    found += loosenings(org_doc, org, doc, merged)
    return (merged if not errors(found) else None), found


def extends_of(data: bytes | None) -> str | None:
    """The ``extends`` value of a policy's bytes, or None (absent, or not readable TOML)."""
    if data is None:
        return None
    doc, _ = load(layout.POLICY, data)
    value = doc.data.get("extends") if doc is not None else None
    return value if isinstance(value, str) else None
