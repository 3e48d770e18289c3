"""The hash chain of the action record.

Each entry's ``digest`` is the sha-256 of its canonical JSON form (every field but ``digest``,
keys sorted); ``prev`` is the digest of the entry before it (64 zeros for the first). Editing,
dropping, inserting or reordering any entry breaks the chain at that point, which
:func:`verify_chain` reports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from fivesafes.core import layout
from fivesafes.core.findings import Finding
from fivesafes.models.ledger import ActionEntry, ActionRecord, EntryDraft

GENESIS = "0" * 64


def canonical(fields: dict[str, Any]) -> bytes:
    """The bytes an entry's digest is taken over."""
    body = {k: v for k, v in fields.items() if k != "digest"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# Fields added after records were first written: left out while empty, so the digests of
# entries written before them stay what they were.
ADDITIVE = ("outputs", "disclosure-findings", "exceptions", "statements", "changes-requested")


def entry_fields(entry: ActionEntry) -> dict[str, Any]:
    fields = entry.model_dump(by_alias=True, exclude_none=True, mode="json")
    for key in ADDITIVE:
        if fields.get(key) == []:
            del fields[key]
    return fields


def digest_of(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def head(record: ActionRecord) -> str:
    """The digest the next entry must carry as ``prev``."""
    return record.action[-1].digest if record.action else GENESIS


def draft_of(fields: EntryDraft | Mapping[str, Any]) -> EntryDraft:
    """An entry to seal: a producer's draft, or TOML keys (a plan's record effect, a
    hand-back) validated into one; ``prev`` and ``digest`` of a sealed entry are dropped."""
    if isinstance(fields, EntryDraft):
        return fields
    return EntryDraft.model_validate({k: v for k, v in fields.items()
                                      if k not in ("prev", "digest")})


def seal(record: ActionRecord, fields: EntryDraft | Mapping[str, Any]) -> ActionEntry:
    """Chain ``fields`` (an entry without prev/digest) onto ``record``."""
    body = draft_of(fields).model_dump(by_alias=True, exclude_none=True, mode="json")
    sealed = ActionEntry.model_validate({**body, "prev": head(record), "digest": GENESIS})
    return sealed.model_copy(update={"digest": digest_of(entry_fields(sealed))})


def append(record: ActionRecord, fields: EntryDraft | Mapping[str, Any]) -> ActionRecord:
    """A new record with one more sealed entry; the old record is never changed."""
    return ActionRecord(action=[*record.action, seal(record, fields)])


def verify_chain(entries: Sequence[ActionEntry], file: str = layout.ACTIONS) -> list[Finding]:
    """Every break in the chain, as findings naming the entry."""
    findings: list[Finding] = []
    expected_prev = GENESIS
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"entry {index} ({entry.id})"
        actual = digest_of(entry_fields(entry))
        if actual != entry.digest:
            findings.append(
                Finding(file, None, None, "ledger.digest",
                        f"{where} was edited: its digest does not match its content",
                        "restore the entry from git history; the record is append-only")
            )
        if entry.prev != expected_prev:
            findings.append(
                Finding(file, None, None, "ledger.chain",
                        f"{where} does not follow the entry before it (an entry was dropped, "
                        "inserted or reordered)",
                        "restore the record from git history; never edit it by hand")
            )
        if entry.id in seen:
            findings.append(
                Finding(file, None, None, "ledger.duplicate", f"{where} repeats an id",
                        "restore the record from git history")
            )
        seen.add(entry.id)
        expected_prev = entry.digest
    return findings


def delivered(record: ActionRecord, delivery: str) -> bool:
    """Whether an event with this idempotency key was already recorded."""
    return any(e.evidence.delivery == delivery for e in record.action)
