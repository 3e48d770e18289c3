"""``fivesafes execute`` refuses when any byte of the request scope changed after sign-off:
the workflow folder and the input files the workflow names, wherever they live."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.execution import decision, sign_off

from fivesafes.services.attempt import GateClosed, RunOptions
from fivesafes.services.execute import execute


def _local_workflow(root: Path) -> None:
    path = root / "resources/workflow.toml"
    text = path.read_text()
    text = text.replace('id = "https://workflowhub.eu/workflows/1234?version=3"', 'id = "workflow"')
    text = text.replace('distribution = "https://workflowhub.eu/workflows/1234/ro_crate?version=3"\n',
                        "")
    text = text.replace("value = 1940\n", 'file = "inputs/years.csv"\n')
    path.write_text(text)
    (root / "workflow").mkdir()
    (root / "workflow/ro-crate-metadata.json").write_text('{"@graph": []}\n')
    (root / "workflow/run.py").write_text("print('counts')\n")
    (root / "inputs").mkdir()
    (root / "inputs/years.csv").write_text("year\n1940\n")


@pytest.mark.parametrize("changed", ["workflow/run.py", "inputs/years.csv"])
def test_a_changed_byte_outside_resources_after_sign_off_is_refused(
        tre_project: Path, staging: Path, changed: str) -> None:
    _local_workflow(tre_project)
    sign_off(tre_project)
    path = tre_project / changed
    path.write_bytes(path.read_bytes() + b"#")
    with pytest.raises(GateClosed, match="differ from what was signed off"):
        execute(tre_project, RunOptions(staging_root=staging, env={}))


def test_a_sign_off_without_a_digest_opens_nothing(tre_project: Path, staging: Path) -> None:
    decision(tre_project, "sign-off", "completed", "", ["sam-signoff"])
    with pytest.raises(GateClosed, match="names no digest"):
        execute(tre_project, RunOptions(staging_root=staging, env={}))
