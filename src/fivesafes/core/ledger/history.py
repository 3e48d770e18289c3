"""The record is append-only across its git history, not just chained within itself.

A hash chain shows an edit, a dropped, inserted or reordered entry in the middle, but not a
record cut short at the end or rewritten from scratch with fresh digests. Every committed
version of the record must therefore be a prefix of the current one: comparing the chain
against each version in git history closes both gaps.
"""

from __future__ import annotations

from collections.abc import Sequence

from fivesafes.core import layout
from fivesafes.core.findings import Finding
from fivesafes.models.ledger import ActionEntry


def append_only(
    current: Sequence[ActionEntry], versions: Sequence[tuple[str, Sequence[ActionEntry]]]
) -> list[Finding]:
    """A finding for each committed version that the current record does not extend."""
    now = [e.digest for e in current]
    findings: list[Finding] = []
    for commit, entries in versions:
        for index, entry in enumerate(entries):
            if index >= len(now) or now[index] != entry.digest:
                findings.append(Finding(
                    layout.ACTIONS, None, None, "ledger.history",
                    f"entry {index + 1} ({entry.id}) as committed in {commit[:12]} is missing "
                    "or different now: the record was cut short or rewritten",
                    f"restore the record from commit {commit[:12]} and append, never rewrite"))
                break
    return findings
