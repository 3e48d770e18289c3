"""``--json`` on execute, disclose and publish: one JSON object on stdout, nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from tests.support.execution import decide_disclosure, sign_off

from fivesafes.cli.main import cli


def run_json(*args: str | Path) -> dict[str, Any]:
    done = CliRunner().invoke(cli, [str(a) for a in args])
    assert done.exit_code == 0, done.output
    data: dict[str, Any] = json.loads(done.stdout)  # stdout holds exactly the object
    return data


def test_execute_disclose_and_publish_report_as_json(tre_project: Path, staging: Path,
                                                     data_dir: Path, tmp_path: Path) -> None:
    sign_off(tre_project)
    executed = run_json("execute", tre_project, "--staging-dir", staging, "--data-dir", data_dir,
                        "--json")
    assert (executed["attempt"], executed["status"]) == (1, "completed")
    assert sorted(r["path"] for r in executed["results"]) == [
        "counts_by_region.csv", "notes.txt", "summary.json"]
    assert all(len(r["sha512"]) == 128 for r in executed["results"])
    disclosed = run_json("disclose", tre_project, "--staging-dir", staging, "--json")
    assert disclosed["manifest"] == "outputs/manifest.toml"
    assert "disclosure.min-cell-count (min-cell-count@counts_by_region.csv:3:count)" in {
        f["rule"] for f in disclosed["findings"]}
    assert {f["file"] for f in disclosed["findings"]} == {
        "outputs/counts_by_region.csv", "outputs/notes.txt"}
    decide_disclosure(tre_project)
    published = run_json("publish", tre_project, "--staging-dir", staging, "--to",
                         tmp_path / "release", "--json")
    assert published["tag"].endswith("/v1")
    assert len(published["sha512"]) == 128
    assert Path(published["locations"][0]).is_file()
