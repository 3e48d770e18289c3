"""Checks of the data a request asks for beyond the schema: its datasets and access file.

A dataset named for its file, a scope of tables or a whole schema, each table and column
listed once, row filters on requested columns with values their operator can apply, and an
access source whose port has a host and whose databricks source names a catalog.
"""

from __future__ import annotations

from fivesafes.core.findings import Finding
from fivesafes.core.request import values as checks
from fivesafes.core.request.toml_doc import Doc
from fivesafes.models.access import AccessFile
from fivesafes.models.dataset import DatasetFile


def access(doc: Doc, model: AccessFile) -> list[Finding]:
    out: list[Finding] = []
    source = model.source
    if source.port is not None and not source.host:
        out.append(doc.at(("source", "port"), "access.port", "port is set but host is not",
                          "add host, or remove port", "warning"))
    if source.type == "databricks" and not source.catalog:
        out.append(doc.at(("source",), "access.catalog", "a databricks source needs a catalog",
                          'add catalog = "..." to [source]'))
    return out


def dataset(doc: Doc, model: DatasetFile) -> list[Finding]:
    out: list[Finding] = []
    ds = model.dataset
    expected = doc.file.rsplit("/", 1)[-1].removeprefix("dataset_").removesuffix(".toml")
    if ds.name != expected:
        out.append(doc.at(("dataset", "name"), "dataset.file-name",
                          f"dataset {ds.name!r} is in a file named for {expected!r}",
                          f"rename the file to dataset_{ds.name}.toml or fix the name",
                          "warning"))
    if not ds.tables and not ds.schema_:
        out.append(doc.at(("dataset",), "dataset.scope",
                          "the dataset lists no tables and names no schema",
                          "list the tables you need, or name the schema you request whole"))
    seen_tables: set[str] = set()
    for t, table in enumerate(ds.tables):
        base = ("dataset", "tables", t)
        if table.name in seen_tables:
            out.append(doc.at((*base, "name"), "dataset.duplicate-table",
                              f"table {table.name!r} is requested twice",
                              "merge the two [[dataset.tables]] entries"))
        seen_tables.add(table.name)
        columns = [c.name for c in table.columns]
        for c, name in enumerate(columns):
            if name in columns[:c]:
                out.append(doc.at((*base, "columns", c, "name"), "dataset.duplicate-column",
                                  f"column {name!r} of table {table.name!r} is listed twice",
                                  "remove one of them"))
        for f, flt in enumerate(table.filters):
            where = (*base, "filters", f)
            if columns and flt.column not in columns:
                guess = checks.did_you_mean(flt.column, columns)
                out.append(doc.at((*where, "column"), "dataset.filter-column",
                                  f"filter column {flt.column!r} is not a requested column of "
                                  f"{table.name!r}",
                                  f"did you mean {guess!r}?" if guess else
                                  f"use one of {', '.join(columns)}"))
            out += _filter_value(doc, where, flt.op, flt.value)
    return out


def _filter_value(doc: Doc, where: tuple[str | int, ...], op: str, value: object
                  ) -> list[Finding]:
    path = (*where, "value")
    if op in ("is-null", "not-null"):
        if value is not None:
            return [doc.at(path, "dataset.filter-value", f"op {op!r} takes no value",
                           "remove value")]
    elif op in ("in", "not-in"):
        if not isinstance(value, list) or not value:
            return [doc.at(path if value is not None else where, "dataset.filter-value",
                           f"op {op!r} needs a non-empty list value", 'e.g. value = ["a", "b"]')]
    elif value is None or isinstance(value, list):
        return [doc.at(path if value is not None else where, "dataset.filter-value",
                       f"op {op!r} needs a single value", "e.g. value = 1940")]
    return []
