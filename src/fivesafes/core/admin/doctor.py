"""The judgements of ``fivesafes doctor``: each weakness of a project repository, with its fix.

The adapters fetch what GitHub and the checkout say; these pure functions turn it into
findings. Each finding names where the weakness is (a file, or ``github:ORG/NAME`` for a
setting), what is wrong, and the exact fix, so a maintainer can act without reading code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fivesafes.core.admin.repo_settings import (
    REQUIRED_CHECKS,
    RULESET_NAME,
    LabelSpec,
    automation_rulesets,
    permission_at_least,
)
from fivesafes.core.findings import Finding

REPAIR = "run `fivesafes init DIR --github ORG/NAME` again (it repairs drift)"


def app_of(rulesets: Iterable[Mapping[str, Any]]) -> int | None:
    """The automation's App: the GitHub App that may bypass the default branch's ruleset."""
    for ruleset in rulesets:
        if ruleset.get("name") == RULESET_NAME:
            for actor in ruleset.get("bypass_actors") or []:
                if actor.get("actor_type") == "Integration" and isinstance(
                        actor.get("actor_id"), int):
                    return int(actor["actor_id"])
    return None


def ruleset_findings(where: str, rules: Iterable[Mapping[str, Any]],
                     app_id: int | None = None) -> list[Finding]:
    """Weak or missing rules among the rules GitHub enforces on the default branch; with
    ``app_id``, every required check must be bound to that App."""
    by_type: dict[str, list[Mapping[str, Any]]] = {}
    for rule in rules:
        by_type.setdefault(str(rule.get("type")), []).append(rule)
    found: list[Finding] = []

    def weak(rule: str, message: str) -> None:
        found.append(Finding(where, None, None, rule, message, REPAIR))

    if not by_type:
        weak("ruleset-missing", "the default branch has no ruleset: anyone with write access "
             "can push to it, bypassing every decision")
        return found
    pulls = [r.get("parameters") or {} for r in by_type.get("pull_request", [])]
    if not pulls:
        weak("ruleset-pull-request", "pull requests are not required on the default branch")
    else:
        if not any(p.get("dismiss_stale_reviews_on_push") for p in pulls):
            weak("ruleset-stale-reviews", "approving reviews are not dismissed by a new push")
        count = max(int(p.get("required_approving_review_count") or 0) for p in pulls)
        if count or any(p.get("require_code_owner_review") for p in pulls):
            weak("ruleset-hidden-review",
                 f"the ruleset also requires {count or 1} approving (code owner's) review(s): a "
                 "sign-off by label, which the engine counts and the comment shows as "
                 "complete, would not unlock the merge")
    checks: dict[str, set[Any]] = {}
    for rule in by_type.get("required_status_checks", []):
        for check in (rule.get("parameters") or {}).get("required_status_checks") or []:
            checks.setdefault(str(check.get("context")), set()).add(check.get("integration_id"))
    for context in REQUIRED_CHECKS:
        if context not in checks:
            weak("ruleset-status-check", f"the status check `{context}` is not required")
        elif app_id is not None and checks[context] != {app_id}:
            weak("ruleset-check-source",
                 f"the status check `{context}` is not bound to the automation's App "
                 f"(integration id {app_id}): a status of that name posted by any workflow's "
                 "token satisfies it")
    if "non_fast_forward" not in by_type:
        weak("ruleset-force-push", "force pushes to the default branch are not blocked")
    if "deletion" not in by_type:
        weak("ruleset-deletion", "deleting the default branch is not blocked")
    return found


def automation_ref_findings(where: str, rulesets: Iterable[Mapping[str, Any]],
                            app_id: int | None) -> list[Finding]:
    """Disclosure branches and release tags that someone other than the App may create."""
    have = {str(r.get("name")): r for r in rulesets}
    found = []
    for wanted in automation_rulesets(app_id):
        ruleset = have.get(wanted["name"])
        types = {r.get("type") for r in (ruleset or {}).get("rules") or []}
        include = ((ruleset or {}).get("conditions") or {}).get("ref_name", {}).get("include")
        if ruleset is None or ruleset.get("enforcement") != "active" \
                or not {"creation", "update", "deletion"} <= types \
                or include != wanted["conditions"]["ref_name"]["include"]:
            refs = "disclosure branches" if wanted["target"] == "branch" else "release tags"
            found.append(Finding(
                where, None, None, "ruleset-automation-refs",
                f"anyone with write access may create or move {refs} (ruleset "
                f"{wanted['name']!r} is missing or weaker): a branch named like a disclosure, "
                "or a release tag, could be made by someone other than the automation",
                REPAIR))
    return found


def bypass_findings(where: str, rulesets: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """People (admins, roles, teams) who may bypass a ruleset; only the App may."""
    found = []
    for ruleset in rulesets:
        for actor in ruleset.get("bypass_actors") or []:
            kind = str(actor.get("actor_type"))
            if kind in ("Integration", "DeployKey"):
                continue
            found.append(Finding(
                where, None, None, "ruleset-bypass",
                f"ruleset {ruleset.get('name')!r} lets {kind} {actor.get('actor_id')} bypass "
                "it (an administrator could merge without sign-off)",
                "remove every bypass actor except the automation's GitHub App, or " + REPAIR))
    return found


def actions_findings(where: str, workflow: Mapping[str, Any]) -> list[Finding]:
    found = []
    if workflow.get("default_workflow_permissions") != "read":
        found.append(Finding(
            where, None, None, "actions-token-permissions",
            "the default GITHUB_TOKEN permissions are write: any workflow may change the "
            "repository without asking",
            "Settings > Actions > General > Workflow permissions: \"Read repository contents "
            "and packages permissions\" (or the organisation's setting)"))
    if workflow.get("can_approve_pull_request_reviews"):
        found.append(Finding(
            where, None, None, "actions-approve-reviews",
            "GitHub Actions may approve pull requests: a workflow could supply the required "
            "review itself",
            "Settings > Actions > General: untick \"Allow GitHub Actions to create and approve "
            "pull requests\""))
    return found


def label_findings(where: str, create: list[LabelSpec], update: list[LabelSpec]) -> list[Finding]:
    found = [Finding(where, None, None, "label-missing", f"label `{s.name}` is missing",
                     REPAIR) for s in create]
    found += [Finding(where, None, None, "label-differs",
                      f"label `{s.name}` has another colour or description", REPAIR,
                      "warning") for s in update]
    return found


def principal_findings(
    where: str,
    users: Mapping[str, tuple[bool, str, str]],
    teams: Mapping[str, tuple[bool, str | None, str]],
) -> list[Finding]:
    """Approvers and maintainers that do not exist or lack the access their role needs.

    ``users``: login -> (exists, permission, needed); ``teams``: org/slug -> (exists,
    permission or None when unknown, needed).
    """
    policy = ".github/fivesafes.toml"
    found = []
    for login, (exists, have, need) in sorted(users.items()):
        if not exists:
            found.append(Finding(policy, None, None, "approver-unknown",
                                 f"`{login}` is not a GitHub user",
                                 "correct the login in .github/fivesafes.toml"))
        elif not permission_at_least(have, need):
            found.append(Finding(where, None, None, "approver-access",
                                 f"`{login}` has {have} access, needs {need}",
                                 f"give {login} {need} access to the repository"))
    for slug, (exists, team_has, need) in sorted(teams.items()):
        if not exists:
            found.append(Finding(policy, None, None, "approver-unknown",
                                 f"team `@{slug}` does not exist",
                                 "create the team or correct it in .github/fivesafes.toml"))
        elif team_has is not None and not permission_at_least(team_has, need):
            found.append(Finding(where, None, None, "approver-access",
                                 f"team `@{slug}` has {team_has} access, needs {need}", REPAIR))
    return found
