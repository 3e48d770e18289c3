"""What went wrong talking to GitHub, said once, with the permission that would fix it.

A workflow that lacks a permission fails with ``403 Resource not accessible by integration``,
which tells a maintainer nothing about which line of the workflow to change. Every GitHub
call in :mod:`fivesafes.adapters.github.api` names the permission it needs, and a refused or
failed call becomes one :class:`GitHubError` whose message names the operation, the
repository, GitHub's answer and the fix. The CLI maps it to exit code 3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fivesafes.errors import ExternalError


@dataclass(frozen=True)
class Need:
    """What a call does and which token permission it needs (``pull-requests: write``)."""

    what: str
    permission: str
    target: str = ""  # owner/name or org the permission applies to


@dataclass
class ApiFailure(Exception):
    """One failed HTTP exchange with GitHub (status 0: no answer, the connection failed)."""

    status: int
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.message}".strip()

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return str(value)
        return None

    @property
    def rate_limited(self) -> bool:
        """GitHub's primary or secondary rate limit (403 or 429)."""
        if self.status not in (403, 429):
            return False
        return (
            self.status == 429
            or self.header("retry-after") is not None
            or self.header("x-ratelimit-remaining") == "0"
            or "rate limit" in self.message.lower()
        )


def already_exists(data: Any) -> bool:
    """Whether a 422 answer says the thing to create exists (a retried create that had in
    fact been made): an error coded ``already_exists``, or one saying so."""
    errors = data.get("errors") if isinstance(data, Mapping) else None
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, Mapping) and (
                error.get("code") == "already_exists"
                or "already exists" in str(error.get("message") or "").lower()):
            return True
    return False


class GitHubError(ExternalError):
    """A GitHub call failed for good; the message says what to change."""

    def __init__(self, message: str, status: int = 0, permission: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.permission = permission


def explain(failure: ApiFailure, need: Need, attempts: int = 1) -> GitHubError:
    """The one message for a failure that retrying did not (or could not) fix."""
    where = f" on {need.target}" if need.target else ""
    answer = f"GitHub answered {failure}"
    if failure.status == 401:
        text = (f"{need.what}{where} failed: {answer}. The token is missing, expired or "
                "invalid; fix: set GITHUB_TOKEN (or GH_TOKEN) to a valid token.")
    elif failure.rate_limited:
        text = (f"{need.what}{where} failed: {answer} after {attempts} attempts. GitHub's "
                "rate limit was still in force; fix: re-run the job later.")
    elif failure.status in (403, 404):
        hidden = (" (GitHub answers 404 for what a token may not see)"
                  if failure.status == 404 else "")
        text = (f"{need.what}{where} failed: {answer}{hidden}. The token needs the "
                f"`{need.permission}` permission; fix: grant it in the workflow's "
                f"`permissions:` block (`{need.permission}`) or in the GitHub App's settings, "
                "and check the name is right.")
    elif failure.status == 0 or failure.status >= 500:
        text = (f"{need.what}{where} failed: {answer} after {attempts} attempts; GitHub or "
                "the network is unavailable. Fix: re-run the job later; nothing was recorded "
                "twice (events are idempotent).")
    else:
        text = f"{need.what}{where} failed: {answer}."
    return GitHubError(text, failure.status, need.permission)
