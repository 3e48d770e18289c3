"""Concurrent handlers recording decisions on one bare repository lose nothing."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.support.gitfixtures import bare_remote, entry, history, remote_record

from fivesafes.adapters.git.repo import Retry
from fivesafes.adapters.ledger.commit import git_committer
from fivesafes.core.engine.plan import Commit
from fivesafes.core.ledger.chain import verify_chain

HANDLERS = 12


def test_concurrent_handlers_lose_nothing(tmp_path: Path) -> None:
    bare = bare_remote(tmp_path)
    commit = git_committer(str(bare), retry=Retry(attempts=60, base_delay=0.02, max_delay=0.3))
    start = threading.Barrier(HANDLERS)
    errors: list[BaseException] = []
    results: list[bool] = []

    def handler(n: int) -> None:
        try:
            start.wait()
            effect = Commit("main", f"Record sign-off (delivery d-{n})", f"d-{n}",
                            rebuild_crate=False)
            results.append(commit(effect, [entry(f"d-{n}", f"approver{n}")]))
        except BaseException as exc:  # surfaced below with the thread's failure
            errors.append(exc)

    threads = [threading.Thread(target=handler, args=(n,)) for n in range(HANDLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert results == [True] * HANDLERS
    record = remote_record(bare)
    assert sorted(e.evidence.delivery for e in record.action) == sorted(
        f"d-{n}" for n in range(HANDLERS))
    assert verify_chain(record.action) == []
    commits = history(bare)
    assert len(commits) == HANDLERS + 1  # linear: one commit per handler, no merge
    assert all(line.count(" ") == 0 for line in (c.split("|")[0] for c in commits))
    assert {c.split("|")[1] for c in commits[1:]} == {"fivesafes[bot]"}


def test_duplicate_delivery_records_once(tmp_path: Path) -> None:
    bare = bare_remote(tmp_path)
    commit = git_committer(str(bare))
    effect = Commit("main", "Record sign-off", "d-1", rebuild_crate=False)
    assert commit(effect, [entry("d-1")]) is True
    assert commit(effect, [entry("d-1")]) is False
    assert len(remote_record(bare).action) == 1
    assert len(history(bare)) == 2
