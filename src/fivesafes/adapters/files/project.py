"""Reads a project repository's request files from disk, safely, and loads the request.

Only ``resources/**``, the policy and the paths the workflow file refers to are read.
A pull request controls these files, so nothing is followed out of the repository: symbolic
links and special files are refused with a finding, and oversized files are not read.
Every command that works on a request (crate build, execute, publish, handle) calls
:func:`load_project`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fivesafes.adapters.github.org_policy import resolve_org_policy
from fivesafes.adapters.ledger.file import LedgerError, read_record
from fivesafes.core import layout
from fivesafes.core.findings import Finding, errors
from fivesafes.core.request import scope
from fivesafes.core.request.parsed import Request
from fivesafes.core.request.validate import validate_policy, validate_request
from fivesafes.errors import FindingsError, UsageError
from fivesafes.models.ledger import ActionRecord
from fivesafes.models.policy import Policy

MAX_BYTES = 10 * 1024 * 1024


class UnreadableProject(UsageError):
    """The folder is not a project repository at all (usage error, exit 2)."""


class ProjectError(FindingsError):
    """The request or policy has error findings; ``findings`` says which and where."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        found = errors(findings)
        self.details = tuple(f.render() for f in found) if len(found) > 1 else ()
        more = f" (and {len(found) - 1} more, listed above)" if len(found) > 1 else ""
        super().__init__(f"the request is not valid: {found[0].render()}{more}; `fivesafes "
                         "validate` lists every finding" if found else "the project is not valid")


@dataclass(frozen=True)
class LoadedProject:
    """A valid project: its request, policy and action record, plus any warnings."""

    root: Path
    files: Mapping[str, bytes]
    request: Request
    policy: Policy
    record: ActionRecord
    findings: list[Finding] = field(default_factory=list)


def _refuse(rel: str, why: str, fix: str) -> Finding:
    return Finding(rel, None, None, "file.refused", f"{rel} {why}", fix)


def _read_one(root: Path, rel: str, files: dict[str, bytes], found: list[Finding]) -> None:
    path = root / rel
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        found.append(_refuse(rel, f"cannot be read ({exc.strerror})", "check its permissions"))
        return
    if stat.S_ISLNK(info.st_mode):
        found.append(_refuse(rel, "is a symbolic link", "commit the file itself, not a link"))
    elif not stat.S_ISREG(info.st_mode):
        found.append(_refuse(rel, "is not a regular file", "remove it"))
    elif info.st_size > MAX_BYTES:
        found.append(_refuse(rel, f"is larger than {MAX_BYTES // 1024 // 1024} MiB",
                             "request files are small text; keep data out of git"))
    else:
        try:
            files[rel] = path.read_bytes()
        except OSError as exc:
            found.append(_refuse(rel, f"cannot be read ({exc.strerror})",
                                 "check its permissions"))


def _linked_parent(root: Path, rel: str) -> str | None:
    """The first folder on the way to ``rel`` that is a symbolic link, if any."""
    parts = rel.rstrip("/").split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        if (root / folder).is_symlink():
            return folder
    return None


def _read_folder(root: Path, top: str, files: dict[str, bytes], found: list[Finding]) -> None:
    base = root / top
    if base.is_symlink():
        found.append(_refuse(top, "is a symbolic link", "commit the folder itself"))
        return
    if not base.is_dir():
        return
    for folder, dirs, names in os.walk(base, followlinks=False):
        rel_folder = Path(folder).relative_to(root).as_posix()
        for name in sorted(dirs):
            if (Path(folder) / name).is_symlink():
                found.append(_refuse(f"{rel_folder}/{name}", "is a symbolic link",
                                     "commit the folder itself, not a link"))
        dirs[:] = sorted(d for d in dirs if not (Path(folder) / d).is_symlink())
        for name in sorted(names):
            _read_one(root, f"{rel_folder}/{name}", files, found)


def scan_tree(root: Path) -> tuple[dict[str, bytes], list[Finding]]:
    """The request files (``resources/**``, the policy, referenced paths) and refusals."""
    if not root.is_dir():
        raise UnreadableProject(f"{root} is not a folder; give the project repository's root")
    if not (root / "resources").exists() and not (root / layout.POLICY).exists():
        raise UnreadableProject(
            f"{root} holds no project files (no resources/ and no {layout.POLICY}); "
            "create a project with `fivesafes init DIR`"
        )
    files: dict[str, bytes] = {}
    found: list[Finding] = []
    _read_folder(root, "resources", files, found)
    if (root / ".github").is_symlink():
        found.append(_refuse(".github", "is a symbolic link", "commit the folder itself"))
    else:
        _read_one(root, layout.POLICY, files, found)
    for rel in scope.referenced(files):  # the request scope outside resources/
        if rel in files:
            continue
        linked = _linked_parent(root, rel)
        if linked:
            found.append(_refuse(linked, "is a symbolic link", "commit the folder itself"))
        elif rel.endswith("/"):
            _read_folder(root, rel.rstrip("/"), files, found)
        else:
            _read_one(root, rel, files, found)
    return files, found


def read_tree(root: Path) -> dict[str, bytes]:
    """Repository path -> bytes of the request files; ProjectError when any is refused."""
    files, found = scan_tree(root)
    if found:
        raise ProjectError(found)
    return files


def load_project(root: Path, *, policy_data: bytes | None = None) -> LoadedProject:
    """The validated project at ``root``; ProjectError with the findings when not valid.

    ``policy_data`` overrides the working tree's policy (the automation passes the policy
    of the default branch, never the pull request's).
    """
    files, found = scan_tree(root)
    if policy_data is None:
        policy_data = files.get(layout.POLICY)
    policy, policy_found = validate_policy(policy_data, resolve_org_policy(policy_data))
    result = validate_request(files, policy)
    found = found + policy_found + result.findings
    if errors(found) or result.request is None or policy is None:
        raise ProjectError(found)
    try:
        record = read_record(root)
    except LedgerError as exc:
        raise ProjectError([exc.finding()]) from exc
    return LoadedProject(root, files, result.request, policy, record, found)
