"""``.github/fivesafes.toml``: the policy of a project repository.

Read from the DEFAULT branch only, never from a pull request's head: whoever could edit the
policy in their own pull request could approve themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from fivesafes.models.base import TomlModel
from fivesafes.models.project import Organisation

DecisionPhase = Literal["sign-off", "disclosure"]
Target = Literal["directory", "github-release"]
DEFAULT_ALLOWED_TYPES = (
    "text/csv",
    "application/json",
    "text/plain",
    "text/markdown",
    "image/png",
    "application/pdf",
    "application/vnd.apache.parquet",
)


class Tre(TomlModel):
    """The Trusted Research Environment that runs the automation and publishes releases."""

    name: str = Field(min_length=1)
    url: str = Field(description="https URL of the TRE.")
    ror: str | None = Field(default=None, description="ROR id of the organisation running it.")

    def organisation(self) -> Organisation | None:
        return Organisation(name=self.name, ror=self.ror) if self.ror else None


class PhaseRule(TomlModel):
    """Who may decide a phase, how many must agree, and whom they must differ from."""

    approvers: list[str] = Field(
        min_length=1, description="GitHub logins and @org/team slugs allowed to decide."
    )
    required: int = Field(default=1, ge=1, description="Distinct approvers needed.")
    distinct_from: list[DecisionPhase] = Field(
        default_factory=list,
        description="Phases whose deciders may not decide here (separation of duties).",
    )
    requires_accreditation: list[str] = Field(
        default_factory=list,
        description="Accreditations (by name, as in [people]) each decider must hold, "
        "unexpired on the day of the decision.",
    )


class Phases(TomlModel):
    """Decision rules per phase.

    Disclosure defaults follow DESIGN.md: two distinct checkers, who must differ from the
    sign-off approvers, unless the policy says otherwise explicitly.
    """

    sign_off: PhaseRule
    disclosure: PhaseRule

    @field_validator("disclosure")
    @classmethod
    def _disclosure_defaults(cls, rule: PhaseRule) -> PhaseRule:
        update: dict[str, object] = {}
        if "required" not in rule.model_fields_set:
            update["required"] = 2
        if "distinct_from" not in rule.model_fields_set:
            update["distinct_from"] = ["sign-off"]
        return rule.model_copy(update=update) if update else rule

    def rule(self, phase: DecisionPhase) -> PhaseRule:
        return self.sign_off if phase == "sign-off" else self.disclosure


class Labels(TomlModel):
    """Label names that request a decision; labels are requests, never proof."""

    approve_sign_off: str = "5s:approve-sign-off"
    reject_sign_off: str = "5s:reject-sign-off"
    approve_disclosure: str = "5s:approve-disclosure"
    reject_disclosure: str = "5s:reject-disclosure"
    hold: str = "5s:hold"

    def decision_labels(self) -> set[str]:
        return {
            self.approve_sign_off,
            self.reject_sign_off,
            self.approve_disclosure,
            self.reject_disclosure,
            self.hold,
        }


class Workflows(TomlModel):
    allowed_sources: list[str] = Field(
        default_factory=list, description="https URL prefixes that workflows may come from."
    )


class Executor(TomlModel):
    """How the approved workflow runs inside the TRE."""

    kind: Literal["local", "extract", "http", "wes", "cwl"] = "local"
    command: list[str] = Field(
        default_factory=list,
        description="local: argv; {workflow}, {inputs}, {outputs} and {source} are substituted.",
    )
    timeout: int = Field(default=3600, ge=1, description="Seconds before the run is stopped.")
    staging_dir: str | None = Field(
        default=None, description="Folder outside the checkout for staging (default: a temp dir)."
    )
    workflow_mirror: str | None = Field(
        default=None,
        description="Folder on the TRE runner where staff place approved Workflow RO-Crate zips, "
        "each named <sha-256 of its distribution URL>.zip; set, workflows are never downloaded.",
    )
    url: str | None = Field(default=None, description="http: base URL of the publisher service; "
                            "wes: the WES base URL (https, or http on loopback only).")
    api_key_secret: str | None = Field(default=None, description="http: NAME of the API key env.")
    token_secret: str | None = Field(
        default=None, description="wes: NAME of the environment variable holding a bearer token.")
    shared_dir: str | None = Field(
        default=None, description="wes: folder where the engine's outputs are readable from the "
        "runner; outputs anywhere else are refused.")
    runner_labels: list[str] = Field(default_factory=lambda: ["self-hosted"])
    sandbox: Literal["auto", "bubblewrap", "unshare", "none"] = Field(
        default="auto",
        description="local and cwl: how the workflow's processes are isolated from the runner. "
        "auto: bubblewrap if it works, else util-linux unshare, else execute refuses; none: "
        "no isolation (recorded in the execution entry, reported by doctor).")
    sandbox_network: Literal["auto", "none", "host"] = Field(
        default="auto",
        description="The sandbox's network. auto: none, unless the workflow is granted a data "
        "source reached over the network; none: never; host: always the runner's network.")
    sandbox_read_only: list[str] = Field(
        default_factory=list,
        description="Absolute folders or files of the runner shown to the sandbox read-only "
        "(e.g. software under /opt); none may be or hold the runner's home, work or "
        "temporary folders, the checkout or staging.")
    retention_days: int | None = Field(
        default=None, ge=0,
        description="Days after publication (or the project's end) before `fivesafes "
        "retention` removes a request's staging folders; unset: they are kept.",
    )


class Disclosure(TomlModel):
    """Built-in disclosure checks run on the outputs before checkers decide."""

    min_cell_count: int = Field(default=10, ge=1)
    # Statistical disclosure control thresholds: the defaults are ACRO's.
    zeros_disclosive: bool = Field(
        default=True, description="A zero count is disclosive unless marked structural.")
    nk_n: int = Field(default=2, ge=1, description="NK rule: the n largest contributors...")
    nk_k: float = Field(default=0.9, gt=0, le=1, description="...may hold at most k of a total.")
    p_ratio: float = Field(default=0.1, gt=0, le=1, description="p% rule threshold.")
    min_residual_dof: int = Field(default=10, ge=1,
                                  description="Minimum residual degrees of freedom of a model.")
    rounding_base: int = Field(default=0, ge=0,
                               description="Counts must be multiples of this (0: no rounding).")
    max_file_bytes: int = Field(default=100 * 1024 * 1024, ge=1)
    allowed_types: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ALLOWED_TYPES),
        description="Media types outputs may have.",
    )


def _directory_only() -> list[Target]:
    return ["directory"]


class Publication(TomlModel):
    """Where approved releases go, under which licence."""

    targets: list[Target] = Field(default_factory=_directory_only)
    directory: str | None = Field(default=None, description="directory target: the folder.")
    license: str = Field(description="SPDX licence URL, e.g. https://spdx.org/licenses/CC-BY-4.0")
    releasable_results: bool = Field(
        default=False,
        description="true: outputs are aggregate results that may be attached to a GitHub "
        "Release; false (safe default): data goes to the TRE destination only.",
    )


class Maintainers(TomlModel):
    """Who maintains the project repository (CODEOWNERS of .github/ and the record)."""

    owners: list[str] = Field(default_factory=list)


# --- Safe People: the people registry (also allowed in an organisation's policy) -----------


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
