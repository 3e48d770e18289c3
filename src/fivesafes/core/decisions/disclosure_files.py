"""The disclosure pull request's own files, parsed once for the whole event.

A disclosure pull request carries ``outputs/manifest.toml`` (what the checks found; its digest
is what checkers decide on) and may carry ``outputs/exceptions.toml``, the researcher's
exception requests: shown to the checkers beside the findings and recorded with the decision,
deciding nothing by themselves (a checker still overrides) and outside the manifest's digest.
Reviews given at earlier heads are read against the manifest of their own commit. The context
(:mod:`.context`) parses all of them here, once; every rule reads the parsed models. A
malformed file is a finding naming its line.
"""

from __future__ import annotations

import tomllib

from pydantic import ValidationError

from fivesafes.core import layout
from fivesafes.core.facts.values import Facts
from fivesafes.core.findings import Finding
from fivesafes.core.ledger.queries import completed
from fivesafes.models.disclosure import ExceptionRequest
from fivesafes.models.ledger import ActionRecord
from fivesafes.models.manifest import OutputsManifest

PR_EXCEPTIONS = "outputs/exceptions.toml"


def pr_exceptions(facts: Facts, manifest: OutputsManifest
                  ) -> tuple[OutputsManifest, list[Finding]]:
    """The manifest with the pull request's exception requests added (source researcher)."""
    data = facts.files.get(PR_EXCEPTIONS)
    if data is None:
        return manifest, []
    try:
        items = tomllib.loads(data.decode("utf-8")).get("exception", [])
        paths = {f.id: f.path for f in manifest.finding}
        asked = [ExceptionRequest.model_validate(
            {"path": paths.get(str(item.get("finding")), ""), **item, "source": "researcher"})
            for item in items]
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError, AttributeError,
            TypeError) as exc:
        line = getattr(exc, "lineno", None)
        return manifest, [Finding(
            PR_EXCEPTIONS, line, None, "disclosure.exceptions",
            f"unreadable exception requests: {str(exc).splitlines()[0]}",
            "write [[exception]] tables with `finding` (an id of the manifest) and `reason`",
            "warning")]
    unknown = [a.finding for a in asked if a.finding != "*" and a.finding not in paths]
    found = [Finding(PR_EXCEPTIONS, None, None, "disclosure.exceptions",
                     f"exception requested for {f!r}, which is no finding of the manifest",
                     "name a finding id from outputs/manifest.toml", "warning")
             for f in unknown]
    return manifest.model_copy(update={"exception": [*manifest.exception, *asked]}), found


def read_manifest(
    facts: Facts, record: ActionRecord
) -> tuple[OutputsManifest | None, list[Finding]]:
    """The head's outputs manifest with the pull request's exception requests added, and what
    is wrong with it (absent, unreadable, or naming an execution the record lacks)."""
    path = layout.OUTPUTS_MANIFEST
    data = facts.files.get(path)
    if data is None:
        return None, [Finding(path, None, None, "disclosure.manifest",
                              "this disclosure pull request carries no outputs manifest",
                              "open disclosure pull requests with `fivesafes disclose`")]
    try:
        manifest = OutputsManifest.from_toml(data)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
        return None, [Finding(path, None, None, "disclosure.manifest",
                              f"unreadable outputs manifest: {exc}".splitlines()[0],
                              "regenerate it with `fivesafes disclose`")]
    executions = {e.id for e in completed(record, "execution")}
    if manifest.execution not in executions:
        return manifest, [Finding(
            path, None, None, "disclosure.execution",
            f"the manifest names execution {manifest.execution}, which the action record "
            "does not hold as completed",
            "disclose only outputs of a recorded, completed execution")]
    return pr_exceptions(facts, manifest)


def manifest_of(data: bytes | None) -> OutputsManifest | None:
    if data is None:
        return None
    try:
        return OutputsManifest.from_toml(data)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError):
        return None
