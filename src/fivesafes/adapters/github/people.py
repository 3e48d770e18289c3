"""The reads that say who may decide: team membership and a person's role on a repository.

Kept apart from :mod:`fivesafes.adapters.github.api`, the only module that imports PyGithub,
because these two need nothing of PyGithub's models: they ask the client for a JSON answer
that is None when GitHub says Not Found, and run under its retry policy. :class:`PeopleReads`
is mixed into :class:`~fivesafes.adapters.github.api.GitHubApi`, so callers still ask the
client itself (``api.team_member(...)``, ``api.permission(...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar, cast

from fivesafes.adapters.github.errors import Need
from fivesafes.adapters.github.records import quote
from fivesafes.core.facts import values as facts

__all__ = ["PeopleReads"]

T = TypeVar("T")


class _Client(Protocol):
    """What these reads need of the client: its retried call and its 404-tolerant GET."""

    def call(self, need: Need, fn: Callable[[], T], retry: bool = True) -> T: ...

    def _get_unless_not_found(self, path: str) -> Any: ...


class PeopleReads:
    """Team membership and repository roles, read through the client they are mixed into."""

    def team_member(self: _Client, org: str, team: str, login: str) -> bool:
        """Whether ``login`` is an ACTIVE member of ``org/team`` (pending does not count)."""
        need = Need(f"checking membership of {login} in team {org}/{team}",
                    "members: read (an organization permission: use a GitHub App token or a "
                    "token with read:org)", org)
        path = f"/orgs/{quote(org)}/teams/{quote(team)}/memberships/{quote(login)}"

        def go() -> bool:
            data = self._get_unless_not_found(path)
            return isinstance(data, Mapping) and data.get("state") == "active"
        return self.call(need, go)

    def permission(self: _Client, repo: str, login: str) -> facts.Permission:
        """``login``'s role on ``repo``: admin, maintain, write, triage, read or none."""
        need = Need(f"reading the permission of {login}", "metadata: read", repo)
        path = f"/repos/{repo}/collaborators/{quote(login)}/permission"

        def go() -> facts.Permission:
            data = self._get_unless_not_found(path)
            if data is None:
                return "none"
            role = str(data.get("role_name") or data.get("permission") or "none")
            known = ("admin", "maintain", "write", "triage", "read", "none")
            return cast(facts.Permission, role if role in known else data.get("permission"))
        return self.call(need, go)
