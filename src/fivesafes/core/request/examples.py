"""The template's example values, named as warnings wherever they are still in place.

A fresh project validates as it is (so newcomers and the demo can try it end to end), but it
must never validate silently while it still names the template's TRE, teams, researcher or
workflow: each untouched example value is a warning on its line, with the option of
``fivesafes init`` or the key that replaces it. ``doctor`` lists the same warnings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from fivesafes.core import layout
from fivesafes.core.findings import Finding
from fivesafes.core.request.toml_doc import Doc, load, show
from fivesafes.core.request.toml_locate import KeyPath

# the sha-512 of the template's example workflow zip: the bundled demo analysis as the demo's
# TRE mirror holds it (tests/foundation/test_template_workflow.py keeps the two in step)
TEMPLATE_WORKFLOW_SHA512 = (
    "7bbbaa9ba85c3cc22cd75b28a466d4e2372fabe81fe2a93fc50ab1b2aa3419b8"
    "5ab20ec0b7d1e773755d4013034eac46834a491fc8af10216f60d873bde47188")
# file -> (key path, the template's value, how to replace it)
EXAMPLES: dict[str, tuple[tuple[KeyPath, str, str], ...]] = {
    layout.POLICY: (
        (("tre", "name"), "Example Trusted Research Environment", "fivesafes init --tre-name"),
        (("tre", "url"), "https://tre.example.org", "fivesafes init --tre-url"),
    ),
    layout.PROJECT: (
        (("project", "title"), "Cardiovascular outcomes in a synthetic cohort",
         "fivesafes init --title"),
        (("requester", "name"), "Alex Researcher", "fivesafes init --requester-name"),
        (("requester", "orcid"), "https://orcid.org/0000-0002-1825-0097",
         "fivesafes init --requester-orcid"),
        (("requester", "email"), "alex.researcher@example.org",
         "fivesafes init --requester-email"),
        (("requester", "github"), "alex-researcher", "fivesafes init --requester-github"),
        (("project", "identifiers", 0, "value"), "SYN-0001", "the TRE's project code"),
    ),
    layout.WORKFLOW: (
        (("workflow", "id"), "https://workflowhub.eu/workflows/1234?version=3",
         "the versioned URL of your Workflow RO-Crate (or a folder)"),
        (("workflow", "sha512"), TEMPLATE_WORKFLOW_SHA512,
         "the sha512sum of your workflow's zip"),
    ),
}
# approvers and owners of the template's example organisation
EXAMPLE_TEAM = "@example-tre/"


def example_warnings(files: Mapping[str, bytes]) -> list[Finding]:
    """The warnings of every example value still in the policy and request ``files``.

    Apart from :func:`fivesafes.core.request.validate.validate_request` on purpose: the
    pull-request check does not repeat them to researchers, who cannot change the policy;
    ``fivesafes validate``, ``init`` and ``doctor`` name them to whoever sets the project up.
    """
    out: list[Finding] = []
    for file in EXAMPLES:
        doc, _ = load(file, files[file]) if file in files else (None, [])
        if doc is not None:
            out += example_findings(doc)
    return out


def _value(data: Any, path: KeyPath) -> Any:
    node = data
    for key in path:
        if isinstance(key, int):
            if not isinstance(node, list) or key >= len(node):
                return None
        elif not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _teams(data: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _teams(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _teams(value, (*path, i))
    elif isinstance(data, str) and data.startswith(EXAMPLE_TEAM):
        yield path, data


def _warn(doc: Doc, path: KeyPath, value: str, fix: str) -> Finding:
    return doc.at(path, "example.value", f"{show(path)} still holds the template's example "
                  f"value {value!r}", f"set your own ({fix})", "warning")


def example_findings(doc: Doc) -> list[Finding]:
    """A warning for each template example value still in ``doc``."""
    out = [_warn(doc, path, value, fix) for path, value, fix in EXAMPLES.get(doc.file, ())
           if _value(doc.data, path) == value]
    if doc.file == layout.POLICY:
        out += [_warn(doc, path, value, "fivesafes init --approver/--checker/--maintainer, "
                      "or your organisation's team")
                for path, value in _teams(doc.data)]
    return out
