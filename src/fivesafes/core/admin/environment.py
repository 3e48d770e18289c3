"""Where the automation's App key lives: an environment only the default branch may deploy to.

The GitHub App's private key commits the action record past the ruleset; whoever holds it can
write the record. A repository or organisation secret reaches every workflow of every branch
(anyone who can push a branch can push a workflow that prints it). An environment secret
reaches only jobs that name the environment, and GitHub starts such a job only on a branch the
environment's deployment branch policies admit. So the key is a secret of the ``fivesafes``
environment, whose one policy is the default branch (by name: no wildcard, no tag), and of
nothing else. "Protected branches only" is not the same rule: every branch a ruleset or a
protection rule covers would then be admitted (the disclosure branches, and any branch
someone protects later), so it is reported like any other opening.

Pure: the adapters read the environment, its policies and the secret names (never values).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from fivesafes.core.findings import Finding

ENVIRONMENT = "fivesafes"
KEY_SECRET = "FIVESAFES_APP_PRIVATE_KEY"  # noqa: S105 (the name of a secret, not one)
CUSTOM_POLICIES = {"protected_branches": False, "custom_branch_policies": True}
WILDCARDS = set("*?[{")
REPAIR = "run `fivesafes init DIR --github ORG/NAME` again (it repairs drift)"


def environment_body(existing: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The body of ``PUT /repos/{o}/{r}/environments/{name}`` that makes the environment
    deploy from custom branch policies only, or None when it already does.

    A wait timer, required reviewers and self-review prevention a maintainer set are sent back
    as they are: the repair narrows who may deploy, it never removes a protection rule.
    """
    if existing is not None and existing.get("deployment_branch_policy") == CUSTOM_POLICIES:
        return None
    body: dict[str, Any] = {"deployment_branch_policy": dict(CUSTOM_POLICIES)}
    for rule in (existing or {}).get("protection_rules") or []:
        if rule.get("type") == "wait_timer" and rule.get("wait_timer"):
            body["wait_timer"] = rule["wait_timer"]
        elif rule.get("type") == "required_reviewers":
            body["reviewers"] = [
                {"type": r.get("type"), "id": (r.get("reviewer") or {}).get("id")}
                for r in rule.get("reviewers") or []]
            if "prevent_self_review" in rule:
                body["prevent_self_review"] = bool(rule["prevent_self_review"])
    return body


def _is_default(policy: Mapping[str, Any], default_branch: str) -> bool:
    return (policy.get("name") == default_branch
            and (policy.get("type") or "branch") == "branch")


def policy_changes(policies: Collection[Mapping[str, Any]], default_branch: str
                   ) -> tuple[bool, list[Mapping[str, Any]]]:
    """(whether the default branch's policy must be created, the other policies to delete)."""
    missing = not any(_is_default(p, default_branch) for p in policies)
    return missing, [p for p in policies if not _is_default(p, default_branch)]


def _describe(policy: Mapping[str, Any]) -> str:
    name = str(policy.get("name"))
    kind = str(policy.get("type") or "branch")
    wild = " (a wildcard)" if WILDCARDS & set(name) else ""
    return f"{kind} `{name}`{wild}"


def environment_findings(where: str, name: str, environment: Mapping[str, Any] | None,
                         policies: Collection[Mapping[str, Any]] | None,
                         default_branch: str) -> list[Finding]:
    """The environment is missing or admits more (or other) than the default branch."""
    settings = f"Settings > Environments > {name} > Deployment branches and tags"
    if environment is None:
        return [Finding(where, None, None, "environment-missing",
                        f"the environment `{name}` does not exist: the jobs that need the App "
                        "key name it, and GitHub then creates it open to every branch",
                        REPAIR)]
    rule = environment.get("deployment_branch_policy")
    if rule is None:
        return [Finding(where, None, None, "environment-branches",
                        f"every branch may deploy to the environment `{name}`: a workflow "
                        "pushed on any branch gets its secrets, the App key among them",
                        f"{REPAIR}, or {settings}: Selected branches, the default one only")]
    if rule.get("protected_branches"):
        return [Finding(where, None, None, "environment-branches",
                        f"the environment `{name}` admits every protected branch, not only "
                        f"`{default_branch}`: any branch a ruleset or protection rule covers "
                        "(the disclosure branches among them) gets its secrets",
                        f"{REPAIR}, or {settings}: Selected branches, `{default_branch}` only")]
    if policies is None:  # not read: the adapter says so
        return []
    found = []
    missing, others = policy_changes(policies, default_branch)
    for policy in others:
        found.append(Finding(where, None, None, "environment-branch-policy",
                             f"the environment `{name}` also admits {_describe(policy)}: a "
                             "workflow run there gets its secrets, the App key among them",
                             f"{REPAIR}, or {settings}: remove it"))
    if missing:
        found.append(Finding(where, None, None, "environment-default-branch",
                             f"the environment `{name}` does not admit the default branch "
                             f"`{default_branch}`: the jobs that need the App key cannot start",
                             f"{REPAIR}, or {settings}: add the branch `{default_branch}`"))
    return found


def key_findings(where: str, name: str, *, environment_secrets: Collection[str] | None,
                 repository_secrets: Collection[str] | None,
                 organisation_secrets: Collection[str] | None,
                 app_in_use: bool) -> list[Finding]:
    """The key is an environment secret and nothing else (None: that list was not read)."""
    found = []
    if app_in_use and environment_secrets is not None and KEY_SECRET not in environment_secrets:
        found.append(Finding(
            where, None, None, "key-missing",
            f"the environment `{name}` holds no secret {KEY_SECRET}: the jobs that act as the "
            "automation's App have no key to do it with",
            f"paste the App's private key as the environment secret (Settings > Environments "
            f"> {name} > Add environment secret {KEY_SECRET}); fivesafes never handles it"))
    if repository_secrets is not None and KEY_SECRET in repository_secrets:
        found.append(Finding(
            where, None, None, "key-repository-secret",
            f"{KEY_SECRET} is a repository secret: every workflow of every branch may read it, "
            "whatever the environment admits",
            f"delete it (Settings > Secrets and variables > Actions > Repository secrets) and "
            f"keep the key in the environment `{name}` only"))
    if organisation_secrets is not None and KEY_SECRET in organisation_secrets:
        found.append(Finding(
            where, None, None, "key-organisation-secret",
            f"{KEY_SECRET} is an organisation secret this repository can read: every workflow "
            "of every branch may read it, whatever the environment admits",
            "delete it (Organisation > Settings > Secrets and variables > Actions), or take "
            f"this repository out of its repository access; keep the key in the environment "
            f"`{name}` of each project repository"))
    return found
