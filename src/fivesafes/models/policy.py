"""``.github/fivesafes.toml``: the policy of a project repository.

Read from the DEFAULT branch only, never from a pull request's head: whoever could edit the
policy in their own pull request could approve themselves.

Its tables are modelled by concern: the decision phases and labels in ``phases``, the
people registry in ``people``, the executor in ``executor``, the disclosure checks and the
publication in ``output_rules``. This module holds the TRE, the organisation-scale tables
(the automation's repository, reminders) and the whole file.
"""

from __future__ import annotations

from pydantic import Field

from fivesafes.models.base import TomlModel
from fivesafes.models.executor import Executor, Workflows
from fivesafes.models.output_rules import Disclosure, Publication
from fivesafes.models.people import Maintainers, RegisteredPerson, Researchers
from fivesafes.models.phases import Labels, Phases
from fivesafes.models.project import Organisation


class Tre(TomlModel):
    """The Trusted Research Environment that runs the automation and publishes releases."""

    name: str = Field(min_length=1)
    url: str = Field(description="https URL of the TRE.")
    ror: str | None = Field(default=None, description="ROR id of the organisation running it.")

    def organisation(self) -> Organisation | None:
        return Organisation(name=self.name, ror=self.ror) if self.ror else None


# -- organisation scale: extends, the automation's repository, reminders ---------------------
DEFAULT_AUTOMATION = "fivesafes/fivesafes-gitops"


class Automation(TomlModel):
    """Where the actions and the reusable workflow live (a fork or mirror of the automation)."""

    repository: str = Field(
        default=DEFAULT_AUTOMATION, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$",
        description="ORG/REPO holding the actions and the reusable workflow; upgrade, doctor "
        "and the crate's SoftwareApplication follow it.")


class Reminders(TomlModel):
    """When a waiting request is brought back to its deciders, and how they are told."""

    remind_after: int = Field(default=7, ge=1, description="Days a request may wait in a "
                              "decision phase before a reminder is posted.")
    webhook_secret: str | None = Field(
        default=None, pattern=r"^[A-Z][A-Z0-9_]*$",
        description="NAME of the secret holding a webhook URL to notify (never the URL).")
    smtp_secret: str | None = Field(
        default=None, pattern=r"^[A-Z][A-Z0-9_]*$",
        description="NAME of the secret holding the TRE's SMTP URL "
        "(smtp://user:password@host:port), never the URL.")
    email_to: list[str] = Field(default_factory=list, description="Addresses to e-mail.")


class Policy(TomlModel):
    """The whole of ``.github/fivesafes.toml``."""

    extends: str | None = Field(
        default=None, description="The organisation's policy this one tightens: "
        "ORG/REPO[/PATH][@REF] (PATH defaults to fivesafes.toml, REF to the default branch).")
    automation: Automation = Field(default_factory=Automation)
    reminders: Reminders = Field(default_factory=Reminders)

    tre: Tre
    phases: Phases
    labels: Labels = Field(default_factory=Labels)
    workflows: Workflows = Field(default_factory=Workflows)
    executor: Executor = Field(default_factory=Executor)
    disclosure: Disclosure = Field(default_factory=Disclosure)
    publication: Publication
    maintainers: Maintainers = Field(default_factory=Maintainers)
    # Safe People (docs/approvers.md, docs/maintainers.md)
    people: dict[str, RegisteredPerson] = Field(
        default_factory=dict, description="The people registry, by GitHub login."
    )
    researchers: Researchers = Field(default_factory=Researchers)
