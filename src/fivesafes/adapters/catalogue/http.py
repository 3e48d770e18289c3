"""Reads a source's catalogue from a metadata service (in the style of CR8TOR's).

Some TREs do not let the automation near the database at all, not even to list columns; a
metadata service inside the TRE answers instead. The contract (docs/executors.md): POST
``<url>/project/validate`` with the request payload; the answer lists, per schema, the tables
and their columns with types and descriptions. Answers that do not follow the contract are
refused with a message naming the field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from fivesafes.adapters.catalogue.http_json import Service, ServiceError, post_json
from fivesafes.core.lifecycle.service_payload import request_payload
from fivesafes.core.request.catalogue import Catalogue, ColumnInfo, TableInfo
from fivesafes.core.request.parsed import Request

VALIDATE_PATH = "project/validate"


class _Column(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    datatype: str | None = None
    description: str | None = None


class _Table(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    description: str | None = None
    columns: list[_Column] = []


class _Schema(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    tables: list[_Table] = []


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    status: str = "ok"
    default_schema: str | None = None
    schemas: list[_Schema]


def parse_answer(url: str, source_name: str, data: dict[str, Any]) -> Catalogue:
    try:
        answer = _Answer.model_validate(data)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise ServiceError(f"{url}: the answer does not follow the metadata contract "
                           f"(field {where}: {exc.errors()[0]['msg']})") from None
    if answer.status != "ok":
        raise ServiceError(f"{url}: the service answered status {answer.status!r}")
    schemas = {
        schema.name: {
            table.name: TableInfo(
                table.name,
                tuple(ColumnInfo(c.name, c.datatype, c.description) for c in table.columns),
                table.description,
            )
            for table in schema.tables
        }
        for schema in answer.schemas
    }
    return Catalogue(source_name, schemas, answer.default_schema)


def read_catalogue(service: Service, request: Request) -> Catalogue:
    """The catalogue of the request's source as the metadata service reports it."""
    data = post_json(service, VALIDATE_PATH, request_payload(request),
                     idempotency_key=f"{request.id}:metadata")
    return parse_answer(service.endpoint(VALIDATE_PATH), request.access.source.name, data)
