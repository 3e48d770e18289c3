"""Reading the organisation's central policy: from a local file, or from its repository.

A project policy that ``extends`` the organisation's is only usable together with it, so this
module never raises: whatever goes wrong (no token, a 404, a file that is gone) comes back as
an :class:`~fivesafes.core.org.merge.OrgSource` without bytes and with the reason, and the core
refuses the policy naming that reason (fail closed). The central policy is read from its
repository's DEFAULT branch unless the reference names a ref; ``GITHUB_API_URL`` points the
client at GitHub Enterprise Server.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from fivesafes.adapters.github.errors import GitHubError
from fivesafes.core.org.extends import ExtendsRef, parse_extends
from fivesafes.core.org.merge import extends_of
from fivesafes.core.org.source import OrgSource

if TYPE_CHECKING:  # the client (PyGithub) loads only when a policy extends another
    from fivesafes.adapters.github.api import GitHubApi

ORG_POLICY_ENV = "FIVESAFES_ORG_POLICY"


def fetch_org_policy(api: GitHubApi, ref: ExtendsRef) -> OrgSource:
    """The central policy at ``ref`` (its default branch when ``ref.ref`` is None)."""
    try:
        branch = ref.ref or api.default_branch(ref.repo)
        data = api.file_at(ref.repo, ref.path, branch)
    except GitHubError as exc:
        return OrgSource(ref.label, None, str(exc))
    if data is None:
        return OrgSource(ref.label, None, f"{ref.path} does not exist on {branch} of {ref.repo}")
    return OrgSource(ref.label, data)


def local_org_policy(path: Path) -> OrgSource:
    """``--org-policy PATH``: the central policy from a file (offline)."""
    try:
        return OrgSource(str(path), path.read_bytes())
    except OSError as exc:
        return OrgSource(str(path), None, f"cannot read {path}: {exc.strerror or exc}")


def resolve_org_policy(policy: bytes | None, local: Path | None = None,
                       api: GitHubApi | None = None) -> OrgSource | None:
    """The central policy the project ``policy`` extends; None when it extends nothing.

    ``local`` (or ``FIVESAFES_ORG_POLICY``, for runners without GitHub access) wins over the
    API; without ``api`` a client is made from the environment.
    """
    value = extends_of(policy)
    if value is None:
        return None
    if local is None and os.environ.get(ORG_POLICY_ENV):
        local = Path(os.environ[ORG_POLICY_ENV])
    if local is not None:
        return local_org_policy(local)
    ref = parse_extends(value)
    if ref is None:
        return None  # the core names the malformed reference
    if api is None:
        from fivesafes.adapters.github.api import GitHubApi

        try:
            api = GitHubApi.from_env()
        except GitHubError as exc:
            return OrgSource(ref.label, None, str(exc))
    return fetch_org_policy(api, ref)
