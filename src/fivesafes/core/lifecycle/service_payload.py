"""The JSON a request is sent to a TRE service as (metadata, validate, package, publish).

Built in one place so every endpoint sees the same shape (docs/executors.md documents it). It
carries what the service needs to find and copy the data, and nothing it does not: the source
is named, not located (no host, port or secret names: the service resolves the name in its own
configuration inside the TRE).
"""

from __future__ import annotations

from typing import Any

from fivesafes.core.request.parsed import Request

CONTRACT_VERSION = "1"


def request_payload(request: Request) -> dict[str, Any]:
    access = request.access
    workflow = request.workflow.workflow
    return {
        "contract": CONTRACT_VERSION,
        "project": {"id": request.id, "title": request.project.project.title},
        "requester": {"github": request.project.requester.github,
                      "orcid": request.project.requester.orcid},
        "source": {"name": access.source.name, "type": access.source.type},
        "destination": access.destination.model_dump(by_alias=True, mode="json",
                                                     exclude_none=True),
        "datasets": [
            {"file": path, **dataset.dataset.model_dump(by_alias=True, mode="json",
                                                        exclude_none=True)}
            for path, dataset in request.datasets
        ],
        "workflow": workflow.model_dump(by_alias=True, mode="json", exclude_none=True),
    }
