"""Environments and their deployment branch policies, secrets by name, self-hosted runners and
runner groups, and the fork pull request settings (state in actions_world.py)."""

from __future__ import annotations

from typing import Any

from tests.github_server.routes import Call, HttpError, Reply, route, validation_failed
from tests.github_server.world import Repo

ENV = "/repos/{owner}/{repo}/environments/{environment_name}"


def _env(call: Call, repo: Repo) -> dict[str, Any]:
    env = repo.environments.get(call.params["environment_name"])
    if env is None:
        raise HttpError(404, "Not Found")
    return env


def _render_env(call: Call, repo: Repo, env: dict[str, Any]) -> dict[str, Any]:
    url = f"{call.render.repo_url(repo)}/environments/{env['name']}"
    rules = list(env["protection_rules"])
    if env["deployment_branch_policy"] is not None:
        rules.append({"id": env["id"] + 1, "node_id": f"GA_{env['id']}", "type": "branch_policy"})
    return {"id": env["id"], "node_id": f"EN_{env['id']}", "name": env["name"], "url": url,
            "html_url": f"{call.render.api}/{repo.full_name}/deployments", "created_at":
            env["created_at"], "updated_at": env["updated_at"], "protection_rules": rules,
            "deployment_branch_policy": env["deployment_branch_policy"]}


@route(f"GET {ENV}")
def get_environment(call: Call) -> Reply:
    repo = call.repo()
    return Reply(body=_render_env(call, repo, _env(call, repo)))


@route(f"PUT {ENV}")
def put_environment(call: Call) -> Reply:
    """Create or update; a deployment branch policy must be one of the two kinds."""
    repo = call.repo()
    body = call.body or {}
    rule = body.get("deployment_branch_policy")
    if rule is not None and rule["protected_branches"] == rule["custom_branch_policies"]:
        raise validation_failed("Environment", "deployment_branch_policy", "invalid",
                                "protected_branches and custom_branch_policies differ")
    env = call.world.environment(repo, call.params["environment_name"])
    if "deployment_branch_policy" in body:
        env["deployment_branch_policy"] = rule
    rules = [r for r in env["protection_rules"]
             if r["type"] not in ("wait_timer", "required_reviewers")]
    if body.get("wait_timer"):
        rules.append({"id": call.world.new_id(), "node_id": "GA_w", "type": "wait_timer",
                      "wait_timer": body["wait_timer"]})
    if body.get("reviewers"):
        rules.append({"id": call.world.new_id(), "node_id": "GA_r", "type":
                      "required_reviewers", "prevent_self_review":
                      bool(body.get("prevent_self_review")), "reviewers": [
                          {"type": r["type"], "reviewer": call.render.user(
                              next(u.login for u in call.world.users.values()
                                   if u.id == r["id"]))} for r in body["reviewers"]]})
    env["protection_rules"] = rules
    env["updated_at"] = call.world.now()
    return Reply(body=_render_env(call, repo, env))


@route(f"GET {ENV}/deployment-branch-policies")
def list_branch_policies(call: Call) -> Reply:
    repo = call.repo()
    policies = _env(call, repo)["policies"].values()
    return Reply(body=[{**p, "node_id": f"GBP_{p['id']}"} for p in policies], paginate=True,
                 wrap="branch_policies")


@route(f"POST {ENV}/deployment-branch-policies")
def create_branch_policy(call: Call) -> Reply:
    """404 unless the environment uses custom policies; 303 for a pattern it already has."""
    env = _env(call, call.repo())
    if not (env["deployment_branch_policy"] or {}).get("custom_branch_policies"):
        raise HttpError(404, "Not Found")
    kind = call.body.get("type") or "branch"
    if any(p["name"] == call.body["name"] and p["type"] == kind
           for p in env["policies"].values()):
        return Reply(303)
    policy = call.world.branch_policy(env, call.body["name"], kind)
    return Reply(body={**policy, "node_id": f"GBP_{policy['id']}"})


