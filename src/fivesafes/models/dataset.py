"""``resources/metadata/dataset_*.toml``: one requested dataset each."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fivesafes.models.base import TomlModel

FilterOp = Literal["=", "!=", "<", "<=", ">", ">=", "in", "not-in", "is-null", "not-null"]
Scalar = str | int | float | bool


class Column(TomlModel):
    """A requested column."""

    name: str = Field(min_length=1)
    description: str | None = None
    datatype: str | None = Field(default=None, description="Source data type, e.g. INTEGER.")


class Filter(TomlModel):
    """A row filter, structured (never free SQL) so it can be checked and applied safely."""

    column: str = Field(min_length=1)
    op: FilterOp
    value: Scalar | list[Scalar] | None = None


class Table(TomlModel):
    """A requested table; no columns listed means every column of the table."""

    name: str = Field(min_length=1)
    description: str | None = None
    columns: list[Column] = Field(default_factory=list)
    filters: list[Filter] = Field(default_factory=list)


class Dataset(TomlModel):
    """A dataset: a schema of the source and the tables requested from it."""

    name: str = Field(min_length=1, description="Unique across the dataset files.")
    description: str = Field(min_length=1)
    schema_: str | None = Field(default=None, alias="schema")
    justification: str = Field(min_length=1, description="Why the project needs this data.")
    tables: list[Table] = Field(default_factory=list, description="Empty: the whole schema.")


class DatasetFile(TomlModel):
    """The whole of one ``dataset_*.toml``."""

    dataset: Dataset
