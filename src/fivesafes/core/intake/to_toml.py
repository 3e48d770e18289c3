"""Renders imported request tables as the project's TOML files (tomlkit, comments kept).

Each file starts with its ``#:schema`` line so editors validate it as it is filled in. A
value the submitted crate did not give is written empty with a ``FILL IN`` comment, and
``access.toml``, which is the TRE's side of a request and never travels in a crate, is
written as a commented placeholder for the maintainer.
"""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit.items import Table

from fivesafes.core import layout
from fivesafes.core.intake.from_crate import Missing, RequestDraft
from fivesafes.core.intake.inputs import Secret

ACCESS_PLACEHOLDER = """\
#:schema ../../.schemas/access.schema.json
# Where the requested data comes from and where the extract goes, inside the TRE.
# A submitted request never says this (nothing from this file is ever written into a crate),
# so the MAINTAINER of this project repository fills it in before sign-off. Until then
# `fivesafes validate` reports the empty values below.
# NEVER write a password, token or connection string here: give the NAMES of the secrets the
# TRE holds (upper case, e.g. SOURCE_DATABASE_URL); the executor reads them at run time.

[source]
name = ""  # FILL IN: the data store's name
type = ""  # FILL IN: sqlite, postgresql, mysql, mssql, databricks or filestore
# host = ""      # optional: the database host inside the TRE
# database = ""  # optional: the database name

[credentials]
provider = "environment"
# secrets = { url = "SOURCE_DATABASE_URL" }  # role -> secret NAME

[destination]
type = ""  # FILL IN: workspace, filestore, postgresql or duckdb
name = ""  # FILL IN: the TRE workspace or store that receives the extract
"""


def _fill(table: Table, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, Secret):
            table.add(key, "")
            table[key].comment(f"FILL IN: {value.hint}")
        elif isinstance(value, Missing):
            table.add(key, "")
            table[key].comment(f"FILL IN: {value.hint} (not in the submitted crate)")
        elif isinstance(value, dict):
            inner = tomlkit.table()
            _fill(inner, value)
            table.add(key, inner)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            array = tomlkit.aot()
            for item in value:
                inner = tomlkit.table()
                _fill(inner, item)
                array.append(inner)
            table.add(key, array)
        else:
            table.add(key, value)


def _document(schema: str, header: list[str], data: dict[str, Any]) -> str:
    doc = tomlkit.document()
    doc.add(tomlkit.comment(f":schema {schema}"))
    for line in header:
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    for key, value in data.items():
        table = tomlkit.table()
        _fill(table, value)
        doc.add(key, table)
    return tomlkit.dumps(doc).replace("# :schema", "#:schema", 1)


def render_request(draft: RequestDraft, source: str) -> dict[str, str]:
    """Repository path -> TOML text of every file the import writes."""
    made = f"Imported by `fivesafes import` from {source}; check it with `fivesafes validate`."
    return {
        layout.PROJECT: _document(
            "../../.schemas/project.schema.json",
            ["The research project and the person who requests access.", made],
            draft.project),
        layout.WORKFLOW: _document(
            "../.schemas/workflow.schema.json",
            ["The analysis to run on the approved data, and its inputs.", made],
            draft.workflow),
        layout.ACCESS: ACCESS_PLACEHOLDER,
    }
