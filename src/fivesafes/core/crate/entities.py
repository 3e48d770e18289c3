"""The contextual and data entities of a request's crate: project, people, workflow, inputs.

Pure functions over the request models that add entities to a :class:`Graph`. Ids are natural
IRIs where the world has them (ORCID, ROR, grant and licence URLs, the workflow URL) and
:func:`~fivesafes.core.ids.derived_urn` values otherwise, so the same request always gives the
same graph. Nothing here reads ``access.toml``: the crate never learns where data lives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fivesafes.core.crate import profile_04 as p
from fivesafes.core.ids import derived_urn
from fivesafes.core.release.media_types import media_type
from fivesafes.core.request.parsed import Request
from fivesafes.models.project import Organisation
from fivesafes.models.workflow import Workflow

Entity = dict[str, Any]
DEFAULT_LICENSE = "https://spdx.org/licenses/CC-BY-4.0"
_LICENSE_NAMES = {
    "CC-BY-4.0": "Creative Commons Attribution 4.0 International",
    "CC-BY-SA-4.0": "Creative Commons Attribution Share Alike 4.0 International",
    "CC-BY-NC-4.0": "Creative Commons Attribution Non Commercial 4.0 International",
    "CC0-1.0": "Creative Commons Zero v1.0 Universal",
    "OGL-UK-3.0": "Open Government Licence v3.0",
}


@dataclass(frozen=True)
class Software:
    """The automation, recorded as the SoftwareApplication agent of automated actions."""

    name: str
    url: str
    version: str


@dataclass(frozen=True)
class Published:
    """A publication being made now: when, under which release tag, and the zip's digest."""

    date_published: str
    tag: str
    zip_sha512: str | None = None


def ref(entity_id: str) -> dict[str, str]:
    return {"@id": entity_id}


def refs(ids: Iterable[str]) -> dict[str, str] | list[dict[str, str]]:
    """One reference, or a list of several (RO-Crate 1.2 prefers no singleton arrays)."""
    unique = list(dict.fromkeys(ids))
    return ref(unique[0]) if len(unique) == 1 else [ref(i) for i in unique]


class Graph:
    """Entities by ``@id``; adding an id twice keeps the first values and adds new keys."""

    def __init__(self) -> None:
        self._entities: dict[str, Entity] = {}

    def add(self, entity: Entity) -> str:
        entity_id = str(entity["@id"])
        known = self._entities.setdefault(entity_id, {})
        for key, value in entity.items():
            known.setdefault(key, value)
        return entity_id

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._entities

    def entities(self) -> list[Entity]:
        return [self._entities[i] for i in sorted(self._entities)]


def orcid_url(orcid: str) -> str:
    bare = orcid.strip().rstrip("/").rsplit("/", 1)[-1]
    return f"https://orcid.org/{bare}"


def github_url(login: str) -> str:
    return f"https://github.com/{quote(login.lstrip('@'), safe='')}"


def add_organisation(graph: Graph, org: Organisation) -> str:
    return graph.add({"@id": org.ror, "@type": "Organization", "name": org.name, "url": org.ror})


def add_project(graph: Graph, request: Request, agreements: Iterable[str] = ()) -> str:
    """The Project: identifiers, grants, member organisations, and the ``agreements`` it
    works under (``subjectOf``); its researchers are ``memberOf`` it."""
    project = request.project.project
    identifiers = [
        graph.add({
            "@id": derived_urn("project-identifier", project.id, i.name, i.value),
            "@type": "PropertyValue", "name": i.name, "value": i.value,
        })
        for i in project.identifiers
    ]
    grants = [
        graph.add({"@id": str(f.id), "@type": "Grant", "name": f.name}) for f in project.funding
    ]
    members = [add_organisation(graph, org) for org in project.members]
    entity: Entity = {
        "@id": project.id, "@type": "Project", "name": project.title,
        "description": f"{project.description.strip()} (from {project.start_date.isoformat()} "
                       f"to {project.end_date.isoformat()})",
    }
    for key, ids in (("identifier", identifiers), ("funding", grants), ("member", members),
                     ("subjectOf", list(agreements))):
        if ids:
            entity[key] = refs(ids)
    return graph.add(entity)


