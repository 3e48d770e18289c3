"""The request scope: the one definition of the files that make up a request.

Approvers sign off bytes, so every reader must agree on which bytes: ``fivesafes validate``
(a checkout), the two facts readers of the engine (the GitHub API at the head commit, a facts
file with a checkout) and the sign-off digest that ``fivesafes execute`` recomputes before it
runs anything. All of them select through this module:

- every ``resources/**`` file except the action record (written by the automation);
- the workflow folder ``resources/workflow.toml`` names, when it is a folder of the
  repository (``workflow.id``), wherever it lives;
- every input file the workflow names (``workflow.inputs[].file``).

So whatever will run, and whatever the run reads from the repository, is signed off: a changed
byte anywhere in the scope changes the digest, and ``execute`` refuses. Paths that leave the
repository, and paths the automation owns (``.github/``, ``crate/``, the record) or that hold
outputs, are never in scope; validation reports them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fivesafes.core import layout
from fivesafes.core.request.validate import referenced_paths
from fivesafes.core.request.values import safe_relative

RESOURCES = "resources/"


def listed(path: str) -> bool:
    """The files every reader reads first: ``resources/**`` but the action record."""
    return path.startswith(RESOURCES) and path != layout.ACTIONS


def referenced(files: Mapping[str, bytes]) -> list[str]:
    """The workflow folder (ending in ``/``) and input files outside ``resources/`` that the
    workflow names and that may be part of a request (safe, not automation-owned)."""
    out: list[str] = []
    for ref in referenced_paths(files):
        if safe_relative(ref) or ref.startswith(RESOURCES) or ref in out:
            continue
        if layout.is_automation_owned(ref) or ref.startswith("outputs/"):
            continue
        out.append(ref)
    return out


def covers(path: str, refs: list[str]) -> bool:
    """Whether ``path`` is in the scope given the workflow's references ``refs``."""
    if listed(path):
        return True
    if layout.is_automation_owned(path) or path.startswith("outputs/"):
        return False
    return any(path == ref or (ref.endswith("/") and path.startswith(ref)) for ref in refs)


def wanted(files: Mapping[str, bytes]) -> Callable[[str], bool]:
    """The second pass of a reader: after ``listed`` files, which other paths to read."""
    refs = referenced(files)
    return lambda path: not listed(path) and covers(path, refs)


def request_scope(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The files among ``files`` that are the request (what the sign-off digest covers)."""
    refs = referenced(files)
    return {p: b for p, b in files.items() if covers(p, refs)}
