"""What an execution attempt is given and prepared with before its executor starts.

The options a run is given (staging root, data folder, environment, executor, workflow mirror),
the attempt's own staging folder, and the workflow-retrieval step that fetches a workflow given
by URL into it and records where from and its sha-512. The execution itself is
:mod:`fivesafes.services.execute`; disclosure and publication read the same options and staging
folder, and refuse with the same :class:`GateClosed` when the action record does not allow them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fivesafes.adapters.executors.base import Executor, Staging, staging_for, staging_root
from fivesafes.adapters.executors.retrieval import RetrievalFailed, retrieve
from fivesafes.adapters.ledger.append import append_entry, run_evidence
from fivesafes.adapters.runner import clock
from fivesafes.core.lifecycle.retrieval import PHASE, changed_since_first, retrieval_entry
from fivesafes.errors import FindingsError
from fivesafes.models.ledger import ActionRecord, Status
from fivesafes.models.policy import Policy


class GateClosed(FindingsError):
    """The action record does not allow this step; the message says why."""


@dataclass(frozen=True)
class RunOptions:
    staging_root: Path | None = None
    data_dir: Path | None = None
    env: Mapping[str, str] | None = None
    executor: Executor | None = None
    workflow_mirror: Path | None = None


def attempt_staging(root: Path, policy: Policy, request_id: str, attempt: int,
                    options: RunOptions) -> Staging:
    return staging_for(root, staging_root(policy, options.staging_root), request_id, attempt)


@dataclass(frozen=True)
class Retrieval:
    """The workflow-retrieval step of one execution attempt, and its record entry."""

    root: Path
    request_id: str
    attempt: int
    url: str
    env: Mapping[str, str]
    people: tuple[dict[str, Any], ...]
    signed_off: str | None = None  # workflow.toml's sha512, bound by the sign-off

    def run(self, record: ActionRecord, target: Path, mirror: Path | None
            ) -> tuple[str | None, Path | None]:
        """(why it failed or None, the retrieved crate or None); the entry is recorded."""
        start = clock.stamp()
        try:
            got = retrieve(self.url, target, mirror, self.root)
        except RetrievalFailed as exc:
            return self._record("failed", start, None, str(exc)), None
        except Exception as exc:
            self._record("failed", start, None,
                         f"the retrieval failed unexpectedly ({type(exc).__name__})")
            raise
        changed = changed_since_first(record, self.url, got.digest, self.signed_off)
        if changed:
            return self._record("failed", start, got.digest, changed), None
        self._record("completed", start, got.digest,
                     f"retrieved from {got.source}: {got.size} bytes")
        return None, got.path

    def _record(self, status: Status, start: str, digest: str | None, reason: str) -> str:
        evidence = run_evidence(PHASE, f"attempt-{self.attempt}:{status}", self.env, digest)
        evidence["url"] = self.url
        append_entry(self.root, retrieval_entry(
            self.request_id, self.attempt, status, start=start, end=clock.stamp(),
            evidence=evidence, reason=reason, agents=self.people))
        return reason
