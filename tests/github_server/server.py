"""A local GitHub REST API on 127.0.0.1 that records every request and checks every response.

The server runs in a thread on a random port. Every request is recorded (method, path, query,
JSON body) so tests assert exactly what the code under test asked for; every JSON response is
validated against GitHub's OpenAPI description before it is sent, and every JSON request body
against the operation's request schema. A violation is answered with a 500 naming it and kept
in :attr:`GitHubServer.violations`; the pytest fixture fails the test when any remain.
"""

from __future__ import annotations

import json
import re
import traceback
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.github_server import (  # noqa: F401 (register)
    routes_actions,
    routes_admin,
    routes_org,
    routes_pulls,
    routes_repos,
)
from tests.github_server.gitmirror import sync
from tests.github_server.openapi import OpenApi, RequestViolation, SchemaViolation
from tests.github_server.render import Render
from tests.github_server.routes import ROUTES, Call, HttpError, Reply
from tests.github_server.shapes import Shapes

_API: OpenApi | None = None


def openapi() -> OpenApi:
    global _API
    if _API is None:
        _API = OpenApi()
        missing = set(ROUTES) - _API.templates()
        assert not missing, f"routes without a vendored operation: {sorted(missing)}"
    return _API


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str  # without the API prefix, percent-decoding left as sent
    query: dict[str, str]
    body: Any  # parsed JSON, raw bytes for uploads, None when empty
    headers: dict[str, str]
    operation: str | None  # the OpenAPI operationId
    status: int

    @property
    def line(self) -> str:
        """``METHOD /path?query`` (query sorted): the form tests compare against."""
        query = urllib.parse.urlencode(sorted(self.query.items()))
        return f"{self.method} {self.path}" + (f"?{query}" if query else "")


@dataclass
class Failure:
    """A scripted failure: the next ``times`` matching requests get this response."""

    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int
    after: bool = False  # the request is carried out, only its answer is lost


@dataclass
class Exchange:
    requests: list[Recorded] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one response, one segment: no 40 ms delayed-ACK stalls

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _serve(self) -> None:
        self.server.owner.handle(self)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: Any


class Dispatcher:
    """Routes, validates and records; :class:`GitHubServer` adds the socket around it."""

    def __init__(self, world: Any, base_url: str, prefix: str) -> None:
        self.world = world
        self.prefix = prefix
        self.api = openapi()
        self.render = Render(world, Shapes(self.api, base_url))
        self.exchange = Exchange()
        self.require_auth = True

    def handle(self, req: _Handler) -> None:
        split = urllib.parse.urlsplit(req.path)
        path = split.path
        for prefix in (self.prefix + "/uploads", "/api/uploads", self.prefix):
            if prefix and path.startswith(prefix + "/"):
                path = path[len(prefix):]
                break
        query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        raw = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in req.headers.items()}
        body: Any = None
        if raw and "json" in headers.get("content-type", "json") and not path.endswith("/assets"):
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        elif raw:
            body = raw
        matched = self.api.match(req.command, path)
        status, payload, out_headers, ctype = self._respond(req.command, path, query, body, raw,
                                                            headers, matched)
        with self.world.lock:
            self.exchange.requests.append(Recorded(
                req.command, path, query, body, headers,
                matched[0].operation_id if matched else None, status))
        data = payload if isinstance(payload, bytes) else (
            b"" if payload is None else json.dumps(payload).encode())
        req.send_response(status)
        req.send_header("Content-Type", ctype)
        req.send_header("Content-Length", str(len(data)))
        for key, value in out_headers.items():
            req.send_header(key, value)
        req.end_headers()
        req.wfile.write(data)

    def _respond(self, method: str, path: str, query: dict[str, str], body: Any, raw: bytes,
                 headers: dict[str, str], matched: Any) -> tuple[int, Any, dict[str, str], str]:
        json_type = "application/json; charset=utf-8"
        if matched is None:
            self._violation(f"{method} {path}: no vendored GitHub operation matches")
            return 404, HttpError(404, "Not Found").body(), {}, json_type
        op, params = matched
        try:
            reply = self._reply(op, method, path, params, query, body, raw, headers)
            if reply.body is not None and not isinstance(reply.body, bytes):
                schema = self.api.response_schema(op, reply.status)
                if schema is None:
                    raise SchemaViolation(f"{op.operation_id}: {reply.status} has no body")
                self.api.validate(schema, reply.body, f"{op.operation_id} {reply.status} "
                                  "response")
            elif (reply.body is None and reply.status < 300
                  and self.api.response_schema(op, reply.status) is not None):
                raise SchemaViolation(f"{op.operation_id}: {reply.status} needs a body")
        except RequestViolation as exc:
            self._violation(str(exc))
            return 422, {"message": f"Validation Failed: {exc}"}, {}, json_type
        except SchemaViolation as exc:
            self._violation(str(exc))
            return 500, {"message": f"test server: {exc}"}, {}, json_type
        except Exception:  # a bug in the fake must fail the test, not hang the client
            self._violation(f"{method} {path}: handler crashed\n{traceback.format_exc()}")
            return 500, {"message": "test server: handler crashed"}, {}, json_type
        return reply.status, reply.body, reply.headers, reply.content_type

    def _reply(self, op: Any, method: str, path: str, params: dict[str, str],
               query: dict[str, str], body: Any, raw: bytes, headers: dict[str, str]) -> Reply:
        auth = headers.get("authorization", "")
        token = auth.split(" ", 1)[1] if " " in auth else ""
        login = self.world.tokens.get(token)
        if login is None and self.require_auth:
            return Reply(401, HttpError(401, "Bad credentials").body())
        lost: Failure | None = None
        with self.world.lock:
            for failure in self.exchange.failures:
                if failure.times and failure.method == method and failure.pattern.search(path):
                    failure.times -= 1
                    if not failure.after:
                        return Reply(failure.status, failure.body, failure.headers)
                    lost = failure
                    break
        schema = self.api.request_schema(op)
        if schema is not None and body is not None and not isinstance(body, bytes):
            self.api.validate(schema, body, f"{op.operation_id} request body", RequestViolation)
        mirrored = self.world.repos.get(f"{params.get('owner')}/{params.get('repo')}")
        if mirrored is not None and mirrored.git_dir is not None:
            with self.world.lock:
                sync(self.world, mirrored)
        handler = ROUTES[(op.method, op.template)]
        call = Call(self.world, self.render, params, query, body, raw, headers, login or "")
        try:
            with self.world.lock:
                reply = handler(call)
        except HttpError as exc:
            return Reply(exc.status, exc.body(), exc.headers)
        if lost is not None:
            return Reply(lost.status, lost.body, lost.headers)
        if reply.paginate:
            reply = self._page(path, query, reply)
        return reply

    def _page(self, path: str, query: dict[str, str], reply: Reply) -> Reply:
        per_page = min(int(query.get("per_page", 30)), 100)
        page = max(int(query.get("page", 1)), 1)
        items = list(reply.body)
        last = max((len(items) + per_page - 1) // per_page, 1)
        links = []
        base = self.render.api + path

        def link(number: int, rel: str) -> str:
            q = urllib.parse.urlencode({**query, "page": number})
            return f'<{base}?{q}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        headers = {**reply.headers, **({"Link": ", ".join(links)} if links else {})}
        chunk: Any = items[(page - 1) * per_page: page * per_page]
        if reply.wrap is not None:
            chunk = {"total_count": len(items), reply.wrap: chunk}
        return Reply(reply.status, chunk, headers, False, reply.content_type)

    def _violation(self, message: str) -> None:
        with self.world.lock:
            self.exchange.violations.append(message)
