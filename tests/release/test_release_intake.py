"""import treats other producers' crates as hostile: bag folders checked like zips, no
credential written, file inputs with their bytes, client actions stripped by meaning, and the
declared profile version read (never a 1.0 crate read as 0.4)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.support.release import HERE, edit_crate, rewrite, run, verify_rules, write_members

from fivesafes.core.intake.repair import intake

EXAMPLES = Path(os.environ.get("FIVESAFES_SHARED", HERE.parents[2] / "shared")) / (
    "fivesafes-examples")
WORKFLOW = "resources/workflow.toml"
SECRETS = ("hunter2-Very-Secret", "s3cr3t@db.internal", "ghp_" + "A1b2" * 9)


def _import(source: Path, target: Path) -> tuple[int, dict[str, Any]]:
    code, output = run("import", str(source), str(target), "--json")
    return code, json.loads(output[output.index("{"):])


def _rules(report: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in report["findings"]}


def _request(version: str = "0.4") -> dict[str, Any]:
    path = EXAMPLES / "trefx-5s-crate" / version / "example-request/data/ro-crate-metadata.json"
    if not path.is_file():
        pytest.skip(f"no shared example {path} (set FIVESAFES_SHARED)")
    crate: dict[str, Any] = json.loads(path.read_text())
    return crate


def _bag(folder: Path, files: dict[str, bytes]) -> Path:
    """A BagIt 1.0 bag folder of ``files`` (crate-relative) with sha-512 manifests."""
    (folder / "data").mkdir(parents=True)
    for rel, data in files.items():
        (folder / "data" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "data" / rel).write_bytes(data)
    manifest = "".join(f"{hashlib.sha512(d).hexdigest()}  data/{r}\n"
                       for r, d in sorted(files.items()))
    (folder / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    (folder / "manifest-sha512.txt").write_text(manifest)
    return folder


def _written(target: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in target.rglob("*") if p.is_file())


def test_bag_folder_checked_against_its_manifests(tmp_path: Path) -> None:
    crate = json.dumps(_request()).encode()
    bag = _bag(tmp_path / "bag", {"ro-crate-metadata.json": crate, "input1.txt": b"ACGT\n"})
    assert _import(bag, tmp_path / "ok")[0] == 0
    (bag / "data" / "input1.txt").write_bytes(b"ACGA\n")
    code, report = _import(bag, tmp_path / "tampered")
    assert code == 1
    assert "bagit.checksum" in _rules(report)
    assert not (tmp_path / "tampered").exists()


def test_bag_folder_with_a_link_is_refused(tmp_path: Path) -> None:
    bag = _bag(tmp_path / "bag", {"ro-crate-metadata.json": json.dumps(_request()).encode()})
    (bag / "data" / "passwd").symlink_to("/etc/passwd")
    code, report = _import(bag, tmp_path / "repo")
    assert code == 1
    assert "zip.symlink" in _rules(report)
    assert not (tmp_path / "repo").exists()


def _with_inputs(crate: dict[str, Any], inputs: dict[str, str]) -> dict[str, Any]:
    crate = copy.deepcopy(crate)
    action = next(e for e in crate["@graph"] if e.get("@type") == "CreateAction")
    for n, (name, value) in enumerate(inputs.items()):
        crate["@graph"] += [
            {"@id": f"#value-{n}", "@type": "PropertyValue", "name": name, "value": value,
             "exampleOfWork": {"@id": f"#param-{n}"}},
            {"@id": f"#param-{n}", "@type": "FormalParameter", "name": name}]
        action["object"].append({"@id": f"#value-{n}"})
    return crate


def test_credentials_among_inputs_never_reach_the_project(tmp_path: Path) -> None:
    crate = _with_inputs(_request(), {
        "db_password": SECRETS[0], "connection": f"postgresql://alice:{SECRETS[1]}/cohort",
        "github-token": SECRETS[2], "source": "jdbc:sqlserver://db.internal;database=cohort"})
    source = tmp_path / "request.json"
    source.write_text(json.dumps(crate))
    code, report = _import(source, tmp_path / "repo")
    assert code == 0, report
    credentials = [f for f in report["findings"] if f["rule"] == "import.credential"]
    assert len(credentials) == 4
    text = _written(tmp_path / "repo")
    assert not [s for s in (*SECRETS, "db.internal") if s in text]
    workflow = (tmp_path / "repo" / WORKFLOW).read_text()
    assert "WORKFLOW_INPUT_DB_PASSWORD" in workflow
    assert "FILL IN" in workflow


def test_the_hutch_example_database_password_stays_out(tmp_path: Path) -> None:
    path = EXAMPLES / "trefx-5s-crate/0.4/example-hutch/data/ro-crate-metadata.json"
    if not path.is_file():
        pytest.skip(f"no shared example {path} (set FIVESAFES_SHARED)")
    code, report = _import(path, tmp_path / "repo")
    assert code == 0, report
    [finding] = [f for f in report["findings"] if f["rule"] == "import.credential"]
    assert "db_password" in finding["message"]
    workflow = (tmp_path / "repo" / WORKFLOW).read_text()
    line = next(x for x in workflow.splitlines() if "WORKFLOW_INPUT_DB_PASSWORD" in x)
    assert line.startswith('value = "" # FILL IN: a credential')
    assert '"example"' not in workflow


def test_a_secret_elsewhere_in_the_crate_refuses_the_import(tmp_path: Path) -> None:
    crate = _request()
    param = next(e for e in crate["@graph"] if e.get("@type") == "FormalParameter")
    param["description"] = f"Use the token {SECRETS[2]} to log in"
    source = tmp_path / "request.json"
    source.write_text(json.dumps(crate))
    code, report = _import(source, tmp_path / "repo")
    assert code == 1
    assert "secret.token" in _rules(report)
    assert not (tmp_path / "repo").exists()


def test_file_inputs_come_with_their_bytes(tmp_path: Path) -> None:
    crate = json.dumps(_request()).encode()
    source = tmp_path / "request.zip"
    files = {"req/data/ro-crate-metadata.json": crate, "req/data/input1.txt": b"ACGT\n"}
    write_members(source, files)
    code, report = _import(source, tmp_path / "repo")
    assert code == 0, report
    assert (tmp_path / "repo" / "resources/inputs/input1.txt").read_bytes() == b"ACGT\n"
    assert 'file = "resources/inputs/input1.txt"' in (tmp_path / "repo" / WORKFLOW).read_text()


@pytest.mark.parametrize("node", [
    {"@type": "ReviewAction"},
    {"@type": "Approval"},
    {"@type": "schema:AssessAction"},
    {"@type": "https://schema.org/AssessAction"},
    {"@type": "AuthorizeAction"},
    {"@type": "Action", "additionalType": {"@id": "shp:SignOff"}},
    {"@type": "Action", "additionalType": "https://w3id.org/shp#DisclosureCheck"},
])
def test_client_actions_are_stripped_by_meaning(node: dict[str, Any]) -> None:
    crate = _request()
    crate["@context"] = [crate["@context"], {"Approval": "http://schema.org/AssessAction"}]
    action = {"@id": "#my-approval", "name": "approved by me",
              "actionStatus": "http://schema.org/CompletedActionStatus", **node}
    crate["@graph"].append(action)
    root = next(e for e in crate["@graph"] if e["@id"] == "./")
    root["mentions"] = [root["mentions"], {"@id": "#my-approval"}]
    cleaned, found = intake(crate, "request.json")
    assert "#my-approval" not in json.dumps(cleaned)
    assert any(f.rule in ("import.assess-action-stripped", "import.action-stripped")
               for f in found)


def test_embedded_client_action_is_stripped() -> None:
    crate = _request()
    root = next(e for e in crate["@graph"] if e["@id"] == "./")
    root["mentions"] = [root["mentions"], {"@type": "AssessAction", "name": "signed off",
                                           "additionalType": {"@id": "shp:SignOff"}}]
    cleaned, found = intake(crate, "request.json")
    assert "signed off" not in json.dumps(cleaned)
    assert "import.assess-action-stripped" in {f.rule for f in found}
    assert next(e for e in cleaned["@graph"] if e["@id"] == "./")["mentions"]


def test_0_5_draft_request_is_read(tmp_path: Path) -> None:
    source = tmp_path / "request.json"
    source.write_text(json.dumps(_request("0.5-DRAFT")))
    code, report = _import(source, tmp_path / "repo")
    assert code == 0, report
    assert "import.profile-version" not in _rules(report)


def _as_1_0(crate: dict[str, Any]) -> dict[str, Any]:
    changed: dict[str, Any] = json.loads(json.dumps(crate).replace(
        "https://w3id.org/5s-crate/0.4", "https://w3id.org/5s-crate/1.0"))
    return changed


def test_1_0_request_is_refused_naming_its_version(tmp_path: Path) -> None:
    source = tmp_path / "request.json"
    source.write_text(json.dumps(_as_1_0(_request())))
    code, report = _import(source, tmp_path / "repo")
    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule"] == "import.profile-version"]
    assert "1.0 (Working Draft)" in finding["message"]
    assert not (tmp_path / "repo").exists()


def test_verify_refuses_a_1_0_crate_by_name(release: Path, tmp_path: Path) -> None:
    def to_1_0(crate: dict[str, Any]) -> None:
        crate.update(_as_1_0(crate))

    dst = rewrite(release, tmp_path / "v1.zip", lambda files, bag: edit_crate(files, bag, to_1_0))
    code, rules = verify_rules(dst)
    assert (code, rules) == (1, {"crate.profile-version"})
    with zipfile.ZipFile(dst) as archive:
        assert archive.testzip() is None


def test_undeclared_crate_in_1_0_terms_is_not_read_as_0_4(tmp_path: Path) -> None:
    crate = _request()
    root = next(e for e in crate["@graph"] if e["@id"] == "./")
    del root["conformsTo"]
    crate["@graph"].append({"@id": "#approval", "@type": "AuthorizeAction",
                            "actionStatus": {"@id": "http://schema.org/CompletedActionStatus"}})
    source = tmp_path / "request.json"
    source.write_text(json.dumps(crate))
    code, report = _import(source, tmp_path / "repo")
    assert code == 1
    [finding] = [f for f in report["findings"] if f["rule"] == "import.profile-version"]
    assert "1.0" in finding["message"]
