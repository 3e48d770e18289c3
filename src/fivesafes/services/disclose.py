"""Prepares the disclosure decision: the outputs manifest and the built-in checks' findings.

Output checkers decide on ``outputs/manifest.toml``: each output's path, size, sha-512 and
media type, the automated findings and the ACRO summary. The manifest is all that enters git:
the data stays in the staging folder. Its digest is what a disclosure decision is bound to, and
publication later re-hashes the staged files against it. Before writing it, the staged files
are re-hashed against the execution's recorded results, so a file changed after the run is
caught here already.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from fivesafes.adapters.executors.base import collect_results
from fivesafes.adapters.files.project import load_project
from fivesafes.adapters.files.toml_edit import write_atomic
from fivesafes.adapters.git import lifecycle as lifecycle_git
from fivesafes.adapters.git.process import run, run_unchecked
from fivesafes.core import layout
from fivesafes.core.engine.pr_phases import DISCLOSURE_BRANCH_PREFIX
from fivesafes.core.ledger.queries import completed_execution
from fivesafes.core.lifecycle.steps import changed_outputs, changes_asked, disclosure_gate
from fivesafes.core.outputs.found import to_manifest
from fivesafes.core.outputs.sdc import DisclosureReport, OutputSample, check_outputs
from fivesafes.models.ledger import ActionEntry, Result
from fivesafes.models.manifest import Excluded, OutputsManifest
from fivesafes.models.policy import Policy
from fivesafes.services.attempt import GateClosed, RunOptions, attempt_staging

TEXT_LIMIT = 16 * 1024 * 1024
HEADER = (
    "The outputs output checkers are asked to release, written by `fivesafes disclose`.",
    "Each output: path under outputs/, size in bytes, sha-512, media type. The data itself",
    "never enters git; a disclosure decision is bound to this file's sha-512 digest, and",
    "publication refuses any staged file whose bytes differ from what is listed here.",
)


@dataclass(frozen=True)
class Disclosed:
    manifest: OutputsManifest
    text: str
    report: DisclosureReport
    attempt: int


def _is_text(media_type: str) -> bool:
    return media_type.startswith("text/") or media_type == "application/json"


def _parquet_csv(path: Path) -> str | None:
    """A parquet table as CSV text for the checks (None without pyarrow or when unreadable)."""
    try:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq
    except ImportError:
        return None
    try:
        table = pq.read_table(path)
        sink = io.BytesIO()
        pacsv.write_csv(table.slice(0, 100_000), sink)
    except Exception:  # an unreadable table is reviewed by a person instead
        return None
    return sink.getvalue().decode("utf-8", errors="replace")


def samples(outputs: Path, results: Sequence[Result]) -> list[OutputSample]:
    """What the checks see of each output: decoded text of text-like files, bounded, and the
    sha-256 ACRO's checksums are compared with."""
    found: list[OutputSample] = []
    for result in results:
        relative = result.path.removeprefix("outputs/")
        text, truncated, converted = None, False, False
        digest = hashlib.sha256()
        with (outputs / relative).open("rb") as handle:
            head = handle.read(TEXT_LIMIT + 1)
            digest.update(head)
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if _is_text(result.media_type):
            truncated = len(head) > TEXT_LIMIT
            text = head[:TEXT_LIMIT].decode("utf-8", errors="replace")
        elif result.media_type == "application/vnd.apache.parquet":
            text = _parquet_csv(outputs / relative)
            converted = text is not None
        found.append(OutputSample(relative, result.size, result.media_type, text, truncated,
                                  digest.hexdigest(), converted))
    return found


def render_manifest(manifest: OutputsManifest) -> str:
    doc = tomlkit.document()
    for line in HEADER:
        doc.add(tomlkit.comment(line))
    data = manifest.model_dump(by_alias=True, exclude_none=True, mode="json")
    for key in ("request", "execution", "attempt", "acro-summary"):
        if key in data:
            doc.add(key, data[key])
    for key in ("output", "finding", "exception", "excluded"):
        if data.get(key):
            table = tomlkit.aot()
            for item in data[key]:
                table.append(tomlkit.item(item))
            doc.add(key, table)
    return tomlkit.dumps(doc)


