"""Pull requests, reviews, issue labels and events, comments, commit statuses, branch activity."""

from __future__ import annotations

import base64
import urllib.parse

from tests.github_server.routes import Call, HttpError, Reply, route, validation_failed
from tests.github_server.world import Activity, Comment, Status


@route("GET /repos/{owner}/{repo}/pulls")
def list_pulls(call: Call) -> Reply:
    repo = call.repo()
    state = call.query.get("state", "open")
    head = call.query.get("head", "").split(":")[-1]
    pulls = [p for p in sorted(repo.pulls.values(), key=lambda p: -p.number)
             if state in ("all", p.state) and (not head or p.head_ref == head)
             and call.query.get("base", p.base_ref) == p.base_ref]
    body = [call.render.pull(repo, p) for p in pulls]
    for item in body:  # pull-request-simple: a label's description is a string, never null
        for label in item["labels"]:
            label["description"] = label["description"] or ""
    return Reply(body=body, paginate=True)


@route("POST /repos/{owner}/{repo}/pulls")
def create_pull(call: Call) -> Reply:
    repo = call.repo()
    head = call.body["head"].split(":")[-1]
    base = call.body["base"]
    for name, ref in (("head", head), ("base", base)):
        if ref not in repo.branches:
            raise validation_failed("PullRequest", name, "invalid", f"{name} {ref} not found")
    if any(p.head_ref == head and p.base_ref == base and p.state == "open"
           for p in repo.pulls.values()):
        raise validation_failed("PullRequest", "head", "custom",
                                f"A pull request already exists for {repo.owner}:{head}.")
    pull = call.world.pull_from_branch(repo, head, call.login, base=base,
                                       title=call.body.get("title", head),
                                       body=call.body.get("body"))
    pull.draft = bool(call.body.get("draft", False))
    return Reply(201, call.render.pull(repo, pull))


@route("GET /repos/{owner}/{repo}/pulls/{pull_number}")
def get_pull(call: Call) -> Reply:
    repo = call.repo()
    return Reply(body=call.render.pull(repo, call.pull(repo)))


@route("GET /repos/{owner}/{repo}/pulls/{pull_number}/files")
def pull_files(call: Call) -> Reply:
    repo = call.repo()
    pull = call.pull(repo)
    objects = call.world.objects
    before = objects.files(repo.commits[pull.base_sha].tree)
    after = objects.files(repo.commits[pull.head_sha].tree)
    out = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        status = "added" if old is None else "removed" if new is None else "modified"
        removed = len(old.splitlines()) if old is not None else 0
        added = len(new.splitlines()) if new is not None else 0
        sha = objects.put_blob(new) if new is not None else None
        blob = f"{call.render.api}/{repo.full_name}/blob/{pull.head_sha}/{path}"
        out.append(call.render.shapes.make(
            "diff-entry", filename=path, status=status, additions=added, deletions=removed,
            changes=added + removed, sha=sha, blob_url=blob, raw_url=blob,
            contents_url=f"{call.render.repo_url(repo)}/contents/{path}?ref={pull.head_sha}"))
    return Reply(body=out, paginate=True)


@route("GET /repos/{owner}/{repo}/pulls/{pull_number}/commits")
def pull_commits(call: Call) -> Reply:
    repo = call.repo()
    pull = call.pull(repo)
    base = set(call.world.ancestors(repo, pull.base_sha))
    shas = [s for s in call.world.ancestors(repo, pull.head_sha) if s not in base]
    commits = sorted((repo.commits[s] for s in shas), key=lambda c: c.date)
    return Reply(body=[call.render.commit(repo, c) for c in commits], paginate=True)


@route("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews")
def pull_reviews(call: Call) -> Reply:
    repo = call.repo()
    pull = call.pull(repo)
    reviews = [r for r in repo.reviews if r.pull == pull.number]
    return Reply(body=[call.render.review(repo, r) for r in reviews], paginate=True)


@route("GET /repos/{owner}/{repo}/issues/{issue_number}/events")
def issue_events(call: Call) -> Reply:
    repo = call.repo()
    pull = call.pull(repo, "issue_number")
    events = [e for e in repo.events if e.issue == pull.number]
    return Reply(body=[call.render.event(repo, e) for e in events], paginate=True)


@route("POST /repos/{owner}/{repo}/issues/{issue_number}/labels")
def add_labels(call: Call) -> Reply:
    repo = call.repo()
    pull = call.pull(repo, "issue_number")
    names = call.body.get("labels", []) if isinstance(call.body, dict) else call.body or []
    for name in names:
        call.world.label(repo, pull, name if isinstance(name, str) else name["name"], call.login)
    return Reply(body=[call.render.label(repo, repo.labels[n]) for n in pull.labels])


