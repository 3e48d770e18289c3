"""Renders the project template into a new folder (``fivesafes init``, the demo).

The template is the repository's ``templates/project-repo`` in a source checkout, and
``fivesafes/_template`` inside an installed wheel. Rendering happens in a hidden sibling
folder that is renamed into place only when complete and valid, so a failed ``init`` leaves
nothing behind.
"""

from __future__ import annotations

import shutil
import tempfile
import tomllib
import uuid
from dataclasses import replace
from importlib import resources
from pathlib import Path

from fivesafes.adapters.files.toml_edit import edit_file, write_atomic
from fivesafes.adapters.git import local as git_local
from fivesafes.core import layout
from fivesafes.core.admin.init_plan import (
    InitOptionError,
    InitOptions,
    extending_policy,
    plan_edits,
)
from fivesafes.core.findings import Finding, errors
from fivesafes.core.ids import is_urn_uuid
from fivesafes.errors import UsageError
from fivesafes.models.policy import DEFAULT_AUTOMATION

IGNORED = shutil.ignore_patterns(".keep", "__pycache__", "*.pyc", ".DS_Store")


class InitError(UsageError):
    """The project cannot be rendered: a bad option, a non-empty folder, or invalid result."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []
        self.details = tuple(f"  {f.render()}" for f in self.findings)


def template_dir() -> Path:
    """The folder holding the project template (installed wheel first, then source tree)."""
    packaged = resources.files("fivesafes") / "_template"
    if packaged.is_dir():
        return Path(str(packaged))
    source = Path(__file__).resolve().parents[4] / "templates" / "project-repo"
    if source.is_dir():
        return source
    raise InitError("the project template is missing from this installation; reinstall "
                    "fivesafes-gitops")


def fresh_project_id() -> str:
    return uuid.uuid4().urn


def _check_destination(dest: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise InitError(f"{dest} exists and is not a folder; choose a new folder")
    if dest.is_dir() and any(dest.iterdir()):
        raise InitError(f"{dest} is not empty; choose a new or empty folder")


def _required_counts(policy_path: Path) -> dict[str, int]:
    phases = tomllib.loads(policy_path.read_text(encoding="utf-8")).get("phases", {})
    return {name: int(rule.get("required", 1)) for name, rule in phases.items()}


def _retitle_readme(readme: Path, old: str, new: str) -> None:
    if readme.is_file() and old != new:
        text = readme.read_text(encoding="utf-8")
        write_atomic(readme, text.replace(old, new, 1))


def _sync_codeowners(folder: Path, template_policy: dict[str, object]) -> None:
    """Point CODEOWNERS at the approvers the options chose (it names the template's teams)."""
    path = folder / ".github" / "CODEOWNERS"
    if not path.is_file():
        return
    text = original = path.read_text(encoding="utf-8")
    chosen = tomllib.loads((folder / layout.POLICY).read_text(encoding="utf-8")).get(
        "phases", {})
    phases = template_policy.get("phases")
    for phase, rule in (phases.items() if isinstance(phases, dict) else []):
        old = rule.get("approvers", []) if isinstance(rule, dict) else []
        new = chosen.get(phase, {}).get("approvers", [])
        if len(old) == 1 and old != new:
            owners = " ".join(a if a.startswith("@") else f"@{a}" for a in new)
            text = text.replace(f" {old[0]}\n", f" {owners}\n")
    if text != original:
        write_atomic(path, text)


def _validate(root: Path) -> list[Finding]:
    from fivesafes.adapters.files.project import scan_tree
    from fivesafes.adapters.github.org_policy import resolve_org_policy
    from fivesafes.core.request.validate import validate_policy, validate_request

    files, findings = scan_tree(root)
    data = files.get(layout.POLICY)
    policy, policy_findings = validate_policy(data, resolve_org_policy(data))
    # a central policy that cannot be read now is named, not fatal: the project is created
    # and every later check fails closed until it can be read
    policy_findings = [replace(f, severity="warning") if f.rule == "policy.extends-unreadable"
                       else f for f in policy_findings]
    return findings + policy_findings + validate_request(files, policy).findings


def _retarget_automation(folder: Path, repository: str) -> None:
    """Point the workflows' ``uses:`` at the automation's fork or mirror."""
    for path in sorted((folder / ".github" / "workflows").glob("*.y*ml")):
        text = path.read_text(encoding="utf-8")
        new = text.replace(f"{DEFAULT_AUTOMATION}/", f"{repository}/")
        if new != text:
            write_atomic(path, new)


def render_into(folder: Path, options: InitOptions) -> str:
    """Copy the template into an existing empty ``folder`` and apply the options (no checks
    on the folder, no git). The project id."""
    project_id = options.project_id or fresh_project_id()
    if not is_urn_uuid(project_id):
        raise InitError(f"--project-id {project_id!r} is not a urn:uuid; give e.g. "
                        f"{fresh_project_id()} or leave it out for a fresh one")
    shutil.copytree(template_dir(), folder, ignore=IGNORED, dirs_exist_ok=True)
    old_title = tomllib.loads((folder / layout.PROJECT).read_text(encoding="utf-8"))
    old_policy = tomllib.loads((folder / layout.POLICY).read_text(encoding="utf-8"))
    try:
        edits = plan_edits(options, project_id, _required_counts(folder / layout.POLICY))
    except InitOptionError as exc:
        raise InitError(str(exc)) from exc
    for relative, changes in edits.items():
        if relative == layout.POLICY and options.extends:
            continue
        edit_file(folder / relative, changes)
    if options.extends:
        write_atomic(folder / layout.POLICY,
                     extending_policy(options.extends, edits.get(layout.POLICY, [])))
    if options.automation:
        _retarget_automation(folder, options.automation)
    _sync_codeowners(folder, old_policy)
    if options.title is not None:
        _retitle_readme(folder / "README.md", old_title["project"]["title"], options.title)
    return project_id


def render_project(dest: Path, options: InitOptions) -> str:
    """Render the template into ``dest`` (absent or empty), validated, all or nothing; no git.
    The project id. Raises InitError (with findings when the options make it invalid)."""
    dest = dest.absolute()
    _check_destination(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        project_id = render_into(staging, options)
        found = errors(_validate(staging))
        if found:
            raise InitError("the options make an invalid request", found)
        if dest.exists():
            for entry in sorted(staging.iterdir()):
                entry.rename(dest / entry.name)
            staging.rmdir()
        else:
            staging.rename(dest)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return project_id


def init_project(dest: Path, options: InitOptions, git: bool = True) -> str:
    """``render_project``, then ``git init -b main`` and a first commit. The project id."""
    project_id = render_project(dest, options)
    if git:
        start_repository(dest, project_id)
    return project_id


def start_repository(dest: Path, project_id: str) -> None:
    """``git init -b main`` in a rendered project and its first commit."""
    git_local.init(dest)
    git_local.commit_all(dest, f"Start the data access request {project_id}")
