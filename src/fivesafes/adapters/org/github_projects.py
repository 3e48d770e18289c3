"""Project repositories of an organisation read through the GitHub API.

A project repository is one carrying the topic (default ``fivesafes``) or made from the
project template (``--template ORG/REPO``). Its files are read from its default branch, as the
automation reads them; a policy that extends the central one is merged with it, read once per
reference. What cannot be read becomes the project's ``problems``, never an exception, except
when the organisation itself cannot be listed.
"""

from __future__ import annotations

from typing import Any

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import GitHubError, Need
from fivesafes.adapters.github.org_policy import fetch_org_policy
from fivesafes.adapters.github.records import quote
from fivesafes.core import layout
from fivesafes.core.org.extends import parse_extends
from fivesafes.core.org.merge import extends_of
from fivesafes.core.org.source import OrgSource
from fivesafes.core.org.summary import ProjectFiles
from fivesafes.core.request.validate import validate_policy

DEFAULT_TOPIC = "fivesafes"


def project_repos(api: GitHubApi, org: str, topic: str = DEFAULT_TOPIC,
                  template: str | None = None) -> list[dict[str, Any]]:
    """The organisation's project repositories (topic, or made from ``template``)."""
    need = Need(f"listing the repositories of {org}", "metadata: read", org)
    out = []
    for repo in api.paginate(f"/orgs/{quote(org)}/repos", need, {"type": "all"}):
        if repo.get("archived"):
            continue
        if topic in (repo.get("topics") or []):
            out.append(repo)
        elif template:
            full = api.request("GET", f"/repos/{repo['full_name']}", need, missing_ok=True)
            made_from = ((full or {}).get("template_repository") or {}).get("full_name")
            if str(made_from or "").lower() == template.lower():
                out.append(full or repo)
    return sorted(out, key=lambda r: str(r["full_name"]).lower())


def read_repo(api: GitHubApi, repo: dict[str, Any],
              central: dict[str, OrgSource] | None = None) -> ProjectFiles:
    """One project's files from its default branch; ``central`` caches central policies."""
    name, branch = str(repo["full_name"]), str(repo.get("default_branch") or "main")
    url = str(repo.get("html_url") or "")
    cache = central if central is not None else {}
    try:
        policy_data = api.file_at(name, layout.POLICY, branch)
        project = api.file_at(name, layout.PROJECT, branch)
        record = api.file_at(name, layout.ACTIONS, branch)
    except GitHubError as exc:
        return ProjectFiles(name, url, problems=(str(exc),))
    org: OrgSource | None = None
    value = extends_of(policy_data)
    ref = parse_extends(value) if value else None
    if ref is not None:
        if ref.label not in cache:
            cache[ref.label] = fetch_org_policy(api, ref)
        org = cache[ref.label]
    policy, found = validate_policy(policy_data, org)
    problems = [] if policy else ([f.render() for f in found if f.severity == "error"][:3]
                                  or [f"{layout.POLICY}: no usable policy"])
    return ProjectFiles(name, url, project, record, policy, tuple(problems))
