"""End-to-end runs of the real workflows with act (marked ``e2e``): offline, no Docker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.e2e.act_harness import Act, act_binary, export_tree, routing_tree, stand_ins
from tests.e2e.stage import Stage, make_project
from tests.github_server import GitHubServer
from tests.github_server.plugin import github_server  # noqa: F401


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
    trusted_by_setup(gitops)
    return Act(gitops, stand_ins(base / "stubs"), base, routing_tree(gitops, base / "routing"))


def trusted_by_setup(gitops: Path) -> None:
    """The runs hand this interpreter to the setup action (offline, it cannot install
    afresh), which uses it only when its environment passes the action's checks against the
    lock: say why not up front. Outside CI a test environment that drifted from the lock
    (installed without it) skips the runs; in CI (.ci/run installs the lock first) it fails."""
    done = subprocess.run([sys.executable, "-I", "-S", str(gitops / "actions/setup/install.py"),
                           "check"], env={**os.environ, "FIVESAFES_ACTION_ROOT": str(gitops)},
                          capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return
    reason = ("the setup action would not use this test environment as it is; install the "
              f"lock first (pip install --require-hashes --no-deps -r locks/py"
              f"{sys.version_info[0]}.{sys.version_info[1]}.txt):\n{done.stdout}")
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def act_project(tmp_path: Path) -> tuple[Path, Path]:
    """(clone, bare remote): a project from the template, pushed to a local bare remote."""
    return make_project(tmp_path)


@pytest.fixture
def stage(act: Act, github_server: GitHubServer, tmp_path: Path) -> Stage:  # noqa: F811
    """The project on its bare remote, mirrored by the local GitHub API server, with people,
    teams and the TRE's folders."""
    return Stage.create(act, github_server, tmp_path)
