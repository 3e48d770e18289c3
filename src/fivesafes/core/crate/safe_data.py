"""Safe Data in a request's crate: exactly which data the approvers signed off.

Each ``dataset_*.toml`` becomes a ``CreativeWork`` with its justification; each requested table
one it ``hasPart``, whose ``variableMeasured`` are the requested columns (``PropertyValue``) and
whose description spells out the row filters; a dataset requested whole names its schema. They
are not typed ``Dataset``: in RO-Crate 1.2 a Dataset is a data entity, part of the crate, and
the approved data never is. They are
the data the workflow reads (its ``{source}``), so the request's CreateAction lists them as
``object``, each ``exampleOfWork`` a FormalParameter for that approved data. Nothing here
reads ``access.toml``: the crate says WHAT was approved, never where it lives.
"""

from __future__ import annotations

from fivesafes.core.crate.entities import Entity, Graph, ref, refs
from fivesafes.core.ids import derived_urn
from fivesafes.core.request.parsed import Request
from fivesafes.models.dataset import Dataset, Filter, Table

OPS = {"=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "in": "in",
       "not-in": "not in", "is-null": "is empty", "not-null": "is not empty"}


def filter_text(flt: Filter) -> str:
    """``birth_year ≥ 1940``: a row filter as a reader would say it."""
    value = flt.value
    if isinstance(value, list):
        shown = "(" + ", ".join(repr(v) if isinstance(v, str) else str(v) for v in value) + ")"
    elif value is None:
        shown = ""
    else:
        shown = repr(value) if isinstance(value, str) else str(value)
    return f"{flt.column} {OPS[flt.op]} {shown}".rstrip()


def _table(graph: Graph, request: Request, ds: Dataset, table: Table) -> str:
    base = derived_urn("requested-table", request.id, ds.name, table.name)
    name = f"{ds.schema_}.{table.name}" if ds.schema_ else table.name
    columns = [
        graph.add({
            "@id": derived_urn("requested-column", request.id, ds.name, table.name, c.name),
            "@type": "PropertyValue", "name": c.name,
            "description": (c.description or f"Column {c.name} of {name}.")
                           + (f" Source type {c.datatype}." if c.datatype else ""),
        })
        for c in table.columns
    ]
    text = (table.description or f"Table {name} of the source.").rstrip(".") + "."
    text += (" Columns: " + ", ".join(c.name for c in table.columns) + "."
             if table.columns else " Every column.")
    text += (" Rows where " + " and ".join(filter_text(f) for f in table.filters) + "."
             if table.filters else " Every row.")
    entity: Entity = {"@id": base, "@type": "CreativeWork", "name": f"Table {name}",
                      "description": text}
    if columns:
        entity["variableMeasured"] = refs(columns)
    return graph.add(entity)


def add_requested_data(graph: Graph, request: Request, workflow: str) -> list[str]:
    """The approved datasets (each with its tables), as the CreateAction's objects."""
    if not request.datasets:
        return []
    parameter = graph.add({
        "@id": derived_urn("formal-parameter", workflow, "approved-data"),
        "@type": "FormalParameter", "name": "approved data",
        "description": "The data the workflow reads ({source}): only the datasets, tables, "
                       "columns and rows the approvers signed off.",
    })
    ids = []
    for _, file in request.datasets:
        ds = file.dataset
        tables = [_table(graph, request, ds, t) for t in ds.tables]
        scope = (f"{len(tables)} table(s)" if tables
                 else f"the whole schema {ds.schema_ or '(unnamed)'}")
        entity: Entity = {
            "@id": derived_urn("requested-dataset", request.id, ds.name),
            "@type": "CreativeWork",
            "name": f"Requested data: {ds.name}",
            "description": f"{ds.description.strip()} Requested: {scope}. Justification: "
                           f"{ds.justification.strip()}",
            "exampleOfWork": ref(parameter),
        }
        if tables:
            entity["hasPart"] = refs(tables)
        ids.append(graph.add(entity))
    return ids
