"""The trust boundary around the App key and the TRE runner, set up and inspected.

``setup_environment`` (``init --github``) makes the ``fivesafes`` environment deploy from the
default branch alone: it reads the environment and its branch policies first and writes only
what differs. It never sets the key: the maintainer pastes it as the environment's secret.
``inspect_trust`` (``doctor --github``) reads the environment, where the key is a secret (names
only, never values), the runners and runner groups the repository may use, and the fork pull
request settings, and turns them into findings (core/admin/environment.py, runners.py).

A read GitHub refuses (403, or 404 for a list hidden from the token) becomes a finding naming
the permission that would allow it: an error for the repository's own settings, which the
maintainer's token must see, a warning for the organisation's runners, which a repository
token often cannot.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import GitHubError, Need
from fivesafes.adapters.github.records import quote
from fivesafes.core.admin.environment import (
    environment_body,
    environment_findings,
    key_findings,
    policy_changes,
)
from fivesafes.core.admin.runners import fork_findings, runner_findings
from fivesafes.core.findings import Finding

ADMIN_WRITE = "administration: write"
RUNNERS_READ = "self-hosted runners: read (an organization permission)"


def _environment(api: GitHubApi, repo: str, name: str, need: Need) -> dict[str, Any] | None:
    found: dict[str, Any] | None = api.request(
        "GET", f"/repos/{repo}/environments/{quote(name)}", need, missing_ok=True)
    return found


def _policies(api: GitHubApi, repo: str, name: str, need: Need) -> list[Any]:
    return api.paginate(f"/repos/{repo}/environments/{quote(name)}/deployment-branch-policies",
                        need, key="branch_policies")


def setup_environment(api: GitHubApi, repo: str, name: str, default_branch: str) -> list[str]:
    """Create or repair environment ``name`` of ``repo``: custom deployment branch policies,
    exactly one, the default branch. What was changed, in order."""
    read = Need(f"reading the environment {name!r}", "actions: read", repo)
    write = Need(f"writing the environment {name!r}", ADMIN_WRITE, repo)
    existing = _environment(api, repo, name, read)
    changes = []
    body = environment_body(existing)
    if body is not None:
        api.request("PUT", f"/repos/{repo}/environments/{quote(name)}", write, body)
        changes.append(f"environment {name!r} " + (
            "created" if existing is None else "repaired") + ": deployment branches by policy")
    missing, others = policy_changes(_policies(api, repo, name, read), default_branch)
    path = f"/repos/{repo}/environments/{quote(name)}/deployment-branch-policies"
    if missing:
        api.request("POST", path, write, {"name": default_branch, "type": "branch"})
        changes.append(f"environment {name!r}: deployment branch {default_branch!r} admitted")
    for policy in others:
        api.request("DELETE", f"{path}/{policy['id']}", write, missing_ok=True)
        changes.append(f"environment {name!r}: deployment {policy.get('type') or 'branch'} "
                       f"policy {policy.get('name')!r} removed")
    return changes


MISSING = object()  # a 404 where it means "there is none"


class _Reader:
    """Reads that may be refused: each refusal is kept as a finding, the read gives None."""

    def __init__(self, api: GitHubApi, where: str) -> None:
        self.api = api
        self.where = where
        self.found: list[Finding] = []

    def get(self, path: str, need: Need, key: str | None = None, organisation: bool = False,
            params: dict[str, str] | None = None, missing_ok: bool = False) -> Any:
        """The answer; None when refused; ``missing_ok``: MISSING for a 404."""
        try:
            if key is not None:
                return self.api.paginate(path, need, params, key=key)
            found = self.api.request("GET", path, need, missing_ok=missing_ok)
            return MISSING if found is None and missing_ok else found
        except GitHubError as exc:
            if exc.status not in (403, 404):
                raise
            self.found.append(Finding(
                self.where, None, None, "doctor-unreadable",
                f"not checked: {need.what} was refused (GitHub answered {exc.status})",
                f"run doctor with a token that has `{need.permission}` on {need.target}",
                "warning" if organisation else "error"))
            return None


def _names(items: list[Any] | None) -> list[str] | None:
    return None if items is None else [str(item.get("name")) for item in items]


def inspect_trust(api: GitHubApi, repo: dict[str, Any], *, environment: str, tre_label: str,
                  reusable: str, pinned: Collection[str], app_in_use: bool) -> list[Finding]:
    """Every weakness of the key's environment, the TRE runner's reach and fork settings."""
    full = str(repo["full_name"])
    org, _, name = full.partition("/")
    where = f"github:{full}"
    branch = str(repo.get("default_branch") or "main")
    reader = _Reader(api, where)
    read = Need(f"reading the environment {environment!r}", "actions: read", full)
    env = reader.get(f"/repos/{full}/environments/{quote(environment)}", read, missing_ok=True)
    policies = None
    env_secrets = None
    found = []
    if env is not None and env is not MISSING:
        if (env.get("deployment_branch_policy") or {}).get("custom_branch_policies"):
            policies = reader.get(f"/repos/{full}/environments/{quote(environment)}/"
                                  "deployment-branch-policies", read, "branch_policies")
        env_secrets = _names(reader.get(
            f"/repos/{full}/environments/{quote(environment)}/secrets",
            Need(f"listing the secrets of the environment {environment!r}",
                 "environments: read", full), "secrets"))
    secrets = Need("listing the Actions secrets", "secrets: read", full)
    if env is not None:
        found += environment_findings(where, environment, None if env is MISSING else env,
                                      policies, branch)
    found += key_findings(
        where, environment, environment_secrets=env_secrets,
        repository_secrets=_names(reader.get(f"/repos/{full}/actions/secrets", secrets,
                                             "secrets")),
        organisation_secrets=_names(reader.get(f"/repos/{full}/actions/organization-secrets",
                                               secrets, "secrets")),
        app_in_use=app_in_use)
    runners = Need("listing the organisation's self-hosted runners and groups", RUNNERS_READ,
                   org)
    found += runner_findings(
        where, label=tre_label, reusable=reusable, pinned=pinned,
        repository_runners=reader.get(
            f"/repos/{full}/actions/runners",
            Need("listing the repository's self-hosted runners", "administration: read", full),
            "runners"),
        organisation_runners=reader.get(f"/orgs/{quote(org)}/actions/runners", runners,
                                        "runners", organisation=True),
        groups=reader.get(f"/orgs/{quote(org)}/actions/runner-groups", runners,
                          "runner_groups", organisation=True,
                          params={"visible_to_repository": name}))
    fork = Need("reading the fork pull request settings", "administration: read", full)
    private = bool(repo.get("private"))
    found += fork_findings(
        where, private,
        reader.get(f"/repos/{full}/actions/permissions/fork-pr-workflows-private-repos", fork)
        if private else None,
        None if private else reader.get(
            f"/repos/{full}/actions/permissions/fork-pr-contributor-approval", fork))
    return found + reader.found
