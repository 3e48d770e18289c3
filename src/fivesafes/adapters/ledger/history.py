"""Every committed version of the action record, read from the checkout's git history.

Feeds :func:`fivesafes.core.ledger.history.append_only`, which checks each version is a
prefix of the current record. Outside a git checkout there is no history and nothing to
compare, which ``ledger verify`` says.
"""

from __future__ import annotations

from pathlib import Path

from fivesafes.adapters.git.process import GitError, run
from fivesafes.adapters.ledger.file import LedgerError, parse_record
from fivesafes.core import layout
from fivesafes.models.ledger import ActionEntry

MAX_VERSIONS = 500


def committed_versions(root: Path) -> list[tuple[str, list[ActionEntry]]] | None:
    """(commit, entries) for each commit that changed the record; None outside git."""
    try:
        top = Path(run(root, "rev-parse", "--show-toplevel").strip())
        prefix = root.resolve().relative_to(top.resolve()).as_posix()
        path = layout.ACTIONS if prefix in ("", ".") else f"{prefix}/{layout.ACTIONS}"
        commits = run(top, "log", f"--max-count={MAX_VERSIONS}", "--format=%H", "--",
                      path).split()
    except (GitError, ValueError):
        return None
    versions: list[tuple[str, list[ActionEntry]]] = []
    for commit in commits:
        try:
            text = run(top, "show", f"{commit}:{path}")
        except GitError:
            continue  # the commit deleted the record: the current one is checked as it is
        try:
            versions.append((commit, list(parse_record(text.encode()).action)))
        except LedgerError:
            continue  # an unreadable old version cannot vouch for anything
    return versions
