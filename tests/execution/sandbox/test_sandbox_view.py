"""What the sandbox shows and refuses: the network, folders the policy adds, programs it would
not show, and a workflow folder that is the whole checkout."""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.execution import need_sandbox, python_command, set_executor, sign_off

from fivesafes.adapters.ledger.file import read_record
from fivesafes.models.ledger import ActionEntry
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import execute

ATTEMPT = "0e1f0000-0000-4000-8000-000000000001/attempt-1"
CONNECT = ("import json, socket, sys, pathlib; s = socket.socket(); s.settimeout(2)\n"
           "try:\n    s.connect(('127.0.0.1', int(sys.argv[2]))); r = 'connected'\n"
           "except OSError as e:\n    r = type(e).__name__\n"
           "pathlib.Path(sys.argv[1], 'net.json').write_text(json.dumps(r))")


@pytest.fixture
def listener() -> Iterator[int]:
    """A TCP port on the runner's loopback."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    try:
        yield int(server.getsockname()[1])
    finally:
        server.close()


def run(tre_project: Path, staging: Path) -> ActionEntry:
    sign_off(tre_project)
    return execute(tre_project, RunOptions(staging_root=staging, env={}))


@pytest.mark.parametrize(("network", "expected"), [("auto", "refused"), ("none", "refused"),
                                                    ("host", "connected")])
def test_the_runner_network_only_when_the_policy_gives_it(
        tre_project: Path, staging: Path, listener: int, network: str, expected: str) -> None:
    set_executor(tre_project, command=[*python_command(CONNECT), str(listener)],
                 **{"sandbox-network": network})
    entry = run(tre_project, staging)
    assert entry.status == "completed", entry.reason
    got = json.loads((staging / ATTEMPT / "outputs" / "net.json").read_text())
    assert (got == "connected") == (expected == "connected"), got


def test_a_folder_the_policy_shows_is_read_only(tre_project: Path, staging: Path,
                                                 tmp_path: Path) -> None:
    tools = tmp_path / "tre-tools"
    tools.mkdir()
    (tools / "tool.txt").write_text("a TRE tool")
    code = ("import sys, pathlib; t = pathlib.Path(sys.argv[2]); "
            "r = (t / 'tool.txt').read_text()\n"
            "try:\n    (t / 'x').write_text('x'); r += ' written'\n"
            "except OSError:\n    r += ' read-only'\n"
            "pathlib.Path(sys.argv[1], 'tool.txt').write_text(r)")
    set_executor(tre_project, command=[*python_command(code), str(tools)],
                 **{"sandbox-read-only": [str(tools)]})
    entry = run(tre_project, staging)
    assert entry.status == "completed", entry.reason
    assert (staging / ATTEMPT / "outputs" / "tool.txt").read_text() == "a TRE tool read-only"


@pytest.mark.parametrize("shown", ["home", "parent of the checkout", "relative"])
def test_a_policy_folder_that_would_show_a_hidden_one_is_refused(
        tre_project: Path, staging: Path, shown: str) -> None:
    folder = {"home": os.environ["HOME"], "parent of the checkout": str(tre_project.parent),
              "relative": "opt/tools"}[shown]
    set_executor(tre_project, command=python_command("pass"), **{"sandbox-read-only": [folder]})
    entry = run(tre_project, staging)
    assert entry.status == "failed"
    assert "sandbox-read-only" in entry.reason


def test_a_program_the_sandbox_would_not_show_is_refused_before_it_runs(
        tre_project: Path, staging: Path, tmp_path: Path) -> None:
    program = tmp_path / "runner-bin" / "analysis"
    program.parent.mkdir()
    program.write_text(f"#!{sys.executable}\n")
    program.chmod(0o755)
    set_executor(tre_project, command=[str(program), "{outputs}"])
    entry = run(tre_project, staging)
    assert entry.status == "failed"
    assert "is not visible inside the sandbox" in entry.reason
    assert "executor.sandbox-read-only" in entry.reason


def test_a_workflow_folder_that_is_the_whole_checkout_is_refused(
        tre_project: Path, staging: Path) -> None:
    path = tre_project / "resources" / "workflow.toml"
    text = path.read_text()
    text = text.replace('id = "https://workflowhub.eu/workflows/1234?version=3"', 'id = "."')
    path.write_text(text.replace(
        'distribution = "https://workflowhub.eu/workflows/1234/ro_crate?version=3"\n', ""))
    set_executor(tre_project, command=python_command("pass"))
    entry = run(tre_project, staging)
    assert entry.status == "failed", entry.reason
    assert "is or holds a folder the sandbox hides" in entry.reason
    assert [e.status for e in read_record(tre_project).action if e.phase == "execution"] == [
        "active", "failed"]


ESCAPE = ("import ctypes, sys, pathlib; libc = ctypes.CDLL(None, use_errno=True); t = sys.argv[2]\n"
          "r = libc.mount(None, t.encode(), None, ctypes.c_ulong(32 | 4096), None)\n"
          "try:\n    pathlib.Path(t, 'x').write_text('x'); w = 'written'\n"
          "except OSError:\n    w = 'read-only'\n"
          "pathlib.Path(sys.argv[1], 'escape.txt').write_text(f'{r} {w}')")


@pytest.mark.parametrize("sandbox", ["bubblewrap", "unshare"])
def test_the_workflow_cannot_remount_a_read_only_folder_writable(
        tre_project: Path, staging: Path, tmp_path: Path, sandbox: str) -> None:
    """Root in its user namespace, but without capabilities: no remount, no write."""
    need_sandbox(sandbox)
    tools = tmp_path / "tre-tools"
    tools.mkdir()
    set_executor(tre_project, command=[*python_command(ESCAPE), str(tools)], sandbox=sandbox,
                 **{"sandbox-read-only": [str(tools)]})
    entry = run(tre_project, staging)
    assert entry.status == "completed", entry.reason
    assert (staging / ATTEMPT / "outputs" / "escape.txt").read_text() == "-1 read-only"
    assert not (tools / "x").exists()