def add_requester(graph: Graph, request: Request, project_id: str) -> str:
    requester = request.project.requester
    affiliation = add_organisation(graph, requester.affiliation)
    account = graph.add({"@id": github_url(requester.github), "@type": "ProfilePage",
                         "name": f"{requester.github.lstrip('@')} on GitHub"})
    return graph.add({
        "@id": orcid_url(requester.orcid), "@type": "Person", "name": requester.name,
        "affiliation": ref(affiliation), "memberOf": ref(project_id),
        # the public GitHub account that opens the request's pull requests (never the e-mail)
        "sameAs": ref(account),
    })


def add_person(graph: Graph, person_id: str, name: str) -> str:
    return graph.add({"@id": person_id, "@type": "Person", "name": name})


def add_software(graph: Graph, software: Software, provider: str | None) -> str:
    entity: Entity = {
        "@id": software.url, "@type": "SoftwareApplication", "name": software.name,
        "url": software.url, "version": software.version,
    }
    if provider:
        entity["provider"] = ref(provider)
    return graph.add(entity)


def add_license(graph: Graph, url: str) -> str:
    spdx = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    name = _LICENSE_NAMES.get(spdx, spdx)
    return graph.add({
        "@id": url, "@type": "CreativeWork", "name": name, "identifier": spdx,
        "description": f"The licence of this crate's metadata and released results: {name}.",
    })


def add_profile(graph: Graph) -> str:
    return graph.add({
        "@id": p.PROFILE, "@type": ["CreativeWork", "Profile"], "name": p.PROFILE_NAME,
        "version": p.PROFILE_VERSION,
    })


def add_checksum(graph: Graph, hexdigest: str) -> str:
    """A sha-512 digest as a PropertyValue (RO-Crate 1.2 has no sha512 term)."""
    return graph.add({
        "@id": derived_urn("sha512", hexdigest), "@type": "PropertyValue",
        "name": "sha-512 checksum", "propertyID": p.SHA512, "value": hexdigest,
    })


def add_sha512(graph: Graph) -> str:
    return graph.add({"@id": p.SHA512, "@type": "DefinedTerm", "name": p.SHA512_NAME})


def workflow_id(workflow: Workflow) -> str:
    """The workflow's id exactly as written; a repository folder becomes a local ``#`` id."""
    if workflow.id.startswith(("https://", "http://")):
        return workflow.id
    return "#workflow/" + quote(workflow.id.strip("/"), safe="/-._~")


def add_workflow(graph: Graph, workflow: Workflow, retrieved: str | None) -> str:
    """The workflow Dataset (root mainEntity) and its DataDownload."""
    entity: Entity = {
        "@id": workflow_id(workflow), "@type": "Dataset", "name": workflow.name,
        "description": f"The {workflow.language} workflow the request asks to run, "
                       "as a Workflow RO-Crate.",
        "conformsTo": ref(p.WORKFLOW_CRATE),
    }
    if workflow.version:
        entity["version"] = workflow.version
    if workflow.distribution:
        download: Entity = {
            "@id": workflow.distribution, "@type": "DataDownload",
            "name": f"Workflow RO-Crate of {workflow.name}", "encodingFormat": "application/zip",
            "conformsTo": ref(p.ANY_RO_CRATE),
        }
        if workflow.sha512:  # the bytes the approvers signed off
            download["identifier"] = ref(add_checksum(graph, workflow.sha512))
        entity["distribution"] = ref(graph.add(download))
    if not entity["@id"].startswith("#"):
        if retrieved:
            entity["sdDatePublished"] = retrieved
    else:
        entity["localPath"] = workflow.id
    return graph.add(entity)


def add_inputs(graph: Graph, request: Request, workflow: str) -> list[str]:
    """Each input as a PropertyValue (or a File) with ``exampleOfWork`` its FormalParameter."""
    ids: list[str] = []
    for item in request.workflow.workflow.inputs:
        parameter = graph.add({
            "@id": derived_urn("formal-parameter", workflow, item.name),
            "@type": "FormalParameter", "name": item.name,
            "description": item.description or f"Input {item.name} of the workflow.",
        })
        entity: Entity = {
            "@id": derived_urn("input", workflow, item.name), "name": item.name,
            "exampleOfWork": ref(parameter),
        }
        if item.file is not None:
            entity.update({"@id": "#input/" + quote(item.file, safe="/-._~"), "@type": "File",
                           "localPath": item.file, "encodingFormat": media_type(item.file),
                           "description": f"File {item.file} of the project repository."})
        else:
            entity.update({"@type": "PropertyValue", "value": item.value})
        ids.append(graph.add(entity))
    return ids