@route(f"DELETE {ENV}/deployment-branch-policies/{{branch_policy_id}}")
def delete_branch_policy(call: Call) -> Reply:
    env = _env(call, call.repo())
    if env["policies"].pop(int(call.params["branch_policy_id"]), None) is None:
        raise HttpError(404, "Not Found")
    return Reply(204)


def _secrets(names: dict[str, str] | list[str], world: Any) -> Reply:
    stamp = world.now()
    items = [{"name": n, "created_at": names[n] if isinstance(names, dict) else stamp,
              "updated_at": names[n] if isinstance(names, dict) else stamp}
             for n in sorted(names)]
    return Reply(body=items, paginate=True, wrap="secrets")


@route(f"GET {ENV}/secrets")
def environment_secrets(call: Call) -> Reply:
    return _secrets(_env(call, call.repo())["secrets"], call.world)


@route("GET /repos/{owner}/{repo}/actions/secrets")
def repository_secrets(call: Call) -> Reply:
    return _secrets(call.repo().secrets, call.world)


@route("GET /repos/{owner}/{repo}/actions/organization-secrets")
def organisation_secrets(call: Call) -> Reply:
    return _secrets(call.world.visible_secrets(call.repo()), call.world)


def _runner(runner: dict[str, Any]) -> dict[str, Any]:
    builtin = {"self-hosted", "Linux", "X64"}
    return {**runner, "labels": [{"id": i + 1, "name": name, "type": "read-only"
                                  if name in builtin else "custom"}
                                 for i, name in enumerate(runner["labels"])]}


@route("GET /repos/{owner}/{repo}/actions/runners")
def repository_runners(call: Call) -> Reply:
    return Reply(body=[_runner(r) for r in call.repo().runners], paginate=True, wrap="runners")


def _org(call: Call) -> str:
    org = call.params["org"]
    if org not in call.world.orgs:
        raise HttpError(404, "Not Found")
    return org


@route("GET /orgs/{org}/actions/runners")
def organisation_runners(call: Call) -> Reply:
    runners = call.world.org_runners.get(_org(call), [])
    return Reply(body=[_runner(r) for r in runners], paginate=True, wrap="runners")


@route("GET /orgs/{org}/actions/runner-groups")
def runner_groups(call: Call) -> Reply:
    """``visible_to_repository``: only the groups that repository (a name) may use."""
    org = _org(call)
    groups = call.world.groups(org)
    wanted = call.query.get("visible_to_repository")
    if wanted:
        repo = call.world.repos.get(f"{org}/{wanted}")
        groups = [g for g in groups if repo is not None and call.world.group_visible(g, repo)]
    base = f"{call.render.api}/orgs/{org}/actions/runner-groups"
    out = []
    for group in groups:
        shown = {k: v for k, v in group.items() if k != "repositories"}
        shown["runners_url"] = f"{base}/{group['id']}/runners"
        if group["visibility"] == "selected":
            shown["selected_repositories_url"] = f"{base}/{group['id']}/repositories"
        out.append(shown)
    return Reply(body=out, paginate=True, wrap="runner_groups")


@route("GET /repos/{owner}/{repo}/actions/permissions/fork-pr-contributor-approval")
def fork_contributor_approval(call: Call) -> Reply:
    return Reply(body={"approval_policy": call.repo().actions["approval_policy"]})


@route("GET /repos/{owner}/{repo}/actions/permissions/fork-pr-workflows-private-repos")
def fork_private_settings(call: Call) -> Reply:
    repo = call.repo()
    if not repo.private:
        raise HttpError(403, "Forbidden: the repository is not private")
    keys = ("run_workflows_from_fork_pull_requests", "send_write_tokens_to_workflows",
            "send_secrets_and_variables", "require_approval_for_fork_pr_workflows")
    return Reply(body={k: repo.actions[k] for k in keys})
