"""``org doctor`` and ``org upgrade`` carried out repository by repository through the API.

Doctor reads what the per-project doctor reads, from each repository's default branch instead
of a checkout: the workflows' pins of the automation, CODEOWNERS against the policy, the
template's example values still in place, and the repository's settings. Upgrade rewrites the
automation's pins in each repository's workflows on a branch and opens one pull request per
repository, unless Dependabot already opened one for that release (then it says where).
"""

from __future__ import annotations

import base64
import tomllib
from dataclasses import dataclass
from typing import Any

from fivesafes.adapters.files.template import template_dir
from fivesafes.adapters.files.workflow_pins import WorkflowError, find_uses, rewrite
from fivesafes.adapters.github.admin_inspect import inspect_github_repo
from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import Need
from fivesafes.adapters.github.records import quote
from fivesafes.core import layout
from fivesafes.core.admin.codeowners import FILE as CODEOWNERS
from fivesafes.core.admin.codeowners import codeowners_findings
from fivesafes.core.admin.environment import ENVIRONMENT
from fivesafes.core.admin.pins import pin_findings, reusable_refs
from fivesafes.core.admin.repo_settings import labels_from_toml
from fivesafes.core.admin.runners import TRE_LABEL
from fivesafes.core.findings import Finding
from fivesafes.core.request.examples import example_warnings
from fivesafes.models.policy import Policy

WORKFLOWS = ".github/workflows"
DEPENDABOT = "dependabot[bot]"


def workflow_texts(api: GitHubApi, repo: str, branch: str) -> dict[str, str]:
    """Path -> text of each workflow file on ``branch``."""
    need = Need("listing the workflows", "contents: read", repo)
    listing = api.request("GET", f"/repos/{repo}/contents/{WORKFLOWS}", need,
                          params={"ref": branch}, missing_ok=True)
    out = {}
    for entry in listing if isinstance(listing, list) else []:
        path = str(entry.get("path") or "")
        if entry.get("type") == "file" and path.endswith((".yml", ".yaml")):
            data = api.file_at(repo, path, branch)
            if data is not None:
                out[path] = data.decode("utf-8", errors="replace")
    return out


def doctor_repo(api: GitHubApi, repo: dict[str, Any], policy: Policy,
                files: dict[str, bytes], environment: str = ENVIRONMENT,
                tre_label: str = TRE_LABEL) -> list[Finding]:
    """Every weakness of one project repository (``files``: its project files)."""
    name, branch = str(repo["full_name"]), str(repo.get("default_branch") or "main")
    found: list[Finding] = []
    pinned: set[str] = set()
    for path, text in sorted(workflow_texts(api, name, branch).items()):
        try:
            uses = find_uses(text, path)
        except WorkflowError as exc:
            found.append(Finding(path, None, None, "workflow-yaml", str(exc), "fix the YAML"))
            continue
        found += pin_findings(uses, policy.automation.repository)
        pinned |= reusable_refs(uses, policy.automation.repository)
    owners = api.file_at(name, CODEOWNERS, branch)
    found += codeowners_findings(owners.decode("utf-8", errors="replace") if owners else None,
                                 policy)
    found += example_warnings(files)
    labels = tomllib.loads((template_dir() / ".github" / "labels.toml").read_text("utf-8"))
    found += inspect_github_repo(api, name, policy, labels_from_toml(labels, policy.labels),
                                 environment=environment, tre_label=tre_label, pinned=pinned)
    return found


@dataclass(frozen=True)
class Upgrade:
    repository: str
    outcome: str  # opened, exists, dependabot, current, no-workflows
    url: str = ""
    detail: str = ""


def _dependabot(api: GitHubApi, repo: str, tag: str) -> dict[str, Any] | None:
    need = Need("listing open pull requests", "pull-requests: read", repo)
    for pull in api.paginate(f"/repos/{repo}/pulls", need, {"state": "open"}):
        title = str(pull.get("title"))
        if (pull.get("user") or {}).get("login") == DEPENDABOT and tag.lstrip("v") in title:
            return dict(pull)
    return None


def upgrade_repo(api: GitHubApi, repo: dict[str, Any], automation: str, tag: str,
                 sha: str | None) -> Upgrade:
    """One pull request moving ``repo``'s pins of ``automation`` to ``tag`` (or ``sha``)."""
    name, base = str(repo["full_name"]), str(repo.get("default_branch") or "main")
    texts = workflow_texts(api, name, base)
    if not texts:
        return Upgrade(name, "no-workflows", detail=f"no {WORKFLOWS} on {base}")
    changed = {}
    for path, text in texts.items():
        new, count = rewrite(text, find_uses(text, path), tag, sha, automation)
        if count:
            changed[path] = new
    if not changed:
        return Upgrade(name, "current", detail=f"already at {tag}")
    bot = _dependabot(api, name, tag)
    if bot is not None:
        return Upgrade(name, "dependabot", str(bot.get("html_url") or ""),
                       f"Dependabot already opened #{bot.get('number')}")
    branch = f"fivesafes-upgrade-{tag}"
    need = Need(f"opening the upgrade to {tag}", "contents: write, pull-requests: write", name)
    pulls = api.paginate(f"/repos/{name}/pulls", need, {"state": "open",
                                                         "head": f"{name.split('/')[0]}:{branch}"})
    if pulls:
        return Upgrade(name, "exists", str(pulls[0].get("html_url") or ""),
                       f"#{pulls[0].get('number')} is already open")
    head = api.request("GET", f"/repos/{name}/git/ref/heads/{quote(base)}", need)
    api.request("POST", f"/repos/{name}/git/refs", need,
                {"ref": f"refs/heads/{branch}", "sha": head["object"]["sha"]}, exists_ok=True)
    for path, text in sorted(changed.items()):
        current = api.request("GET", f"/repos/{name}/contents/{path}", need,
                              params={"ref": branch})
        api.request("PUT", f"/repos/{name}/contents/{path}", need, {
            "message": f"Upgrade the Five Safes automation to {tag}", "branch": branch,
            "sha": current["sha"], "content": base64.b64encode(text.encode()).decode()})
    made = api.request("POST", f"/repos/{name}/pulls", need, {
        "title": f"Upgrade the Five Safes automation to {tag}", "head": branch, "base": base,
        "body": f"Moves every pin of `{automation}` in {WORKFLOWS} to `{sha or tag}`"
                + (f" (`{tag}`)" if sha else "") + ". Generated by `fivesafes org upgrade`; "
                "review the release notes, then merge."})
    return Upgrade(name, "opened", str(made.get("html_url") or ""), f"#{made.get('number')}")


def project_files_of(api: GitHubApi, repo: dict[str, Any]) -> dict[str, bytes]:
    """The policy and request files whose example values doctor names."""
    name, branch = str(repo["full_name"]), str(repo.get("default_branch") or "main")
    out = {}
    for path in (layout.POLICY, layout.PROJECT, layout.WORKFLOW):
        data = api.file_at(name, path, branch)
        if data is not None:
            out[path] = data
    return out
