"""Workflow retrieval: which requests fetch their workflow before it runs, and what is recorded.

A workflow given by a versioned URL is a Workflow RO-Crate published elsewhere; before it runs
inside the TRE, the automation fetches the crate named by ``distribution`` and records its
sha-512 (the 0.4 profile's DownloadAction). A versioned workflow must never change: when a
re-run retrieves different bytes for the same URL than the first completed retrieval, the
attempt is refused rather than run on something nobody signed off. Pure: record, workflow and
digests in, verdicts and entries out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from fivesafes.core.ids import derived_urn
from fivesafes.core.lifecycle.steps import agents_of
from fivesafes.models.ledger import ActionEntry, ActionRecord, EntryDraft, Evidence, Status
from fivesafes.models.workflow import Workflow

PHASE = "workflow-retrieval"


def retrieval_url(workflow: Workflow, executor_kind: str) -> str | None:
    """The distribution URL to retrieve before the run, or None when nothing is downloaded.

    Nothing is downloaded for a workflow folder of the repository, for a workflow URL without
    a ``distribution`` (no downloadable crate is named), or for the ``extract`` executor, which
    always runs the built-in extract workflow shipped in the package.
    """
    if executor_kind == "extract" or not workflow.id.startswith(("https://", "http://")):
        return None
    return workflow.distribution


def mirror_name(url: str) -> str:
    """The file name of ``url``'s crate in a TRE workflow mirror: sha-256 of the URL, ``.zip``.

    A name derived from the exact URL text needs no index to maintain, cannot point outside
    the folder, and differs for every version (a versioned URL names one version).
    """
    return hashlib.sha256(url.encode("utf-8")).hexdigest() + ".zip"


def first_retrieval(record: ActionRecord, url: str) -> ActionEntry | None:
    """The earliest completed retrieval of ``url`` with a digest, if any."""
    for entry in record.action:
        if (entry.phase == PHASE and entry.status == "completed" and entry.evidence.url == url
                and entry.evidence.digest):
            return entry
    return None


def changed_since_first(record: ActionRecord, url: str, digest: str,
                        signed_off: str | None = None) -> str | None:
    """Why bytes with ``digest`` (``sha512:<hex>``) may not run, or None if they may.

    ``signed_off`` is the workflow's ``sha512`` from workflow.toml: the approvers signed it
    off with the request, so it binds the bytes even before the first retrieval.
    """
    if signed_off is not None and digest != f"sha512:{signed_off}":
        return (f"the retrieved workflow is not the one signed off: {url} gave "
                f"{digest[:23]}... but workflow.toml names sha512 {signed_off[:16]}...; "
                "it does not run (fix the mirror copy, or request the new version)")
    first = first_retrieval(record, url)
    if first is None or first.evidence.digest == digest:
        return None
    return (f"the workflow changed since it was first retrieved: {url} gave "
            f"{str(first.evidence.digest)[:23]}... at attempt {first.attempt} and "
            f"{digest[:23]}... now; a versioned workflow must not change, so it does not run "
            "(publish a new version and open a new request for it)")


def retrieval_entry(request_id: str, attempt: int, status: Status, *, start: str, end: str,
                    evidence: Mapping[str, Any], reason: str,
                    agents: tuple[Mapping[str, Any], ...] = ()) -> EntryDraft:
    """A workflow-retrieval entry of execution attempt ``attempt``."""
    return EntryDraft(
        id=derived_urn(request_id, PHASE, attempt, status), phase=PHASE, status=status,
        start=start, end=end, attempt=attempt, reason=reason, agents=agents_of(agents),
        evidence=Evidence.model_validate(evidence))
