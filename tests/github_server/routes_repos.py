"""Repositories, people and teams, repository labels, contents and git objects."""

from __future__ import annotations

import base64

from tests.github_server.routes import (
    Call,
    HttpError,
    Reply,
    effective_permission,
    route,
    validation_failed,
)
from tests.github_server.world import Repo

REPO_SETTINGS = ("description", "private", "has_issues", "has_projects", "has_wiki",
                 "allow_squash_merge", "allow_merge_commit", "allow_rebase_merge",
                 "allow_auto_merge", "delete_branch_on_merge", "allow_update_branch",
                 "web_commit_signoff_required", "is_template")


def _apply_settings(repo: Repo, body: dict[str, object]) -> None:
    for key in REPO_SETTINGS:
        if key in body:
            if key == "description":
                repo.description = str(body[key])
            elif key == "private":
                repo.private = bool(body[key])
            else:
                repo.settings[key] = body[key]
    if isinstance(body.get("default_branch"), str):
        repo.default_branch = str(body["default_branch"])


@route("GET /repos/{owner}/{repo}")
def get_repo(call: Call) -> Reply:
    repo = call.repo()
    return Reply(body=call.render.repo(repo, "full-repository"))


@route("PATCH /repos/{owner}/{repo}")
def update_repo(call: Call) -> Reply:
    repo = call.repo()
    _apply_settings(repo, call.body or {})
    return Reply(body=call.render.repo(repo, "full-repository"))


@route("POST /orgs/{org}/repos")
def create_repo(call: Call) -> Reply:
    org = call.params["org"]
    if org not in call.world.orgs:
        raise HttpError(404, "Not Found")
    full = f"{org}/{call.body['name']}"
    if full in call.world.repos:
        raise validation_failed("Repository", "name", "custom",
                                "name already exists on this account")
    repo = call.world.repo(full, empty=not call.body.get("auto_init", False))
    repo.private = call.body.get("private", call.body.get("visibility", "public") != "public")
    _apply_settings(repo, call.body)
    return Reply(201, call.render.repo(repo, "full-repository"))


@route("GET /users/{username}")
def get_user(call: Call) -> Reply:
    if call.params["username"] not in call.world.users:
        raise HttpError(404, "Not Found")
    return Reply(body=call.render.user(call.params["username"], "public-user"))


@route("GET /orgs/{org}/teams/{team_slug}")
def get_team(call: Call) -> Reply:
    team = call.world.teams.get((call.params["org"], call.params["team_slug"]))
    if team is None:
        raise HttpError(404, "Not Found")
    return Reply(body=call.render.team(team))


@route("GET /orgs/{org}/teams/{team_slug}/memberships/{username}")
def team_membership(call: Call) -> Reply:
    team = call.world.teams.get((call.params["org"], call.params["team_slug"]))
    login = call.params["username"]
    if team is None or login not in team.members:
        raise HttpError(404, "Not Found")
    url = f"{call.render.api}/organizations/{team.id}/team/{team.id}/memberships/{login}"
    state = "pending" if login in team.pending else "active"
    return Reply(body={"url": url, "role": team.members[login], "state": state})


@route("PUT /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}")
def team_repo(call: Call) -> Reply:
    team = call.world.teams.get((call.params["org"], call.params["team_slug"]))
    repo = call.repo()
    if team is None:
        raise HttpError(404, "Not Found")
    team.repos[repo.full_name] = (call.body or {}).get("permission", "push")
    return Reply(204)


@route("GET /repos/{owner}/{repo}/collaborators/{username}/permission")
def collaborator_permission(call: Call) -> Reply:
    repo = call.repo()
    login = call.params["username"]
    if login not in call.world.users:
        raise HttpError(404, "Not Found")
    permission = effective_permission(call.world, repo, login)
    legacy = {"maintain": "write", "triage": "read"}.get(permission, permission)
    flags = {"admin": permission == "admin", "maintain": permission in ("admin", "maintain"),
             "push": legacy in ("admin", "write"), "triage": permission != "none",
             "pull": permission != "none"}
    user = {**call.render.user(login), "permissions": flags, "role_name": permission}
    return Reply(body={"permission": legacy, "role_name": permission, "user": user})


@route("GET /repos/{owner}/{repo}/labels")
def list_labels(call: Call) -> Reply:
    repo = call.repo()
    return Reply(body=[call.render.label(repo, label) for label in repo.labels.values()],
                 paginate=True)


