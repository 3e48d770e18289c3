"""``resources/governance/project.toml``: the project, its agreements, and its researchers
(the requester, who is accountable for the request, among them)."""

from __future__ import annotations

import datetime as dt

from pydantic import AnyHttpUrl, Field

from fivesafes.models.base import TomlModel


class Identifier(TomlModel):
    """A TRE-local or funder identifier of the project (recorded as a PropertyValue)."""

    name: str = Field(min_length=1, description="What the identifier is, e.g. 'TRE project code'.")
    value: str = Field(min_length=1)


class Funding(TomlModel):
    """A grant that funds the project (recorded as a schema.org Grant)."""

    id: AnyHttpUrl = Field(description="URL of the grant, e.g. a funder's award page.")
    name: str = Field(min_length=1)


class Organisation(TomlModel):
    """An organisation identified by its ROR id."""

    name: str = Field(min_length=1)
    ror: str = Field(description="ROR id, e.g. https://ror.org/027m9bs27")


class Agreement(TomlModel):
    """A data sharing agreement or an ethics approval the project works under."""

    identifier: str = Field(min_length=1, description="Its reference, e.g. 'DSA-2026-014'.")
    name: str | None = Field(default=None, description="What it is, e.g. who issued it.")
    url: AnyHttpUrl | None = Field(default=None, description="Where it can be read.")
    expires: dt.date | None = Field(
        default=None, description="Last day it is valid; after it, nothing is executed."
    )


class Project(TomlModel):
    """The research project under which data access is requested."""

    id: str = Field(description="urn:uuid assigned by `fivesafes init`; never reuse.")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    start_date: dt.date
    end_date: dt.date
    identifiers: list[Identifier] = Field(default_factory=list)
    funding: list[Funding] = Field(default_factory=list)
    members: list[Organisation] = Field(
        default_factory=list, description="Member organisations of the project."
    )
    data_sharing_agreement: Agreement | None = None
    ethics_approval: Agreement | None = None


class Requester(TomlModel):
    """The requesting agent: the researcher accountable for the request."""

    name: str = Field(min_length=1)
    orcid: str = Field(description="ORCID iD, e.g. 0000-0002-1825-0097 or its https URL.")
    email: str
    github: str = Field(description="GitHub login of the researcher.")
    affiliation: Organisation


class Researcher(TomlModel):
    """A researcher of the project (the requester may be listed again, or left out)."""

    name: str = Field(min_length=1)
    orcid: str = Field(description="ORCID iD, e.g. 0000-0002-1825-0097 or its https URL.")
    github: str = Field(description="GitHub login of the researcher.")
    affiliation: Organisation


class ProjectFile(TomlModel):
    """The whole of ``project.toml``."""

    project: Project
    requester: Requester
    researchers: list[Researcher] = Field(
        default_factory=list, description="Everyone else who works on the project's data."
    )

    def team(self) -> list[Researcher]:
        """Every researcher, the requester first, each login once."""
        r = self.requester
        out = [Researcher(name=r.name, orcid=r.orcid, github=r.github, affiliation=r.affiliation)]
        for one in self.researchers:
            if one.github.lower() not in {x.github.lower() for x in out}:
                out.append(one)
        return out
