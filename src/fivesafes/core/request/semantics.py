"""Checks beyond the schema: what a well-typed file can still get wrong.

ORCID check digits, ROR ids, e-mail and login forms, date order, the project id, row
filters that cannot be applied, workflows from insecure or disallowed places, input files
that do not exist, and a policy whose rules cannot be met. Each function takes one parsed
file and its model and returns findings on the offending line.
"""

from __future__ import annotations

from collections.abc import Collection

from fivesafes.core.findings import Finding
from fivesafes.core.ids import is_urn_uuid
from fivesafes.core.request import values as checks
from fivesafes.core.request.toml_doc import Doc
from fivesafes.models.access import AccessFile
from fivesafes.models.dataset import DatasetFile
from fivesafes.models.project import Project, ProjectFile, Requester
from fivesafes.models.workflow import WorkflowFile

TEMPLATE_ID = "urn:uuid:3b9e4a56-1f0c-4d7e-8a2b-5c6d7e8f9a01"


def project(doc: Doc, model: ProjectFile) -> list[Finding]:
    return (project_table(doc, model.project) + requester_table(doc, model.requester)
            + researchers(doc, model))


def researchers(doc: Doc, model: ProjectFile) -> list[Finding]:
    """Each ``[[researchers]]`` entry: ORCID check digit, login, ROR, each login once."""
    out: list[Finding] = []
    seen = {model.requester.github.lower()}
    for i, r in enumerate(model.researchers):
        base = ("researchers", i)
        problem = checks.orcid_problem(r.orcid)
        if problem:
            out.append(doc.at((*base, "orcid"), "researcher.orcid",
                              f"orcid {checks.orcid_bare(r.orcid)} of {r.name} {problem}",
                              "copy the iD from their ORCID record"))
        problem = checks.login_problem(r.github)
        if problem:
            out.append(doc.at((*base, "github"), "researcher.github",
                              f"github {r.github!r} {problem}", "write the login without @"))
        elif r.github.lower() in seen and r.github.lower() != model.requester.github.lower():
            out.append(doc.at((*base, "github"), "researcher.duplicate",
                              f"researcher {r.github!r} is listed twice", "remove one entry"))
        elif r.github.lower() == model.requester.github.lower() and (
                checks.orcid_bare(r.orcid) != checks.orcid_bare(model.requester.orcid)):
            out.append(doc.at((*base, "orcid"), "researcher.requester",
                              f"{r.github} is the requester, but with another ORCID iD",
                              "give the requester's ORCID iD, or remove this entry"))
        seen.add(r.github.lower())
        out += ror(doc, (*base, "affiliation", "ror"), r.affiliation.ror)
    for what in ("data-sharing-agreement", "ethics-approval"):
        agreement = getattr(model.project, what.replace("-", "_"))
        if agreement is not None and agreement.url is not None \
                and str(agreement.url).split(":", 1)[0] != "https":
            out.append(doc.at(("project", what, "url"), "project.agreement",
                              f"{what} url {agreement.url} is not an https URL",
                              "link the agreement's https address", "warning"))
    return out


def project_table(doc: Doc, p: Project) -> list[Finding]:
    out: list[Finding] = []
    if not is_urn_uuid(p.id):
        out.append(doc.at(("project", "id"), "project.id",
                          f"project id {p.id!r} is not a urn:uuid",
                          "let `fivesafes init` assign it, or write urn:uuid: and a new uuid4"))
    elif p.id == TEMPLATE_ID:
        out.append(doc.at(("project", "id"), "project.template-id",
                          "project id is still the template's placeholder",
                          "create projects with `fivesafes init` so each gets its own id",
                          "warning"))
    if p.end_date <= p.start_date:
        out.append(doc.at(("project", "end-date"), "project.dates",
                          f"end-date {p.end_date} is not after start-date {p.start_date}",
                          "swap the dates or correct the end-date"))
    for i, funding in enumerate(p.funding):
        if str(funding.id).split(":", 1)[0] != "https":
            out.append(doc.at(("project", "funding", i, "id"), "project.funding",
                              f"funding id {funding.id} is not an https URL",
                              "use the https address of the award page", "warning"))
    for i, member in enumerate(p.members):
        out += ror(doc, ("project", "members", i, "ror"), member.ror)
    return out


