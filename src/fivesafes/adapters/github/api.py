"""The GitHub REST API, through PyGithub: the only module that imports it.

Every call names what it does and the token permission it needs (:class:`Need`), runs under
the retry policy (5xx, dropped connections, rate limits) and returns plain values (the
frozen facts of :mod:`fivesafes.core.facts.values` or small records), so no PyGithub object leaks
into the rest of the program. ``GITHUB_API_URL`` selects GitHub Enterprise Server. The
reads of team membership and roles, which need no PyGithub model, are mixed in from
:mod:`fivesafes.adapters.github.people`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar, cast

from github import Auth, Github, GithubException

from fivesafes.adapters.github.env import DEFAULT_API_URL, api_url_from_env, token_from_env
from fivesafes.adapters.github.errors import ApiFailure, GitHubError, Need, already_exists
from fivesafes.adapters.github.people import PeopleReads
from fivesafes.adapters.github.records import CommitInfo, next_link, stamp
from fivesafes.adapters.github.retry import RetryPolicy, call_with_retries
from fivesafes.core.facts import actors
from fivesafes.core.facts import values as facts

T = TypeVar("T")


def _actor(user: Any) -> actors.Actor:
    kind = str(getattr(user, "type", "") or "User")
    actor_type = cast(actors.ActorType, kind if kind in ("User", "Bot", "Organization",
                                                         "Mannequin") else "Unknown")
    return actors.Actor(str(user.login), actor_type)


def _translate(exc: Exception) -> ApiFailure | None:
    if isinstance(exc, GithubException):
        data = exc.data if isinstance(exc.data, Mapping) else {}
        message = str(data.get("message") or exc.message or "")
        return ApiFailure(exc.status, message, dict(exc.headers or {}))
    if isinstance(exc, OSError):  # requests' ConnectionError and timeouts are OSErrors
        return ApiFailure(0, f"no answer ({type(exc).__name__})")
    return None


class GitHubApi(PeopleReads):
    """One authenticated client for one API endpoint."""

    def __init__(self, token: str, base_url: str = DEFAULT_API_URL,
                 policy: RetryPolicy | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self._gh = Github(auth=Auth.Token(token), base_url=self.base_url, retry=None,
                          per_page=100, lazy=True, seconds_between_requests=None,
                          seconds_between_writes=None)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None,
                 policy: RetryPolicy | None = None) -> GitHubApi:
        """From ``GITHUB_TOKEN``/``GH_TOKEN`` and ``GITHUB_API_URL``."""
        token = token_from_env(env)
        if not token:
            raise GitHubError("no GitHub token: set GITHUB_TOKEN (in a workflow: "
                              "`env: GITHUB_TOKEN: ${{ github.token }}`) or GH_TOKEN")
        return cls(token, api_url_from_env(env), policy)

    def call(self, need: Need, fn: Callable[[], T], retry: bool = True) -> T:
        policy = self.policy if retry else replace(self.policy, attempts=1)
        return call_with_retries(fn, need, policy, _translate)

    # raw JSON, for operations PyGithub does not model --------------------------------
    def request(self, method: str, path: str, need: Need, body: Any = None,
                params: Mapping[str, Any] | None = None, missing_ok: bool = False,
                retry: bool = True, exists_ok: bool = False) -> Any:
        """``method path`` (relative to the API URL) with a JSON body; the JSON answer, None
        when GitHub answers without a body (204).

        ``missing_ok``: a 404 answers None instead of failing (deleting what is gone,
        looking up what may not exist). ``exists_ok``: a 422 saying the thing to create
        already exists answers None (a retried create whose first answer was lost; the
        caller reads it back if it needs it). ``retry=False``: one attempt, for a write whose
        caller checks what happened before trying again.
        """
        def go() -> Any:
            try:
                _, data = self._gh.requester.requestJsonAndCheck(
                    method, path, parameters=dict(params) if params else None, input=body)
            except GithubException as exc:
                if missing_ok and exc.status == 404:
                    return None
                if exists_ok and exc.status == 422 and already_exists(exc.data):
                    return None
                raise
            return data
        return self.call(need, go, retry)

    def upload(self, upload_url: str, file: str, name: str, content_type: str, need: Need,
               label: str = "") -> Any:
        """POST a file to a release's ``upload_url`` (its URI template is cut off)."""
        def go() -> Any:
            _, data = self._gh.requester.requestBlobAndCheck(
                "POST", upload_url.split("{", 1)[0], parameters={"name": name, "label": label},
                headers={"Content-Type": content_type}, input=file)
            return data
        return self.call(need, go)

    def paginate(self, path: str, need: Need, params: Mapping[str, Any] | None = None,
                 key: str | None = None) -> list[Any]:
        """Every item of a list endpoint, following ``Link: rel="next"``; ``key`` names the
        list inside the object some endpoints answer (``{"total_count": 2, "secrets": [...]}``)."""
        def go() -> list[Any]:
            items: list[Any] = []
            url: str | None = path
            query: dict[str, Any] | None = {**(params or {}), "per_page": 100}
            while url:
                headers, data = self._gh.requester.requestJsonAndCheck("GET", url, query)
                if key is not None and isinstance(data, Mapping):
                    data = data.get(key)
                items.extend(data if isinstance(data, list) else [])
                url, query = next_link(headers), None
            return items
        return self.call(need, go)

    # pull requests ---------------------------------------------------------------------
    def default_branch(self, repo: str) -> str:
        need = Need(f"reading repository {repo}", "metadata: read", repo)
        return self.call(need, lambda: str(self._gh.get_repo(repo).default_branch))

    def pull(self, repo: str, number: int, default_branch: str) -> facts.PullRequest:
        need = Need(f"reading pull request #{number}", "pull-requests: read", repo)

        def go() -> facts.PullRequest:
            pr = self._gh.get_repo(repo).get_pull(number)
            # a deleted fork leaves no head repository: "" (never the base's name)
            head_repo = pr.head.repo.full_name if pr.head.repo is not None else ""
            return facts.PullRequest(
                number=pr.number, author=_actor(pr.user), head_sha=pr.head.sha,
                head_ref=pr.head.ref, head_repo=head_repo, base_ref=pr.base.ref,
                default_branch=default_branch, state=cast(facts.PrState, pr.state),
                merged=bool(pr.merged), merge_commit_sha=pr.merge_commit_sha,
                labels=tuple(label.name for label in pr.labels),
                merged_at=stamp(pr.merged_at) or None, closed_at=stamp(pr.closed_at) or None)
        return self.call(need, go)

    def pull_files(self, repo: str, number: int) -> tuple[facts.ChangedFile, ...]:
        need = Need(f"listing the files of pull request #{number}", "pull-requests: read", repo)
        return self.call(need, lambda: tuple(
            facts.ChangedFile(f.filename, cast(facts.FileStatus, f.status), f.previous_filename)
            for f in self._gh.get_repo(repo).get_pull(number).get_files()))

    def pull_commits(self, repo: str, number: int) -> tuple[CommitInfo, ...]:
        need = Need(f"listing the commits of pull request #{number}", "pull-requests: read",
                    repo)
        return self.call(need, lambda: tuple(
            CommitInfo(c.sha, _actor(c.author) if c.author else None,
                       _actor(c.committer) if c.committer else None, c.commit.message)
            for c in self._gh.get_repo(repo).get_pull(number).get_commits()))

    def reviews(self, repo: str, number: int) -> tuple[facts.Review, ...]:
        need = Need(f"listing the reviews of pull request #{number}", "pull-requests: read",
                    repo)
        return self.call(need, lambda: tuple(
            facts.Review(r.id, _actor(r.user), cast(facts.ReviewState, r.state.upper()),
                         r.commit_id or "", stamp(r.submitted_at), r.body or "")
            for r in self._gh.get_repo(repo).get_pull(number).get_reviews()
            if r.user is not None))

    def label_events(self, repo: str, number: int) -> tuple[facts.LabelEvent, ...]:
        need = Need(f"listing the label events of pull request #{number}",
                    "pull-requests: read", repo)
        return self.call(need, lambda: tuple(
            facts.LabelEvent(e.id, cast(facts.LabelAction, e.event), e.label.name,
                             _actor(e.actor), stamp(e.created_at))
            for e in self._gh.get_repo(repo).get_issue(number).get_events()
            if e.event in ("labeled", "unlabeled") and e.label is not None
            and e.actor is not None))

    # files -------------------------------------------------------------------------------
    def file_at(self, repo: str, path: str, ref: str) -> bytes | None:
        """A file's bytes at ``ref`` (contents API); None when it does not exist there."""
        need = Need(f"reading {path} at {ref}", "contents: read", repo)

        def go() -> bytes | None:
            try:
                found = self._gh.get_repo(repo).get_contents(path, ref=ref)
            except GithubException as exc:
                if exc.status == 404:
                    return None
                raise
            return None if isinstance(found, list) else found.decoded_content
        return self.call(need, go)

    def files_at(self, repo: str, sha: str, wanted: Callable[[str], bool],
                 then: Callable[[Mapping[str, bytes]], Callable[[str], bool]] | None = None,
                 ) -> dict[str, bytes]:
        """Every file at commit ``sha`` whose path ``wanted`` accepts (git tree + blobs), and
        then those that ``then(files read so far)`` accepts, from the same tree."""
        need = Need(f"reading the files at {sha[:12]}", "contents: read", repo)

        def go() -> dict[str, bytes]:
            gh_repo = self._gh.get_repo(repo)
            tree = gh_repo.get_git_tree(sha, recursive=True)
            if tree.raw_data.get("truncated"):
                raise GitHubError(f"the tree at {sha} is too large to read through the API")
            out: dict[str, bytes] = {}
            for entry in tree.tree:
                if entry.type == "blob" and wanted(entry.path):
                    blob = gh_repo.get_git_blob(entry.sha)
                    out[entry.path] = base64.b64decode(blob.content)
            if then is None:
                return out
            more = then(out)
            for entry in tree.tree:
                if entry.type == "blob" and entry.path not in out and more(entry.path):
                    blob = gh_repo.get_git_blob(entry.sha)
                    out[entry.path] = base64.b64decode(blob.content)
            return out
        return self.call(need, go)

    # people (team membership and roles: people.PeopleReads) ------------------------------
    def _get_unless_not_found(self, path: str) -> Any:
        """GET ``path``; None when GitHub answers 404 Not Found (no such member or user)."""
        try:
            _, data = self._gh.requester.requestJsonAndCheck("GET", path)
        except GithubException as exc:
            if exc.status == 404 and "not found" in str(exc.data).lower():
                return None
            raise
        return data
