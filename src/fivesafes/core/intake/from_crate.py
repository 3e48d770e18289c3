"""The request files a Five Safes RO-Crate request stands for: project and workflow tables.

The crate of a request (ours or another producer's) names the project (sourceOrganization),
the requester (the CreateAction's agent), the workflow (mainEntity, with the sha-512 its
DataDownload carries) and its inputs (the CreateAction's objects with their
FormalParameters). This module maps those back to the tables of ``project.toml`` and
``workflow.toml``. What a crate does not carry (a requester's e-mail and GitHub login, dates
it does not state) becomes a :class:`Missing` placeholder that the rendered file asks a
person to fill in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from fivesafes.core import layout
from fivesafes.core.crate.graph import Entity, Graph
from fivesafes.core.crate.profile_04 import SHA512
from fivesafes.core.findings import Finding
from fivesafes.core.ids import derived_urn, is_urn_uuid
from fivesafes.core.intake.inputs import Missing, Secret, workflow_inputs

__all__ = ["Missing", "RequestDraft", "request_from_crate"]

_SPAN = re.compile(r"\s*\(from (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})\)$")
_LANGUAGE = re.compile(r"^The (\w+) workflow the request asks to run")
_ORCID = re.compile(r"^https?://orcid\.org/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
_GITHUB = re.compile(r"^https://github\.com/([A-Za-z0-9-]+)$")
LANGUAGES = ("cwl", "nextflow", "snakemake", "galaxy", "python", "r", "other")


@dataclass
class RequestDraft:
    project: dict[str, Any] = field(default_factory=dict)
    workflow: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # project path -> crate-relative path of the bytes of each file input the crate carries
    input_files: dict[str, str] = field(default_factory=dict)


def _first(g: Graph, entity: Entity | None, prop: str) -> Entity | None:
    ids = g.ids(entity, prop)
    return g.get(ids[0]) if ids else None


def _text(entity: Entity | None, prop: str) -> str | None:
    value = entity.get(prop) if entity else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _organisation(g: Graph, org_id: str | None, hint: str) -> dict[str, Any]:
    name = _text(g.get(org_id), "name") if org_id else None
    return {"name": name or Missing(f"{hint}: name"), "ror": org_id or Missing(f"{hint}: ROR id")}


def _date(text: str | None, hint: str) -> dt.date | Missing:
    try:
        return dt.date.fromisoformat(text[:10]) if text else Missing(hint)
    except ValueError:
        return Missing(f"{hint}; the crate says {text!r}")


def _project(g: Graph, draft: RequestDraft, project: Entity | None) -> None:
    root = g.root
    raw_id = project["@id"] if project else None
    if raw_id and is_urn_uuid(raw_id):
        project_id = raw_id
    else:
        project_id = derived_urn("imported-project", raw_id or g.root_id)
        draft.findings.append(Finding(layout.PROJECT, None, None, "import.project-id",
                                      f"project @id {raw_id!r} is not a urn:uuid; assigned "
                                      f"{project_id}", "keep it: it identifies the request",
                                      "warning"))
    description = _text(project, "description") or _text(root, "description")
    span = _SPAN.search(description or "")
    given = span.groups() if span else (_text(project, "startDate"), _text(project, "endDate"))
    dates = [_date(text, f"project {hint} date (YYYY-MM-DD)")
             for text, hint in zip(given, ("start", "end"), strict=True)]
    table: dict[str, Any] = {
        "id": project_id,
        "title": _text(project, "name") or _text(root, "name") or Missing("project title"),
        "description": _SPAN.sub("", description) if description else Missing("description"),
        "start-date": dates[0], "end-date": dates[1],
    }
    identifiers = [g.get(i) or {} for i in g.ids(project, "identifier")]
    table["identifiers"] = [{"name": _text(i, "name") or "identifier",
                             "value": str(i.get("value", ""))} for i in identifiers
                            if i.get("value") is not None]
    table["funding"] = [{"id": f, "name": _text(g.get(f), "name") or f}
                        for f in g.ids(project, "funding")]
    table["members"] = [_organisation(g, m, "member organisation")
                        for m in g.ids(project, "member") if not g.is_a(m, "Person")]
    draft.project["project"] = {k: v for k, v in table.items() if v != []}


def _requester(g: Graph, draft: RequestDraft, person: Entity | None) -> None:
    pid = person["@id"] if person else ""
    orcid = _ORCID.match(pid)
    logins = [m.group(1) for s in g.ids(person, "sameAs") + g.ids(person, "identifier")
              if (m := _GITHUB.match(s))]
    email = _text(person, "email")
    draft.project["requester"] = {
        "name": _text(person, "name") or Missing("the requester's name"),
        "orcid": orcid.group(1) if orcid else Missing("the requester's ORCID iD"),
        "email": email.removeprefix("mailto:") if email else Missing("the requester's e-mail"),
        "github": logins[0] if logins else Missing("the requester's GitHub login"),
        "affiliation": _organisation(g, next(iter(g.ids(person, "affiliation")), None),
                                     "affiliation"),
    }


def _signed_off_sha512(g: Graph, download: Entity | None) -> str | None:
    """The sha-512 the DataDownload of the workflow carries (the bytes signed off)."""
    for value in (g.get(i) for i in g.ids(download, "identifier")):
        digest = _text(value, "value")
        if value and value.get("propertyID") == SHA512 and digest \
                and re.fullmatch(r"[0-9a-f]{128}", digest):
            return digest
    return None


def _workflow(g: Graph, draft: RequestDraft, action: Entity | None) -> None:
    main = _first(g, g.root, "mainEntity")
    wid = main["@id"] if main else None
    language = _LANGUAGE.match(_text(main, "description") or "")
    spoken = (_text(main, "programmingLanguage") or (language.group(1) if language else "")).lower()
    table: dict[str, Any] = {
        "id": (_text(main, "localPath") or wid) if wid else Missing("workflow URL"),
        "name": _text(main, "name") or Missing("workflow name"),
    }
    distribution = g.ids(main, "distribution")
    if distribution:
        table["distribution"] = distribution[0]
        sha512 = _signed_off_sha512(g, g.get(distribution[0]))
        if sha512:
            table["sha512"] = sha512
    table["language"] = spoken if spoken in LANGUAGES else "other"
    version = main.get("version") if main else None
    if version is not None:
        table["version"] = str(version)
    inputs = workflow_inputs(g, action, layout.WORKFLOW)
    draft.findings += inputs.findings
    draft.input_files.update(inputs.files)
    if inputs.inputs:
        table["inputs"] = inputs.inputs
    draft.workflow["workflow"] = table


def _missing(value: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, Secret):
        return []  # reported as import.credential
    if isinstance(value, Missing):
        return [(path, value.hint)]
    if isinstance(value, dict):
        return [m for k, v in value.items() for m in _missing(v, f"{path}.{k}".lstrip("."))]
    if isinstance(value, list):
        return [m for i, v in enumerate(value) for m in _missing(v, f"{path}[{i}]")]
    return []


def request_from_crate(crate: dict[str, Any]) -> RequestDraft:
    """The project and workflow tables a (repaired, stripped) request crate stands for."""
    g = Graph(crate)
    draft = RequestDraft()
    action = next(iter(g.of_type("CreateAction")), None)
    person = _first(g, action, "agent")
    project = _first(g, g.root, "sourceOrganization") or _first(g, person, "memberOf")
    _project(g, draft, project)
    _requester(g, draft, person)
    _workflow(g, draft, action)
    for file, table in ((layout.PROJECT, draft.project), (layout.WORKFLOW, draft.workflow)):
        for path, hint in _missing(table):
            draft.findings.append(Finding(file, None, None, "import.missing",
                                          f"{path}: {hint} is not in the crate",
                                          "fill it in before the request is reviewed",
                                          "warning"))
    if action is None:
        draft.findings.append(Finding(layout.WORKFLOW, None, None, "import.no-create-action",
                                      "the crate has no CreateAction: no requester or inputs",
                                      "submit a Five Safes RO-Crate request"))
    return draft
