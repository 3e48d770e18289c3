"""A local GitHub REST API for tests: real HTTP on 127.0.0.1, in-memory state, every response
validated against GitHub's official OpenAPI description, every request recorded.

Use it from any test area::

    from tests.github_server import GitHubServer

    def test_something(github_server: GitHubServer, monkeypatch):   # the pytest fixture
        world = github_server.world
        repo = world.repo("acme/project", files={"resources/x.toml": "..."})
        pull = world.open_pull(repo, {"resources/x.toml": "..."}, author="researcher")
        world.label(repo, pull, "5s:approve-sign-off", actor="approver")
        for key, value in github_server.env().items():
            monkeypatch.setenv(key, value)
        ...  # run the code under test
        assert github_server.lines(writes_only=True) == ["POST /repos/acme/project/..."]

The fixture is defined in :mod:`tests.github_server.plugin`; make it visible in a test folder
with ``from tests.github_server.plugin import github_server  # noqa: F401`` in its conftest.py
(or list ``tests.github_server.plugin`` in the root conftest's ``pytest_plugins``). Outside
pytest (for example to point ``act`` at it), use ``with GitHubServer() as server:``.
"""

from __future__ import annotations

import re
from types import TracebackType
from typing import Any

from tests.github_server.actions_world import ActionsVerbs
from tests.github_server.pulls import PullVerbs
from tests.github_server.server import Dispatcher, Failure, Recorded, _Handler, _HttpServer
from tests.github_server.world import BOT, TOKEN, WorldState

__all__ = ["BOT", "TOKEN", "GitHubServer", "Recorded", "World"]

SECONDARY = ("You have exceeded a secondary rate limit. Please wait a few minutes before you "
             "try again.")


class World(PullVerbs, ActionsVerbs, WorldState):
    """The fake GitHub's state plus the verbs tests use to stage scenarios."""


class GitHubServer:
    def __init__(self, world: World | None = None, prefix: str = "") -> None:
        """``prefix="/api/v3"`` serves the API the way GitHub Enterprise Server does."""
        self.world = world or World()
        self._httpd = _HttpServer(("127.0.0.1", 0), _Handler)
        host, port = str(self._httpd.server_address[0]), int(self._httpd.server_address[1])
        self.origin = f"http://{host}:{port}"
        self.url = self.origin + prefix
        self.token = TOKEN
        self.dispatcher = Dispatcher(self.world, self.url, prefix)
        self._httpd.owner = self.dispatcher
        self._thread: Any = None

    # lifecycle ------------------------------------------------------------------------
    def start(self) -> GitHubServer:
        import threading

        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True,
                                        name="github-server")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> GitHubServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        """What the code under test needs to talk to this server."""
        return {"GITHUB_API_URL": self.url, "GITHUB_TOKEN": self.token,
                "GITHUB_SERVER_URL": self.origin}

    # what happened --------------------------------------------------------------------
    @property
    def requests(self) -> list[Recorded]:
        return list(self.dispatcher.exchange.requests)

    def lines(self, writes_only: bool = False) -> list[str]:
        """Each request as ``METHOD /path?query`` in order (``writes_only``: no GETs)."""
        return [r.line for r in self.requests if not (writes_only and r.method == "GET")]

    def bodies(self, method: str, path: str) -> list[Any]:
        """The bodies sent with ``method`` to ``path`` (exact, without query)."""
        return [r.body for r in self.requests if r.method == method and r.path == path]

    @property
    def violations(self) -> list[str]:
        return list(self.dispatcher.exchange.violations)

    def clear(self) -> None:
        """Forget recorded requests (after staging, before the code under test runs)."""
        with self.world.lock:
            self.dispatcher.exchange.requests.clear()

    def assert_clean(self) -> None:
        if self.violations:
            raise AssertionError("GitHub API contract violations:\n" + "\n".join(self.violations))

    # scripted trouble -----------------------------------------------------------------
    @property
    def require_auth(self) -> bool:
        return self.dispatcher.require_auth

    @require_auth.setter
    def require_auth(self, value: bool) -> None:
        self.dispatcher.require_auth = value

    def fail(self, method: str, path: str, status: int = 502, message: str = "Server Error",
             headers: dict[str, str] | None = None, times: int = 1,
             after: bool = False) -> None:
        """The next ``times`` ``method`` requests whose path matches the regex ``path`` fail.

        ``after``: the request is carried out and only the answer is the failure (a write
        that happened although the client saw an error).
        """
        body = {"message": message, "documentation_url": "https://docs.github.com/rest",
                "status": str(status)}
        with self.world.lock:
            self.dispatcher.exchange.failures.append(
                Failure(method, re.compile(path), status, body, headers or {}, times, after))

    def secondary_rate_limit(self, method: str, path: str, retry_after: int | None = 1,
                             times: int = 1, status: int = 403) -> None:
        """GitHub's secondary rate limit answer (403 or 429, ``Retry-After`` when given)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {
            "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1767225660"}
        self.fail(method, path, status, SECONDARY, headers, times)
