"""The check and validation phases of a pull request: what it may touch, what it carries.

Run on every evaluation of a pull request, from the facts alone: the sha-512 digest of what
approvers are asked to decide on (the request files, or the outputs manifest of a disclosure
pull request), the paths the pull request may not change, and the findings of validation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from fivesafes.core import layout
from fivesafes.core.decisions.disclosure_files import PR_EXCEPTIONS
from fivesafes.core.engine.validation_port import check_request
from fivesafes.core.facts.values import Facts, PullRequest
from fivesafes.core.findings import Finding
from fivesafes.core.request.digest import request_digest
from fivesafes.core.request.parsed import Request
from fivesafes.models.manifest import OutputsManifest
from fivesafes.models.phases import DecisionPhase
from fivesafes.models.policy import Policy

PrKind = Literal["request", "disclosure"]
DISCLOSURE_BRANCH_PREFIX = "fivesafes/disclosure"
DISCLOSURE_LABEL = "5s:disclosure"


@dataclass(frozen=True)
class Checked:
    """The outcome of check and validation for one pull request head."""

    kind: PrKind
    digest: str
    check: tuple[Finding, ...]
    validation: tuple[Finding, ...]
    request: Request | None = None
    manifest: OutputsManifest | None = None

    @property
    def phase(self) -> DecisionPhase:
        return "sign-off" if self.kind == "request" else "disclosure"

    @property
    def passed(self) -> bool:
        return not any(f.severity == "error" for f in (*self.check, *self.validation))


def pr_kind(pr: PullRequest, facts: Facts) -> PrKind:
    """Disclosure only when the automation opened it from this repository.

    Not its branch name nor a label: anyone with write access can name a branch
    ``fivesafes/disclosure/...`` or apply ``5s:disclosure``. A disclosure pull request is
    opened by ``fivesafes disclose`` with the automation's token (a bot account) from a branch
    of this repository. Anything else, even one that changes the outputs manifest, is a
    request pull request (and a request may not change ``outputs/``).
    """
    same_repo = bool(pr.head_repo) and (
        not facts.run.repository or pr.head_repo.lower() == facts.run.repository.lower())
    return "disclosure" if pr.author.is_bot and same_repo else "request"


def _path_findings(kind: PrKind, facts: Facts) -> list[Finding]:
    findings: list[Finding] = []
    for change in facts.changed:
        for path in {change.path, change.previous_path} - {None}:
            assert path is not None
            if layout.is_automation_owned(path):
                findings.append(Finding(
                    path, None, None, "check.automation-owned",
                    f"this pull request changes {path}, which only the automation and the "
                    "maintainers on the default branch may change",
                    f"drop the change to {path} from the pull request"))
            elif kind == "request" and path.startswith("outputs/"):
                findings.append(Finding(
                    path, None, None, "check.outputs",
                    "a request pull request may not change outputs/",
                    f"drop the change to {path}; outputs come from the execution"))
            elif kind == "disclosure" and path not in (layout.OUTPUTS_MANIFEST, PR_EXCEPTIONS):
                findings.append(Finding(
                    path, None, None, "check.disclosure-scope",
                    f"a disclosure pull request may change only {layout.OUTPUTS_MANIFEST}",
                    f"drop the change to {path}; output data never goes into git"))
    return findings


def run_checks(
    pr: PullRequest, facts: Facts, policy: Policy,
    disclosure: tuple[OutputsManifest | None, tuple[Finding, ...]] = (None, ()),
) -> Checked:
    """Check (paths, base branch) and validation (request files, or the outputs manifest the
    context parsed, with what is wrong with it)."""
    kind = pr_kind(pr, facts)
    check = _path_findings(kind, facts)
    if pr.base_ref != facts.default_branch:
        check.append(Finding(
            "(pull request)", None, None, "check.base",
            f"the pull request targets {pr.base_ref!r}, not the default branch "
            f"{facts.default_branch!r}; policy and record live on the default branch only",
            f"change the base branch back to {facts.default_branch}"))
    if kind == "disclosure":
        manifest, validation = disclosure
        data = facts.files.get(layout.OUTPUTS_MANIFEST, b"")
        digest = "sha512:" + hashlib.sha512(data).hexdigest()
        return Checked(kind, digest, tuple(check), tuple(validation), manifest=manifest)
    files = {p: b for p, b in facts.files.items()
             if not p.startswith("outputs/") and not layout.is_automation_owned(p)}
    request, found = check_request(files, policy)
    digest = request_digest(facts.files)
    return Checked(kind, digest, tuple(check), tuple(found), request=request)
