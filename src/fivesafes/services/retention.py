"""Removes a finished request's staging folders once the policy's retention has passed.

The staging folder of a request (``<staging root>/<request uuid>/``, one ``attempt-N``
folder per execution attempt) holds output data inside the TRE. After publication, or after
the project's end, :func:`fivesafes.core.lifecycle.retention.retention` says when it may go;
this service removes it (never following a link out of it) and records the removal in the
action record, so the record says where the data went. A folder already gone is nothing to do.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fivesafes.adapters.executors.base import staging_for, staging_root
from fivesafes.adapters.files.project import load_project
from fivesafes.adapters.ledger.append import append_entry, run_evidence
from fivesafes.adapters.runner import clock
from fivesafes.core.lifecycle.retention import retention, retention_entry
from fivesafes.models.ledger import ActionEntry

Outcome = Literal["removed", "kept", "nothing-staged"]


@dataclass(frozen=True)
class RetentionResult:
    request: str
    outcome: Outcome
    reason: str
    folder: Path
    removable_from: str | None = None
    entry: ActionEntry | None = None


def _size(folder: Path) -> tuple[int, int]:
    """(attempt folders, bytes of regular files), without following links."""
    attempts = sum(1 for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
    size = 0
    for base, _, names in os.walk(folder, followlinks=False):
        for name in names:
            path = Path(base) / name
            if path.is_file() and not path.is_symlink():
                size += path.lstat().st_size
    return attempts, size


def apply_retention(root: Path, *, staging: Path | None = None,
                    env: Mapping[str, str] | None = None,
                    dry_run: bool = False) -> RetentionResult:
    """Remove the request's staging folder when its retention has passed, and record it."""
    environment = dict(os.environ) if env is None else dict(env)
    project = load_project(root)
    request, policy = project.request, project.policy
    folder = staging_for(root, staging_root(policy, staging), request.id, 1).root.parent
    due = retention(project.record, request.project.project, policy.executor.retention_days,
                    clock.now().date())
    until = due.until.isoformat() if due.until else None
    if not folder.exists() and not folder.is_symlink():
        return RetentionResult(request.id, "nothing-staged",
                               f"no staging folder for this request; {due.reason}", folder,
                               until)
    if not due.due:
        return RetentionResult(request.id, "kept", due.reason, folder, until)
    if dry_run:
        return RetentionResult(request.id, "removed", f"would remove it: {due.reason}",
                               folder, until)
    attempts, size = (0, 0) if folder.is_symlink() else _size(folder)
    if folder.is_symlink():
        folder.unlink()
    else:
        shutil.rmtree(folder)
    fields = retention_entry(request.id, project.record, due, now=clock.stamp(),
                             evidence=run_evidence("retention", "removed", environment),
                             folders=attempts, size=size)
    entry = append_entry(root, fields).action[-1]
    return RetentionResult(request.id, "removed", entry.reason, folder, until, entry)
