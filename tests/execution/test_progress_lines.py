"""Progress of long work: a plain line every few seconds in a GitHub Actions log."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from tests.support.execution import set_executor, sign_off

from fivesafes.adapters.runner.progress import LogLines, mode
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import execute


def test_log_lines_come_every_few_seconds_and_once_at_the_end() -> None:
    now = [0.0]
    out = io.StringIO()
    lines = LogLines("extracting t.csv", None, out, every=5.0, clock=lambda: now[0])
    for _ in range(10):
        now[0] += 1.0
        lines.advance(1_000_000, rows=10_000)
    lines.finish()
    printed = out.getvalue().splitlines()
    assert len(printed) == 3  # at 5 s, at 10 s, and the end
    assert printed[-1] == "extracting t.csv: 100,000 rows, 10.0 MB, 1.0 MB/s"
    assert "\x1b" not in out.getvalue()
    assert "\r" not in out.getvalue()


def test_log_lines_of_known_totals_say_how_far() -> None:
    out = io.StringIO()
    lines = LogLines("packaging r.zip", 4_000_000, out, clock=lambda: 2.0)
    lines.advance(1_000_000)
    lines.finish()
    assert out.getvalue().startswith("packaging r.zip: 1.0 MB of 4.0 MB (25%), ")


def test_mode_follows_the_terminal_and_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert mode(None) == "off"  # a pipe (pytest captures stderr)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert mode(None) == "log"
    assert mode(False) == "off"
    assert mode(True) == "tty"


def test_extract_reports_rows_in_a_github_actions_log(
        tre_project: Path, staging: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    set_executor(tre_project, kind="extract")
    sign_off(tre_project)
    entry = execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir, env={}))
    assert entry.status == "completed", entry.reason
    err = capsys.readouterr().err
    rows = {r.path: r.rows for r in entry.results}["patients/patients.csv"]
    assert f"extracting patients/patients.csv: {rows:,} rows, " in err


def test_package_reports_bytes_in_a_github_actions_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from fivesafes.adapters.release.writer import write_release

    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    (outputs / "table.csv").write_bytes(b"a,b\n" * 250_000)
    write_release(tmp_path / "r.zip", bag_name="b", external_id="urn:uuid:x", outputs=outputs,
                  crate_for=lambda results: {"ro-crate-metadata.json": b"{}"})
    assert "packaging r.zip: 1.0 MB of 1.0 MB (100%)" in capsys.readouterr().err
