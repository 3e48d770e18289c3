"""fivesafes import: official example requests, stripped actions, tolerated defects, hostile
zips refused with nothing written, and the round trip of what package writes."""

from __future__ import annotations

import json
import os
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.support.release import (
    EPOCH,
    HERE,
    members,
    package,
    run,
    verify_rules,
    write_members,
    zip_bytes,
)

from fivesafes.models.project import ProjectFile
from fivesafes.models.workflow import WorkflowFile

REPO = HERE.parents[1]
EXAMPLES = Path(os.environ.get("FIVESAFES_SHARED", REPO.parent / "shared")) / "fivesafes-examples"
PROJECT, WORKFLOW, ACCESS = ("resources/governance/project.toml", "resources/workflow.toml",
                             "resources/access/access.toml")


def _example(rel: str) -> Path:
    path = EXAMPLES / rel
    if not path.is_file():
        pytest.skip(f"no shared example {path} (set FIVESAFES_SHARED)")
    return path


def _import(source: Path, target: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, output = run("import", str(source), str(target), "--json", *extra)
    return code, json.loads(output[output.index("{"):])


def _rules(report: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in report["findings"]}


def _load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


def test_official_request_zip(tmp_path: Path) -> None:
    crate = _example("trefx-5s-crate/0.4/example-request/data/ro-crate-metadata.json")
    source = tmp_path / "request.zip"
    source.write_bytes(zip_bytes({"example-request/data/ro-crate-metadata.json":
                                  crate.read_bytes()}))
    code, report = _import(source, tmp_path / "repo")
    assert code == 0, report
    assert sorted(report["written"]) == sorted([ACCESS, PROJECT, WORKFLOW])
    assert "import.draft-context" in _rules(report)
    project = _load(tmp_path / "repo" / PROJECT)
    assert project["requester"]["orcid"] == "0000-0001-9842-9718"
    assert project["project"]["funding"][0]["name"] == "EOSC4Cancer"
    workflow = _load(tmp_path / "repo" / WORKFLOW)["workflow"]
    assert workflow["id"] == "https://workflowhub.eu/workflows/289?version=1"
    assert [i["name"] for i in workflow["inputs"]] == ["input-sequence", "fast-mode"]
    access = (tmp_path / "repo" / ACCESS).read_text()
    assert "FILL IN" in access
    assert "MAINTAINER" in access


def test_official_result_crate_defects_tolerated_and_actions_stripped(tmp_path: Path) -> None:
    crate = _example("trefx-5s-crate/0.4/example-result/data/ro-crate-metadata.json")
    code, report = _import(crate, tmp_path / "repo")
    assert code == 0, report
    rules = _rules(report)
    assert {"import.type-key", "import.licence-key", "import.assess-action-stripped",
            "import.action-stripped"} <= rules
    stripped = [f for f in report["findings"] if f["rule"] == "import.assess-action-stripped"]
    assert len(stripped) == 4


@pytest.mark.parametrize("folder", ["five-safes-crate-request", "five-safes-crate-result",
                                    "five-safes-crate-multiple-context"])
def test_validator_test_crates(tmp_path: Path, folder: str) -> None:
    crate = _example(f"rocrate-validator-tests/{folder}/ro-crate-metadata.json")
    code, report = _import(crate.parent, tmp_path / "repo")
    assert code == 0, report
    assert _load(tmp_path / "repo" / WORKFLOW)["workflow"]["name"]


def test_lower_case_bagit_label_is_a_warning_on_import(tmp_path: Path) -> None:
    crate = _example("rocrate-validator-tests/five-safes-crate-request/ro-crate-metadata.json")
    data = crate.read_bytes()
    import hashlib

    digest = hashlib.sha512(data).hexdigest()
    source = tmp_path / "bag.zip"
    write_members(source, {
        "req/bagit.txt": b"BagIt-version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "req/manifest-sha512.txt": f"{digest}  data/ro-crate-metadata.json\n".encode(),
        "req/data/ro-crate-metadata.json": data,
    })
    code, report = _import(source, tmp_path / "repo")
    assert code == 0, report
    assert "bagit.label-case" in _rules(report)
    assert run("verify", str(source))[0] == 1


def test_hostile_zip_refused_and_nothing_written(tmp_path: Path) -> None:
    crate = _example("rocrate-validator-tests/five-safes-crate-request/ro-crate-metadata.json")
    source = tmp_path / "evil.zip"
    source.write_bytes(zip_bytes({"req/ro-crate-metadata.json": crate.read_bytes(),
                                  "req/../../escape.txt": b"x"}))
    code, report = _import(source, tmp_path / "repo")
    assert code == 1
    assert "zip.path-escape" in _rules(report)
    assert not (tmp_path / "repo").exists() or not any((tmp_path / "repo").rglob("*"))


def test_tampered_bag_refused(release: Path, tmp_path: Path) -> None:
    files = members(release)
    name = next(n for n in files if n.endswith("ro-crate-metadata.json"))
    files[name] = files[name].replace(b"Counts by region", b"Counts by REGION")
    write_members(tmp_path / "tampered.zip", files)
    code, report = _import(tmp_path / "tampered.zip", tmp_path / "repo")
    assert code == 1
    assert "bagit.checksum" in _rules(report)
    assert not (tmp_path / "repo").exists()


def test_not_a_zip_and_existing_files(tmp_path: Path, release: Path) -> None:
    (tmp_path / "junk.zip").write_bytes(b"junk")
    assert run("import", str(tmp_path / "junk.zip"), str(tmp_path / "a"))[0] == 2
    assert run("import", str(release), str(tmp_path / "b"))[0] == 0
    before = (tmp_path / "b" / PROJECT).read_bytes()
    assert run("import", str(release), str(tmp_path / "b"))[0] == 2
    assert (tmp_path / "b" / PROJECT).read_bytes() == before
    assert run("import", str(release), str(tmp_path / "b"), "--force")[0] == 0


def test_round_trip_of_what_package_writes(release_project: Path, outputs: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    info = package(release_project, outputs, tmp_path / "release.zip")
    code, report = _import(info.path, tmp_path / "imported")
    assert code == 0, report
    original = ProjectFile.model_validate(_load(release_project / PROJECT))
    imported_raw = _load(tmp_path / "imported" / PROJECT)
    # A crate publishes no e-mail address: it comes back empty. The GitHub login travels as
    # the requester's sameAs profile page.
    assert imported_raw["requester"]["email"] == ""
    assert imported_raw["requester"]["github"] == original.requester.github
    imported_raw["requester"]["email"] = original.requester.email
    assert ProjectFile.model_validate(imported_raw) == original
    # A release does not carry the bytes of the request's input files: a file input comes
    # back as a FILL IN, named in a finding.
    imported = _load(tmp_path / "imported" / WORKFLOW)
    [code_list] = [i for i in imported["workflow"]["inputs"] if i["name"] == "code_list"]
    assert code_list["file"] == ""
    code_list["file"] = "resources/inputs/codes.csv"
    assert WorkflowFile.model_validate(imported) == (
        WorkflowFile.model_validate(_load(release_project / WORKFLOW)))
    missing = {f["message"].split(":")[0] for f in report["findings"]
               if f["rule"] == "import.missing"}
    assert missing == {"requester.email"}
    assert "import.input-file" in _rules(report)


def test_bare_metadata_file_and_folder(tmp_path: Path, release: Path) -> None:
    with zipfile.ZipFile(release) as archive:
        name = next(n for n in archive.namelist() if n.endswith("data/ro-crate-metadata.json"))
        (tmp_path / "ro-crate-metadata.json").write_bytes(archive.read(name))
    assert run("import", str(tmp_path / "ro-crate-metadata.json"), str(tmp_path / "a"))[0] == 0
    assert run("import", str(tmp_path), str(tmp_path / "b"))[0] == 0


def test_deeply_nested_request_refused(tmp_path: Path) -> None:
    source = tmp_path / "deep.json"
    source.write_bytes(b"{\"@graph\": " + b"[" * 100_000 + b"]" * 100_000 + b"}")
    code, report = _import(source, tmp_path / "repo")
    assert code == 1
    assert "crate.json" in _rules(report)
    assert not (tmp_path / "repo").exists()


class _Unseekable:
    """A write-only stream, so zipfile writes data descriptors (as streaming zippers do)."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("wb")

    def write(self, data: bytes) -> int:
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()


def test_zip_with_data_descriptors(release: Path, tmp_path: Path) -> None:
    target = tmp_path / "streamed.zip"
    stream = _Unseekable(target)
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members(release).items():
            archive.writestr(name, data)
    stream.close()
    code, report = _import(target, tmp_path / "repo")
    assert code == 0, report
    # A re-zip by another tool: form differences are warnings, the bag content decides.
    assert verify_rules(target) == (0, set())