@route("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}")
def remove_label(call: Call) -> Reply:
    repo = call.repo()
    pull = call.pull(repo, "issue_number")
    if call.params["name"] not in pull.labels:
        raise HttpError(404, "Label does not exist")
    call.world.unlabel(repo, pull, call.params["name"], call.login)
    return Reply(body=[call.render.label(repo, repo.labels[n]) for n in pull.labels])


@route("GET /repos/{owner}/{repo}/issues/{issue_number}/comments")
def list_comments(call: Call) -> Reply:
    repo = call.repo()
    number = call.pull(repo, "issue_number").number
    return Reply(body=[call.render.comment(repo, c) for c in repo.comments if c.issue == number],
                 paginate=True)


@route("POST /repos/{owner}/{repo}/issues/{issue_number}/comments")
def create_comment(call: Call) -> Reply:
    repo = call.repo()
    number = call.pull(repo, "issue_number").number
    now = call.world.now()
    comment = Comment(call.world.new_id(), number, call.login, call.body["body"], now, now)
    repo.comments.append(comment)
    return Reply(201, call.render.comment(repo, comment),
                 {"Location": call.render.comment(repo, comment)["url"]})


@route("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}")
def update_comment(call: Call) -> Reply:
    repo = call.repo()
    for comment in repo.comments:
        if str(comment.id) == call.params["comment_id"]:
            comment.body = call.body["body"]
            comment.updated_at = call.world.now()
            return Reply(body=call.render.comment(repo, comment))
    raise HttpError(404, "Not Found")


@route("POST /repos/{owner}/{repo}/statuses/{sha}")
def create_status(call: Call) -> Reply:
    repo = call.repo()
    commit = call.world.resolve(repo, call.params["sha"])
    if commit is None or len(call.params["sha"]) != 40:
        raise validation_failed("Status", "sha", "invalid",
                                f"No commit found for SHA: {call.params['sha']}")
    status = Status(call.world.new_id(), commit.sha, call.body["state"],
                    call.body.get("context", "default"), call.body.get("description"),
                    call.body.get("target_url"), call.login, call.world.now())
    repo.statuses.append(status)
    return Reply(201, call.render.status(repo, status))


@route("GET /repos/{owner}/{repo}/commits/{ref}/statuses")
def list_statuses(call: Call) -> Reply:
    repo = call.repo()
    commit = call.world.resolve(repo, call.params["ref"])
    if commit is None:
        raise HttpError(404, "Not Found")
    found = [s for s in reversed(repo.statuses) if s.sha == commit.sha]
    return Reply(body=[call.render.status(repo, s) for s in found], paginate=True)


@route("GET /repos/{owner}/{repo}/activity")
def list_activities(call: Call) -> Reply:
    """Pushes, force pushes and branch changes, newest first; cursor pagination as GitHub does
    it (``after``/``before`` cursors in the ``Link`` header, never page numbers)."""
    repo = call.repo()
    query = call.query
    ref = query.get("ref", "")
    ref = ref if not ref or ref.startswith("refs/") else f"refs/heads/{ref}"
    if query.get("direction", "desc") not in ("asc", "desc"):
        raise validation_failed("Activity", "direction", "invalid", "direction is invalid")
    found = [a for a in repo.activities
             if (not ref or a.ref == ref)
             and query.get("activity_type", a.activity_type) == a.activity_type
             and query.get("actor", a.actor) == a.actor]
    found.sort(key=lambda a: a.id, reverse=query.get("direction", "desc") == "desc")
    per_page = min(int(query.get("per_page", 30)), 100)
    start, end = 0, per_page
    if "after" in query:
        start = _position(found, query["after"]) + 1
        end = start + per_page
    elif "before" in query:
        end = _position(found, query["before"])
        start = max(end - per_page, 0)
    chunk = found[start:end]
    links = []
    base = f"{call.render.repo_url(repo)}/activity"
    rest = {k: v for k, v in query.items() if k not in ("after", "before")}
    if end < len(found) and chunk:
        links.append(f'<{base}?{urllib.parse.urlencode({**rest, "after": _cursor(chunk[-1].id)})}'
                     '>; rel="next"')
    if start > 0 and chunk:
        links.append(f'<{base}?{urllib.parse.urlencode({**rest, "before": _cursor(chunk[0].id)})}'
                     '>; rel="prev"')
    return Reply(body=[call.render.activity(a) for a in chunk],
                 headers={"Link": ", ".join(links)} if links else {})


def _cursor(activity_id: int) -> str:
    return base64.urlsafe_b64encode(f"activity:{activity_id}".encode()).decode()


def _position(found: list[Activity], cursor: str) -> int:
    try:
        wanted = int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)[1])
    except (ValueError, IndexError):
        raise validation_failed("Activity", "cursor", "invalid", "cursor is invalid") from None
    return next((i for i, a in enumerate(found) if a.id == wanted), len(found))
