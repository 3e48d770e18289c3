"""The engine's view of request and policy validation.

The engine needs two answers: is the policy on the default branch usable, and what is wrong with
the request files at the head commit. Both come from :mod:`fivesafes.core.request.validate`, the
same checks ``fivesafes validate`` runs locally, so a researcher sees the same findings on their
machine as in the pull request."""

from __future__ import annotations

from collections.abc import Mapping

from fivesafes.core import layout
from fivesafes.core.findings import Finding
from fivesafes.core.org.source import OrgSource
from fivesafes.core.request.parsed import Request
from fivesafes.core.request.validate import validate_policy, validate_request
from fivesafes.models.policy import Policy


def check_policy(data: bytes | None, org: OrgSource | None = None
                 ) -> tuple[Policy | None, list[Finding]]:
    """The policy, or None with findings saying why it cannot be used (fail closed)."""
    policy, findings = validate_policy(data, org)
    if policy is None and not findings:
        findings = [Finding(layout.POLICY, None, None, "policy.missing",
                            "no usable policy on the default branch",
                            "commit a valid .github/fivesafes.toml to the default branch")]
    return policy, list(findings)


def check_request(
    files: Mapping[str, bytes], policy: Policy | None
) -> tuple[Request | None, list[Finding]]:
    """The parsed request (None when it cannot be parsed) and every finding."""
    result = validate_request(files, policy)
    return result.request, list(result.findings)
