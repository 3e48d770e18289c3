"""``resources/access/access.toml``: where data comes from and goes to.

Holds secret NAMES only. Nothing from this file is ever written into a crate.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fivesafes.models.base import TomlModel

SourceType = Literal["sqlite", "postgresql", "mysql", "mssql", "databricks", "filestore"]
OutputFormat = Literal["csv", "parquet"]


class Source(TomlModel):
    """The data store the requested datasets are read from."""

    name: str = Field(min_length=1)
    type: SourceType
    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    database: str | None = Field(
        default=None, description="Database name, or for sqlite a path relative to the TRE."
    )
    catalog: str | None = Field(default=None, description="Catalog (databricks, mssql).")


class Credentials(TomlModel):
    """How the executor obtains credentials: secret NAMES, never values.

    Either way the executor reads each secret from an environment variable of the TRE's runner:
    ``github-secrets`` says the TRE's workflow maps GitHub environment secrets into it,
    ``environment`` that the runner's own environment holds it (docs/executors.md).
    """

    provider: Literal["environment", "github-secrets"] = "environment"
    secrets: dict[str, str] = Field(
        default_factory=dict,
        description="Role -> secret NAME: url (the source), destination (a postgresql "
        "destination's database), e.g. {url = 'SOURCE_DATABASE_URL'}.",
    )


class Destination(TomlModel):
    """The TRE workspace or store that receives the extracted data."""

    type: Literal["workspace", "filestore", "postgresql", "duckdb"] = Field(
        description="workspace or filestore: a file per table; duckdb: one DuckDB file; "
        "postgresql: a schema of the workspace's database.")
    name: str = Field(min_length=1, description="The workspace; for postgresql, the schema.")
    format: OutputFormat = Field(default="csv", description="File format of workspace and "
                                 "filestore extracts.")


class AccessFile(TomlModel):
    """The whole of ``access.toml``."""

    source: Source
    credentials: Credentials = Field(default_factory=Credentials)
    destination: Destination
