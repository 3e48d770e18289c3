"""``crate build --json`` and ``phases --json``: one JSON object a tool can read."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fivesafes.cli.main import cli
from fivesafes.core import layout
from fivesafes.core.lifecycle.phases import STATES, TRANSITIONS


def test_crate_build_and_check_report_as_json(crate_project: Path) -> None:
    built = CliRunner().invoke(cli, ["crate", "build", str(crate_project), "--json"])
    assert built.exit_code == 0, built.output
    assert json.loads(built.stdout) == {"crate": layout.CRATE_DIR, "stale": [],
                                        "written": [layout.CRATE_METADATA, layout.CRATE_PREVIEW]}
    (crate_project / layout.CRATE_PREVIEW).write_text("edited by hand\n")
    checked = CliRunner().invoke(cli, ["crate", "build", str(crate_project), "--check", "--json"])
    assert checked.exit_code == 1
    assert json.loads(checked.stdout)["stale"] == [layout.CRATE_PREVIEW]


def test_phases_as_json_is_the_transition_table() -> None:
    result = CliRunner().invoke(cli, ["phases", "--json"])
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert [s["name"] for s in body["states"]] == [s.name for s in STATES]
    assert len(body["transitions"]) == len(TRANSITIONS)
