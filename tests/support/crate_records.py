"""Action records for the crate tests, made with the real ledger chain (core.ledger.append)."""

from __future__ import annotations

import hashlib
from typing import Any

from fivesafes.core.ids import derived_urn
from fivesafes.core.ledger import chain as ledger
from fivesafes.models.ledger import ActionRecord

BOT = {"login": "fivesafes[bot]", "kind": "automation", "name": "fivesafes automation"}
REQUEST_DIGEST = "sha512:" + hashlib.sha512(b"request files").hexdigest()
WORKFLOW_DIGEST = "sha512:" + hashlib.sha512(b"workflow crate zip").hexdigest()
HEAD = "4f2a9c1d0e5b7a3c6d8e9f0a1b2c3d4e5f6a7b8c"
RESULTS = [
    {"path": "counts_by_region.csv", "size": 182, "media-type": "text/csv", "rows": 9,
     "sha512": hashlib.sha512(b"counts").hexdigest()},
    {"path": "summary/report.md", "size": 640, "media-type": "text/markdown",
     "sha512": hashlib.sha512(b"report").hexdigest()},
]
PHASES = ("check", "validation", "workflow-retrieval", "sign-off", "execution", "disclosure",
          "publication")


def _fields(n: int, phase: str, status: str, **extra: Any) -> dict[str, Any]:
    start = f"2026-03-0{1 + n // 10}T{10 + n % 10:02d}:00:00Z"
    fields: dict[str, Any] = {
        "id": derived_urn("test-entry", n), "phase": phase, "status": status, "start": start,
        "agents": [BOT],
        "evidence": {"event": "pull_request", "delivery": f"delivery-{n}", "pr": 7,
                     "head-sha": HEAD},
    }
    if status in ("completed", "failed", "refused"):
        fields["end"] = start.replace(":00:00Z", ":00:30+00:00")
    fields.update(extra)
    return fields


def record_until(last: str = "publication", *, disclosure: str = "completed",
                 execution: str = "completed") -> ActionRecord:
    """A record through phase ``last``, with a refused attempt and a superseded pending entry."""
    approver = {"login": "sam-approver", "name": "Sam Approver", "role": "approver",
                "id": "https://orcid.org/0000-0001-5109-3700"}
    checkers = [{"login": "chris-checker", "name": "Chris Checker", "role": "checker"},
                {"login": "dana-checker", "role": "checker"}]
    plan: list[dict[str, Any]] = [
        _fields(1, "check", "failed", reason="1 file outside resources/"),
        _fields(2, "check", "completed",
                evidence={"event": "pull_request", "delivery": "d2", "pr": 7, "head-sha": HEAD,
                          "digest": REQUEST_DIGEST}),
        _fields(3, "validation", "completed"),
        _fields(4, "workflow-retrieval", "completed",
                evidence={"event": "pull_request", "delivery": "d4", "digest": WORKFLOW_DIGEST}),
        _fields(5, "sign-off", "refused", agents=[{"login": "mallory"}],
                reason="mallory is not an allowed approver"),
        _fields(6, "sign-off", "pending", agents=[]),
        _fields(7, "sign-off", "completed", agents=[approver],
                evidence={"event": "pull_request_review", "delivery": "d7", "pr": 7,
                          "head-sha": HEAD, "digest": REQUEST_DIGEST, "reviews": [11]}),
        _fields(8, "execution", "active"),
        _fields(9, "execution", execution,
                results=RESULTS if execution == "completed" else [],
                reason="" if execution == "completed" else "executor exited with 1"),
        _fields(10, "disclosure", "pending", agents=[checkers[0]]),
        _fields(11, "disclosure", disclosure, agents=checkers,
                reason="" if disclosure == "completed" else "cell counts below 10"),
        _fields(12, "publication", "completed",
                release={"tag": "release-1", "file": "release-1.zip",
                         "sha512": hashlib.sha512(b"zip").hexdigest()}),
    ]
    record = ActionRecord()
    stop = PHASES.index(last)
    for fields in plan:
        if PHASES.index(fields["phase"]) > stop:
            break
        record = ledger.append(record, fields)
    return record
