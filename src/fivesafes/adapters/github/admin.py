"""Set up and repair a project repository in a GitHub organisation.

``setup_github_repo`` makes the repository what a Five Safes project needs: private, the
template pushed, the label set, the policy's teams attached, the environment that holds the
App key, and the ruleset that makes every decision count (core/admin/repo_settings.py). Each
step reads first and writes only what differs, so a second run changes nothing and a run after
someone loosened a setting puts it back. :mod:`fivesafes.adapters.github.admin_inspect` reads
the same settings for ``doctor`` and returns findings, and both read them through
:mod:`fivesafes.adapters.github.admin_reads`. The environment, the TRE runner's reach and the
fork pull request settings are set up and inspected in :mod:`fivesafes.adapters.github.trust`.

Every call goes through :class:`fivesafes.adapters.github.api.GitHubApi`, so it is retried
like any other GitHub call and a refusal names the token permission that is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fivesafes.adapters.git import remote as git_remote
from fivesafes.adapters.github import admin_reads as reads
from fivesafes.adapters.github.admin_reads import MEMBERS_READ, split_repo
from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import GitHubError, Need
from fivesafes.adapters.github.records import quote
from fivesafes.adapters.github.trust import setup_environment
from fivesafes.core.admin.environment import ENVIRONMENT
from fivesafes.core.admin.repo_settings import (
    RULESET_NAME,
    LabelSpec,
    automation_rulesets,
    desired_ruleset,
    label_changes,
    policy_principals,
    repaired_ruleset,
)
from fivesafes.models.policy import Policy

REPO_SETTINGS: dict[str, Any] = {"private": True, "has_wiki": False,
                                 "delete_branch_on_merge": True}
ADMIN_WRITE = "administration: write"


def setup_github_repo(
    dest: Path,
    org_repo: str,
    policy: Policy,
    labels: list[LabelSpec],
    api: GitHubApi,
    token: str | None,
    *,
    server_url: str,
    push_url: str | None = None,
    app_id: int | None = None,
    description: str = "",
    environment: str = ENVIRONMENT,
) -> list[str]:
    """Create or repair ``org_repo`` for the project in ``dest``; what was changed, in order."""
    org, name = split_repo(org_repo)
    changes: list[str] = []
    repo = reads.repository(api, org, name)
    if repo is None:
        body = {"name": name, "description": description, "auto_init": False, **REPO_SETTINGS}
        need = Need(f"creating repository {org_repo}", ADMIN_WRITE, org)
        api.request("POST", f"/orgs/{quote(org)}/repos", need, body, exists_ok=True)
        changes.append(f"created private repository {org_repo}")
    else:
        drift = {k: v for k, v in REPO_SETTINGS.items() if repo.get(k) != v}
        if drift:
            need = Need("repairing the repository settings", ADMIN_WRITE, org_repo)
            api.request("PATCH", f"/repos/{org}/{name}", need, drift)
            changes.append("repository settings: " + ", ".join(f"{k}={v}" for k, v in
                                                                 drift.items()))
    changes += _push_template(dest, org_repo, token, server_url, push_url)
    changes += _labels(api, org, name, labels)
    changes += _teams(api, org, name, policy)
    branch = str((repo or {}).get("default_branch") or git_remote.current_branch(dest))
    changes += setup_environment(api, org_repo, environment, branch)
    changes += _ruleset(api, org, name, app_id)
    return changes



def _push_template(dest: Path, org_repo: str, token: str | None, server_url: str,
                   push_url: str | None) -> list[str]:
    origin = git_remote.remote_url(org_repo, server_url)
    url = push_url or origin
    changes = []
    if git_remote.ensure_origin(dest, origin) is None:
        changes.append(f"origin of {dest.name} set to {origin}")
    branch = git_remote.current_branch(dest)
    if git_remote.remote_head(dest, url, branch, token, server_url) is None:
        git_remote.push(dest, url, branch, token, server_url)
        changes.append(f"pushed {branch}")
    return changes


def _labels(api: GitHubApi, org: str, name: str, labels: list[LabelSpec]) -> list[str]:
    create, update = label_changes(reads.existing_labels(api, org, name), labels)
    need = Need("writing the label set", "issues: write", f"{org}/{name}")
    for spec in create:
        api.request("POST", f"/repos/{org}/{name}/labels", need,
                    {"name": spec.name, "color": spec.color, "description": spec.description},
                    exists_ok=True)
    for spec in update:
        api.request("PATCH", f"/repos/{org}/{name}/labels/{quote(spec.name)}", need,
                    {"color": spec.color, "description": spec.description})
    return ([f"label {s.name} created" for s in create]
            + [f"label {s.name} updated" for s in update])


def _teams(api: GitHubApi, org: str, name: str, policy: Policy) -> list[str]:
    """Attach each team the policy names (PUT is idempotent: same permission, no change)."""
    _, teams = policy_principals(policy)
    changes = []
    for slug, permission in sorted(teams.items()):
        team_org, _, team = slug.partition("/")
        if team_org != org:
            continue
        if not reads.team_exists(api, org, team):
            raise GitHubError(f"team @{slug} named in .github/fivesafes.toml does not exist; "
                              "create it in the organisation or correct the policy", 404)
        need = Need(f"giving team @{slug} {permission} access",
                    f"{ADMIN_WRITE}, and {MEMBERS_READ}", f"{org}/{name}")
        api.request("PUT", f"/orgs/{quote(org)}/teams/{quote(team)}/repos/{org}/{name}", need,
                    {"permission": permission})
        changes.append(f"team @{slug}: {permission}")
    return changes


def _automation_rulesets(api: GitHubApi, org: str, name: str,
                         app_id: int | None) -> list[str]:
    """The rulesets that leave disclosure branches and release tags to the App."""
    changes = []
    for wanted in automation_rulesets(app_id):
        existing = next(iter(reads.rulesets(api, org, name, wanted["name"])), None)
        need = Need(f"writing the ruleset {wanted['name']!r}", ADMIN_WRITE, f"{org}/{name}")
        if existing is None:
            api.request("POST", f"/repos/{org}/{name}/rulesets", need, wanted, exists_ok=True)
            changes.append(f"ruleset {wanted['name']!r} created")
        elif {k: existing.get(k) for k in wanted} != wanted:
            api.request("PUT", f"/repos/{org}/{name}/rulesets/{existing['id']}", need, wanted)
            changes.append(f"ruleset {wanted['name']!r} repaired")
    return changes


def _ruleset(api: GitHubApi, org: str, name: str, app_id: int | None) -> list[str]:
    changes = _automation_rulesets(api, org, name, app_id)
    existing = next(iter(reads.rulesets(api, org, name, RULESET_NAME)), None)
    need = Need(f"writing the ruleset {RULESET_NAME!r}", ADMIN_WRITE, f"{org}/{name}")
    if existing is None:
        api.request("POST", f"/repos/{org}/{name}/rulesets", need, desired_ruleset(app_id),
                    exists_ok=True)
        return [*changes, f"ruleset {RULESET_NAME!r} created"]
    body = repaired_ruleset(existing, app_id)
    if body is None:
        return changes
    api.request("PUT", f"/repos/{org}/{name}/rulesets/{existing['id']}", need, body)
    return [*changes, f"ruleset {RULESET_NAME!r} repaired"]
