"""What setting up and inspecting a project repository both read, and its ORG/NAME parse.

Kept apart from :mod:`fivesafes.adapters.github.admin` (which writes) and
:mod:`fivesafes.adapters.github.admin_inspect` (which judges) so that both read the
repository, its labels, its teams and its rulesets the same way, through
:class:`fivesafes.adapters.github.api.GitHubApi`: retried like any other GitHub call, and a
refusal names the token permission that is missing.
"""

from __future__ import annotations

from typing import Any

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import Need
from fivesafes.adapters.github.records import quote
from fivesafes.errors import UsageError

ADMIN_READ = "administration: read"
MEMBERS_READ = "members: read (an organization permission)"


class RepoNameError(UsageError, ValueError):
    """``--github`` names no repository (ORG/NAME expected)."""


def split_repo(org_repo: str) -> tuple[str, str]:
    org, _, name = org_repo.partition("/")
    if not org or not name or "/" in name:
        raise RepoNameError(f"--github {org_repo!r}: give the repository as ORG/NAME")
    return org, name


def repository(api: GitHubApi, org: str, name: str) -> dict[str, Any] | None:
    need = Need(f"reading repository {org}/{name}", "metadata: read", f"{org}/{name}")
    found: dict[str, Any] | None = api.request("GET", f"/repos/{org}/{name}", need,
                                               missing_ok=True)
    return found


def existing_labels(api: GitHubApi, org: str, name: str) -> list[Any]:
    need = Need("listing the labels", "issues: read", f"{org}/{name}")
    return api.paginate(f"/repos/{org}/{name}/labels", need)


def team_exists(api: GitHubApi, org: str, team: str) -> bool:
    need = Need(f"reading team @{org}/{team}", MEMBERS_READ, org)
    return api.request("GET", f"/orgs/{quote(org)}/teams/{quote(team)}", need,
                       missing_ok=True) is not None


def rulesets(api: GitHubApi, org: str, name: str, wanted: str | None = None
             ) -> list[dict[str, Any]]:
    """Every ruleset of the repository in full (only those named ``wanted`` when given)."""
    need = Need("reading the rulesets", ADMIN_READ, f"{org}/{name}")
    found = []
    for summary in api.paginate(f"/repos/{org}/{name}/rulesets", need):
        if wanted is None or summary.get("name") == wanted:
            full = api.request("GET", f"/repos/{org}/{name}/rulesets/{summary['id']}", need,
                               missing_ok=True)
            if full:
                found.append(full)
    return found
