"""Inspects a project repository's settings for ``fivesafes doctor``: every weakness, with its fix.

Kept apart from :mod:`fivesafes.adapters.github.admin`, which sets the same settings up,
because inspecting only reads: it gathers the repository, its rules and rulesets, the Actions
token settings, the labels and the people and teams the policy names, and leaves every
judgement to :mod:`fivesafes.core.admin.doctor`. The environment, the TRE runner's reach and
the fork pull request settings are inspected in :mod:`fivesafes.adapters.github.trust`.
"""

from __future__ import annotations

from collections.abc import Collection

from fivesafes.adapters.github import admin_reads as reads
from fivesafes.adapters.github.admin_reads import ADMIN_READ, split_repo
from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import Need
from fivesafes.adapters.github.records import quote
from fivesafes.adapters.github.trust import inspect_trust
from fivesafes.core.admin.doctor import (
    actions_findings,
    app_of,
    automation_ref_findings,
    bypass_findings,
    label_findings,
    principal_findings,
    ruleset_findings,
)
from fivesafes.core.admin.environment import ENVIRONMENT
from fivesafes.core.admin.repo_settings import LabelSpec, label_changes, policy_principals
from fivesafes.core.admin.runners import REUSABLE_PATH, TRE_LABEL
from fivesafes.core.findings import Finding
from fivesafes.models.policy import Policy


def inspect_github_repo(api: GitHubApi, org_repo: str, policy: Policy,
                        labels: list[LabelSpec], app_id: int | None = None, *,
                        environment: str = ENVIRONMENT, tre_label: str = TRE_LABEL,
                        pinned: Collection[str] = ()) -> list[Finding]:
    """Every weakness of ``org_repo``'s settings, with its fix (``fivesafes doctor``).

    ``pinned``: the refs at which the project's workflows call the reusable workflow (the TRE
    runner's group must take them)."""
    org, name = split_repo(org_repo)
    where = f"github:{org_repo}"
    repo = reads.repository(api, org, name)
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
    rules = Need(f"reading the rules of {branch}", "metadata: read", org_repo)
    rulesets = reads.rulesets(api, org, name)
    app_id = app_id if app_id is not None else app_of(rulesets)
    found += ruleset_findings(where, api.paginate(
        f"/repos/{org}/{name}/rules/branches/{quote(branch)}", rules), app_id)
    found += automation_ref_findings(where, rulesets, app_id)
    found += bypass_findings(where, rulesets)
    actions = Need("reading the Actions token settings", ADMIN_READ, org_repo)
    found += actions_findings(where, api.request(
        "GET", f"/repos/{org}/{name}/actions/permissions/workflow", actions,
        missing_ok=True) or {})
    create, update = label_changes(reads.existing_labels(api, org, name), labels)
    found += label_findings(where, create, update)
    users, teams = policy_principals(policy)
    user_facts = {}
    for login, role_needs in users.items():
        lookup = Need(f"looking up user {login}", "metadata: read")
        exists = api.request("GET", f"/users/{quote(login)}", lookup,
                             missing_ok=True) is not None
        have = api.permission(org_repo, login) if exists else "none"
        user_facts[login] = (exists, have, role_needs)
    team_facts: dict[str, tuple[bool, str | None, str]] = {}
    for slug, role_needs in teams.items():
        team_org, _, team = slug.partition("/")
        team_facts[slug] = (reads.team_exists(api, team_org, team), None, role_needs)
    found += principal_findings(where, user_facts, team_facts)
    found += inspect_trust(api, repo, environment=environment, tre_label=tre_label,
                           reusable=f"{policy.automation.repository}/{REUSABLE_PATH}",
                           pinned=pinned, app_in_use=app_id is not None)
    return found
