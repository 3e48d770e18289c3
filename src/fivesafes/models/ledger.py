"""``resources/governance/actions.toml``: the append-only record of every phase action.

Written by the automation only. Each ``[[action]]`` carries the digest of the entry before it
(``prev``) and its own ``digest`` (see :mod:`fivesafes.core.ledger.chain`), so an edited, dropped,
inserted or reordered entry is detectable. The crate is derived from this record.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from fivesafes.models.base import TomlModel
from fivesafes.models.disclosure import (
    DisclosureFinding,
    ExceptionRequest,
    OutputDecision,
    Statement,
)

Phase = Literal[
    "check",
    "validation",
    "workflow-retrieval",
    "sign-off",
    "execution",
    "disclosure",
    "publication",
    "retention",
]
# potential/active/completed/failed mirror schema.org ActionStatus; `pending` means a decision
# phase still waits for approvers; `refused` records an unearned decision attempt.
Status = Literal["potential", "active", "pending", "completed", "failed", "refused"]
RFC3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"


class Agent(TomlModel):
    """Who acted: a person resolved from a GitHub login, or the automation itself."""

    login: str = Field(description="GitHub login (or the automation's name).")
    kind: Literal["person", "automation"] = "person"
    name: str | None = None
    id: str | None = Field(
        default=None, description="Resolved identity: ORCID URL, or https://github.com/<login>."
    )
    role: str | None = Field(default=None, description="e.g. requester, approver, checker.")
    orcid: str | None = Field(
        default=None, description="ORCID URL from the policy's people registry, when listed."
    )


class Evidence(TomlModel):
    """What the decision was made on and which event carried it."""

    event: str = Field(description="GitHub event name, or 'cli' for a local command.")
    delivery: str = Field(description="Delivery or run id: the idempotency key of the event.")
    pr: int | None = None
    head_sha: str | None = None
    base_ref: str | None = None
    digest: str | None = Field(
        default=None, description="sha512:<hex> of the request files or the outputs manifest."
    )
    reviews: list[int] = Field(default_factory=list)
    label_events: list[int] = Field(default_factory=list)
    run_url: str | None = None
    url: str | None = Field(
        default=None,
        description="workflow-retrieval: the distribution URL the workflow was retrieved from.",
    )


class Result(TomlModel):
    """One output file of an execution."""

    path: str = Field(description="Path under outputs/.")
    size: int = Field(ge=0)
    sha512: str = Field(pattern=r"^[0-9a-f]{128}$")
    media_type: str
    rows: int | None = None


class Engine(TomlModel):
    """The workflow engine that ran an execution (wes and cwl executors), as the crate says."""

    name: str = Field(description="e.g. Toil, cwltool.")
    version: str
    run_id: str | None = Field(default=None, description="wes: the engine's run id.")
    language: str | None = Field(default=None, description="The workflow's language, e.g. CWL.")
    language_version: str | None = Field(default=None, description="e.g. v1.2.")


class Release(TomlModel):
    """Where a publication went."""

    tag: str
    sha512: str = Field(pattern=r"^[0-9a-f]{128}$")
    file: str = Field(description="Name of the release zip.")
    targets: list[str] = Field(default_factory=list)
    includes_data: bool = False
    bag_sha512: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{128}$",
        description="sha-512 of the bag's tagmanifest-sha512.txt: binds the record to the bag's "
                    "content, so a re-zip of the same bag is still recognised.")
    full_sha512: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{128}$",
        description="sha-512 of the zip WITH the data, when the TRE folder received that one "
                    "and the public zip carries checksums only.")
    full_bag_sha512: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{128}$",
        description="bag-sha512 of that zip with the data.")


class EntryDraft(TomlModel):
    """A record entry before it is sealed: everything but ``prev`` and ``digest``.

    Every producer (the engine's decisions, execution, retrieval, publication, retention)
    builds one of these, so an entry is validated when it is made, before any effect is
    applied; sealing chains it onto the record (core/ledger/chain.py)."""

    id: str = Field(pattern=r"^urn:uuid:[0-9a-f-]{36}$")
    phase: Phase
    status: Status
    start: str = Field(pattern=RFC3339)
    end: str | None = Field(default=None, pattern=RFC3339)
    attempt: int = Field(default=1, ge=1)
    reason: str = ""
    agents: list[Agent] = Field(default_factory=list)
    evidence: Evidence
    findings: list[str] = Field(default_factory=list, description="file:line: message lines.")
    results: list[Result] = Field(default_factory=list)
    engine: Engine | None = None
    release: Release | None = None
    # Disclosure entries (all optional: older records load unchanged).
    outputs: list[OutputDecision] = Field(
        default_factory=list, description="disclosure: the decision on each output.")
    disclosure_findings: list[DisclosureFinding] = Field(
        default_factory=list, description="disclosure: what the checks found.")
    exceptions: list[ExceptionRequest] = Field(
        default_factory=list, description="disclosure: the researcher's exception requests.")
    statements: list[Statement] = Field(
        default_factory=list, description="Reasons decision-makers wrote (reviews, comments).")
    changes_requested: list[str] = Field(
        default_factory=list,
        description="disclosure: outputs checkers asked to change; the same signed-off "
        "request may be re-run (a new execution attempt).")

    def fields(self) -> dict[str, Any]:
        """The draft as TOML keys, only what its producer set (what a plan carries)."""
        return self.model_dump(by_alias=True, exclude_unset=True, exclude_none=True,
                               mode="json")


class ActionEntry(EntryDraft):
    """One recorded action."""

    prev: str = Field(pattern=r"^[0-9a-f]{64}$")
    digest: str = Field(pattern=r"^[0-9a-f]{64}$")


class ActionRecord(TomlModel):
    """The whole of ``actions.toml``."""

    action: list[ActionEntry] = Field(default_factory=list)
