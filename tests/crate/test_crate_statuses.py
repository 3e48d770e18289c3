"""How recorded statuses become 0.4 action statuses, and when results are withheld."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from tests.support.crate import build, by_id, ids
from tests.support.crate_records import BOT, RESULTS, record_until

from fivesafes.core.crate import profile_04 as p
from fivesafes.core.crate.spec import Published, crate_results
from fivesafes.core.ledger import chain as ledger
from fivesafes.models.ledger import ActionRecord, Result


def create_action(crate: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in crate["@graph"] if e.get("@type") == "CreateAction")


def phase_action(crate: dict[str, Any], shp: str) -> dict[str, Any] | None:
    return next((e for e in crate["@graph"]
                 if e.get("additionalType") == {"@id": p.SHP + shp}), None)


@pytest.mark.parametrize(("status", "decided_by", "expected"), [
    ("potential", 0, p.POTENTIAL), ("active", 0, p.ACTIVE), ("completed", 1, p.COMPLETED),
    ("failed", 1, p.FAILED), ("pending", 0, p.POTENTIAL), ("pending", 1, p.ACTIVE),
    ("refused", 1, None),
])
def test_status_mapping(status: Any, decided_by: int, expected: str | None) -> None:
    assert p.action_status(status, decided_by=decided_by) == expected


def test_every_phase_has_a_kind() -> None:
    assert set(p.PHASE_KINDS) == {"check", "validation", "workflow-retrieval", "sign-off",
                                  "execution", "disclosure", "publication"}


def test_fresh_request_is_a_potential_create_action(crate_project: Path) -> None:
    crate = build(crate_project, record=ActionRecord())
    create = create_action(crate)
    assert create["actionStatus"] == p.POTENTIAL
    assert "startTime" not in create
    assert "result" not in create
    assert ids(crate["@graph"][1]["mentions"]) == [create["@id"]]
    assert crate["@graph"][1]["datePublished"] == "2026-01-01"
    assert "publisher" not in crate["@graph"][1]


def test_pending_sign_off(crate_project: Path) -> None:
    crate = build(crate_project, record=record_until("sign-off").model_copy(
        update={"action": record_until("sign-off").action[:6]}))
    sign_off = phase_action(crate, "SignOff")
    assert sign_off is not None
    assert sign_off["actionStatus"] == p.POTENTIAL
    assert "agent" not in sign_off
    assert "endTime" not in sign_off
    assert create_action(crate)["actionStatus"] == p.POTENTIAL


def test_partly_approved_disclosure_is_active(crate_project: Path) -> None:
    record = record_until("disclosure")
    crate = build(crate_project, record=ActionRecord(action=record.action[:-1]))
    disclosure = phase_action(crate, "DisclosureCheck")
    assert disclosure is not None
    assert disclosure["actionStatus"] == p.ACTIVE
    assert ids(disclosure["agent"]) == ["https://github.com/chris-checker"]


def test_active_execution(crate_project: Path) -> None:
    record = record_until("execution")
    crate = build(crate_project, record=ActionRecord(action=record.action[:-1]))
    create = create_action(crate)
    assert create["actionStatus"] == p.ACTIVE
    assert create["startTime"]
    assert "endTime" not in create
    assert "result" not in create


def test_failed_execution_has_error_and_no_results(crate_project: Path) -> None:
    crate = build(crate_project, record=record_until("execution", execution="failed"))
    create = create_action(crate)
    assert create["actionStatus"] == p.FAILED
    assert create["error"] == "executor exited with 1"
    assert "result" not in create
    assert create["endTime"]


def test_rejected_disclosure_withholds_results(crate_project: Path) -> None:
    crate = build(crate_project, record=record_until("disclosure", disclosure="failed"))
    graph = by_id(crate)
    create = create_action(crate)
    assert create["actionStatus"] == p.COMPLETED
    assert "result" not in create
    assert ids(crate["@graph"][1]["hasPart"]) == ["https://workflowhub.eu/workflows/1234?version=3"]
    assert not [i for i in graph if "outputs/" in i]
    disclosure = phase_action(crate, "DisclosureCheck")
    assert disclosure is not None
    assert disclosure["actionStatus"] == p.FAILED
    assert disclosure["object"] == {"@id": "./"}


def test_rejected_disclosure_withholds_explicit_results_too() -> None:
    record = record_until("disclosure", disclosure="failed")
    given = [Result.model_validate(RESULTS[0])]
    assert crate_results(record, given) == ([], True)


def test_explicit_results_attached(crate_project: Path) -> None:
    digest = hashlib.sha512(b"x").hexdigest()
    given = [Result(path="table 1.csv", size=1, sha512=digest, media_type="text/csv")]
    crate = build(crate_project, results=given, attached_results=True)
    create = create_action(crate)
    assert ids(create["result"]) == ["outputs/table%201.csv"]
    entity = by_id(crate)["outputs/table%201.csv"]
    assert "localPath" not in entity
    assert entity["name"] == "table 1.csv"


def test_publication_being_made(crate_project: Path) -> None:
    record = record_until("disclosure")
    crate = build(crate_project, record=record, published=Published(
        date_published="2026-04-01T09:00:00Z", tag="release-2", zip_sha512=None))
    root = crate["@graph"][1]
    assert root["datePublished"] == "2026-04-01T09:00:00Z"
    assert root["publisher"] == {"@id": "https://tre.example.org"}
    assert "release-2" in root["description"]


def test_without_policy(crate_project: Path) -> None:
    crate = build(crate_project, policy=None)
    graph = by_id(crate)
    root = crate["@graph"][1]
    assert root["license"] == {"@id": "https://spdx.org/licenses/CC-BY-4.0"}
    assert "publisher" not in root
    bot = next(e for e in crate["@graph"] if e.get("@type") == "SoftwareApplication")
    assert "provider" not in bot
    sign_off = phase_action(crate, "SignOff")
    assert sign_off is not None
    assert graph[sign_off["instrument"]["@id"]]["name"]


def test_automation_without_recorded_agent(crate_project: Path) -> None:
    record = ledger.append(ActionRecord(), {
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001", "phase": "check",
        "status": "completed", "start": "2026-03-01T10:00:00+01:00",
        "end": "2026-03-01T10:00:05+01:00", "agents": [],
        "evidence": {"event": "cli", "delivery": "local-1"}})
    crate = build(crate_project, record=record)
    check = phase_action(crate, "CheckValue")
    assert check is not None
    assert by_id(crate)[check["agent"]["@id"]]["@type"] == "SoftwareApplication"
    assert crate["@graph"][1]["datePublished"] == "2026-03-01T10:00:05+01:00"
    assert BOT["kind"] == "automation"


@pytest.mark.parametrize("path", ["../escape.csv", "/abs.csv", "a//b.csv", "a/./b", "",
                                  "outputs/", "a\\b.csv"])
def test_result_paths_stay_under_outputs(crate_project: Path, path: str) -> None:
    digest = hashlib.sha512(b"x").hexdigest()
    given = [Result(path=path, size=1, sha512=digest, media_type="text/csv")]
    with pytest.raises(ValueError, match="not a plain relative path"):
        build(crate_project, results=given)


def test_crate_after_publication_is_the_same_with_or_without_published(crate_project: Path) -> None:
    """publish rebuilds crate/ with Published; a later `crate build --check` must agree."""
    record = record_until("publication")
    entry = record.action[-1]
    assert entry.release is not None
    assert entry.end is not None
    published = Published(date_published=entry.end, tag=entry.release.tag,
                          zip_sha512=entry.release.sha512)
    assert build(crate_project, record=record, published=published) == \
        build(crate_project, record=record)
