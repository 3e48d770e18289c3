"""Nothing from access.toml (hosts, ports, databases, secret names, workspaces) reaches a crate."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.support.crate import build
from tests.support.crate_records import record_until

from fivesafes.adapters.release.crate_writer import render_crate
from fivesafes.core.ledger import chain as ledger
from fivesafes.models.ledger import ActionRecord


def access_values(crate_project: Path) -> list[str]:
    data = tomllib.loads((crate_project / "resources/access/access.toml").read_text())
    source, dest = data["source"], data["destination"]
    return [source["name"], source["host"], str(source["port"]), source["database"],
            dest["name"], *data["credentials"]["secrets"].values()]


def leaky_record() -> ActionRecord:
    """A failed execution and a failed check whose reasons quote the access file."""
    record = record_until("sign-off")
    record = ledger.append(record, {
        "id": "urn:uuid:00000000-0000-4000-8000-0000000000e1", "phase": "execution",
        "status": "failed", "start": "2026-03-05T10:00:00Z", "end": "2026-03-05T10:01:00Z",
        "agents": [{"login": "fivesafes[bot]", "kind": "automation"}],
        "evidence": {"event": "push", "delivery": "leak-1"},
        "reason": "could not connect to db7.internal.tre.example:6543/linked_cohort_2026 "
                  "as WAREHOUSE_DB_PASSWORD (WAREHOUSE_DATABASE_URL) for cohort-warehouse-prod "
                  "into secure-workspace-42",
    })
    return ledger.append(record, {
        "id": "urn:uuid:00000000-0000-4000-8000-0000000000e2", "phase": "check",
        "status": "failed", "start": "2026-03-05T11:00:00Z", "end": "2026-03-05T11:00:01Z",
        "agents": [], "evidence": {"event": "pull_request", "delivery": "leak-2"},
        "reason": "resources/access/access.toml names host db7.internal.tre.example",
        "findings": ["resources/access/access.toml:7: host db7.internal.tre.example"],
    })


def test_access_values_never_appear(crate_project: Path) -> None:
    values = access_values(crate_project)
    assert len(values) == 7
    for record in (record_until("publication"), leaky_record()):
        files = render_crate(build(crate_project, record=record))
        for name, data in files.items():
            text = data.decode()
            for value in values:
                assert value not in text, f"{value!r} leaked into {name}"
    rendered = render_crate(build(crate_project, record=leaky_record()))
    text = rendered["ro-crate-metadata.json"].decode()
    assert "could not connect to [redacted]" in text


def test_template_access_values_never_appear(template: Path) -> None:
    data = tomllib.loads((template / "resources/access/access.toml").read_text())
    values = [data["source"]["name"], data["source"]["database"], data["destination"]["name"],
              *data["credentials"]["secrets"].values()]
    for blob in render_crate(build(template)).values():
        for value in values:
            assert value.encode() not in blob
