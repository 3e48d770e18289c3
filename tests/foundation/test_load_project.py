"""``load_project`` and ``scan_tree``: what other commands build on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fivesafes.adapters.files.project import (
    ProjectError,
    UnreadableProject,
    load_project,
    read_tree,
    scan_tree,
)

WORKFLOW = "resources/workflow.toml"


def test_loads_the_template(template_project: Path) -> None:
    loaded = load_project(template_project)
    assert loaded.request.id.startswith("urn:uuid:")
    assert [name for name, _ in loaded.request.datasets] == [
        "resources/metadata/dataset_admissions.toml", "resources/metadata/dataset_patients.toml"]
    assert loaded.policy.phases.disclosure.required == 2
    assert loaded.record.action == []
    assert [f.rule for f in loaded.findings] == ["project.template-id"]


def test_invalid_request_raises_with_findings(template_project: Path) -> None:
    path = template_project / WORKFLOW
    path.write_text(path.read_text().replace("https://workflowhub.eu/workflows/1234?",
                                             "http://workflowhub.eu/workflows/1234?"))
    with pytest.raises(ProjectError) as info:
        load_project(template_project)
    assert any(f.file == WORKFLOW and f.line == 7 for f in info.value.findings)
    assert "resources/workflow.toml:7" in str(info.value)


def test_policy_from_elsewhere_overrides_the_working_tree(template_project: Path) -> None:
    default_branch = (template_project / ".github/fivesafes.toml").read_bytes()
    head = default_branch.replace(b'"https://workflowhub.eu/workflows/"', b'"https://evil.example/"')
    (template_project / ".github/fivesafes.toml").write_bytes(head)
    with pytest.raises(ProjectError):
        load_project(template_project)
    assert load_project(template_project, policy_data=default_branch).policy is not None


def test_files_outside_resources_are_read_only_when_referenced(template_project: Path) -> None:
    path = template_project / WORKFLOW
    path.write_text(path.read_text().replace("value = 1940\n", 'file = "inputs/years.csv"\n'))
    (template_project / "inputs").mkdir()
    (template_project / "inputs/years.csv").write_text("year\n1940\n")
    (template_project / "notes.txt").write_text("not read")
    files, found = scan_tree(template_project)
    assert found == []
    assert "inputs/years.csv" in files
    assert "notes.txt" not in files
    assert load_project(template_project).request.workflow.workflow.inputs[0].file == (
        "inputs/years.csv")


def test_a_linked_folder_on_the_way_is_refused(template_project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "years.csv").write_text("year\n")
    os.symlink(elsewhere, template_project / "inputs")
    path = template_project / WORKFLOW
    path.write_text(path.read_text().replace("value = 1940\n", 'file = "inputs/years.csv"\n'))
    files, found = scan_tree(template_project)
    assert "inputs/years.csv" not in files
    assert [f.message for f in found] == ["inputs is a symbolic link"]
    with pytest.raises(ProjectError):
        read_tree(template_project)


def test_special_files_are_refused(template_project: Path) -> None:
    os.mkfifo(template_project / "resources/pipe")
    _, found = scan_tree(template_project)
    assert [f.message for f in found] == ["resources/pipe is not a regular file"]


def test_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(UnreadableProject):
        scan_tree(tmp_path)
    with pytest.raises(UnreadableProject):
        scan_tree(tmp_path / "missing")
