"""The route registry of the test server: one handler per vendored GitHub operation.

A handler receives a :class:`Call` (parsed request, the world, the renderer, the caller's
login) and returns a :class:`Reply`; lists are paginated by the server the way GitHub does
(``per_page``/``page`` and a ``Link`` header), inside an object when ``wrap`` names the
key. Raising :class:`HttpError` sends GitHub's error body for that status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.github_server.render import Render
from tests.github_server.world import Pull, Repo, WorldState

DOCS = "https://docs.github.com/rest"


@dataclass
class Call:
    world: Any  # tests.github_server.World
    render: Render
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    raw: bytes
    headers: dict[str, str]
    login: str

    def repo(self) -> Repo:
        found: Repo | None = self.world.repos.get(f"{self.params['owner']}/{self.params['repo']}")
        if found is None:
            raise HttpError(404, "Not Found")
        return found

    def pull(self, repo: Repo, key: str = "pull_number") -> Pull:
        try:
            return repo.pulls[int(self.params[key])]
        except (KeyError, ValueError):
            raise HttpError(404, "Not Found") from None


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    paginate: bool = False
    content_type: str = "application/json; charset=utf-8"
    # a list answered inside an object, ``{"total_count": N, <wrap>: [page]}`` (secrets,
    # runners, runner groups, branch policies); the list itself is ``body``
    wrap: str | None = None


class HttpError(Exception):
    def __init__(self, status: int, message: str, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message, "documentation_url": DOCS,
                               "status": str(self.status)}
        if self.errors is not None:
            out["errors"] = self.errors
        return out


Handler = Callable[[Call], Reply]
ROUTES: dict[tuple[str, str], Handler] = {}


def route(spec: str) -> Callable[[Handler], Handler]:
    """Register a handler for ``"METHOD /template"`` (exactly as in operations.txt)."""
    method, template = spec.split()

    def register(handler: Handler) -> Handler:
        ROUTES[(method, template)] = handler
        return handler

    return register


def validation_failed(resource: str, field_name: str, code: str, message: str) -> HttpError:
    return HttpError(422, "Validation Failed", [
        {"resource": resource, "field": field_name, "code": code, "message": message}])


def effective_permission(world: WorldState, repo: Repo, login: str) -> str:
    """The highest of a user's direct and team permissions (GitHub's ``permission`` field)."""
    rank = ["none", "read", "triage", "write", "maintain", "admin"]
    aliases = {"pull": "read", "push": "write"}
    best = repo.collaborators.get(login, "none")
    if login == repo.owner:
        best = "admin"
    for team in world.teams.values():
        if login in team.members and repo.full_name in team.repos:
            perm = aliases.get(team.repos[repo.full_name], team.repos[repo.full_name])
            if rank.index(perm) > rank.index(best):
                best = perm
    return aliases.get(best, best)
