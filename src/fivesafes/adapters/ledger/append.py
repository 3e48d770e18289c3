"""Appending to the action record, and the evidence of the run doing it.

The execution, disclosure and publication commands each append entries to
``resources/governance/actions.toml``: always read, chained onto the last entry and written
back whole (atomically), so an entry is never lost or rewritten. The evidence names the run
that made it (GitHub Actions run id and URL, or ``cli`` for a local command) so an auditor
can find its logs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fivesafes.adapters.files.project import load_project
from fivesafes.adapters.github.env import server_url_from_env
from fivesafes.adapters.ledger.file import read_record, write_record
from fivesafes.adapters.release.crate_writer import write_crate
from fivesafes.core import layout
from fivesafes.core.crate.spec import Published, Software, build_crate
from fivesafes.core.ledger import chain as ledger
from fivesafes.models.ledger import ActionRecord, EntryDraft, Result


def append_entry(root: Path, fields: EntryDraft | Mapping[str, Any]) -> ActionRecord:
    """Chain ``fields`` onto the record on disk and write it; the new record."""
    record = ledger.append(read_record(root), fields)
    write_record(root, record)
    return record


def manifest_digest(root: Path) -> str | None:
    """``sha512:<hex>`` of outputs/manifest.toml (what checkers approve), None if absent."""
    path = root / layout.OUTPUTS_MANIFEST
    if not path.is_file():
        return None
    return "sha512:" + hashlib.sha512(path.read_bytes()).hexdigest()


def run_evidence(phase: str, step: str, env: Mapping[str, str] | None = None,
                 digest: str | None = None) -> dict[str, Any]:
    """Evidence of this run: the Actions run when there is one, else the local command."""
    environment = os.environ if env is None else env
    run_id = environment.get("GITHUB_RUN_ID")
    evidence: dict[str, Any] = {
        "event": environment.get("GITHUB_EVENT_NAME") or "cli",
        "delivery": f"{run_id or 'cli'}.{environment.get('GITHUB_RUN_ATTEMPT', '1')}:"
                    f"{phase}:{step}",
    }
    if digest:
        evidence["digest"] = digest
    repository = environment.get("GITHUB_REPOSITORY")
    if run_id and repository:
        server = server_url_from_env(environment)
        evidence["run-url"] = f"{server}/{repository}/actions/runs/{run_id}"
    return evidence


def actor(env: Mapping[str, str] | None = None) -> tuple[dict[str, Any], ...]:
    """The person who started the run by hand (a re-run is a maintainer's dispatch)."""
    environment = os.environ if env is None else env
    login = environment.get("GITHUB_ACTOR")
    if environment.get("GITHUB_EVENT_NAME") == "workflow_dispatch" and login:
        if login.endswith("[bot]"):  # the automation's own dispatch after a merge
            return ()
        server = server_url_from_env(environment)
        return ({"login": login, "kind": "person", "role": "maintainer",
                 "id": f"{server}/{login}"},)
    return ()


def refresh_crate(root: Path, software: Software, *, published: Published | None = None,
                  results: Sequence[Result] | None = None) -> None:
    """Rebuild crate/ from the request, the record and the policy (as `crate build` does)."""
    project = load_project(root)
    document = build_crate(project.request, project.record, project.policy, software=software,
                           published=published, results=results)
    write_crate(root / layout.CRATE_DIR, document)
