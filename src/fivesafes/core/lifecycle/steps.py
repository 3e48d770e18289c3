"""The gates after sign-off, read from the action record: may we execute, disclose, publish?

Execution, disclosure and publication act on data, so each refuses unless the record holds
the decision that allows it: a completed sign-off on exactly the request files now present
(their digest), a completed execution whose outputs are still staged, a completed disclosure
bound to exactly the manifest present. Each gate returns the reason it is shut, or None. The
entries the commands append are built here too. Pure: record and digests in, verdicts out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fivesafes.core.ids import derived_urn
from fivesafes.core.ledger.queries import completed_execution, latest
from fivesafes.models.ledger import (
    ActionRecord,
    Agent,
    Engine,
    EntryDraft,
    Evidence,
    Result,
    Status,
)

AUTOMATION = {"login": "fivesafes", "kind": "automation", "role": "automation"}


def execution_gate(record: ActionRecord, request_digest: str) -> str | None:
    """Why the request may not be executed now, or None."""
    sign_off = latest(record, "sign-off")
    if sign_off is None or sign_off.status != "completed":
        return "the action record holds no completed sign-off; approvers must sign off first"
    if not sign_off.evidence.digest:
        return ("the recorded sign-off names no digest of the request files, so nothing shows "
                "what was approved; approvers must sign off again")
    if sign_off.evidence.digest != request_digest:
        return ("the request files differ from what was signed off (digest "
                f"{request_digest[:19]}... is not the approved {sign_off.evidence.digest[:19]}"
                "...); open a new pull request for the change")
    execution = latest(record, "execution")
    if execution is not None and execution.status == "completed" and not revising(record):
        return "the request was already executed; its outputs await disclosure"
    for phase in ("disclosure", "publication"):
        entry = latest(record, phase)
        if entry is not None and entry.status in ("completed", "failed"):
            return f"the request is past {phase}; it cannot be executed again"
    return None


def changes_asked(record: ActionRecord) -> bool:
    """Whether the latest disclosure decision asked for changes (the outputs of any attempt
    since then replace the old ones on the same disclosure pull request)."""
    disclosure = latest(record, "disclosure")
    return disclosure is not None and disclosure.status == "pending" \
        and bool(disclosure.changes_requested)


def revising(record: ActionRecord) -> bool:
    """Whether output checkers asked for changes to the latest outputs: the same signed-off
    request may then run again (a new attempt) without a new sign-off."""
    disclosure = latest(record, "disclosure")
    execution = latest(record, "execution")
    return (disclosure is not None and disclosure.status == "pending"
            and bool(disclosure.changes_requested) and execution is not None
            and record.action.index(disclosure) > record.action.index(execution))


def disclosure_gate(record: ActionRecord) -> str | None:
    if completed_execution(record) is None:
        return "the action record holds no completed execution to disclose"
    disclosure = latest(record, "disclosure")
    if disclosure is not None and disclosure.status in ("completed", "failed"):
        return f"disclosure was already decided ({disclosure.status})"
    return None


def publication_gate(record: ActionRecord, manifest_digest: str | None) -> str | None:
    """Why the outputs may not be published now, or None."""
    disclosure = latest(record, "disclosure")
    if disclosure is None or disclosure.status != "completed":
        state = disclosure.status if disclosure else "not decided"
        return (f"disclosure is {state}: nothing leaves the TRE before output checkers approve "
                "it" + ("; the results are withheld" if state == "failed" else ""))
    if manifest_digest is None:
        return "outputs/manifest.toml is missing; it is what the checkers approved"
    if disclosure.evidence.digest != manifest_digest:
        return ("outputs/manifest.toml differs from the manifest the checkers approved "
                f"(approved {str(disclosure.evidence.digest)[:19]}..., present "
                f"{manifest_digest[:19]}...)")
    publication = latest(record, "publication")
    if publication is not None and publication.status == "completed":
        return "the outputs were already published"
    return None


def changed_outputs(approved: list[Result], staged: list[Result]) -> list[str]:
    """Paths whose staged bytes are not the approved ones (changed, missing or extra)."""
    want = {r.path.removeprefix("outputs/"): (r.sha512, r.size) for r in approved}
    have = {r.path.removeprefix("outputs/"): (r.sha512, r.size) for r in staged}
    return sorted(p for p in want.keys() | have.keys() if want.get(p) != have.get(p))


def execution_entry(request_id: str, attempt: int, status: Status, *, start: str,
                    end: str | None, evidence: Mapping[str, Any], reason: str = "",
                    results: tuple[Result, ...] = (),
                    agents: tuple[Mapping[str, Any], ...] = (),
                    engine: Engine | None = None, step: str | None = None) -> EntryDraft:
    """An execution entry; ``step`` names a second entry of the same status in one attempt
    (the engine's run created while it is active)."""
    draft = EntryDraft(
        id=derived_urn(request_id, "execution", attempt, status, *([step] if step else [])),
        phase="execution", status=status, start=start, attempt=attempt, reason=reason,
        agents=agents_of(agents), evidence=Evidence.model_validate(evidence),
        results=list(results))
    if end:
        draft = draft.model_copy(update={"end": end})
    if engine is not None:
        draft = draft.model_copy(update={"engine": engine})
    return draft


def agents_of(agents: tuple[Mapping[str, Any], ...]) -> list[Agent]:
    """The automation, then the people an entry names (registry-resolved agent tables)."""
    return [Agent.model_validate(AUTOMATION), *(Agent.model_validate(a) for a in agents)]
