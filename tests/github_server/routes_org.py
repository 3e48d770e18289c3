"""Organisation listings, review requests, and the branch-and-file writes of a bulk upgrade."""

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


@route("GET /orgs/{org}/repos")
def list_org_repos(call: Call) -> Reply:
    org = call.params["org"]
    if org not in call.world.orgs:
        raise HttpError(404, "Not Found")
    repos = sorted((r for r in call.world.repos.values() if r.owner == org),
                   key=lambda r: r.name)
    return Reply(body=[call.render.repo(r, "minimal-repository") for r in repos],
                 paginate=True)


@route("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers")
def request_reviewers(call: Call) -> Reply:
    """GitHub refuses the author and anyone without access; asking twice changes nothing."""
    repo = call.repo()
    pull = call.pull(repo)
    body = call.body or {}
    users = [str(u) for u in body.get("reviewers") or []]
    teams = [str(t) for t in body.get("team_reviewers") or []]
    for login in users:
        if login == pull.author:
            raise validation_failed("PullRequest", "reviewers", "custom",
                                    "Review cannot be requested from pull request author.")
        if effective_permission(call.world, repo, login) == "none":
            raise validation_failed("PullRequest", "reviewers", "custom",
                                    "Reviews may only be requested from collaborators. One or "
                                    f"more of the users or teams you specified is not a "
                                    f"collaborator of the {repo.full_name} repository.")
    for slug in teams:
        team = call.world.teams.get((repo.owner, slug))
        if team is None or repo.full_name not in team.repos:
            raise validation_failed("PullRequest", "team_reviewers", "custom",
                                    "Reviews may only be requested from collaborators.")
    with call.world.lock:
        for login in users:
            if login not in pull.requested_reviewers:
                pull.requested_reviewers.append(login)
        for slug in teams:
            if slug not in pull.requested_teams:
                pull.requested_teams.append(slug)
    out = call.render.pull(repo, pull)
    for label in out["labels"]:  # pull-request-simple: a label's description is a string
        label["description"] = label["description"] or ""
    return Reply(201, out)


@route("POST /repos/{owner}/{repo}/git/refs")
def create_ref(call: Call) -> Reply:
    repo = call.repo()
    ref, sha = str(call.body["ref"]), str(call.body["sha"])
    if not ref.startswith("refs/heads/") or sha not in repo.commits:
        raise validation_failed("Reference", "ref", "invalid", f"{ref} or {sha} is not valid")
    branch = ref.removeprefix("refs/heads/")
    if branch in repo.branches:
        raise validation_failed("Reference", "ref", "already_exists",
                                "Reference already exists")
    call.world.move_branch(repo, branch, sha, call.login)
    url = f"{call.render.repo_url(repo)}/git/{ref}"
    return Reply(201, {"ref": ref, "node_id": f"REF_{branch}", "url": url,
                       "object": {"sha": sha, "type": "commit",
                                  "url": f"{call.render.repo_url(repo)}/git/commits/{sha}"}})


@route("PUT /repos/{owner}/{repo}/contents/{path}")
def put_content(call: Call) -> Reply:
    repo = call.repo()
    body = call.body
    branch = str(body.get("branch") or repo.default_branch)
    if branch not in repo.branches:
        raise HttpError(404, f"Branch {branch} not found")
    path = call.params["path"].strip("/")
    current = call.world.objects.files(repo.commits[repo.branches[branch]].tree)
    exists = path in current
    if exists and body.get("sha") is None:
        raise validation_failed("Content", "sha", "missing", '"sha" wasn\'t supplied.')
    data = base64.b64decode(str(body["content"]))
    sha = call.world.commit(repo, {path: data}, branch=branch, message=str(body["message"]),
                            author=call.login)
    entry = next(e for e in call.world.objects.walk(repo.commits[sha].tree, True)
                 if e.path == path)
    content = call.render.content(repo, path, entry.sha, branch, data)
    content.pop("encoding", None)
    content.pop("content", None)
    commit = call.render.commit(repo, repo.commits[sha])
    file_commit = {"sha": sha, "node_id": f"C_{sha[:12]}", "url": commit["url"],
                   "html_url": commit["html_url"], "author": commit["commit"]["author"],
                   "committer": commit["commit"]["committer"], "message": commit["commit"][
                       "message"], "tree": commit["commit"]["tree"], "parents": [
                       {"sha": p, "url": f"{call.render.repo_url(repo)}/commits/{p}",
                        "html_url": p} for p in repo.commits[sha].parents],
                   "verification": {"verified": False, "reason": "unsigned",
                                    "signature": None, "payload": None}}
    return Reply(200 if exists else 201, {"content": content, "commit": file_commit})
