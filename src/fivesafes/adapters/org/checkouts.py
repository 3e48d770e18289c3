"""Project repositories read from local checkouts (``fivesafes org ... --from DIR``).

Offline and in tests the organisation is a list of folders. Each folder is read as its
default branch would be read through the API: the project file, the action record and the
policy (merged with the central policy when it extends one). A folder that is not a project
still gets a line, saying what is wrong with it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from fivesafes.adapters.github.org_policy import resolve_org_policy
from fivesafes.core import layout
from fivesafes.core.org.summary import ProjectFiles
from fivesafes.core.request.validate import validate_policy


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def web_url(folder: Path) -> str:
    """The repository's web page from an https ``origin`` (``""`` when there is none)."""
    try:
        out = subprocess.run(["git", "-C", str(folder), "config", "--get", "remote.origin.url"],
                             capture_output=True, text=True, check=False, timeout=30)
    except OSError:
        return ""
    url = out.stdout.strip()
    return url.removesuffix(".git") if url.startswith("https://") and "@" not in url else ""


def read_checkout(folder: Path, org_policy: Path | None = None) -> ProjectFiles:
    """One project's files from ``folder``; problems instead of exceptions."""
    problems: list[str] = []
    if not folder.is_dir():
        return ProjectFiles(folder.name or str(folder), problems=(f"{folder}: no such folder",))
    data = _read(folder / layout.POLICY)
    policy, found = validate_policy(data, resolve_org_policy(data, org_policy))
    if policy is None:
        problems += [f.render() for f in found if f.severity == "error"][:3] or [
            f"{layout.POLICY}: no usable policy"]
    return ProjectFiles(folder.resolve().name, web_url(folder), _read(folder / layout.PROJECT),
                        _read(folder / layout.ACTIONS), policy, tuple(problems))
