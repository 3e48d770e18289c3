"""Every invalid case is refused with a finding at its file and line; every valid case passes."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fivesafes.cli.main import cli

CASES = Path(__file__).resolve().parent / "cases"
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())
VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())


def _expect(case: Path) -> dict[str, Any]:
    with (case / "expected.toml").open("rb") as handle:
        return dict(tomllib.load(handle)["expect"])


def test_enough_invalid_cases() -> None:
    assert len(INVALID) >= 30


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_is_refused_at_its_line(
    case: Path, case_project: Callable[[Path], Path]
) -> None:
    root = case_project(case)
    expect = _expect(case)
    result = CliRunner().invoke(cli, ["validate", str(root), "--format", "json"])
    assert result.exit_code == expect.get("exit", 1), result.output
    body = json.loads(result.output)
    hits = [
        f for f in body["findings"]
        if f["file"] == expect["file"] and f["line"] == expect["line"]
        and expect["message"] in f"{f['message']}; fix: {f['fix']}"
    ]
    assert hits, json.dumps(body["findings"], indent=1)
    assert any(f["severity"] == "error" for f in hits)
    text = CliRunner().invoke(cli, ["validate", str(root)])
    assert f"{expect['file']}:{expect['line']}: " in text.output


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_case_passes(case: Path, case_project: Callable[[Path], Path]) -> None:
    root = case_project(case)
    result = CliRunner().invoke(cli, ["validate", str(root), "--format", "json"])
    body = json.loads(result.output)
    assert result.exit_code == 0, json.dumps(body["findings"], indent=1)
    assert body["summary"]["valid"] is True
    assert [f for f in body["findings"] if f["severity"] == "error"] == []
