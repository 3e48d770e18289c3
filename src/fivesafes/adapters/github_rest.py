"""A small GitHub REST client on the standard library, for repository administration.

Organisation set-up (``init --github``) and ``doctor`` need a dozen plain REST calls; they use
urllib so the administration path has no dependency beyond Python. ``GITHUB_API_URL`` is
honoured (GitHub Enterprise Server, and the local test server); the token comes from
``GITHUB_TOKEN`` or ``GH_TOKEN`` and only ever travels in the ``Authorization`` header.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

DEFAULT_API = "https://api.github.com"
DEFAULT_SERVER = "https://github.com"
ATTEMPTS = 3


class GitHubError(Exception):
    """GitHub refused or failed; the message says which call and what to do."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


def token_from_env() -> str | None:
    return os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN") or None


def api_url_from_env() -> str:
    return (os.environ.get("GITHUB_API_URL") or DEFAULT_API).rstrip("/")


def server_url_from_env() -> str:
    return (os.environ.get("GITHUB_SERVER_URL") or DEFAULT_SERVER).rstrip("/")


def _explain(status: int, method: str, path: str, message: str) -> str:
    hint = {
        401: "the token is missing, expired or wrong: set GITHUB_TOKEN (or GH_TOKEN)",
        403: "the token lacks a permission: it needs repository Administration (write), "
             "Contents (write), Metadata (read) and organisation Members (read)",
        404: "not found, or the token cannot see it (a missing permission looks the same)",
    }.get(status, "GitHub failed; try again later")
    return f"GitHub {method} {path}: {status} {message}; {hint}"


class RestClient:
    """JSON in, JSON out; 404 on GET is ``None``; other failures raise :class:`GitHubError`."""

    def __init__(self, token: str, api_url: str | None = None, pause: float = 1.0) -> None:
        self.api_url = (api_url or api_url_from_env()).rstrip("/")
        self._token = token
        self._pause = pause

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any, str]:
        """(status, JSON body or None, Link header). Retries 5xx a few times."""
        url = path if path.startswith("http") else self.api_url + path
        data = None if body is None else json.dumps(body).encode()
        headers = {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self._token}",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "fivesafes-gitops",
        }
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(ATTEMPTS):
            req = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
                    raw = resp.read()
                    return resp.status, json.loads(raw) if raw else None, resp.headers.get(
                        "Link", "")
            except urllib.error.HTTPError as exc:
                raw = exc.read()
                message = _message(raw)
                if exc.code >= 500 and attempt + 1 < ATTEMPTS:
                    time.sleep(self._pause * (attempt + 1))
                    continue
                raise GitHubError(_explain(exc.code, method, path, message), exc.code) from exc
            except urllib.error.URLError as exc:
                raise GitHubError(f"GitHub {method} {path}: cannot reach {self.api_url} "
                                  f"({exc.reason}); check GITHUB_API_URL and the network"
                                  ) from exc
        raise AssertionError("unreachable")

    def get(self, path: str) -> Any:
        try:
            return self.request("GET", path)[1]
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise

    def paginate(self, path: str) -> list[Any]:
        sep = "&" if "?" in path else "?"
        url: str | None = f"{path}{sep}per_page=100"
        items: list[Any] = []
        while url:
            _, body, link = self.request("GET", url)
            items.extend(body or [])
            url = _next_link(link)
        return items

    def send(self, method: str, path: str, body: Any = None) -> Any:
        return self.request(method, path, body)[1]


def _message(raw: bytes) -> str:
    try:
        data = json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:200]
    return str(data.get("message", "")) if isinstance(data, dict) else ""


def _next_link(link: str) -> str | None:
    for part in link.split(","):
        section = part.split(";")
        if len(section) > 1 and 'rel="next"' in section[1]:
            return section[0].strip().strip("<>")
    return None


def quote(segment: str) -> str:
    """One path segment (a label name may hold ``:`` or spaces)."""
    return urllib.parse.quote(segment, safe="")
