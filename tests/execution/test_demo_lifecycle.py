"""`fivesafes demo` end to end: verified release, shared validator, identical twice, record."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.execution import KIT

from fivesafes.adapters.executors.bundle import COUNTS_BY_REGION_URL
from fivesafes.adapters.ledger.file import read_record
from fivesafes.adapters.release.verify import Limits, verify_release
from fivesafes.cli.main import cli
from fivesafes.core.ledger.chain import verify_chain
from fivesafes.core.lifecycle.retrieval import mirror_name


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path]]:
    """Two demos with the same SOURCE_DATE_EPOCH: (demo folder, release zip) each."""
    runs = []
    for name in ("first", "second"):
        base = tmp_path_factory.mktemp(name) / "demo"
        result = CliRunner().invoke(cli, ["demo", str(base)],
                                    env={"SOURCE_DATE_EPOCH": "1767300000"})
        assert result.exit_code == 0, result.output
        runs.append((base, Path(result.output.strip().splitlines()[-1])))
    return runs


def test_demo_prints_each_phase_and_ends_with_a_verified_zip(
        demo_runs: list[tuple[Path, Path]]) -> None:
    base, release = demo_runs[0]
    assert release.parent == base / "release"
    assert release.with_name(release.name + ".sha512").is_file()
    assert verify_release(release, Limits(), progress=False).ok
    result = CliRunner().invoke(cli, ["verify", str(release)])
    assert result.exit_code == 0, result.output
    assert "0 warning(s)" in result.output  # e.g. no 5s.should.download


def test_demo_release_records_the_workflow_retrieved_from_the_mirror(
        demo_runs: list[tuple[Path, Path]]) -> None:
    base, release = demo_runs[0]
    crate = base / "tre" / "workflows" / mirror_name(COUNTS_BY_REGION_URL)
    sha = hashlib.sha512(crate.read_bytes()).hexdigest()
    with zipfile.ZipFile(release) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/data/ro-crate-metadata.json"))
        graph = {e["@id"]: e for e in json.loads(archive.read(name))["@graph"]}
    (download,) = [e for e in graph.values() if e["@type"] == "DownloadAction"]  # the latest
    assert download["actionStatus"] == "http://schema.org/CompletedActionStatus"
    assert download["object"] == {"@id": COUNTS_BY_REGION_URL}
    assert download["@id"] in {m["@id"] for m in graph["./"]["mentions"]}
    copy = graph[download["result"]["@id"]]
    assert copy["distribution"] == {"@id": COUNTS_BY_REGION_URL}
    assert copy["sameAs"] == graph["./"]["mainEntity"]
    assert graph[copy["identifier"]["@id"]]["value"] == sha
    # the revise loop runs the signed-off request twice: each attempt retrieves the workflow
    *_, entry = [e for e in read_record(base / "project").action
                 if e.phase == "workflow-retrieval"]
    assert (entry.evidence.url, entry.evidence.digest) == (COUNTS_BY_REGION_URL, f"sha512:{sha}")


def test_two_demos_write_byte_identical_zips(demo_runs: list[tuple[Path, Path]]) -> None:
    (_, first), (_, second) = demo_runs
    assert first.name == second.name
    assert first.read_bytes() == second.read_bytes()


def test_demo_record_verifies_and_catches_tampering(demo_runs: list[tuple[Path, Path]]) -> None:
    project = demo_runs[0][0] / "project"
    record = read_record(project)
    assert verify_chain(record.action) == []
    assert [(e.phase, e.status) for e in record.action] == [
        ("check", "completed"), ("validation", "completed"), ("sign-off", "completed"),
        ("workflow-retrieval", "completed"), ("execution", "active"),
        ("execution", "completed"), ("disclosure", "pending"),
        ("workflow-retrieval", "completed"), ("execution", "active"),
        ("execution", "completed"), ("disclosure", "completed"), ("publication", "completed")]
    approvers = {a.login for e in record.action if e.phase == "disclosure" for a in e.agents}
    assert approvers == {"olu-checker", "chris-checker"}
    forged = record.action[2].model_copy(update={"reason": "approved by someone else"})
    tampered = [*record.action[:2], forged, *record.action[3:]]
    assert [f.rule for f in verify_chain(tampered)] == ["ledger.digest"]


def test_demo_pushes_every_commit_and_keeps_data_out_of_git(
        demo_runs: list[tuple[Path, Path]]) -> None:
    base = demo_runs[0][0]
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=base / "project", check=True,
                              capture_output=True, text=True).stdout
    assert git("rev-parse", "main") == subprocess.run(
        ["git", "rev-parse", "main"], cwd=base / "remote.git", check=True,
        capture_output=True, text=True).stdout
    tracked = git("ls-tree", "-r", "--name-only", "main").split()
    assert "outputs/manifest.toml" in tracked
    assert not [p for p in tracked if p.startswith("outputs/") and p != "outputs/manifest.toml"]
    assert "1767300000" in git("log", "-1", "--format=%at")
    assert git("status", "--porcelain") == ""


def test_demo_release_passes_the_shared_validator(demo_runs: list[tuple[Path, Path]],
                                                  shared_validator: Path) -> None:
    env = {**os.environ, "FIVESAFES_VALIDATOR": KIT}
    done = subprocess.run([str(shared_validator), str(demo_runs[0][1]), "required"],
                          capture_output=True, text=True, check=False, env=env)
    if done.returncode == 2:
        pytest.skip(f"the shared validator could not run: {done.stderr.strip()[-200:]}")
    report = json.loads(done.stdout)
    assert report["passed"], report.get("issues")


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("x")
    result = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert result.exit_code == 2
    assert "not empty" in result.output


def test_demo_crate_and_record_pass_their_own_checks(demo_runs: list[tuple[Path, Path]]) -> None:
    project = demo_runs[0][0] / "project"
    runner = CliRunner()
    built = runner.invoke(cli, ["crate", "build", "--check", str(project)])
    assert built.exit_code == 0, built.output
    ledger = runner.invoke(cli, ["ledger", "verify", str(project)])
    assert ledger.exit_code == 0, ledger.output


def test_demo_release_names_approvers_and_checkers_by_orcid(
        demo_runs: list[tuple[Path, Path]]) -> None:
    with zipfile.ZipFile(demo_runs[0][1]) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/data/ro-crate-metadata.json"))
        graph = {e["@id"]: e for e in json.loads(archive.read(name))["@graph"]}
    shp = "https://w3id.org/shp#"
    decided = {}
    for entity in graph.values():
        kind = entity.get("additionalType", {}).get("@id", "")
        if kind in (shp + "SignOff", shp + "DisclosureCheck") and "isPartOf" not in entity:
            agents = entity["agent"] if isinstance(entity["agent"], list) else [entity["agent"]]
            decided[kind.removeprefix(shp)] = {graph[a["@id"]]["name"]: a["@id"] for a in agents}
    assert decided == {
        "SignOff": {"Sam Signoff": "https://orcid.org/0000-0003-1234-5674"},
        "DisclosureCheck": {"Olu Checker": "https://orcid.org/0000-0002-7654-3218",
                            "Chris Checker": "https://orcid.org/0000-0001-9876-5439"}}
    sam = graph["https://orcid.org/0000-0003-1234-5674"]
    assert (sam["@type"], sam["sameAs"]) == ("Person", {"@id": "https://github.com/sam-signoff"})
    assert graph[sam["affiliation"]["@id"]]["@type"] == "Organization"
    record = read_record(demo_runs[0][0] / "project")
    sign_off = next(e for e in record.action if e.phase == "sign-off")
    assert sign_off.agents[0].orcid == "https://orcid.org/0000-0003-1234-5674"


def test_demo_releases_no_small_count_and_records_what_was_found_and_decided(
        demo_runs: list[tuple[Path, Path]]) -> None:
    base, release = demo_runs[0]
    record = read_record(base / "project")
    changes, done = [e for e in record.action if e.phase == "disclosure"]
    assert changes.changes_requested == ["counts_by_region.csv"]
    assert {f.id for f in changes.disclosure_findings if f.severity == "error"} == {
        "min-cell-count@counts_by_region.csv:3:count", "identifier.email@notes.txt:2"}
    assert {o.path: o.outcome for o in done.outputs} == {
        "counts_by_region.csv": "approved", "summary.json": "approved", "notes.txt": "rejected"}
    assert {f.id for f in done.disclosure_findings if f.severity == "error"} == {
        "identifier.email@notes.txt:2"}
    withheld = next(o for o in done.outputs if o.path == "notes.txt")
    assert "e-mail" in withheld.reason
    with zipfile.ZipFile(release) as archive:
        names = archive.namelist()
        assert not [n for n in names if n.endswith("notes.txt")]  # withheld: no bytes
        table = archive.read(next(n for n in names if n.endswith("counts_by_region.csv")))
        crate = json.loads(archive.read(next(n for n in names
                                             if n.endswith("/data/ro-crate-metadata.json"))))
        preview = archive.read(next(n for n in names if n.endswith("ro-crate-preview.html")))
    counts = [int(row.split(",")[-1]) for row in table.decode().splitlines()[1:]
              if not row.endswith("*")]
    assert counts
    assert min(counts) >= 10
    assert table.decode().count("*") == 2  # the small cell and its secondary suppression
    checks = {e["name"]: e for e in crate["@graph"] if e.get("isPartOf")}
    assert sorted(checks) == [
        "Disclosure check of outputs/counts_by_region.csv: approved",
        "Disclosure check of outputs/notes.txt: withheld",
        "Disclosure check of outputs/summary.json: approved"]
    notes = checks["Disclosure check of outputs/notes.txt: withheld"]
    assert notes["object"] == {"@id": "#withheld/outputs/notes.txt"}
    assert "identifier.email@notes.txt:2" in notes["description"]
    assert b"Output checking" in preview
    assert b"withheld" in preview


def test_verify_fails_a_release_shipping_an_unapproved_or_unoverridden_output(
        demo_runs: list[tuple[Path, Path]]) -> None:
    from fivesafes.core.release.action_audit import audit_actions

    _, release = demo_runs[0]
    with zipfile.ZipFile(release) as archive:
        names = archive.namelist()
        crate = json.loads(archive.read(next(n for n in names
                                             if n.endswith("/data/ro-crate-metadata.json"))))
    payload = {n.split("/data/", 1)[1] for n in names if "/data/" in n}
    assert audit_actions(crate, "crate", payload) == []

    def audited(change: dict[str, object], path: str = "counts_by_region.csv") -> list[str]:
        graph = [dict(e) for e in crate["@graph"]]
        for e in graph:
            if e.get("name") == f"Disclosure check of outputs/{path}: approved":
                e.update({k: v for k, v in change.items() if v is not None})
                if "agent" in change and change["agent"] is None:
                    e.pop("agent")
        return [f.rule for f in audit_actions({**crate, "@graph": graph}, "crate", payload)]

    assert audited({"actionStatus": "http://schema.org/FailedActionStatus"}) == [
        "action.output-not-approved"]
    assert audited({"agent": None}) == ["action.output-not-approved"]
    assert audited({"error": ["error finding min-cell-count@x:3:n was not overridden"]}) == [
        "action.output-finding-not-overridden"]
    assert audited({"object": {"@id": "outputs/elsewhere.csv"}}) == [
        "action.output-unchecked"]


def test_demo_json_names_the_release(tmp_path: Path) -> None:
    import json

    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "d"), "--json"],
                                env={"SOURCE_DATE_EPOCH": "1767268800"})
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["verified"] is True
    assert Path(report["release"]).is_file()
