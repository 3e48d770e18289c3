"""Repository administration: rulesets, effective branch rules, Actions settings, dispatches,
and releases with asset uploads (served under ``/uploads`` like uploads.github.com)."""

from __future__ import annotations

import fnmatch
from typing import Any

from tests.github_server.routes import Call, HttpError, Reply, route, validation_failed
from tests.github_server.world import Asset, Release, Repo


def _ruleset(call: Call, repo: Repo, ruleset: dict[str, Any]) -> dict[str, Any]:
    url = f"{call.render.repo_url(repo)}/rulesets/{ruleset['id']}"
    return {"target": "branch", "bypass_actors": [], "rules": [], **ruleset,
            "source_type": "Repository", "source": repo.full_name,
            "node_id": f"RRS_{ruleset['id']}", "_links": {"self": {"href": url}},
            "created_at": ruleset["created_at"], "updated_at": ruleset["updated_at"]}


@route("GET /repos/{owner}/{repo}/rulesets")
def list_rulesets(call: Call) -> Reply:
    repo = call.repo()
    summary = ("id", "name", "target", "source_type", "source", "enforcement", "node_id",
               "_links", "created_at", "updated_at")
    return Reply(body=[{k: v for k, v in _ruleset(call, repo, r).items() if k in summary}
                       for r in repo.rulesets.values()], paginate=True)


@route("POST /repos/{owner}/{repo}/rulesets")
def create_ruleset(call: Call) -> Reply:
    repo = call.repo()
    if any(r["name"] == call.body["name"] for r in repo.rulesets.values()):
        raise validation_failed("Ruleset", "name", "already_exists", "Name must be unique")
    now = call.world.now()
    ruleset = {**call.body, "id": call.world.new_id(), "created_at": now, "updated_at": now}
    repo.rulesets[ruleset["id"]] = ruleset
    return Reply(201, _ruleset(call, repo, ruleset))


@route("GET /repos/{owner}/{repo}/rulesets/{ruleset_id}")
def get_ruleset(call: Call) -> Reply:
    repo = call.repo()
    ruleset = repo.rulesets.get(int(call.params["ruleset_id"]))
    if ruleset is None:
        raise HttpError(404, "Not Found")
    return Reply(body=_ruleset(call, repo, ruleset))


@route("PUT /repos/{owner}/{repo}/rulesets/{ruleset_id}")
def update_ruleset(call: Call) -> Reply:
    repo = call.repo()
    ruleset = repo.rulesets.get(int(call.params["ruleset_id"]))
    if ruleset is None:
        raise HttpError(404, "Not Found")
    ruleset.update(call.body or {})
    ruleset["updated_at"] = call.world.now()
    return Reply(body=_ruleset(call, repo, ruleset))


def _applies(repo: Repo, ruleset: dict[str, Any], branch: str) -> bool:
    if ruleset.get("enforcement") != "active" or ruleset.get("target", "branch") != "branch":
        return False
    ref = (ruleset.get("conditions") or {}).get("ref_name") or {}
    names = [repo.default_branch if p == "~DEFAULT_BRANCH" else p.removeprefix("refs/heads/")
             for p in ref.get("include", [])]
    excluded = [p.removeprefix("refs/heads/") for p in ref.get("exclude", [])]
    hit = "~ALL" in ref.get("include", []) or any(fnmatch.fnmatch(branch, n) for n in names)
    return hit and not any(fnmatch.fnmatch(branch, n) for n in excluded)


@route("GET /repos/{owner}/{repo}/rules/branches/{branch}")
def branch_rules(call: Call) -> Reply:
    repo = call.repo()
    rules = [{**rule, "ruleset_source_type": "Repository", "ruleset_source": repo.full_name,
              "ruleset_id": ruleset["id"]}
             for ruleset in repo.rulesets.values() if _applies(repo, ruleset,
                                                               call.params["branch"])
             for rule in ruleset.get("rules", [])]
    return Reply(body=rules, paginate=True)


@route("GET /repos/{owner}/{repo}/actions/permissions")
def actions_permissions(call: Call) -> Reply:
    actions = call.repo().actions
    return Reply(body={"enabled": actions["enabled"],
                       "allowed_actions": actions["allowed_actions"]})


