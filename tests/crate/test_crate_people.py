"""Safe People, Safe Projects and Safe Data in the crate: people by ORCID, agreements, data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.crate.test_crate_validator import DOCUMENTED
from tests.support.crate import Validator, build, by_id, ids, issues

from fivesafes.cli.main import cli
from fivesafes.core import layout

SHP = "https://w3id.org/shp#"
PEOPLE = """
[people.chris-checker]
name = "Christine Checker"
orcid = "https://orcid.org/0000-0001-9876-5439"
affiliation = "https://ror.org/01ee9ar58"
affiliation-name = "University of Nottingham"
email = "chris@example.org"
"""
AGREEMENTS = """[project.data-sharing-agreement]
identifier = "DSA-2026-014"
name = "NHS England data sharing agreement"
url = "https://tre.example.org/agreements/DSA-2026-014"
expires = 2027-12-31

[project.ethics-approval]
identifier = "REC 26/NW/0001"
expires = 2027-06-30

[[project.identifiers]]"""
RESEARCHER = """
[[researchers]]
name = "Robin Researcher"
orcid = "https://orcid.org/0000-0002-7654-3218"
github = "robin-researcher"
affiliation = { name = "University of Nottingham", ror = "https://ror.org/01ee9ar58" }
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def safe(crate_project: Path) -> Path:
    with (crate_project / layout.POLICY).open("a", encoding="utf-8") as policy:
        policy.write(PEOPLE)
    _edit(crate_project / layout.PROJECT, "[[project.identifiers]]", AGREEMENTS)
    with (crate_project / layout.PROJECT).open("a", encoding="utf-8") as file:
        file.write(RESEARCHER)
    return crate_project


def _of_type(crate: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(e for e in crate["@graph"]
                if e.get("additionalType") == {"@id": SHP + kind})


def test_registered_checker_is_a_person_by_orcid_others_stay_github(safe: Path) -> None:
    crate = build(safe)
    graph = by_id(crate)
    disclosure = _of_type(crate, "DisclosureCheck")
    assert ids(disclosure["agent"]) == ["https://orcid.org/0000-0001-9876-5439",
                                        "https://github.com/dana-checker"]
    chris = graph["https://orcid.org/0000-0001-9876-5439"]
    assert chris["name"] == "Christine Checker"  # the registry's name, not the record's
    assert chris["sameAs"] == {"@id": "https://github.com/chris-checker"}
    assert graph["https://github.com/chris-checker"]["@type"] == "ProfilePage"
    assert graph[chris["affiliation"]["@id"]] == {
        "@id": "https://ror.org/01ee9ar58", "@type": "Organization",
        "name": "University of Nottingham", "url": "https://ror.org/01ee9ar58"}
    assert graph["https://github.com/dana-checker"] == {
        "@id": "https://github.com/dana-checker", "@type": "Person", "name": "dana-checker"}
    assert "chris@example.org" not in str(crate)


def test_researchers_are_members_and_agreements_are_sign_off_instruments(safe: Path) -> None:
    crate = build(safe)
    graph = by_id(crate)
    project = graph["urn:uuid:6a1c2e4b-8d3f-4a5b-9c7d-0e1f2a3b4c5d"]
    robin = graph["https://orcid.org/0000-0002-7654-3218"]
    assert (robin["@type"], robin["name"]) == ("Person", "Robin Researcher")
    assert robin["memberOf"] == {"@id": project["@id"]}
    assert robin["sameAs"] == {"@id": "https://github.com/robin-researcher"}
    create = next(e for e in crate["@graph"] if e["@type"] == "CreateAction")
    assert create["participant"] == {"@id": robin["@id"]}
    dsa = graph["https://tre.example.org/agreements/DSA-2026-014"]
    assert (dsa["@type"], dsa["identifier"], dsa["expires"]) == (
        "CreativeWork", "DSA-2026-014", "2027-12-31")
    ethics = next(e for e in crate["@graph"] if e.get("identifier") == "REC 26/NW/0001")
    assert ethics["expires"] == "2027-06-30"
    assert set(ids(project["subjectOf"])) == {dsa["@id"], ethics["@id"]}
    instruments = ids(_of_type(crate, "SignOff")["instrument"])
    assert instruments[1:] == [dsa["@id"], ethics["@id"]]
    assert graph[instruments[0]]["name"].endswith("agreement policy for sign-off")


def test_create_action_names_the_approved_data(safe: Path) -> None:
    crate = build(safe)
    graph = by_id(crate)
    create = next(e for e in crate["@graph"] if e["@type"] == "CreateAction")
    data = [graph[i] for i in ids(create["object"]) if graph[i]["@type"] == "CreativeWork"]
    (patients,) = data
    assert patients["name"] == "Requested data: patients"
    assert "Justification: Birth year and region define the groups counted." \
        in patients["description"]
    assert graph[patients["exampleOfWork"]["@id"]]["@type"] == "FormalParameter"
    (table,) = [graph[i] for i in ids(patients["hasPart"])]
    assert table["name"] == "Table main.patients"
    assert "Rows where birth_year ≥ 1940." in table["description"]
    columns = [graph[i]["name"] for i in ids(table["variableMeasured"])]
    assert columns == ["person_id", "birth_year", "region"]


@pytest.mark.validator
def test_people_agreements_and_data_pass_the_validator(safe: Path,
                                                       validator: Validator) -> None:
    result = CliRunner().invoke(cli, ["crate", "build", str(safe)])
    assert result.exit_code == 0, result.output
    assert issues(validator(safe / "crate", "required")) == []
    report = validator(safe / "crate", "recommended")
    left = {i["check"]["identifier"] for i in report["issues"]}
    assert left <= DOCUMENTED, issues(report)
