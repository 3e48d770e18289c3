"""People and agreements in a request's crate: who decided, who researches, under what.

A person the policy's people registry knows is a ``Person`` whose ``@id`` is their ORCID, with
the registry's name, their affiliation as an ``Organization`` identified by its ROR, and their
public GitHub profile as ``sameAs``; a person the registry does not know stays what the record
can prove: the GitHub profile URL and the login. The e-mail address never enters a crate.
The researchers of ``project.toml`` are members of the Project; its data sharing agreement and
ethics approval are ``CreativeWork`` entities that the sign-off names as instruments.
"""

from __future__ import annotations

from collections.abc import Mapping

from fivesafes.core.crate.entities import (
    Entity,
    Graph,
    add_organisation,
    github_url,
    orcid_url,
    ref,
)
from fivesafes.core.decisions.people import registered
from fivesafes.core.ids import derived_urn
from fivesafes.core.request.parsed import Request
from fivesafes.models.ledger import Agent
from fivesafes.models.people import RegisteredPerson
from fivesafes.models.project import Agreement, Organisation

AGREEMENTS = (("data_sharing_agreement", "Data sharing agreement"),
              ("ethics_approval", "Ethics approval"))


def add_profile_page(graph: Graph, login: str) -> str:
    login = login.lstrip("@")
    return graph.add({"@id": github_url(login), "@type": "ProfilePage",
                      "name": f"{login} on GitHub"})


def add_registered(graph: Graph, login: str, person: RegisteredPerson) -> str:
    """A registered person: ORCID id, registry name, ROR affiliation, GitHub as sameAs."""
    entity: Entity = {"@id": orcid_url(person.orcid), "@type": "Person", "name": person.name,
                      "sameAs": ref(add_profile_page(graph, login))}
    if person.affiliation:
        entity["affiliation"] = ref(add_organisation(graph, Organisation(
            name=person.affiliation_name or person.affiliation, ror=person.affiliation)))
    return graph.add(entity)


def add_agent_person(graph: Graph, agent: Agent,
                     people: Mapping[str, RegisteredPerson]) -> str:
    """The Person of a recorded agent: by the registry when it knows them (and the record
    does not name another ORCID), else by the record's identity, else the GitHub profile."""
    person = registered(people, agent.login)
    if person is not None and (agent.orcid is None
                               or orcid_url(agent.orcid) == orcid_url(person.orcid)):
        return add_registered(graph, agent.login, person)
    if agent.orcid:
        return graph.add({"@id": orcid_url(agent.orcid), "@type": "Person",
                          "name": agent.name or agent.login,
                          "sameAs": ref(add_profile_page(graph, agent.login))})
    return graph.add({"@id": agent.id or github_url(agent.login), "@type": "Person",
                      "name": agent.name or agent.login})


def add_researchers(graph: Graph, request: Request, project_id: str) -> list[str]:
    """Every researcher but the requester (added by the caller) as a member of the Project."""
    ids = []
    for researcher in request.project.team()[1:]:
        affiliation = add_organisation(graph, researcher.affiliation)
        ids.append(graph.add({
            "@id": orcid_url(researcher.orcid), "@type": "Person", "name": researcher.name,
            "affiliation": ref(affiliation), "memberOf": ref(project_id),
            "sameAs": ref(add_profile_page(graph, researcher.github)),
        }))
    return ids


def agreement_id(request: Request, agreement: Agreement) -> str:
    if agreement.url is not None:
        return str(agreement.url)
    return derived_urn("agreement", request.id, agreement.identifier)


def add_agreements(graph: Graph, request: Request) -> list[str]:
    """The project's data sharing agreement and ethics approval, when referenced."""
    ids = []
    project = request.project.project
    for attribute, kind in AGREEMENTS:
        agreement: Agreement | None = getattr(project, attribute)
        if agreement is None:
            continue
        entity: Entity = {
            "@id": agreement_id(request, agreement), "@type": "CreativeWork",
            "name": f"{kind} {agreement.identifier}", "identifier": agreement.identifier,
            "description": f"{kind} of the project {project.title}"
                           + (f" ({agreement.name})" if agreement.name else "") + ".",
        }
        if agreement.url is not None:
            entity["url"] = str(agreement.url)
        if agreement.expires is not None:
            entity["expires"] = agreement.expires.isoformat()
        ids.append(graph.add(entity))
    return ids
