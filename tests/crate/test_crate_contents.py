"""What a crate built from a request and a full action record holds (Five Safes RO-Crate 0.4)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.support.crate import build, by_id, ids

from fivesafes.core.crate import profile_04 as p

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
WORKFLOW = "https://workflowhub.eu/workflows/1234?version=3"
PROJECT = "urn:uuid:6a1c2e4b-8d3f-4a5b-9c7d-0e1f2a3b4c5d"


@pytest.fixture
def crate(crate_project: Path) -> dict[str, Any]:
    return build(crate_project)


def actions(crate: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Mentioned actions by their additionalType fragment or @type."""
    graph = by_id(crate)
    found: dict[str, dict[str, Any]] = {}
    for action_id in ids(graph["./"]["mentions"]):
        action = graph[action_id]
        extra = ids(action.get("additionalType"))
        found[extra[0].rsplit("#", 1)[-1] if extra else action["@type"]] = action
    return found


def test_descriptor_and_root(crate: dict[str, Any]) -> None:
    assert crate["@context"] == "https://w3id.org/ro/crate/1.2/context"
    descriptor, root = crate["@graph"][:2]
    assert descriptor["@id"] == "ro-crate-metadata.json"
    assert descriptor["conformsTo"] == {"@id": "https://w3id.org/ro/crate/1.2"}
    assert root["@id"] == "./"
    assert root["@type"] == "Dataset"
    assert root["name"] == "Cardiovascular outcomes in a synthetic cohort"
    assert root["description"].startswith("Counts of hospital admissions")
    assert root["license"] == {"@id": "https://spdx.org/licenses/CC-BY-4.0"}
    assert root["conformsTo"] == {"@id": "https://w3id.org/5s-crate/0.4"}
    assert root["mainEntity"] == {"@id": WORKFLOW}
    assert WORKFLOW in ids(root["hasPart"])
    assert root["sourceOrganization"] == {"@id": PROJECT}
    assert root["publisher"] == {"@id": "https://tre.example.org"}
    assert RFC3339.match(root["datePublished"])
    graph = by_id(crate)
    assert "Profile" in graph["https://w3id.org/5s-crate/0.4"]["@type"]
    assert graph["https://spdx.org/licenses/CC-BY-4.0"]["@type"] == "CreativeWork"


def test_entities_sorted_after_descriptor_and_root(crate: dict[str, Any]) -> None:
    rest = [e["@id"] for e in crate["@graph"][2:]]
    assert rest == sorted(rest)
    assert len(set(rest)) == len(rest)


def test_workflow_and_distribution(crate: dict[str, Any]) -> None:
    graph = by_id(crate)
    workflow = graph[WORKFLOW]
    assert workflow["@type"] == "Dataset"
    assert workflow["conformsTo"]["@id"].startswith("https://w3id.org/workflowhub/workflow-ro-crate")
    download = graph[workflow["distribution"]["@id"]]
    assert download["@type"] == "DataDownload"
    assert download["@id"] == "https://workflowhub.eu/workflows/1234/ro_crate?version=3"


def test_project_requester_and_organisations(crate: dict[str, Any]) -> None:
    graph = by_id(crate)
    project = graph[PROJECT]
    assert project["@type"] == "Project"
    identifier = graph[ids(project["identifier"])[0]]
    assert (identifier["@type"], identifier["name"], identifier["value"]) == (
        "PropertyValue", "TRE project code", "SYN-0001")
    grant = graph[ids(project["funding"])[0]]
    assert grant["@type"] == "Grant"
    assert ids(project["member"]) == ["https://ror.org/027m9bs27", "https://ror.org/01ee9ar58"]
    assert all(graph[m]["@type"] == "Organization" for m in ids(project["member"]))
    person = graph["https://orcid.org/0000-0002-1825-0097"]
    assert person["@type"] == "Person"
    assert person["name"] == "Alex Researcher"
    assert person["affiliation"] == {"@id": "https://ror.org/027m9bs27"}
    assert person["memberOf"] == {"@id": PROJECT}
    assert "email" not in person