@route("POST /repos/{owner}/{repo}/labels")
def create_label(call: Call) -> Reply:
    repo = call.repo()
    name = call.body["name"]
    if name in repo.labels:
        raise validation_failed("Label", "name", "already_exists", "already_exists")
    label = call.world.ensure_label(repo, name, call.body.get("color", "ededed"),
                                    call.body.get("description"))
    return Reply(201, call.render.label(repo, label))


@route("PATCH /repos/{owner}/{repo}/labels/{name}")
def update_label(call: Call) -> Reply:
    repo = call.repo()
    label = repo.labels.pop(call.params["name"], None)
    if label is None:
        raise HttpError(404, "Not Found")
    label.name = call.body.get("new_name", label.name)
    label.color = call.body.get("color", label.color)
    label.description = call.body.get("description", label.description)
    repo.labels[label.name] = label
    return Reply(body=call.render.label(repo, label))


@route("GET /repos/{owner}/{repo}/contents/{path}")
def get_content(call: Call) -> Reply:
    repo = call.repo()
    ref = call.query.get("ref") or repo.default_branch
    commit = call.world.resolve(repo, ref)
    if commit is None:
        raise HttpError(404, f"No commit found for the ref {ref}")
    path = call.params["path"].strip("/")
    entries = call.world.objects.walk(commit.tree, True)
    for entry in entries:
        if entry.path == path and entry.kind == "blob":
            data = call.world.objects.blobs[entry.sha]
            return Reply(body=call.render.content(repo, path, entry.sha, ref, data))
    listing = [e for e in entries if (e.path.rsplit("/", 1)[0] == path and "/" in e.path)
               or (path == "" and "/" not in e.path)]
    if not listing:
        raise HttpError(404, "Not Found")
    return Reply(body=[call.render.content(repo, e.path, e.sha, ref, None,
                                           "file" if e.kind == "blob" else "dir")
                       | {"size": e.size or 0} for e in listing])


@route("GET /repos/{owner}/{repo}/git/trees/{tree_sha}")
def get_tree(call: Call) -> Reply:
    repo = call.repo()
    sha = call.params["tree_sha"]
    objects = call.world.objects
    if sha not in objects.trees:
        commit = call.world.resolve(repo, sha)
        if commit is None:
            raise HttpError(404, "Not Found")
        sha = commit.tree
    recursive = "recursive" in call.query
    entries = [call.render.tree_entry(repo, e) for e in objects.walk(sha, recursive)]
    return Reply(body={"sha": sha, "url": f"{call.render.repo_url(repo)}/git/trees/{sha}",
                       "tree": entries, "truncated": False})


@route("GET /repos/{owner}/{repo}/git/blobs/{file_sha}")
def get_blob(call: Call) -> Reply:
    repo = call.repo()
    data = call.world.objects.blobs.get(call.params["file_sha"])
    if data is None:
        raise HttpError(404, "Not Found")
    sha = call.params["file_sha"]
    return Reply(body={"sha": sha, "node_id": f"B_{sha[:12]}", "size": len(data),
                       "url": f"{call.render.repo_url(repo)}/git/blobs/{sha}",
                       "content": base64.encodebytes(data).decode(), "encoding": "base64"})


@route("GET /repos/{owner}/{repo}/git/ref/{ref}")
def get_ref(call: Call) -> Reply:
    repo = call.repo()
    ref = call.params["ref"]
    branch = ref.removeprefix("heads/")
    if not ref.startswith("heads/") or branch not in repo.branches:
        raise HttpError(404, "Not Found")
    sha = repo.branches[branch]
    return Reply(body={"ref": f"refs/{ref}", "node_id": f"REF_{branch}",
                       "url": f"{call.render.repo_url(repo)}/git/refs/{ref}",
                       "object": {"sha": sha, "type": "commit",
                                  "url": f"{call.render.repo_url(repo)}/git/commits/{sha}"}})


@route("GET /repos/{owner}/{repo}/commits/{ref}")
def get_commit(call: Call) -> Reply:
    repo = call.repo()
    commit = call.world.resolve(repo, call.params["ref"])
    if commit is None:
        raise validation_failed("Commit", "sha", "invalid",
                                f"No commit found for SHA: {call.params['ref']}")
    return Reply(body=call.render.commit(repo, commit))
