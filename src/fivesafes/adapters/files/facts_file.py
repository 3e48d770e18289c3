"""Facts from a JSON file and a checkout, for offline runs, replays and tests.

``fivesafes handle --facts FACTS.json [--repo-dir DIR]`` decides exactly as in Actions but
from saved facts (``docs/facts-format.md``). Keys the JSON leaves out (request files, policy,
record) are read from the checkout in ``--repo-dir``, which then stands for the default branch.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from fivesafes.adapters.files.json_file import read_json_object
from fivesafes.adapters.files.project import UnreadableProject, scan_tree
from fivesafes.core import layout
from fivesafes.core.facts.events import Event
from fivesafes.core.facts.json_form import FactsFormatError, facts_from_json
from fivesafes.core.facts.values import Facts
from fivesafes.core.request import scope
from fivesafes.errors import UsageError


class FactsFileError(UsageError):
    """The facts file cannot be read; the message names it and the fix."""


def read_facts_json(path: Path) -> dict[str, Any]:
    return read_json_object(path, what="the facts file", error=FactsFileError,
                            missing_fix="give an existing file",
                            format_hint="see docs/facts-format.md")


def checkout_files(root: Path) -> dict[str, bytes]:
    """Request files of a checkout: ``resources/**``, the rest of the request scope (the
    workflow folder and input files it names, read as ``fivesafes validate`` reads them) and
    the outputs manifest; never through a symbolic link."""
    try:
        found, _ = scan_tree(root)
    except UnreadableProject:
        found = {}
    files = {p: b for p, b in found.items() if p.startswith("resources/")
             or p in scope.request_scope(found)}
    manifest = root / layout.OUTPUTS_MANIFEST
    if manifest.is_file() and not manifest.is_symlink():
        files[layout.OUTPUTS_MANIFEST] = manifest.read_bytes()
    return files


def _optional(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() and not path.is_symlink() else None


class FileFacts:
    """A :class:`fivesafes.core.engine.ports.FactsSource` over a facts JSON and/or a checkout."""

    def __init__(self, facts_path: Path | None, repo_dir: Path | None) -> None:
        self.facts_path = facts_path
        self.repo_dir = repo_dir

    def fetch(self, event: Event) -> Facts:
        data = read_facts_json(self.facts_path) if self.facts_path else {}
        try:
            facts = facts_from_json(data)
        except FactsFormatError as exc:
            raise FactsFileError(f"{self.facts_path}: {exc}; fix: see docs/facts-format.md"
                                 ) from None
        if "default_branch" not in data and event.default_branch and facts.pr is None:
            facts = replace(facts, default_branch=event.default_branch)
        root = self.repo_dir
        if root is None:
            return facts
        updates: dict[str, Any] = {}
        if "files" not in data:
            updates["files"] = checkout_files(root)
        if "policy" not in data:
            updates["policy"] = _optional(root / layout.POLICY)
        if "record" not in data:
            updates["record"] = _optional(root / layout.ACTIONS)
        return replace(facts, **updates)
