"""State objects rendered as the JSON GitHub sends, with URLs that point back at the server.

Only the fields clients read are set here; :class:`~tests.github_server.shapes.Shapes` fills
the rest of each schema's required fields. URLs matter: PyGithub follows ``url`` and
``upload_url`` for later calls, so they must lead to this server.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from tests.github_server.gitobjects import TreeEntry
from tests.github_server.shapes import Shapes
from tests.github_server.world import (
    Activity,
    Asset,
    Comment,
    Commit,
    IssueEvent,
    Label,
    Pull,
    Release,
    Repo,
    Review,
    Status,
    Team,
    WorldState,
)


class Render:
    def __init__(self, world: WorldState, shapes: Shapes) -> None:
        self.world = world
        self.shapes = shapes
        self.api = shapes.base_url

    def repo_url(self, repo: Repo) -> str:
        return f"{self.api}/repos/{repo.full_name}"

    def user(self, login: str, schema: str = "simple-user") -> dict[str, Any]:
        user = self.world.user(login)
        return self.shapes.make(
            schema, login=login, id=user.id, node_id=f"U_{user.id}", type=user.type,
            url=f"{self.api}/users/{login}", html_url=f"{self.api}/{login}",
            site_admin=False, name=user.name, **({"email": user.email} if user.email else {}))

    def repo(self, repo: Repo, schema: str = "repository") -> dict[str, Any]:
        url = self.repo_url(repo)
        return self.shapes.make(
            schema, id=repo.id, node_id=f"R_{repo.id}", name=repo.name,
            full_name=repo.full_name, private=repo.private, owner=self.user(repo.owner),
            default_branch=repo.default_branch, description=repo.description, url=url,
            html_url=f"{self.api}/{repo.full_name}", visibility="private" if repo.private
            else "public", clone_url=f"{self.api}/{repo.full_name}.git",
            upload_url=f"{self.api}/uploads/repos/{repo.full_name}/releases{{/id}}",
            **repo.settings)

    def label(self, repo: Repo, label: Label) -> dict[str, Any]:
        return self.shapes.make(
            "label", id=label.id, node_id=f"LA_{label.id}", name=label.name, color=label.color,
            description=label.description, default=False,
            url=f"{self.repo_url(repo)}/labels/{label.name}")

    def pull(self, repo: Repo, pull: Pull) -> dict[str, Any]:
        url = f"{self.repo_url(repo)}/pulls/{pull.number}"
        issue = f"{self.repo_url(repo)}/issues/{pull.number}"

        def side(ref: str, sha: str, full_name: str | None = None) -> dict[str, Any]:
            where = self.world.repos.get(full_name or repo.full_name, repo)
            return {"label": f"{where.owner}:{ref}", "ref": ref, "sha": sha,
                    "repo": self.repo(where), "user": self.user(where.owner)}

        link = {k: {"href": v} for k, v in {
            "self": url, "html": f"{self.api}/{repo.full_name}/pull/{pull.number}",
            "issue": issue, "comments": f"{issue}/comments",
            "review_comments": f"{url}/comments", "review_comment": f"{url}/comments{{/number}}",
            "commits": f"{url}/commits", "statuses": f"{self.repo_url(repo)}/statuses/"
            f"{pull.head_sha}"}.items()}
        return self.shapes.make(
            "pull-request", id=pull.id, node_id=f"PR_{pull.id}", number=pull.number, url=url,
            html_url=link["html"]["href"], issue_url=issue, state=pull.state,
            title=pull.title, body=pull.body, user=self.user(pull.author),
            labels=[self.label(repo, repo.labels[n]) for n in pull.labels],
            head=side(pull.head_ref, pull.head_sha, pull.head_repo),
            base=side(pull.base_ref, pull.base_sha),
            created_at=pull.created_at, updated_at=pull.created_at, merged=pull.merged,
            merged_by=self.user(pull.merged_by) if pull.merged_by else None,
            merge_commit_sha=pull.merge_commit_sha, draft=pull.draft,
            merged_at=pull.created_at if pull.merged else None, _links=link,
            author_association="CONTRIBUTOR", mergeable_state="clean", auto_merge=None,
            commits_url=f"{url}/commits", comments_url=f"{issue}/comments",
            statuses_url=link["statuses"]["href"])

    def commit(self, repo: Repo, commit: Commit) -> dict[str, Any]:
        url = f"{self.repo_url(repo)}/commits/{commit.sha}"
        person = {"name": commit.author_name, "email": commit.author_email,
                  "date": commit.date}
        user = self.user(commit.author) if commit.author else None
        return self.shapes.make(
            "commit", sha=commit.sha, node_id=f"C_{commit.sha[:12]}", url=url,
            html_url=f"{self.api}/{repo.full_name}/commit/{commit.sha}",
            author=user, committer=user,
            parents=[{"sha": p, "url": f"{self.repo_url(repo)}/commits/{p}"}
                     for p in commit.parents],
            commit={"url": f"{self.repo_url(repo)}/git/commits/{commit.sha}",
                    "author": person, "committer": person, "message": commit.message.rstrip("\n"),
                    "comment_count": 0,
                    "tree": {"sha": commit.tree, "url": f"{self.repo_url(repo)}/git/trees/"
                             f"{commit.tree}"}})

    def review(self, repo: Repo, review: Review) -> dict[str, Any]:
        pr = f"{self.repo_url(repo)}/pulls/{review.pull}"
        html = f"{self.api}/{repo.full_name}/pull/{review.pull}#pullrequestreview-{review.id}"
        return self.shapes.make(
            "pull-request-review", id=review.id, node_id=f"PRR_{review.id}",
            user=self.user(review.user), body=review.body, state=review.state,
            commit_id=review.commit_id, html_url=html, pull_request_url=pr,
            submitted_at=review.submitted_at, author_association="MEMBER",
            _links={"html": {"href": html}, "pull_request": {"href": pr}})

    def event(self, repo: Repo, event: IssueEvent) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": event.id, "node_id": f"LE_{event.id}", "actor": self.user(event.actor),
            "url": f"{self.repo_url(repo)}/issues/events/{event.id}", "event": event.event,
            "commit_id": None, "commit_url": None, "created_at": event.created_at,
            "performed_via_github_app": None}
        if event.label is not None:
            color = repo.labels[event.label].color if event.label in repo.labels else "ededed"
            body["label"] = {"name": event.label, "color": color}
        return body

    def activity(self, activity: Activity) -> dict[str, Any]:
        return self.shapes.make(
            "activity", id=activity.id, node_id=f"RA_{activity.id}", before=activity.before,
            after=activity.after, ref=activity.ref, timestamp=activity.timestamp,
            activity_type=activity.activity_type,
            actor=self.user(activity.actor) if activity.actor else None)

    def comment(self, repo: Repo, comment: Comment) -> dict[str, Any]:
        return self.shapes.make(
            "issue-comment", id=comment.id, node_id=f"IC_{comment.id}", body=comment.body,
            user=self.user(comment.user), created_at=comment.created_at,
            updated_at=comment.updated_at, author_association="NONE",
            url=f"{self.repo_url(repo)}/issues/comments/{comment.id}",
            issue_url=f"{self.repo_url(repo)}/issues/{comment.issue}",
            html_url=f"{self.api}/{repo.full_name}/pull/{comment.issue}"
            f"#issuecomment-{comment.id}")

    def status(self, repo: Repo, status: Status) -> dict[str, Any]:
        return self.shapes.make(
            "status", id=status.id, node_id=f"SC_{status.id}", state=status.state,
            context=status.context, description=status.description,
            target_url=status.target_url, creator=self.user(status.creator),
            created_at=status.created_at, updated_at=status.created_at, avatar_url=None,
            url=f"{self.repo_url(repo)}/statuses/{status.sha}")

    def asset(self, repo: Repo, asset: Asset) -> dict[str, Any]:
        return self.shapes.make(
            "release-asset", id=asset.id, node_id=f"RA_{asset.id}", name=asset.name,
            label=asset.label, content_type=asset.content_type, size=len(asset.data),
            digest="sha256:" + hashlib.sha256(asset.data).hexdigest(), state="uploaded",
            uploader=self.user(asset.uploader), created_at=asset.created_at,
            updated_at=asset.created_at, url=f"{self.repo_url(repo)}/releases/assets/{asset.id}",
            browser_download_url=f"{self.api}/{repo.full_name}/releases/download/"
            f"{asset.release}/{asset.name}")

    def release(self, repo: Repo, release: Release) -> dict[str, Any]:
        url = f"{self.repo_url(repo)}/releases/{release.id}"
        return self.shapes.make(
            "release", id=release.id, node_id=f"RE_{release.id}", tag_name=release.tag,
            target_commitish=release.target, name=release.name, body=release.body,
            draft=release.draft, prerelease=release.prerelease,
            author=self.user(release.author), created_at=release.created_at,
            published_at=release.published_at, url=url, assets_url=f"{url}/assets",
            upload_url=f"{self.api}/uploads/repos/{repo.full_name}/releases/{release.id}"
            "/assets{?name,label}",
            html_url=f"{self.api}/{repo.full_name}/releases/tag/{release.tag}",
            assets=[self.asset(repo, a) for a in release.assets])

    def team(self, team: Team) -> dict[str, Any]:
        url = f"{self.api}/orgs/{team.org}/teams/{team.slug}"
        org = self.world.user(team.org)
        return self.shapes.make(
            "team-full", id=team.id, node_id=f"T_{team.id}", name=team.name, slug=team.slug,
            url=url, description=None, permission="pull", type="organization",
            members_count=len(team.members), repos_count=len(team.repos),
            organization=self.shapes.make("team-organization", login=team.org, id=org.id,
                                          node_id=f"O_{org.id}", description=None))

    def tree_entry(self, repo: Repo, entry: TreeEntry) -> dict[str, Any]:
        kind = "blobs" if entry.kind == "blob" else "trees"
        out: dict[str, Any] = {
            "path": entry.path, "mode": entry.mode, "type": entry.kind, "sha": entry.sha,
            "url": f"{self.repo_url(repo)}/git/{kind}/{entry.sha}"}
        if entry.size is not None:
            out["size"] = entry.size
        return out

    def content(self, repo: Repo, path: str, sha: str, ref: str, data: bytes | None,
                kind: str = "file") -> dict[str, Any]:
        url = f"{self.repo_url(repo)}/contents/{path}?ref={ref}"
        git = f"{self.repo_url(repo)}/git/{'blobs' if kind == 'file' else 'trees'}/{sha}"
        html = f"{self.api}/{repo.full_name}/blob/{ref}/{path}"
        out: dict[str, Any] = {
            "type": kind, "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha,
            "size": len(data) if data is not None else 0, "url": url, "git_url": git,
            "html_url": html, "download_url": None, "_links": {"self": url, "git": git,
                                                               "html": html}}
        if data is not None:
            out["content"] = base64.encodebytes(data).decode()
            out["encoding"] = "base64"
            out["download_url"] = f"{self.api}/_raw/{repo.full_name}/{ref}/{path}"
        return out
