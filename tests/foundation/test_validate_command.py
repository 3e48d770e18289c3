"""``fivesafes validate``: exit codes, output formats, and it never writes."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from fivesafes.cli.main import cli

ORCID_LINE = 39


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def break_orcid(root: Path) -> None:
    path = root / "resources/governance/project.toml"
    path.write_text(path.read_text().replace("0000-0002-1825-0097", "0000-0002-1825-0098"))


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            digest = "" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
            out[str(path.relative_to(root))] = (digest, path.lstat().st_mtime_ns)
    return out


def test_template_is_valid_with_only_the_placeholder_warning(template_project: Path) -> None:
    code, out = run("validate", str(template_project))
    assert code == 0, out
    assert "warning: project id is still the template's placeholder" in out
    examples = out.count("still holds the template's example value")
    assert examples >= 10  # the TRE, its teams, the researcher, the workflow (issue 13)
    assert out.strip().splitlines()[-1].startswith(
        f"valid: 0 error(s), {1 + examples} warning(s)")


def test_findings_exit_1_with_file_and_line(template_project: Path) -> None:
    break_orcid(template_project)
    code, out = run("validate", str(template_project))
    assert code == 1
    assert (f"resources/governance/project.toml:{ORCID_LINE}: orcid 0000-0002-1825-0098 "
            "has a wrong check digit") in out


def test_github_format(template_project: Path) -> None:
    break_orcid(template_project)
    code, out = run("validate", str(template_project), "--format", "github")
    assert code == 1
    pattern = re.compile(r"^::(error|warning) file=[^,]+,line=\d+(,col=\d+)?,title=[\w.-]+::.+$")
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert annotations
    assert all(pattern.match(line) for line in annotations)
    expected = f"::error file=resources/governance/project.toml,line={ORCID_LINE},"
    assert any(line.startswith(expected) for line in annotations)


def test_json_format(template_project: Path) -> None:
    break_orcid(template_project)
    code, out = run("validate", str(template_project), "--format", "json")
    body = json.loads(out)
    assert code == 1
    examples = sum(f["rule"] == "example.value" for f in body["findings"])
    assert body["summary"] == {"valid": False, "errors": 1, "warnings": 1 + examples,
                               "files": 6}
    error = next(f for f in body["findings"] if f["severity"] == "error")
    assert error["file"] == "resources/governance/project.toml"
    assert error["line"] == ORCID_LINE
    assert error["rule"] == "requester.orcid"
    assert set(error) == {"file", "line", "column", "rule", "message", "fix", "severity"}


def test_not_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert run("validate", str(tmp_path / "absent"))[0] == 2
    (tmp_path / "file.toml").write_text("")
    assert run("validate", str(tmp_path / "file.toml"))[0] == 2


def test_folder_without_project_files_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run("validate", str(tmp_path))
    assert code == 2
    assert "fivesafes init" in out


def test_unknown_format_is_a_usage_error(template_project: Path) -> None:
    assert run("validate", str(template_project), "--format", "xml")[0] == 2


def test_validate_never_writes(template_project: Path) -> None:
    break_orcid(template_project)
    (template_project / "resources/metadata/dataset_bad.toml").write_bytes(b"\xff\xfe = 1")
    before = snapshot(template_project)
    for fmt in ("text", "json", "github"):
        run("validate", str(template_project), "--format", fmt)
    assert snapshot(template_project) == before


def test_defaults_to_the_current_folder(template_project: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(template_project)
    assert run("validate")[0] == 0


def test_symlinks_are_refused(template_project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("secret\n")
    (template_project / "resources/inputs").mkdir()
    os.symlink(outside, template_project / "resources/inputs/years.csv")
    code, out = run("validate", str(template_project))
    assert code == 1
    assert "resources/inputs/years.csv is a symbolic link" in out
