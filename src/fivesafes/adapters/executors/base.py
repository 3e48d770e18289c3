"""The one interface every executor meets, and what they share: staging and result hashing.

An executor turns an approved request into files in a staging folder OUTSIDE the git checkout
(output data must never be committed, not even by accident), and reports each output's path,
size, sha-512, media type and, for tables, row count. It raises :class:`ExecutorFailed` with a
reason fit for the action record (no data, no secrets, no host names) when it cannot.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from fivesafes.adapters.executors.sandbox import Sandbox
from fivesafes.core.release.media_types import media_type
from fivesafes.core.request.parsed import Request
from fivesafes.errors import ExternalError, FindingsError
from fivesafes.models.ledger import Engine, Result
from fivesafes.models.policy import Policy

STAGING_ENV = "FIVESAFES_STAGING_DIR"
CHUNK = 1024 * 1024


class ExecutorFailed(ExternalError):
    """The run failed; ``str(exc)`` is the reason recorded in the action record.

    ``engine`` says which workflow engine ran (and its run id) when one got that far.
    """

    def __init__(self, reason: str, engine: Engine | None = None) -> None:
        super().__init__(reason)
        self.engine = engine


class StagingError(FindingsError):
    """The staging folder is unusable (e.g. inside the git checkout)."""


@dataclass(frozen=True)
class Staging:
    """The folder of one execution attempt: ``outputs/``, ``work/`` and ``logs/``."""

    root: Path

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def workflow_crate(self) -> Path:
        """Where the retrieved Workflow RO-Crate zip of the attempt is kept."""
        return self.root / "workflow" / "ro-crate.zip"

    def create(self) -> None:
        for folder in (self.outputs, self.work, self.logs):
            folder.mkdir(parents=True, exist_ok=True)


def default_staging_root() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "fivesafes" / "staging"


def staging_root(policy: Policy, override: Path | None = None) -> Path:
    """--staging-dir, else $FIVESAFES_STAGING_DIR, else the policy's, else the user state dir."""
    if override is not None:
        return override
    if os.environ.get(STAGING_ENV):
        return Path(os.environ[STAGING_ENV])
    if policy.executor.staging_dir:
        return Path(policy.executor.staging_dir)
    return default_staging_root()


def staging_for(project_root: Path, root: Path, request_id: str, attempt: int) -> Staging:
    """``<root>/<request uuid>/attempt-<N>``, refused when it lies inside the checkout."""
    base = root.expanduser().resolve()
    checkout = project_root.resolve()
    if base == checkout or base.is_relative_to(checkout) or checkout.is_relative_to(base):
        raise StagingError(f"staging folder {root} overlaps the project checkout; output data "
                           "must never be where git can commit it: choose a folder outside it")
    return Staging(base / request_id.removeprefix("urn:uuid:") / f"attempt-{attempt}")


def sha512_file(path: Path) -> tuple[str, int]:
    """(hex sha-512, size) read in chunks: memory stays flat whatever the size."""
    digest = hashlib.sha512()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def output_files(outputs: Path) -> list[Path]:
    """Every regular file under ``outputs``, sorted; a link or special file is refused."""
    files: list[Path] = []
    for path in sorted(outputs.rglob("*")):
        relative = path.relative_to(outputs).as_posix()
        if path.is_symlink():
            raise ExecutorFailed(f"output {relative} is a symbolic link; outputs must be files")
        if path.is_dir():
            continue
        if not path.is_file():
            raise ExecutorFailed(f"output {relative} is not a regular file")
        files.append(path)
    return files


def collect_results(outputs: Path, rows: Mapping[str, int] | None = None) -> tuple[Result, ...]:
    """A Result per output file, path relative to ``outputs/``, sorted by path."""
    results: list[Result] = []
    for path in output_files(outputs):
        relative = path.relative_to(outputs).as_posix()
        sha, size = sha512_file(path)
        results.append(Result(path=relative, size=size, sha512=sha,
                              media_type=media_type(relative),
                              rows=(rows or {}).get(relative)))
    return tuple(results)


@dataclass(frozen=True)
class ExecutionContext:
    """Everything an executor may use. ``env`` is where secrets are read from, by NAME."""

    project_root: Path
    request: Request
    policy: Policy
    staging: Staging
    execution_id: str
    env: Mapping[str, str] = field(default_factory=dict)
    data_dir: Path | None = None
    workflow_crate: Path | None = None  # the retrieved crate, when the workflow is a URL
    # called the moment an engine has created its run (wes): the run id goes into the record
    run_created: Callable[[Engine], None] | None = None
    # What output checkers asked of the previous attempt (the revise loop), for the workflow:
    # {"attempt": n, "min-cell-count": m, "changes-requested": {output path: reason}}.
    feedback: Mapping[str, Any] | None = None
    # local and cwl: the sandbox the workflow's processes run in, chosen before anything ran
    # (None: the executor chooses by the policy itself)
    sandbox: Sandbox | None = None


@dataclass(frozen=True)
class ExecutionOutcome:
    results: tuple[Result, ...]
    summary: str = ""
    engine: Engine | None = None  # the workflow engine that ran, for the record and crate


class Executor(Protocol):
    kind: str

    def run(self, context: ExecutionContext) -> ExecutionOutcome:
        """Run the approved request; outputs land in ``context.staging.outputs``."""
        ...