@route("GET /repos/{owner}/{repo}/actions/permissions/workflow")
def workflow_permissions(call: Call) -> Reply:
    actions = call.repo().actions
    return Reply(body={k: actions[k] for k in ("default_workflow_permissions",
                                               "can_approve_pull_request_reviews")})


@route("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches")
def workflow_dispatch(call: Call) -> Reply:
    call.repo().dispatches.append({"workflow": call.params["workflow_id"], **call.body})
    return Reply(204)


@route("POST /repos/{owner}/{repo}/dispatches")
def repository_dispatch(call: Call) -> Reply:
    call.repo().dispatches.append({"repository_dispatch": True, **call.body})
    return Reply(204)


def _release(call: Call, repo: Repo) -> Release:
    for release in repo.releases:
        if str(release.id) == call.params["release_id"]:
            return release
    raise HttpError(404, "Not Found")


@route("GET /repos/{owner}/{repo}/releases")
def list_releases(call: Call) -> Reply:
    repo = call.repo()
    return Reply(body=[call.render.release(repo, r) for r in reversed(repo.releases)],
                 paginate=True)


@route("POST /repos/{owner}/{repo}/releases")
def create_release(call: Call) -> Reply:
    repo = call.repo()
    tag = call.body["tag_name"]
    if any(r.tag == tag for r in repo.releases):
        raise validation_failed("Release", "tag_name", "already_exists", "already_exists")
    draft = bool(call.body.get("draft", False))
    now = call.world.now()
    release = Release(call.world.new_id(), tag,
                      call.body.get("target_commitish", repo.default_branch),
                      call.body.get("name"), call.body.get("body"), draft,
                      bool(call.body.get("prerelease", False)), call.login, now,
                      None if draft else now)
    repo.releases.append(release)
    return Reply(201, call.render.release(repo, release))


@route("GET /repos/{owner}/{repo}/releases/tags/{tag}")
def release_by_tag(call: Call) -> Reply:
    repo = call.repo()
    for release in repo.releases:
        if release.tag == call.params["tag"] and not release.draft:
            return Reply(body=call.render.release(repo, release))
    raise HttpError(404, "Not Found")


@route("GET /repos/{owner}/{repo}/releases/{release_id}")
def get_release(call: Call) -> Reply:
    repo = call.repo()
    return Reply(body=call.render.release(repo, _release(call, repo)))


@route("PATCH /repos/{owner}/{repo}/releases/{release_id}")
def update_release(call: Call) -> Reply:
    repo = call.repo()
    release = _release(call, repo)
    body = call.body or {}
    release.tag = body.get("tag_name", release.tag)
    release.name = body.get("name", release.name)
    release.body = body.get("body", release.body)
    release.prerelease = body.get("prerelease", release.prerelease)
    if body.get("draft") is False and release.draft:
        release.draft = False
        release.published_at = call.world.now()
    return Reply(body=call.render.release(repo, release))


@route("GET /repos/{owner}/{repo}/releases/{release_id}/assets")
def list_assets(call: Call) -> Reply:
    repo = call.repo()
    return Reply(body=[call.render.asset(repo, a) for a in _release(call, repo).assets],
                 paginate=True)


@route("POST /repos/{owner}/{repo}/releases/{release_id}/assets")
def upload_asset(call: Call) -> Reply:
    repo = call.repo()
    release = _release(call, repo)
    name = call.query.get("name")
    if not name:
        raise validation_failed("ReleaseAsset", "name", "missing", "name is required")
    if any(a.name == name for a in release.assets):
        raise validation_failed("ReleaseAsset", "name", "already_exists", "already_exists")
    asset = Asset(call.world.new_id(), release.id, name, call.query.get("label") or None,
                  call.headers.get("content-type", "application/octet-stream"), call.raw,
                  call.login, call.world.now())
    release.assets.append(asset)
    return Reply(201, call.render.asset(repo, asset))


@route("GET /repos/{owner}/{repo}/releases/assets/{asset_id}")
def get_asset(call: Call) -> Reply:
    repo = call.repo()
    for release in repo.releases:
        for asset in release.assets:
            if str(asset.id) == call.params["asset_id"]:
                if "application/octet-stream" in call.headers.get("accept", ""):
                    return Reply(body=asset.data, content_type="application/octet-stream")
                return Reply(body=call.render.asset(repo, asset))
    raise HttpError(404, "Not Found")
