"""Checks of workflow.toml beyond its schema: what will run, and from where.

A workflow given by URL is https, from a source the policy allows, pinned to a version and
bound to the sha-512 of its zip, so approvers sign off the bytes that will run; a workflow
folder and every input file exist in the repository at safe relative paths, each input
named once.
"""

from __future__ import annotations

from collections.abc import Collection

from fivesafes.core.findings import Finding
from fivesafes.core.request import values as checks
from fivesafes.core.request.toml_doc import Doc
from fivesafes.models.workflow import WorkflowFile


def workflow(doc: Doc, model: WorkflowFile, present: Collection[str],
             allowed: list[str] | None) -> list[Finding]:
    """``present``: the repository paths that exist; ``allowed``: the policy's prefixes."""
    out: list[Finding] = []
    wf = model.workflow
    if "://" in wf.id or wf.id.startswith(("http:", "https:")):
        out += _remote(doc, ("workflow", "id"), wf.id, allowed)
        if not out and not checks.is_versioned(wf.id):
            out.append(doc.at(("workflow", "id"), "workflow.version",
                              f"workflow id {wf.id} does not pin a version",
                              "use the versioned URL, e.g. ...?version=3",
                              "warning" if wf.version else "error"))
    else:
        problem = checks.safe_relative(wf.id)
        folder = wf.id.rstrip("/")
        if problem:
            out.append(doc.at(("workflow", "id"), "workflow.folder", f"workflow id {problem}",
                              "give a versioned https URL or a folder of this repository"))
        elif not any(p.startswith(folder + "/") for p in present):
            out.append(doc.at(("workflow", "id"), "workflow.folder",
                              f"workflow folder {wf.id!r} does not exist in the repository",
                              "commit the folder, or give a versioned https URL"))
    if wf.distribution is not None:
        out += _remote(doc, ("workflow", "distribution"), wf.distribution, allowed)
    if "://" in wf.id or wf.id.startswith(("http:", "https:")):
        out += _bound(doc, wf.distribution, wf.sha512)
    names = [i.name for i in wf.inputs]
    for i, item in enumerate(wf.inputs):
        where = ("workflow", "inputs", i)
        if item.name in names[:i]:
            out.append(doc.at((*where, "name"), "workflow.duplicate-input",
                              f"input {item.name!r} is given twice", "remove one of them"))
        if item.file is not None:
            problem = checks.safe_relative(item.file)
            if problem:
                out.append(doc.at((*where, "file"), "workflow.input-file",
                                  f"input file {item.file!r} {problem}",
                                  "e.g. resources/inputs/codes.csv"))
            elif item.file not in present:
                out.append(doc.at((*where, "file"), "workflow.input-file",
                                  f"input file {item.file!r} does not exist in the repository",
                                  "commit the file, or fix the path (relative to the root)"))
    return out


def _bound(doc: Doc, distribution: str | None, sha512: str | None) -> list[Finding]:
    """A workflow given by URL names its zip and that zip's sha-512, so the approvers sign
    off the bytes that will run (retrieval refuses any others)."""
    if distribution is None:
        return [doc.at(("workflow", "id"), "workflow.distribution-missing",
                       "a workflow given by URL must name the zip that will run "
                       "(distribution) and its sha512, so approvers sign off those bytes",
                       'add distribution = "https://...zip" and sha512 = "<128 hex digits>" '
                       "(its sha512sum)")]
    if sha512 is None:
        return [doc.at(("workflow", "distribution"), "workflow.sha512-missing",
                       "a workflow given by URL must carry the sha-512 of its zip, so "
                       "approvers sign off the bytes that will run",
                       f'add sha512 = "<128 hex digits>" under distribution: `curl -sSfL '
                       f"'{distribution}' | sha512sum` (or sha512sum of the zip you "
                       "reviewed)")]
    return []


def _remote(doc: Doc, path: tuple[str, ...], url: str, allowed: list[str] | None
            ) -> list[Finding]:
    key = path[-1]
    problem = checks.https_problem(url)
    if problem:
        return [doc.at(path, "workflow.https", f"workflow {key} {url} {problem}",
                       "use an https:// URL")]
    if allowed is not None and not any(url.startswith(p) for p in allowed):
        where = ", ".join(allowed) if allowed else "none"
        return [doc.at(path, "workflow.source",
                       f"workflow {key} {url} is not from a source the policy allows "
                       f"(allowed: {where})",
                       "use a workflow from an allowed source, or ask the maintainers to add "
                       "its prefix to workflows.allowed-sources")]
    return []
