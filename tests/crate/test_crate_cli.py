"""``fivesafes crate build [PROJECT_DIR] [--check]`` through the real command line group."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner
from tests.support.crate_records import record_until

from fivesafes.adapters.ledger.file import write_record
from fivesafes.cli.main import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["crate", *args])
    return result.exit_code, result.output


def test_build_then_check(crate_project: Path) -> None:
    code, out = run("build", str(crate_project))
    assert code == 0, out
    crate = crate_project / "crate"
    assert sorted(p.name for p in crate.iterdir()) == [
        "ro-crate-metadata.json", "ro-crate-preview.html"]
    code, out = run("build", str(crate_project), "--check")
    assert (code, out.strip()) == (0, "crate/ is up to date")


def test_check_finds_stale_crate_and_writes_nothing(crate_project: Path) -> None:
    assert run("build", str(crate_project))[0] == 0
    metadata = crate_project / "crate" / "ro-crate-metadata.json"
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in metadata.parent.iterdir()}
    write_record(crate_project, record_until("disclosure", disclosure="failed"))
    code, out = run("build", str(crate_project), "--check")
    assert code == 1
    assert "crate/ro-crate-metadata.json: stale" in out
    assert "crate/ro-crate-preview.html: stale" in out
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in metadata.parent.iterdir()}
    assert after == before


def test_check_without_crate(crate_project: Path) -> None:
    code, out = run("build", str(crate_project), "--check")
    assert code == 1
    assert "crate/ro-crate-metadata.json: stale" in out
    assert not (crate_project / "crate").exists()


def test_check_names_only_the_changed_file(crate_project: Path) -> None:
    assert run("build", str(crate_project))[0] == 0
    preview = crate_project / "crate" / "ro-crate-preview.html"
    preview.write_bytes(preview.read_bytes() + b"\n")
    code, out = run("build", str(crate_project), "--check")
    assert code == 1
    assert "ro-crate-preview.html" in out
    assert "ro-crate-metadata.json" not in out


def test_default_project_is_the_current_folder(crate_project: Path) -> None:
    cwd = Path.cwd()
    os.chdir(crate_project)
    try:
        assert run("build")[0] == 0
    finally:
        os.chdir(cwd)
    assert (crate_project / "crate" / "ro-crate-metadata.json").is_file()


def test_invalid_request_is_refused(crate_project: Path) -> None:
    (crate_project / "resources/workflow.toml").write_text("[workflow]\nid = 3\n")
    code, out = run("build", str(crate_project))
    assert code == 1
    assert "resources/workflow.toml" in out
    assert not (crate_project / "crate").exists()


def test_missing_file_and_folder(crate_project: Path, tmp_path: Path) -> None:
    (crate_project / "resources/governance/project.toml").unlink()
    code, out = run("build", str(crate_project))
    assert code == 1
    assert "resources/governance/project.toml" in out
    code, out = run("build", str(tmp_path / "nowhere"))
    assert code == 2


def test_broken_record_is_refused(crate_project: Path) -> None:
    (crate_project / "resources/governance/actions.toml").write_text("[[action]]\nid = 1\n")
    code, out = run("build", str(crate_project))
    assert code == 1
    assert "actions.toml" in out
