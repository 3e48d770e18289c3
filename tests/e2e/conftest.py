"""End-to-end runs of the real workflows with act (marked ``e2e``): offline, no Docker."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.e2e.act_harness import Act, act_binary, export_tree, routing_tree, stand_ins

from fivesafes.adapters.template import init_project
from fivesafes.core.init_plan import InitOptions


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def act(tmp_path_factory: pytest.TempPathFactory) -> Act:
    try:
        act_binary()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    base = tmp_path_factory.mktemp("act")
    gitops = export_tree(base / "gitops")
    return Act(gitops, stand_ins(base / "stubs"), base, routing_tree(gitops, base / "routing"))


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    """(clone, bare remote): a project from the template, pushed to a local bare remote."""
    source = tmp_path / "source"
    init_project(source, InitOptions(), git=True)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(remote)], check=True)
    clone = tmp_path / "project"
    subprocess.run(["git", "clone", "-q", str(remote), str(clone)], check=True)
    return clone, remote
