"""What a project repository's GitHub settings must be, and how far the real ones are from it.

The protection of a request is only as strong as the repository around it: a pull request must
be required, the Five Safes checks must pass and be posted by the automation's GitHub App (so
nobody else's status can satisfy them), and nobody may force-push, delete the branch or bypass
the rules as an administrator. What unlocks the merge is exactly what the engine decides: the
``fivesafes / sign-off`` check of a request, the ``fivesafes / disclosure`` check of a
disclosure; no review count hides another requirement behind them (a sign-off by label alone
is a sign-off). The automation's own refs (disclosure branches, release tags) may be created
only by the App.
This module holds that target as data (the ruleset and the labels) and compares it with what
GitHub reports, so ``init --github`` can repair drift and ``doctor`` can explain it. Pure: it
takes and returns plain data; the adapters do the talking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fivesafes.models.phases import Labels
from fivesafes.models.policy import Policy

RULESET_NAME = "fivesafes: default branch"
AUTOMATION_RULESET = "fivesafes: automation branches"
TAGS_RULESET = "fivesafes: release tags"
DISCLOSURE_BRANCHES = "refs/heads/fivesafes/disclosure/**"
REQUIRED_CHECKS = ("fivesafes / validation", "fivesafes / sign-off", "fivesafes / disclosure")
BYPASS_ALWAYS = "always"


def pull_request_rule() -> dict[str, Any]:
    """A pull request is required; the decision is the engine's (its required checks), so no
    review count or code-owner review adds a requirement the sticky comment does not name."""
    return {
        "type": "pull_request",
        "parameters": {
            "required_approving_review_count": 0,
            "dismiss_stale_reviews_on_push": True,
            "require_code_owner_review": False,
            "require_last_push_approval": False,
            "required_review_thread_resolution": False,
        },
    }


def status_checks_rule(app_id: int | None = None) -> dict[str, Any]:
    """The Five Safes checks, bound to the automation's App when it has one: a status or check
    run with the same name from anyone else (any workflow's token) does not satisfy them."""
    checks: list[dict[str, Any]] = [
        {"context": c} if app_id is None else {"context": c, "integration_id": app_id}
        for c in REQUIRED_CHECKS]
    return {
        "type": "required_status_checks",
        "parameters": {
            "strict_required_status_checks_policy": False,
            "required_status_checks": checks,
        },
    }


def desired_rules(app_id: int | None = None) -> list[dict[str, Any]]:
    return [{"type": "deletion"}, {"type": "non_fast_forward"}, pull_request_rule(),
            status_checks_rule(app_id)]


def automation_rulesets(app_id: int | None) -> list[dict[str, Any]]:
    """Rulesets that leave the automation's refs to the App alone: only it creates, moves or
    deletes disclosure branches and release tags. Without an App the workflow's own token
    makes them, and no ruleset can tell it from a person's: none is created."""
    if app_id is None:
        return []
    refs = [(AUTOMATION_RULESET, "branch", DISCLOSURE_BRANCHES), (TAGS_RULESET, "tag", "~ALL")]
    return [{"name": name, "target": target, "enforcement": "active",
             "conditions": {"ref_name": {"include": [include], "exclude": []}},
             "bypass_actors": desired_bypass(app_id),
             "rules": [{"type": "creation"}, {"type": "update"}, {"type": "deletion"}]}
            for name, target, include in refs]


def desired_bypass(app_id: int | None) -> list[dict[str, Any]]:
    """Only the automation's GitHub App may push past the rules (to commit the record)."""
    if app_id is None:
        return []
    return [{"actor_id": app_id, "actor_type": "Integration", "bypass_mode": BYPASS_ALWAYS}]


def desired_ruleset(app_id: int | None = None) -> dict[str, Any]:
    """The body of ``POST /repos/{owner}/{repo}/rulesets`` for the default branch."""
    return {
        "name": RULESET_NAME,
        "target": "branch",
        "enforcement": "active",
        "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
        "bypass_actors": desired_bypass(app_id),
        "rules": desired_rules(app_id),
    }


def repaired_ruleset(existing: Mapping[str, Any], app_id: int | None) -> dict[str, Any] | None:
    """The body to PUT so ``existing`` enforces what we need, or None when it already does.

    Rules of other types (signed commits, linear history...) are kept: repairing never weakens
    what a maintainer added. Our rule types get exactly our parameters, human bypass actors
    are dropped, and the automation's App is kept or added.
    """
    ours = {rule["type"]: rule for rule in desired_rules(app_id)}
    rules = [dict(r) for r in existing.get("rules") or [] if r.get("type") not in ours]
    rules = sorted(rules, key=lambda r: str(r.get("type"))) + desired_rules(app_id)
    bypass = [dict(a) for a in existing.get("bypass_actors") or []
              if a.get("actor_type") == "Integration" and (app_id is None
                                                           or a.get("actor_id") != app_id)]
    bypass += desired_bypass(app_id)
    wanted = {**desired_ruleset(app_id), "rules": rules, "bypass_actors": bypass}
    current = {key: existing.get(key) for key in wanted}
    current["rules"] = [_rule_view(r) for r in existing.get("rules") or []]
    if _canonical(current) == _canonical({**wanted, "rules": [_rule_view(r) for r in rules]}):
        return None
    return wanted


def _rule_view(rule: Mapping[str, Any]) -> dict[str, Any]:
    view = {"type": rule.get("type")}
    if rule.get("parameters"):
        view["parameters"] = rule["parameters"]
    return view


def _canonical(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=repr)
    return value


@dataclass(frozen=True)
class LabelSpec:
    name: str
    color: str
    description: str
    role: str = ""


def labels_from_toml(data: Mapping[str, Any], names: Labels | None = None) -> list[LabelSpec]:
    """The ``[[label]]`` tables of ``.github/labels.toml``, renamed as the policy says."""
    by_role = (names or Labels()).model_dump(by_alias=True)
    specs = []
    for table in data.get("label") or []:
        role = str(table.get("role") or "")
        name = str(by_role.get(role) or table["name"])
        specs.append(LabelSpec(name, str(table["color"]).lower().lstrip("#"),
                               str(table.get("description") or ""), role))
    return specs


def label_changes(
    existing: Iterable[Mapping[str, Any]], desired: Iterable[LabelSpec]
) -> tuple[list[LabelSpec], list[LabelSpec]]:
    """(labels to create, labels to update) so the repository has every desired label."""
    have = {str(label["name"]).lower(): label for label in existing}
    create, update = [], []
    for spec in desired:
        found = have.get(spec.name.lower())
        if found is None:
            create.append(spec)
        elif (str(found.get("color") or "").lower() != spec.color
              or (found.get("description") or "") != spec.description):
            update.append(spec)
    return create, update


def policy_principals(policy: Policy) -> tuple[dict[str, str], dict[str, str]]:
    """(users, teams): each named approver or maintainer -> the permission they need.

    Approvers need write access (a code owner's review only counts from someone who can
    push); maintainers maintain. Teams are ``org/slug``; users are logins.
    """
    wanted: dict[str, str] = {}
    for rule in (policy.phases.sign_off, policy.phases.disclosure):
        for name in rule.approvers:
            wanted.setdefault(name, "push")
    for name in policy.maintainers.owners:
        wanted[name] = "maintain"
    users = {n: p for n, p in wanted.items() if not n.startswith("@")}
    teams = {n[1:]: p for n, p in wanted.items() if n.startswith("@")}
    return users, teams


PERMISSION_RANK = {"none": 0, "read": 1, "triage": 2, "write": 3, "push": 3, "maintain": 4,
                   "admin": 5}


def permission_at_least(have: str, need: str) -> bool:
    return PERMISSION_RANK.get(have, 0) >= PERMISSION_RANK.get(need, 0)
