"""The writer: byte-stable JSON (golden files), a safe self-contained preview, atomic files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rocrate.rocrate import ROCrate
from tests.support.crate import build

from fivesafes.adapters.release.crate_writer import render_crate, write_crate
from fivesafes.core.crate.spec import Software

GOLDEN = Path(__file__).parent / "golden"


def test_golden_files(crate_project: Path) -> None:
    """Fixed inputs give exactly the committed bytes (FIVESAFES_UPDATE_GOLDEN=1 rewrites)."""
    fixed = Software("fivesafes-gitops", "https://pypi.org/project/fivesafes-gitops/", "1.0.0")
    files = render_crate(build(crate_project, software=fixed))
    if os.environ.get("FIVESAFES_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        for name, data in files.items():
            (GOLDEN / name).write_bytes(data)
    for name, data in files.items():
        assert (GOLDEN / name).read_bytes() == data, f"{name} differs from tests/crate/golden"


def test_json_layout(crate_project: Path) -> None:
    data = render_crate(build(crate_project))["ro-crate-metadata.json"]
    assert data.endswith(b"}\n")
    assert not data.endswith(b"\n\n")
    doc = json.loads(data)
    assert [e["@id"] for e in doc["@graph"][:2]] == ["ro-crate-metadata.json", "./"]
    assert data == (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def test_preview_is_escaped_and_self_contained(crate_project: Path) -> None:
    page = render_crate(build(crate_project))["ro-crate-preview.html"].decode()
    assert page.lower().startswith("<!doctype html>")
    assert "&lt;No real person&gt;" in page
    assert "<No real person>" not in page
    assert "&amp; nothing leaves" in page
    for needle in ("<script", "http://", "src=", "<link", "@import"):
        assert needle not in page
    for text in ("Alex Researcher", "Counts by region", "sign-off", "disclosure",
                 "counts_by_region.csv", "Completed"):
        assert text in page


def test_preview_shows_attached_paths_readably(crate_project: Path) -> None:
    from fivesafes.models.ledger import Result

    given = [Result(path="table 1.csv", size=1, sha512="0" * 128, media_type="text/csv")]
    page = render_crate(build(crate_project, results=given, attached_results=True))
    assert "<td>outputs/table 1.csv</td>" in page["ro-crate-preview.html"].decode()


def test_write_is_atomic_and_leaves_no_temporaries(crate_project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "crate"
    crate = build(crate_project)
    write_crate(folder, crate)
    write_crate(folder, crate)
    assert sorted(p.name for p in folder.iterdir()) == [
        "ro-crate-metadata.json", "ro-crate-preview.html"]


def test_write_failure_keeps_old_files(crate_project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "crate"
    write_crate(folder, build(crate_project))
    before = (folder / "ro-crate-metadata.json").read_bytes()
    broken = build(crate_project)
    broken["@graph"].append({"@id": "x", "bad": object()})
    with pytest.raises(TypeError):
        write_crate(folder, broken)
    assert (folder / "ro-crate-metadata.json").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [
        "ro-crate-metadata.json", "ro-crate-preview.html"]


def test_ro_crate_py_reads_it_back(crate_project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "crate"
    write_crate(folder, build(crate_project))
    crate = ROCrate(folder)
    assert crate.name == "Cardiovascular outcomes in a synthetic cohort"
    # ro-crate-py appends "/" to every Dataset id it reads, even a web URL with a query: one
    # reason the writer is our own (the workflow id must stay exactly as in workflow.toml).
    assert crate.mainEntity.id.rstrip("/") == "https://workflowhub.eu/workflows/1234?version=3"
    assert crate.mainEntity.type == "Dataset"
    assert crate.license.id == "https://spdx.org/licenses/CC-BY-4.0"
    create = [e for e in crate.get_entities() if e.type == "CreateAction"]
    assert len(create) == 1
    assert create[0]["agent"].id == "https://orcid.org/0000-0002-1825-0097"
    assert crate.root_dataset["sourceOrganization"].type == "Project"
