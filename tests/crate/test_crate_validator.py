"""Crates from ``crate build`` pass the shared offline validator (five-safes-crate 0.4)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from crate_records import record_until
from crate_support import Validator, build, issues

from fivesafes.adapters.crate_writer import write_crate
from fivesafes.adapters.ledger_file import write_record
from fivesafes.cli.main import cli
from fivesafes.models.ledger import Result

pytestmark = pytest.mark.validator


def test_template_crate_every_phase_required(template: Path, validator: Validator) -> None:
    result = CliRunner().invoke(cli, ["crate", "build", str(template)])
    assert result.exit_code == 0, result.output
    report = validator(template / "crate", "required")
    assert issues(report) == []
    assert report["passed"] is True


def test_rejected_and_fresh_crates_required(project: Path, validator: Validator) -> None:
    write_record(project, record_until("disclosure", disclosure="failed"))
    assert CliRunner().invoke(cli, ["crate", "build", str(project)]).exit_code == 0
    assert issues(validator(project / "crate", "required")) == []


def test_attached_results_required(project: Path, tmp_path: Path, validator: Validator) -> None:
    """With the outputs inside the crate (as a release carries them) they are real files."""
    folder = tmp_path / "release"
    results = []
    for name, data in (("counts.csv", b"region,n\nnorth,12\n"), ("plots/a.png", b"\x89PNG")):
        (folder / "outputs" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "outputs" / name).write_bytes(data)
        results.append(Result(path=name, size=len(data), sha512=hashlib.sha512(data).hexdigest(),
                              media_type="text/csv" if name.endswith("csv") else "image/png"))
    write_crate(folder, build(project, results=results, attached_results=True))
    assert issues(validator(folder, "required")) == []