def test_create_action(crate: dict[str, Any]) -> None:
    graph = by_id(crate)
    create = actions(crate)["CreateAction"]
    assert len(create["name"]) >= 10
    assert create["agent"] == {"@id": "https://orcid.org/0000-0002-1825-0097"}
    assert create["instrument"] == {"@id": WORKFLOW}
    assert create["actionStatus"] == p.COMPLETED
    objects = [graph[i] for i in ids(create["object"])]
    inputs = [i for i in objects if i["@type"] != "CreativeWork"]  # the rest: approved data
    assert {i["name"] for i in inputs} == {"min_birth_year", "group_by", "code_list"}
    for item in inputs:
        assert graph[item["exampleOfWork"]["@id"]]["@type"] == "FormalParameter"
    value = next(i for i in inputs if i["name"] == "min_birth_year")
    assert (value["@type"], value["value"]) == ("PropertyValue", 1940)
    code_list = next(i for i in inputs if i["name"] == "code_list")
    assert code_list["@type"] == "File"
    assert code_list["localPath"] == "resources/inputs/codes.csv"
    results = ids(create["result"])
    assert results == ["#outputs/counts_by_region.csv", "#outputs/summary/report.md"]
    assert set(results) <= set(ids(crate["@graph"][1]["hasPart"]))
    counts = graph[results[0]]
    assert counts["@type"] == "File"
    assert counts["contentSize"] == "182"
    assert counts["encodingFormat"] == "text/csv"
    assert counts["localPath"] == "outputs/counts_by_region.csv"
    checksum = graph[counts["identifier"]["@id"]]
    assert checksum["propertyID"] == p.SHA512
    assert len(checksum["value"]) == 128


def test_every_phase_action(crate: dict[str, Any]) -> None:
    found = actions(crate)
    assert set(found) == {"CheckValue", "ValidationCheck", "DownloadAction", "SignOff",
                          "CreateAction", "DisclosureCheck", "GenerateCheckValue"}
    for name in ("CheckValue", "ValidationCheck", "SignOff", "DisclosureCheck"):
        assert found[name]["@type"] == "AssessAction"
        assert found[name]["additionalType"] == {"@id": p.SHP + name}
    assert found["GenerateCheckValue"]["@type"] == "UpdateAction"
    for action in found.values():
        assert action["actionStatus"] == p.COMPLETED
        assert RFC3339.match(action["startTime"])
        assert RFC3339.match(action["endTime"])
        assert isinstance(action["actionStatus"], str)
    for name in ("CheckValue", "ValidationCheck", "GenerateCheckValue"):
        assert found[name]["object"] == {"@id": "./"}
    assert found["CheckValue"]["instrument"] == {"@id": p.SHA512}
    assert found["ValidationCheck"]["instrument"] == {"@id": p.PROFILE}
    assert ids(found["SignOff"]["object"]) == ["./", WORKFLOW, PROJECT]
    assert "./" in ids(found["DisclosureCheck"]["object"])


def test_agents(crate: dict[str, Any]) -> None:
    graph = by_id(crate)
    found = actions(crate)
    bot = graph[found["CheckValue"]["agent"]["@id"]]
    assert bot["@type"] == "SoftwareApplication"
    assert {"name", "url", "version"} <= set(bot)
    assert bot["provider"] == {"@id": "https://tre.example.org"}
    assert graph["https://tre.example.org"]["@type"] == "Organization"
    signer = graph[found["SignOff"]["agent"]["@id"]]
    assert (signer["@id"], signer["@type"]) == ("https://orcid.org/0000-0001-5109-3700", "Person")
    checkers = ids(found["DisclosureCheck"]["agent"])
    assert checkers == ["https://github.com/chris-checker", "https://github.com/dana-checker"]
    assert all(graph[c]["@type"] == "Person" for c in checkers)
    policy = graph[found["SignOff"]["instrument"]["@id"]]
    assert policy["@type"] == "CreativeWork"
    assert policy["name"]


def test_retrieval(crate: dict[str, Any]) -> None:
    graph = by_id(crate)
    download = actions(crate)["DownloadAction"]
    copy = graph[download["result"]["@id"]]
    assert copy["@type"] == "Dataset"
    assert copy["sameAs"] == {"@id": WORKFLOW}
    assert copy["distribution"] == download["object"]


def test_refused_and_superseded_entries_are_not_actions(crate_project: Path) -> None:
    from tests.support.crate_records import record_until

    record = record_until("publication")
    crate = build(crate_project, record=record)
    graph = by_id(crate)
    refused = [e.id for e in record.action if e.status == "refused"]
    superseded = [record.action[0].id, record.action[5].id]  # failed check, pending sign-off
    assert refused
    for entry_id in refused + superseded:
        assert entry_id not in graph
    assert "mallory" not in str(crate)


def test_profile_musts_the_validator_cannot_see(crate: dict[str, Any]) -> None:
    """0.4 shapes aimed at the root test a class name the 1.2 validator never infers."""
    graph = by_id(crate)
    root = crate["@graph"][1]
    assert graph[root["sourceOrganization"]["@id"]]["@type"] == "Project"
    assert graph[root["mainEntity"]["@id"]]["@type"] == "Dataset"
    assert any(graph[m]["@type"] == "CreateAction" for m in ids(root["mentions"]))
    assessed = [e["@id"] for e in crate["@graph"] if e.get("@type") == "AssessAction"]
    assert set(assessed) <= set(ids(root["mentions"]))


def test_byte_stable_dict(crate_project: Path) -> None:
    assert build(crate_project) == build(crate_project)
