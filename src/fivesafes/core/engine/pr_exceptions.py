"""Exception requests the researcher adds to a disclosure pull request.

Besides ACRO's exception and the workflow's own ``exceptions.toml`` (both read in the TRE by
``fivesafes disclose``), the researcher may push ``outputs/exceptions.toml`` to the
disclosure pull request, asking that named findings be accepted, each with a reason. The
requests are shown to the checkers beside the findings and recorded with the decision; they
decide nothing by themselves (a checker still overrides), and they are not part of the
manifest's digest. A malformed file is a finding naming its line.
"""

from __future__ import annotations

import tomllib

from pydantic import ValidationError

from fivesafes.core.facts.values import Facts
from fivesafes.core.findings import Finding
from fivesafes.models.disclosure import ExceptionRequest
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
