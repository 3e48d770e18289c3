"""Safe People in the policy: the people registry, what researchers must hold, maintainers.

``[people.<login>]`` says who a GitHub login is and which accreditations they hold (the
registry is also allowed in an organisation's policy); ``[researchers]`` names the
accreditations every researcher must hold; ``[maintainers]`` who maintains the repository.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from fivesafes.models.base import TomlModel


class Maintainers(TomlModel):
    """Who maintains the project repository (CODEOWNERS of .github/ and the record)."""

    owners: list[str] = Field(default_factory=list)


class Accreditation(TomlModel):
    """One accreditation of a person, as the TRE's registry holds it."""

    name: str = Field(min_length=1, description="e.g. 'Safe Researcher Training'.")
    expires: dt.date = Field(description="Last day it is valid (a TOML date).")
    awarded: dt.date | None = Field(default=None, description="Day it was awarded.")
    issuer: str | None = Field(default=None, description="Who awarded it (name or URL).")


class RegisteredPerson(TomlModel):
    """``[people.<login>]``: who a GitHub login is, and what they are accredited for."""

    name: str = Field(min_length=1)
    orcid: str = Field(description="ORCID iD, e.g. https://orcid.org/0000-0002-1825-0097.")
    affiliation: str | None = Field(default=None, description="ROR id of their organisation.")
    affiliation_name: str | None = Field(default=None, description="Name of that organisation.")
    email: str | None = Field(default=None, description="Never written into any crate.")
    awarded: dt.date | None = Field(default=None, description="Registered since.")
    issuer: str | None = Field(default=None, description="Who registered them.")
    accreditation: list[Accreditation] = Field(default_factory=list)


class Researchers(TomlModel):
    """What the project's researchers (the requester among them) must hold."""

    requires_accreditation: list[str] = Field(
        default_factory=list,
        description="Accreditations every researcher must hold unexpired at sign-off and "
        "again at execution.",
    )