def build_manifest(request_id: str, execution: ActionEntry,
                   report: DisclosureReport) -> OutputsManifest:
    """Proposed outputs (every result but the never-proposed ones), findings, exceptions."""
    proposed = [r for r in execution.results if r.path not in report.excluded]
    excluded = [Excluded(path=r.path, size=r.size, sha512=r.sha512,
                         reason=report.excluded[r.path])
                for r in execution.results if r.path in report.excluded]
    return OutputsManifest(request=request_id, execution=execution.id,
                           attempt=execution.attempt, output=proposed,
                           finding=[to_manifest(f) for f in report.findings],
                           exception=list(report.exceptions),
                           excluded=excluded, acro_summary=report.acro_summary)


def staged_results(root: Path, policy: Policy, request_id: str, execution: ActionEntry,
                   options: RunOptions) -> tuple[Path, tuple[Result, ...]]:
    """The staged outputs folder of an execution and its files as they are now."""
    staging = attempt_staging(root, policy, request_id, execution.attempt, options)
    if not staging.outputs.is_dir():
        raise GateClosed(f"the staged outputs of execution attempt {execution.attempt} are "
                         "missing from the staging folder; re-run the execution")
    return staging.outputs, collect_results(staging.outputs)


def prepare(root: Path, options: RunOptions | None = None) -> Disclosed:
    """Check the staged outputs and write outputs/manifest.toml (nothing else)."""
    options = options or RunOptions()
    project = load_project(root)
    reason = disclosure_gate(project.record)
    execution = completed_execution(project.record)
    if reason or execution is None:
        raise GateClosed(reason or "no completed execution")
    staged: Path | None
    current: Sequence[Result]
    if project.policy.executor.kind == "http":
        staged, current = None, execution.results  # outputs stay in the TRE service's store
    else:
        staged, current = staged_results(root, project.policy, project.request.id, execution,
                                         options)
        changed = changed_outputs(list(execution.results), list(current))
        if changed:
            raise GateClosed("staged outputs changed since the execution recorded them: "
                             + ", ".join(changed))
    sampled = samples(staged, current) if staged is not None else [
        OutputSample(r.path, r.size, r.media_type) for r in current]
    report = check_outputs(sampled, project.policy.disclosure)
    manifest = build_manifest(project.request.id, execution, report)
    text = render_manifest(manifest)
    path = root / layout.OUTPUTS_MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    return Disclosed(manifest, text, report, execution.attempt)


def revision_branch(root: Path) -> str | None:
    """The disclosure branch whose pull request the new outputs replace, when output checkers
    asked for changes: the branch of the latest attempt, local or on origin (fetched)."""
    if not changes_asked(load_project(root).record):
        return None
    pattern = f"refs/heads/{DISCLOSURE_BRANCH_PREFIX}/attempt-*"
    names = set(run(root, "for-each-ref", "--format=%(refname:short)", pattern).split())
    remote = run_unchecked(root, "ls-remote", "--heads", "origin", pattern)
    if remote.returncode == 0:
        names |= {line.split("refs/heads/", 1)[1] for line in remote.stdout.splitlines()
                  if "refs/heads/" in line}
    if not names:
        return None
    branch = max(names, key=lambda n: int(n.rsplit("-", 1)[-1]) if n.rsplit("-", 1)[-1]
                 .isdigit() else 0)
    if branch not in run(root, "for-each-ref", "--format=%(refname:short)", pattern).split():
        run(root, "fetch", "-q", "origin", f"{branch}:{branch}")
    return branch


def branch_name(attempt: int) -> str:
    return f"{DISCLOSURE_BRANCH_PREFIX}/attempt-{attempt}"


def commit_on_branch(root: Path, result: Disclosed, push: bool,
                     onto: str | None = None) -> str:
    """Commit the manifest alone on a new disclosure branch (or, revising, ``onto`` the
    existing one, so the new outputs replace the old on the same pull request), then return
    to where we were."""
    return commit_manifest(root, result.text, result.attempt, push, onto)


def commit_manifest(root: Path, text: str, attempt: int, push: bool,
                    onto: str | None = None) -> str:
    """``commit_on_branch`` for a manifest's text (a TRE job's hand-back carries only that)."""
    back = lifecycle_git.current_branch(root)
    branch = onto or branch_name(attempt)
    path = root / layout.OUTPUTS_MANIFEST
    if onto is not None:
        path.unlink(missing_ok=True)  # the branch tracks the old one: let git switch
    lifecycle_git.switch(root, branch, create=onto is None)
    write_atomic(path, text)
    try:
        lifecycle_git.commit_paths(root, [layout.OUTPUTS_MANIFEST],
                                   f"fivesafes: outputs of execution attempt {attempt} "
                                   "for disclosure")
        if push:
            lifecycle_git.push(root, branch)
    finally:
        lifecycle_git.switch(root, back)
    return branch
