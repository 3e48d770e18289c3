"""The researcher's code runs sandboxed, tried as a hostile researcher would.

A signed-off workflow hunts for the token and the App key that the ``fivesafes execute``
running it holds: in its environment, in ``/proc`` of its parent and of every process it can
see, in files of the runner's home, work and temporary folders, of the checkout and of another
request's staging folder. Run as a real ``fivesafes execute`` process (so ``/proc`` of the
parent is real), through bubblewrap and through util-linux ``unshare``, it finds neither; with
``sandbox = "none"`` it finds both, so the guard is the sandbox, not luck.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from tests.support.execution import need_sandbox, set_executor, sign_off
from tests.support.hunt import KEY, TOKEN, hunt_script, plant

from fivesafes.adapters.ledger.file import read_record
from fivesafes.core.crate.spec import SANDBOXED

REQUEST = "0e1f0000-0000-4000-8000-000000000001"
CWL = """cwlVersion: v1.2
class: CommandLineTool
baseCommand: [{python}]
inputs:
  script:
    type: File
    inputBinding: {{position: 1}}
arguments:
  - {{valueFrom: $(runtime.outdir), position: 2}}
outputs:
  hunt:
    type: File
    outputBinding: {{glob: hunt.json}}
"""
CRATE = {"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": [
    {"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "about": {"@id": "./"}},
    {"@id": "./", "@type": "Dataset", "mainEntity": {"@id": "hunt.cwl"}},
    {"@id": "hunt.cwl", "@type": ["File", "SoftwareSourceCode", "ComputationalWorkflow"],
     "programmingLanguage": {"@id": "https://w3id.org/workflowhub/workflow-ro-crate#cwl"}}]}


def _workflow(tre_project: Path, folder: str, language: str, inputs: list[dict[str, str]]) -> None:
    path = tre_project / "resources" / "workflow.toml"
    doc = tomlkit.parse(path.read_text())
    workflow = tomlkit.table()
    workflow.update({"id": folder, "name": "Hunt", "language": language})
    aot = tomlkit.aot()
    for item in inputs:
        aot.append(tomlkit.item(item))
    workflow["inputs"] = aot
    doc["workflow"] = workflow
    path.write_text(tomlkit.dumps(doc))


def runner_secrets(tre_project: Path, staging: Path, tmp_path: Path) -> dict[str, str]:
    """Plant the runner's secrets; the environment of the job's ``fivesafes execute``."""
    home = Path(os.environ["HOME"])
    work = tmp_path / "runner" / "_work"
    workspace, temp = work / "project" / "project", work / "_temp"
    plant({home / ".config" / "gh" / "hosts.yml": f"github.com:\n  oauth_token: {TOKEN}\n",
           home / "app-key.pem": KEY,
           temp / "_runner_file_commands" / "set_env_0": f"GITHUB_TOKEN={TOKEN}\n",
           workspace / ".git" / "config": f"[http]\n  extraheader = token {TOKEN}\n",
           tre_project / ".app-key.pem": KEY,
           staging / "11110000-0000-4000-8000-000000000002" / "attempt-1" / "outputs"
           / "key.txt": KEY})
    hunted = [home, temp, workspace, tre_project, staging]
    (tre_project / "hunt").mkdir()
    (tre_project / "hunt" / "hunt.py").write_text(hunt_script(hunted))
    return {**os.environ, "GITHUB_TOKEN": TOKEN, "FIVESAFES_APP_PRIVATE_KEY": KEY,
            "RUNNER_TEMP": str(temp), "RUNNER_WORKSPACE": str(work / "project"),
            "GITHUB_WORKSPACE": str(workspace)}


def execute(tre_project: Path, staging: Path, env: dict[str, str]) -> None:
    """``fivesafes execute`` as the job runs it: its own process, started in the checkout."""
    done = subprocess.run([sys.executable, "-m", "fivesafes", "execute", str(tre_project),
                           "--staging-dir", str(staging), "--no-commit"],
                          cwd=tre_project, env=env, capture_output=True, text=True, check=False,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def hunted(staging: Path, *inside: str) -> dict[str, Any]:
    path = staging / REQUEST / "attempt-1" / "outputs" / Path(*inside) / "hunt.json"
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def judge(kind: str, report: dict[str, Any], tre_project: Path, staging: Path,
          parent: bool = True) -> None:
    found = {f["what"] for f in report["found"]}
    assert report["looked"]["proc"] >= 1  # it did look
    if kind == "none":  # the control: without the sandbox the hunt succeeds
        assert found == {"token", "key"}, report["found"]
        if parent:  # the local command's parent is execute itself
            assert "parent environ" in {f["where"] for f in report["found"]}
    else:
        assert report["found"] == [], report["found"]
        # of the runner's folders only the granted ones are there, each with nothing else
        # (the parent's /proc/PID/root, where it is readable, is the sandbox's own root)
        seen = {k: v for k, v in report["looked"]["paths"].items()
                if v and not k.startswith("/proc/")}
        assert seen == {str(tre_project): ["hunt"], str(staging): [REQUEST]}, seen
    (entry,) = [e for e in read_record(tre_project).action
                if e.phase == "execution" and e.status == "completed"]
    assert entry.evidence.sandbox == kind
    crate = json.loads((tre_project / "crate" / "ro-crate-metadata.json").read_text())
    (create,) = [e for e in crate["@graph"] if e["@type"] == "CreateAction"]
    assert create["description"].endswith(SANDBOXED[kind])  # the crate says how it ran


@pytest.mark.parametrize("kind", ["bubblewrap", "unshare", "none"])
def test_a_hostile_local_workflow_finds_no_token_and_no_key(
        tre_project: Path, staging: Path, tmp_path: Path, kind: str) -> None:
    need_sandbox(kind)
    env = runner_secrets(tre_project, staging, tmp_path)
    _workflow(tre_project, "hunt", "python", [])
    set_executor(tre_project, command=["python", "{workflow}/hunt.py", "{outputs}"], sandbox=kind)
    sign_off(tre_project)
    execute(tre_project, staging, env)
    judge(kind, hunted(staging), tre_project, staging)


@pytest.mark.skipif(importlib.util.find_spec("cwltool") is None,
                    reason="cwltool is not installed (pip install -e '.[cwl]')")
@pytest.mark.parametrize("kind", ["bubblewrap", "unshare", "none"])
def test_a_hostile_cwl_tool_finds_no_token_and_no_key(
        tre_project: Path, staging: Path, tmp_path: Path, kind: str) -> None:
    need_sandbox(kind)
    env = runner_secrets(tre_project, staging, tmp_path)
    (tre_project / "hunt" / "hunt.cwl").write_text(CWL.format(python=json.dumps(sys.executable)))
    (tre_project / "hunt" / "ro-crate-metadata.json").write_text(json.dumps(CRATE))
    _workflow(tre_project, "hunt", "cwl", [{"name": "script", "file": "hunt/hunt.py"}])
    set_executor(tre_project, kind="cwl", sandbox=kind)
    sign_off(tre_project)
    execute(tre_project, staging, env)
    judge(kind, hunted(staging, "hunt"), tre_project, staging, parent=False)
