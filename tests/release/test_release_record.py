"""The crate's actions against the record's entries: any disagreement is named."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from tests.support.release import record

from fivesafes.adapters.files.project import load_project
from fivesafes.core.crate.spec import build_crate
from fivesafes.core.ids import derived_urn
from fivesafes.core.ledger import chain as ledger
from fivesafes.core.release.record_match import check_against_record
from fivesafes.models.ledger import ActionRecord
from fivesafes.services.software import software

BAG = "b" * 128


def _published() -> ActionRecord:
    return ledger.append(record(), {
        "id": derived_urn("release-test", "publication"), "phase": "publication",
        "status": "completed", "start": "2026-03-02T10:00:00Z", "end": "2026-03-02T10:00:00Z",
        "agents": [{"login": "fivesafes[bot]", "kind": "automation"}],
        "evidence": {"event": "cli", "delivery": "p1"},
        "release": {"tag": "x/v1", "sha512": "a" * 128, "file": "x-v1.zip", "bag-sha512": BAG},
    })


@pytest.fixture
def crate(release_project: Path) -> dict[str, Any]:
    loaded = load_project(release_project)
    return build_crate(loaded.request, _published(), loaded.policy, software=software())


def _rules(crate: dict[str, Any], rec: ActionRecord | None = None, bag: str = BAG) -> set[str]:
    found, _ = check_against_record(rec or _published(), "actions.toml", crate, "crate", None,
                                    bag)
    return {f.rule for f in found}


def _action(crate: dict[str, Any], additional: str) -> dict[str, Any]:
    return next(e for e in crate["@graph"]
                if e.get("additionalType", {}).get("@id", "").endswith(additional))


def test_the_crate_agrees_with_its_record(crate: dict[str, Any]) -> None:
    assert _rules(crate) == set()


def test_a_bag_the_record_never_published(crate: dict[str, Any]) -> None:
    assert _rules(crate, bag="c" * 128) == {"record.not-published"}


def test_other_people_status_or_phase(crate: dict[str, Any]) -> None:
    other = copy.deepcopy(crate)
    _action(other, "SignOff")["agent"] = [{"@id": "https://orcid.org/0000-0002-1825-0097"}]
    assert _rules(other) == {"record.action-differs"}
    other = copy.deepcopy(crate)
    _action(other, "DisclosureCheck")["actionStatus"] = "http://schema.org/FailedActionStatus"
    assert _rules(other) == {"record.action-differs"}
    other = copy.deepcopy(crate)
    _action(other, "CheckValue")["additionalType"] = {"@id": "https://w3id.org/shp#SignOff"}
    assert _rules(other) == {"record.action-differs"}


def test_actions_added_or_left_out(crate: dict[str, Any]) -> None:
    other = copy.deepcopy(crate)
    other["@graph"].append({"@id": "#my-approval", "@type": "AssessAction",
                            "additionalType": {"@id": "https://w3id.org/shp#SignOff"},
                            "actionStatus": "http://schema.org/CompletedActionStatus"})
    assert _rules(other) == {"record.action-unknown"}
    other = copy.deepcopy(crate)
    sign_off = _action(other, "SignOff")["@id"]
    other["@graph"] = [e for e in other["@graph"] if e["@id"] != sign_off]
    assert _rules(other) == {"record.action-missing"}


def test_an_edited_record_is_named(crate: dict[str, Any]) -> None:
    rec = _published()
    edited = rec.action[3].model_copy(update={"reason": "edited"})
    rec = ActionRecord(action=[*rec.action[:3], edited, *rec.action[4:]])
    assert "ledger.digest" in _rules(crate, rec)
