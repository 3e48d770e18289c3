"""Set up, repair and inspect a project repository in a GitHub organisation.

``setup_github_repo`` makes the repository what a Five Safes project needs: private, the
template pushed, the label set, the policy's teams attached, and the ruleset that makes every
decision count (core/repo_settings.py). Each step reads first and writes only what differs, so
a second run changes nothing and a run after someone loosened a setting puts it back.
``inspect_github_repo`` reads the same settings for ``doctor`` and returns findings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fivesafes.adapters import git_remote
from fivesafes.adapters.github_rest import GitHubError, RestClient, quote
from fivesafes.core.doctor_checks import (
    actions_findings,
    bypass_findings,
    label_findings,
    principal_findings,
    ruleset_findings,
)
from fivesafes.core.findings import Finding
from fivesafes.core.repo_settings import (
    RULESET_NAME,
    LabelSpec,
    desired_ruleset,
    label_changes,
    policy_principals,
    repaired_ruleset,
)
from fivesafes.models.policy import Policy

REPO_SETTINGS: dict[str, Any] = {"private": True, "has_wiki": False,
                                 "delete_branch_on_merge": True}


def split_repo(org_repo: str) -> tuple[str, str]:
    org, _, name = org_repo.partition("/")
    if not org or not name or "/" in name:
        raise ValueError(f"{org_repo!r}: give the repository as ORG/NAME")
    return org, name


def setup_github_repo(
    dest: Path,
    org_repo: str,
    policy: Policy,
    labels: list[LabelSpec],
    client: RestClient,
    token: str | None,
    *,
    server_url: str,
    push_url: str | None = None,
    app_id: int | None = None,
    description: str = "",
) -> list[str]:
    """Create or repair ``org_repo`` for the project in ``dest``; what was changed, in order."""
    org, name = split_repo(org_repo)
    changes: list[str] = []
    repo = client.get(f"/repos/{org}/{name}")
    if repo is None:
        body = {"name": name, "description": description, "auto_init": False, **REPO_SETTINGS}
        repo = client.send("POST", f"/orgs/{quote(org)}/repos", body)
        changes.append(f"created private repository {org_repo}")
    else:
        drift = {k: v for k, v in REPO_SETTINGS.items() if repo.get(k) != v}
        if drift:
            repo = client.send("PATCH", f"/repos/{org}/{name}", drift)
            changes.append("repository settings: " + ", ".join(f"{k}={v}" for k, v in
                                                                 drift.items()))
    changes += _push_template(dest, org_repo, token, server_url, push_url)
    changes += _labels(client, org, name, labels)
    changes += _teams(client, org, name, policy)
    changes += _ruleset(client, org, name, app_id)
    return changes


def _push_template(dest: Path, org_repo: str, token: str | None, server_url: str,
                   push_url: str | None) -> list[str]:
    url = push_url or f"{server_url.rstrip('/')}/{org_repo}.git"
    changes = []
    if git_remote.ensure_origin(dest, f"{server_url.rstrip('/')}/{org_repo}.git") is None:
        changes.append(f"origin of {dest.name} set to {server_url.rstrip('/')}/{org_repo}.git")
    branch = git_remote.current_branch(dest)
    if git_remote.remote_head(dest, url, branch, token, server_url) is None:
        git_remote.push(dest, url, branch, token, server_url)
        changes.append(f"pushed {branch}")
    return changes


def _labels(client: RestClient, org: str, name: str, labels: list[LabelSpec]) -> list[str]:
    existing = client.paginate(f"/repos/{org}/{name}/labels")
    create, update = label_changes(existing, labels)
    for spec in create:
        client.send("POST", f"/repos/{org}/{name}/labels",
                    {"name": spec.name, "color": spec.color, "description": spec.description})
    for spec in update:
        client.send("PATCH", f"/repos/{org}/{name}/labels/{quote(spec.name)}",
                    {"color": spec.color, "description": spec.description})
    return ([f"label {s.name} created" for s in create]
            + [f"label {s.name} updated" for s in update])


def _teams(client: RestClient, org: str, name: str, policy: Policy) -> list[str]:
    """Attach each team the policy names (PUT is idempotent: same permission, no change)."""
    _, teams = policy_principals(policy)
    changes = []
    for slug, permission in sorted(teams.items()):
        team_org, _, team = slug.partition("/")
        if team_org != org:
            continue
        if client.get(f"/orgs/{quote(org)}/teams/{quote(team)}") is None:
            raise GitHubError(f"team @{slug} named in .github/fivesafes.toml does not exist; "
                              "create it in the organisation or correct the policy", 404)
        client.send("PUT", f"/orgs/{quote(org)}/teams/{quote(team)}/repos/{org}/{name}",
                    {"permission": permission})
        changes.append(f"team @{slug}: {permission}")
    return changes


def _find_ruleset(client: RestClient, org: str, name: str) -> dict[str, Any] | None:
    for summary in client.paginate(f"/repos/{org}/{name}/rulesets"):
        if summary.get("name") == RULESET_NAME:
            found: dict[str, Any] = client.get(f"/repos/{org}/{name}/rulesets/{summary['id']}")
            return found
    return None


def _ruleset(client: RestClient, org: str, name: str, app_id: int | None) -> list[str]:
    existing = _find_ruleset(client, org, name)
    if existing is None:
        client.send("POST", f"/repos/{org}/{name}/rulesets", desired_ruleset(app_id))
        return [f"ruleset {RULESET_NAME!r} created"]
    body = repaired_ruleset(existing, app_id)
    if body is None:
        return []
    client.send("PUT", f"/repos/{org}/{name}/rulesets/{existing['id']}", body)
    return [f"ruleset {RULESET_NAME!r} repaired"]


def inspect_github_repo(client: RestClient, org_repo: str, policy: Policy,
                        labels: list[LabelSpec]) -> list[Finding]:
    """Every weakness of ``org_repo``'s settings, with its fix (``fivesafes doctor``)."""
    org, name = split_repo(org_repo)
    where = f"github:{org_repo}"
    repo = client.get(f"/repos/{org}/{name}")
    if repo is None:
        return [Finding(where, None, None, "repository-missing",
                        f"{org_repo} does not exist or the token cannot see it",
                        f"run `fivesafes init DIR --github {org_repo}`")]
    found = []
    if not repo.get("private"):
        found.append(Finding(where, None, None, "repository-public",
                             "the repository is public: requests name people and data",
                             "make it private (Settings > General > Danger Zone)"))
    branch = str(repo.get("default_branch") or "main")
    found += ruleset_findings(where, client.paginate(
        f"/repos/{org}/{name}/rules/branches/{quote(branch)}"))
    rulesets = [client.get(f"/repos/{org}/{name}/rulesets/{s['id']}")
                for s in client.paginate(f"/repos/{org}/{name}/rulesets")]
    found += bypass_findings(where, [r for r in rulesets if r])
    found += actions_findings(where, client.get(
        f"/repos/{org}/{name}/actions/permissions/workflow") or {})
    create, update = label_changes(client.paginate(f"/repos/{org}/{name}/labels"), labels)
    found += label_findings(where, create, update)
    users, teams = policy_principals(policy)
    user_facts = {}
    for login, need in users.items():
        exists = client.get(f"/users/{quote(login)}") is not None
        have = "none"
        if exists:
            perm = client.get(f"/repos/{org}/{name}/collaborators/{quote(login)}/permission")
            have = str((perm or {}).get("role_name") or (perm or {}).get("permission")
                       or "none")
        user_facts[login] = (exists, have, need)
    team_facts: dict[str, tuple[bool, str | None, str]] = {}
    for slug, need in teams.items():
        team_org, _, team = slug.partition("/")
        exists = client.get(f"/orgs/{quote(team_org)}/teams/{quote(team)}") is not None
        team_facts[slug] = (exists, None, need)
    found += principal_findings(where, user_facts, team_facts)
    return found
