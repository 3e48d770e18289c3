"""The built-in Five Safes RO-Crate 0.4 checker: each MUST rule on a crate broken for it, the
official examples judged as the shared validator judges them, and the action audit."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.support.release import HERE, package

from fivesafes.core.crate.profile import check_crate
from fivesafes.core.release.action_audit import audit_actions

REPO = HERE.parents[1]
EXAMPLES = Path(os.environ.get("FIVESAFES_SHARED", REPO.parent / "shared")) / "fivesafes-examples"
Crate = dict[str, Any]


@pytest.fixture
def crate(release: Path) -> Crate:
    import zipfile

    with zipfile.ZipFile(release) as archive:
        name = next(n for n in archive.namelist() if n.endswith("data/ro-crate-metadata.json"))
        loaded: Crate = json.loads(archive.read(name))
    return loaded


def _entity(crate: Crate, test: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    return next(e for e in crate["@graph"] if test(e))


def _typed(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e.get("@type") == kind


def _extra(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e.get("additionalType") == {"@id": f"https://w3id.org/shp#{kind}"}


def _errors(crate: Crate) -> set[str]:
    return {f.rule for f in check_crate(crate, "crate") if f.severity == "error"}


def test_packaged_crate_has_no_errors_or_warnings(crate: Crate) -> None:
    assert check_crate(crate, "crate") == []


def _set(kind: Callable[[dict[str, Any]], bool], key: str, value: Any) -> Callable[[Crate], None]:
    def change(crate: Crate) -> None:
        entity = _entity(crate, kind)
        if value is None:
            entity.pop(key, None)
        else:
            entity[key] = value
    return change


ROOT = _typed("Dataset")


@pytest.mark.parametrize(("change", "rule"), [
    (_set(_typed("CreateAction"), "name", "Run"), "5s.create-action.name"),
    (_set(_typed("CreateAction"), "actionStatus", {"@id": "http://schema.org/Completed"}),
     "5s.create-action.status"),
    (_set(_typed("CreateAction"), "instrument", {"@id": "https://example.org/other"}),
     "5s.create-action.instrument"),
    (_set(_typed("CreateAction"), "agent", None), "5s.create-action.agent"),
    (_set(_typed("CreateAction"), "endTime", "2026-03-01 10:00"), "5s.timestamp"),
    (_set(_extra("SignOff"), "@type", "CreativeWork"), "5s.SignOff.type"),
    (_set(_extra("SignOff"), "actionStatus", "Completed"), "5s.SignOff.status"),
    (_set(_extra("DisclosureCheck"), "name", "Checked"), "5s.DisclosureCheck.name"),
    (_set(_extra("ValidationCheck"), "actionStatus", None), "5s.ValidationCheck.status"),
    (_set(_typed("DownloadAction"), "name", None), "5s.download.name"),
    (_set(_typed("Project"), "funding", {"@id": "https://orcid.org/0000-0002-1825-0097"}),
     "5s.project.funding"),
    (_set(lambda e: e["@id"] == "https://orcid.org/0000-0002-1825-0097", "memberOf",
          {"@id": "https://ror.org/027m9bs27"}),
     "5s.agent.member-of"),
])
def test_each_must_rule(crate: Crate, change: Callable[[Crate], None], rule: str) -> None:
    broken = copy.deepcopy(crate)
    change(broken)
    assert rule in _errors(broken)


def test_root_rules(crate: Crate) -> None:
    root = _entity(crate, lambda e: e["@id"] == "./")
    broken = copy.deepcopy(crate)
    _entity(broken, lambda e: e["@id"] == "./").pop("sourceOrganization")
    assert "5s.root.source-organization" in _errors(broken)
    broken = copy.deepcopy(crate)
    _entity(broken, lambda e: e["@id"] == "./")["mainEntity"] = [root["mainEntity"]] * 2 + [
        {"@id": "./"}]
    assert "5s.root.main-entity" in _errors(broken)
    broken = copy.deepcopy(crate)
    _entity(broken, lambda e: e["@id"] == "./")["mentions"] = []
    assert {"5s.root.mentions", "5s.publication.mentions"} <= _errors(broken)
    broken = copy.deepcopy(crate)
    _entity(broken, lambda e: e["@id"] == "ro-crate-metadata.json")["conformsTo"] = {
        "@id": "https://w3id.org/ro/crate/1.1"}
    assert "5s.descriptor.conforms-to" in _errors(broken)
    broken = copy.deepcopy(crate)
    _entity(broken, lambda e: e["@id"] == root["mainEntity"]["@id"])["conformsTo"] = {
        "@id": "https://w3id.org/ro/crate/1.2"}
    assert "5s.main-entity.conforms-to" in _errors(broken)


def _example(rel: str) -> Crate:
    path = EXAMPLES / rel / "ro-crate-metadata.json"
    if not path.is_file():
        pytest.skip(f"no shared example {path} (set FIVESAFES_SHARED)")
    loaded: Crate = json.loads(path.read_text())
    return loaded


@pytest.mark.parametrize(("folder", "expected"), [
    # What the shared validator reports at REQUIRED for these crates, without their payloads.
    ("rocrate-validator-tests/five-safes-crate-request", {"crate.missing-file"}),
    ("rocrate-validator-tests/five-safes-crate-multiple-context", {"crate.missing-file"}),
    ("rocrate-validator-tests/five-safes-crate-result", {"crate.missing-file",
                                                         "ro-crate.software"}),
])
def test_examples_judged_like_the_validator(folder: str, expected: set[str]) -> None:
    found = check_crate(_example(folder), "crate", payload={})
    assert {f.rule for f in found if f.severity == "error"} == expected


def test_official_request_defects_found() -> None:
    rules = _errors(_example("trefx-5s-crate/0.4/example-request/data"))
    assert "ro-crate.root" in rules  # no name, description, datePublished or license


def test_audit_latest_attempt_decides(crate: Crate) -> None:
    signoff = _entity(crate, _extra("SignOff"))
    earlier = dict(signoff, **{"@id": "#earlier", "actionStatus":
                              "http://schema.org/FailedActionStatus",
                              "endTime": "2026-01-01T00:00:00Z"})
    crate["@graph"].append(earlier)
    found = audit_actions(crate, "crate", {"outputs/counts_by_region.csv"})
    assert [f.rule for f in found] == ["action.superseded"]
    assert found[0].severity == "warning"


def test_audit_request_crate_needs_no_sign_off() -> None:
    crate = _example("rocrate-validator-tests/five-safes-crate-request")
    found = audit_actions(crate, "crate", set())
    assert all(f.severity == "warning" for f in found)


def test_packaged_without_data_lists_no_missing_files(release_project: Path, outputs: Path,
                                                      tmp_path: Path) -> None:
    import zipfile

    info = package(release_project, outputs, tmp_path / "nodata.zip", include_data=False)
    with zipfile.ZipFile(info.path) as archive:
        name = next(n for n in archive.namelist() if n.endswith("ro-crate-metadata.json"))
        crate = json.loads(archive.read(name))
    payload = {"ro-crate-metadata.json": ("", 0), "ro-crate-preview.html": ("", 0)}
    assert check_crate(crate, "crate", payload=payload) == []