def requester_table(doc: Doc, r: Requester) -> list[Finding]:
    out: list[Finding] = []
    problem = checks.orcid_problem(r.orcid)
    if problem:
        out.append(doc.at(("requester", "orcid"), "requester.orcid",
                          f"orcid {checks.orcid_bare(r.orcid)} {problem}",
                          "copy the iD from your ORCID record, e.g. "
                          "https://orcid.org/0000-0002-1825-0097"))
    if checks.email_problem(r.email):
        out.append(doc.at(("requester", "email"), "requester.email",
                          f"email {r.email!r} is not an e-mail address",
                          "write it as name@example.org"))
    problem = checks.login_problem(r.github)
    if problem:
        out.append(doc.at(("requester", "github"), "requester.github",
                          f"github {r.github!r} {problem}", "write the login without @"))
    out += ror(doc, ("requester", "affiliation", "ror"), r.affiliation.ror)
    return out


def ror(doc: Doc, path: tuple[str | int, ...], value: str) -> list[Finding]:
    problem = checks.ror_problem(value)
    if not problem:
        return []
    return [doc.at(path, "ror", f"ror {value!r} {problem}",
                   "find the organisation at https://ror.org and copy its id URL")]


def access(doc: Doc, model: AccessFile) -> list[Finding]:
    out: list[Finding] = []
    source = model.source
    if source.port is not None and not source.host:
        out.append(doc.at(("source", "port"), "access.port", "port is set but host is not",
                          "add host, or remove port", "warning"))
    if source.type == "databricks" and not source.catalog:
        out.append(doc.at(("source",), "access.catalog", "a databricks source needs a catalog",
                          'add catalog = "..." to [source]'))
    return out


def dataset(doc: Doc, model: DatasetFile) -> list[Finding]:
    out: list[Finding] = []
    ds = model.dataset
    expected = doc.file.rsplit("/", 1)[-1].removeprefix("dataset_").removesuffix(".toml")
    if ds.name != expected:
        out.append(doc.at(("dataset", "name"), "dataset.file-name",
                          f"dataset {ds.name!r} is in a file named for {expected!r}",
                          f"rename the file to dataset_{ds.name}.toml or fix the name",
                          "warning"))
    if not ds.tables and not ds.schema_:
        out.append(doc.at(("dataset",), "dataset.scope",
                          "the dataset lists no tables and names no schema",
                          "list the tables you need, or name the schema you request whole"))
    seen_tables: set[str] = set()
    for t, table in enumerate(ds.tables):
        base = ("dataset", "tables", t)
        if table.name in seen_tables:
            out.append(doc.at((*base, "name"), "dataset.duplicate-table",
                              f"table {table.name!r} is requested twice",
                              "merge the two [[dataset.tables]] entries"))
        seen_tables.add(table.name)
        columns = [c.name for c in table.columns]
        for c, name in enumerate(columns):
            if name in columns[:c]:
                out.append(doc.at((*base, "columns", c, "name"), "dataset.duplicate-column",
                                  f"column {name!r} of table {table.name!r} is listed twice",
                                  "remove one of them"))
        for f, flt in enumerate(table.filters):
            where = (*base, "filters", f)
            if columns and flt.column not in columns:
                guess = checks.did_you_mean(flt.column, columns)
                out.append(doc.at((*where, "column"), "dataset.filter-column",
                                  f"filter column {flt.column!r} is not a requested column of "
                                  f"{table.name!r}",
                                  f"did you mean {guess!r}?" if guess else
                                  f"use one of {', '.join(columns)}"))
            out += _filter_value(doc, where, flt.op, flt.value)
    return out


def _filter_value(doc: Doc, where: tuple[str | int, ...], op: str, value: object
                  ) -> list[Finding]:
    path = (*where, "value")
    if op in ("is-null", "not-null"):
        if value is not None:
            return [doc.at(path, "dataset.filter-value", f"op {op!r} takes no value",
                           "remove value")]
    elif op in ("in", "not-in"):
        if not isinstance(value, list) or not value:
            return [doc.at(path if value is not None else where, "dataset.filter-value",
                           f"op {op!r} needs a non-empty list value", 'e.g. value = ["a", "b"]')]
    elif value is None or isinstance(value, list):
        return [doc.at(path if value is not None else where, "dataset.filter-value",
                       f"op {op!r} needs a single value", "e.g. value = 1940")]
    return []


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
