"""Recording a plan's entries on the default branch: the ledger append as a git derive step.

The entries a plan carries were decided on the record the event saw; by the time the commit
is made another run may have appended its own. The derive step therefore re-reads the record
at the fresh tip on every compare-and-swap attempt, skips the whole commit when the event's
delivery is already recorded (a duplicate delivery or a re-run), chains the entries onto
whatever is there, and rebuilds the crate from the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fivesafes.adapters.git.local import Identity
from fivesafes.adapters.git.repo import Retry, commit_and_push
from fivesafes.adapters.ledger.file import read_record, write_record
from fivesafes.core import layout
from fivesafes.core.engine.plan import Commit
from fivesafes.core.ledger import chain as ledger

RecordCommitter = Callable[[Commit, Sequence[Mapping[str, Any]]], bool]
CrateBuilder = Callable[[Path], None]


def append_once(root: Path, delivery: str, entries: Sequence[Mapping[str, Any]],
                rebuild_crate: CrateBuilder | None = None) -> bool:
    """Append ``entries`` to the record under ``root`` unless ``delivery`` is there already."""
    record = read_record(root)
    if ledger.delivered(record, delivery) or not entries:
        return False
    for entry in entries:
        record = ledger.append(record, dict(entry))
    write_record(root, record)
    if rebuild_crate is not None:
        rebuild_crate(root)
    return True


def git_committer(remote: str, *, token: str | None = None, identity: Identity | None = None,
                  rebuild_crate: CrateBuilder | None = None, retry: Retry | None = None,
                  env: Mapping[str, str] | None = None) -> RecordCommitter:
    """A committer pushing to ``remote`` (a URL without credentials, or a local path)."""

    def commit(effect: Commit, entries: Sequence[Mapping[str, Any]]) -> bool:
        builder = rebuild_crate if effect.rebuild_crate else None
        paths = tuple(dict.fromkeys((layout.ACTIONS, *effect.paths)))
        pushed = commit_and_push(
            remote, effect.branch, effect.message,
            lambda root: append_once(root, effect.delivery, entries, builder),
            paths=[p.rstrip("/") for p in paths], identity=identity, token=token,
            retry=retry, env=env)
        return pushed.sha is not None

    return commit
