"""Source catalogue checks: does the source hold what the request asks for?

An approver signs off a list of schemas, tables and columns; if a name is misspelt the
request either fails late, inside the TRE, or (worse) someone "fixes" it after sign-off. So
validation compares every requested name with the source's catalogue (read by an adapter:
SQL inspection or a metadata service) and reports each miss at its line in the dataset file.
The same comparison yields the enrichment plan: column types and descriptions the catalogue
knows and the dataset file does not say yet. Pure: catalogue and file texts in, findings out.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fivesafes.core.findings import Finding
from fivesafes.core.request.toml_locate import locate
from fivesafes.models.dataset import DatasetFile, Table


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    datatype: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class TableInfo:
    name: str
    columns: tuple[ColumnInfo, ...] = ()
    description: str | None = None

    def column(self, name: str) -> ColumnInfo | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Catalogue:
    """What a source holds: schema -> table name -> table. ``default_schema`` for no schema."""

    source: str
    schemas: Mapping[str, Mapping[str, TableInfo]] = field(default_factory=dict)
    default_schema: str | None = None

    def tables(self, schema: str | None) -> Mapping[str, TableInfo] | None:
        return self.schemas.get(schema or self.default_schema or "")


@dataclass(frozen=True)
class ColumnEnrichment:
    """Set ``datatype``/``description`` (None: leave as is) of one column of a dataset file."""

    file: str
    table_index: int
    column_index: int
    column: str
    datatype: str | None = None
    description: str | None = None


def _hint(name: str, choices: Sequence[str]) -> str:
    if not choices:
        return "the source has none; check the source named in access.toml"
    folded = [c for c in choices if c.lower() == name.lower()]
    close = folded or difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'? (names are case-sensitive)"
    shown = ", ".join(sorted(choices)[:8]) + (", ..." if len(choices) > 8 else "")
    return f"use one of: {shown}"


def _line(text: str, *path: str | int) -> int | None:
    position = locate(text, ("dataset", *path))
    return position[0] if position else None


def _base_type(datatype: str) -> str:
    return datatype.split("(")[0].strip().upper()


def _check_table(path: str, text: str, index: int, table: Table, info: TableInfo,
                 source: str) -> list[Finding]:
    findings: list[Finding] = []
    names = [c.name for c in info.columns]
    for c_index, column in enumerate(table.columns):
        line = _line(text, "tables", index, "columns", c_index, "name")
        found = info.column(column.name)
        if found is None:
            findings.append(Finding(
                path, line, None, "catalogue.column",
                f"column '{column.name}' is not in table '{table.name}' of source '{source}'",
                _hint(column.name, names)))
        elif column.datatype and found.datatype and (
                _base_type(column.datatype) != _base_type(found.datatype)):
            findings.append(Finding(
                path, line, None, "catalogue.datatype",
                f"column '{column.name}' is declared {column.datatype} but the source has "
                f"{found.datatype}",
                f"set datatype = \"{found.datatype}\" (or run `fivesafes catalogue enrich`)",
                "warning"))
    for f_index, flt in enumerate(table.filters):
        if info.column(flt.column) is None:
            findings.append(Finding(
                path, _line(text, "tables", index, "filters", f_index, "column"), None,
                "catalogue.filter-column",
                f"filter column '{flt.column}' is not in table '{table.name}' of source "
                f"'{source}'", _hint(flt.column, names)))
    return findings


def check(datasets: Sequence[tuple[str, DatasetFile]], texts: Mapping[str, str],
          catalogue: Catalogue) -> list[Finding]:
    """Every requested schema, table, column and filter column missing from the catalogue."""
    findings: list[Finding] = []
    for path, dataset_file in datasets:
        dataset = dataset_file.dataset
        text = texts.get(path, "")
        tables = catalogue.tables(dataset.schema_)
        if tables is None:
            shown = dataset.schema_ or "(default)"
            findings.append(Finding(
                path, _line(text, "schema"), None, "catalogue.schema",
                f"schema '{shown}' is not in source '{catalogue.source}'",
                _hint(dataset.schema_ or "", list(catalogue.schemas))))
            continue
        for index, table in enumerate(dataset.tables):
            info = tables.get(table.name)
            if info is None:
                findings.append(Finding(
                    path, _line(text, "tables", index, "name"), None,
                    "catalogue.table",
                    f"table '{table.name}' is not in schema '{dataset.schema_ or '(default)'}' "
                    f"of source '{catalogue.source}'", _hint(table.name, list(tables))))
                continue
            findings.extend(_check_table(path, text, index, table, info, catalogue.source))
    return sorted(findings)


def enrichment(datasets: Sequence[tuple[str, DatasetFile]],
               catalogue: Catalogue) -> list[ColumnEnrichment]:
    """Column types the file lacks or gets wrong, and descriptions it lacks.

    A researcher's own description is never overwritten; a datatype is, because the source is
    the authority on it.
    """
    plan: list[ColumnEnrichment] = []
    for path, dataset_file in datasets:
        tables = catalogue.tables(dataset_file.dataset.schema_) or {}
        for t_index, table in enumerate(dataset_file.dataset.tables):
            info = tables.get(table.name)
            if info is None:
                continue
            for c_index, column in enumerate(table.columns):
                found = info.column(column.name)
                if found is None:
                    continue
                datatype = found.datatype if found.datatype and (
                    column.datatype is None
                    or _base_type(column.datatype) != _base_type(found.datatype)) else None
                description = found.description if (
                    found.description and not column.description) else None
                if datatype or description:
                    plan.append(ColumnEnrichment(path, t_index, c_index, column.name,
                                                 datatype, description))
    return plan
