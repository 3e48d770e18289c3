"""How an approved workflow runs inside the TRE, and where workflows may come from.

``[executor]`` chooses the kind of run (local, extract, http, wes, cwl), its command,
timeout, staging, sandbox and retention; ``[workflows]`` the https prefixes a workflow may be
fetched from.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fivesafes.models.base import TomlModel


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
