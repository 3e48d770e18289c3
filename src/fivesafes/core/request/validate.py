"""Validation of a request and of the policy: the one answer to "is this acceptable?".

Pure: it takes the raw bytes of the files (repository-relative POSIX paths) and returns
findings, so the CLI, the pull-request check and ``init`` all give the same answer for the
same bytes. Layers run in order (UTF-8, TOML, schema, meaning, secrets) and every finding
names its file and line. ``request`` is returned only when nothing is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from fivesafes.core import layout
from fivesafes.core.findings import Finding, errors
from fivesafes.core.ledger.chain import verify_chain
from fivesafes.core.org.merge import validate_extending
from fivesafes.core.org.source import OrgSource
from fivesafes.core.request import (
    data_rules,
    people_rules,
    policy_rules,
    project_rules,
    secret_scan,
    workflow_rules,
)
from fivesafes.core.request.parsed import Request
from fivesafes.core.request.toml_doc import Doc, decode, load, validate_model
from fivesafes.models.access import AccessFile
from fivesafes.models.dataset import DatasetFile
from fivesafes.models.ledger import ActionRecord
from fivesafes.models.policy import Policy
from fivesafes.models.project import Project, ProjectFile, Requester
from fivesafes.models.workflow import WorkflowFile

DATASET_NAME = re.compile(r"^dataset_[a-z0-9][a-z0-9_-]*\.toml$")
REQUIRED: dict[str, type[BaseModel]] = {
    layout.PROJECT: ProjectFile, layout.ACCESS: AccessFile, layout.WORKFLOW: WorkflowFile,
}


@dataclass(frozen=True)
class Validation:
    """The parsed request (None when any finding is an error) and every finding."""

    request: Request | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not errors(self.findings)


def _names_only(file: str) -> Any:
    def check(path: tuple[str | int, ...]) -> bool:
        return file == layout.ACCESS and path[:2] == ("credentials", "secrets")
    return check


def _parse_file(file: str, raw: bytes, model: type[BaseModel]
                ) -> tuple[Doc | None, BaseModel | None, list[Finding]]:
    doc, found = load(file, raw)
    if doc is None:
        return None, None, found
    found += secret_scan.scan(file, doc.text, doc.data, _names_only(file))
    parsed, schema_found = validate_model(doc, model)
    return doc, parsed, found + schema_found


def validate_policy(data: bytes | None, org: OrgSource | None = None
                    ) -> tuple[Policy | None, list[Finding]]:
    """The policy of ``.github/fivesafes.toml`` (None when absent or invalid) and findings.

    A policy that ``extends`` the organisation's is merged with ``org`` (the central policy as
    read) and may only tighten it; without ``org`` it is refused (fail closed).
    """
    if data is None:
        return None, [Finding(layout.POLICY, 1, None, "policy.missing",
                              f"{layout.POLICY} is missing",
                              "commit the policy to the default branch (see the template)")]
    extending, found = load(layout.POLICY, data)
    if extending is not None and "extends" in extending.data:
        found += secret_scan.scan(extending.file, extending.text, extending.data)
        merged, more = validate_extending(extending, org)
        return (merged if not errors(found) else None), found + more
    doc, parsed, found = _parse_file(layout.POLICY, data, Policy)
    if doc is not None and isinstance(parsed, Policy):
        found += policy_rules.policy(doc, parsed)
    ok = isinstance(parsed, Policy) and not errors(found)
    return (parsed if ok and isinstance(parsed, Policy) else None), found


def _other_resource(path: str, raw: bytes) -> list[Finding]:
    """Checks of resources/ files that are not request files (misnamed, secrets)."""
    name = path.rsplit("/", 1)[-1]
    if path.startswith(layout.DATASETS_DIR + "/") and name.endswith(".toml"):
        return [Finding(path, 1, None, "dataset.file-name",
                        f"{name} is not a dataset file name, so it would be ignored",
                        "name dataset files dataset_<name>.toml (lower case, digits, - and _)")]
    text, _ = decode(path, raw)
    if text is None:
        return []
    return [f for f in secret_scan.scan(path, text, {}) if f.rule == "secret.token"]


def _dataset_name(doc: Doc | None) -> str | None:
    table = doc.data.get("dataset") if doc is not None else None
    name = table.get("name") if isinstance(table, dict) else None
    return name if isinstance(name, str) else None


def _project_parts(doc: Doc) -> list[Finding]:
    """Meaning checks of the tables of project.toml that are valid on their own, so an
    error elsewhere in the file does not hide a wrong ORCID."""
    out: list[Finding] = []
    project = _part(doc, "project", Project)
    if isinstance(project, Project):
        out += project_rules.project_table(doc, project)
    requester = _part(doc, "requester", Requester)
    if isinstance(requester, Requester):
        out += project_rules.requester_table(doc, requester)
    return out


def _part(doc: Doc, key: str, model: type[BaseModel]) -> BaseModel | None:
    try:
        return model.model_validate(doc.data.get(key), strict=True)
    except ValidationError:
        return None


def _record(raw: bytes) -> list[Finding]:
    _, parsed, found = _parse_file(layout.ACTIONS, raw, ActionRecord)
    if isinstance(parsed, ActionRecord):
        found += verify_chain(parsed.action)
    return [f for f in found if not f.rule.startswith("secret.")]


def validate_request(files: Mapping[str, bytes], policy: Policy | None) -> Validation:
    """Every finding about the request files among ``files`` (others are ignored).

    ``policy`` supplies the allowed workflow sources; with None that check is skipped.
    """
    found: list[Finding] = []
    parsed: dict[str, BaseModel | None] = {}
    docs: dict[str, Doc] = {}
    for path, model in REQUIRED.items():
        if path not in files:
            found.append(Finding(path, 1, None, "request.missing", f"{path} is missing",
                                 f"add {path} (copy it from the project template)"))
            continue
        doc, parsed[path], more = _parse_file(path, files[path], model)
        found += more
        if doc is not None:
            docs[path] = doc
    datasets: list[tuple[str, DatasetFile]] = []
    names: dict[str, str] = {}
    for path in sorted(files):
        if not path.startswith("resources/") or path in REQUIRED:
            continue
        if path == layout.ACTIONS:
            found += _record(files[path])
        elif layout.is_dataset_file(path) and DATASET_NAME.match(path.rsplit("/", 1)[-1]):
            doc, one, more = _parse_file(path, files[path], DatasetFile)
            found += more
            name = _dataset_name(doc)
            if doc is not None and name is not None:
                if name in names:
                    found.append(doc.at(("dataset", "name"), "dataset.duplicate",
                                        f"dataset name {name!r} is also used in {names[name]}",
                                        "give every dataset a unique name"))
                names.setdefault(name, path)
            if doc is not None and isinstance(one, DatasetFile):
                found += data_rules.dataset(doc, one)
                datasets.append((path, one))
        else:
            found += _other_resource(path, files[path])
    project, access, workflow = (parsed.get(p) for p in REQUIRED)
    if isinstance(project, ProjectFile):
        found += project_rules.project(docs[layout.PROJECT], project)
        if policy is not None:
            found += people_rules.team(docs[layout.PROJECT], project, policy)
    elif layout.PROJECT in docs:
        found += _project_parts(docs[layout.PROJECT])
    if isinstance(access, AccessFile):
        found += data_rules.access(docs[layout.ACCESS], access)
    if isinstance(workflow, WorkflowFile):
        allowed = list(policy.workflows.allowed_sources) if policy is not None else None
        found += workflow_rules.workflow(docs[layout.WORKFLOW], workflow, files.keys(), allowed)
    if not datasets and not errors(found):
        found.append(Finding(layout.DATASETS_DIR, None, None, "request.no-datasets",
                             "the request asks for no dataset",
                             "add resources/metadata/dataset_<name>.toml", "warning"))
    findings = sorted(found, key=lambda f: (f.file, f.line or 0, f.column or 0, f.rule))
    if errors(findings) or not (isinstance(project, ProjectFile)
                                and isinstance(access, AccessFile)
                                and isinstance(workflow, WorkflowFile)):
        return Validation(None, findings)
    return Validation(Request(project, access, workflow, tuple(datasets)), findings)


def referenced_paths(files: Mapping[str, bytes]) -> list[str]:
    """Repository paths the workflow file refers to (input files, a workflow folder), so a
    reader can add them to ``files`` before validating; unparseable input gives []."""
    doc, _ = load(layout.WORKFLOW, files.get(layout.WORKFLOW, b""))
    if doc is None:
        return []
    workflow = doc.data.get("workflow", {})
    out: list[str] = []
    if isinstance(workflow, dict):
        wid = workflow.get("id")
        if isinstance(wid, str) and "://" not in wid and not wid.startswith(("http:", "https:")):
            out.append(wid.rstrip("/") + "/")
        for item in workflow.get("inputs", []) if isinstance(workflow.get("inputs"), list) else []:
            if isinstance(item, dict) and isinstance(item.get("file"), str):
                out.append(item["file"])
    return out
