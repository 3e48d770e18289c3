"""The test server itself: its schema checks bite, and the vendored description is complete."""

from __future__ import annotations

import importlib.util
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from tests.github_server import GitHubServer
from tests.github_server.routes import ROUTES, Call, Reply

ROOT = Path(__file__).resolve().parents[2]


def _send(server: GitHubServer, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, method=method, headers={
        "Authorization": f"token {server.token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def test_a_response_off_the_schema_is_a_violation(monkeypatch: pytest.MonkeyPatch) -> None:
    key = ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")
    monkeypatch.setitem(ROUTES, key, lambda call: Reply(body={"number": "one"}))
    with GitHubServer() as server:
        server.world.repo("acme/p")
        status, body = _send(server, "GET", "/repos/acme/p/pulls/1")
        assert status == 500
        assert "does not match GitHub's OpenAPI description" in body["message"]
        assert len(server.violations) == 1
        with pytest.raises(AssertionError, match="contract violations"):
            server.assert_clean()


def test_a_request_off_the_schema_is_refused_and_a_violation() -> None:
    with GitHubServer() as server:
        repo = server.world.repo("acme/p")
        status, _ = _send(server, "POST", f"/repos/acme/p/statuses/{repo.branches['main']}",
                          {"state": "green", "context": "x"})
        assert status == 422
        assert "'green' is not one of" in server.violations[0]


def test_an_unknown_operation_is_a_violation() -> None:
    with GitHubServer() as server:
        status, _ = _send(server, "GET", "/repos/acme/p/hooks")
        assert status == 404
        assert server.violations == ["GET /repos/acme/p/hooks: no vendored GitHub operation "
                                     "matches"]


def test_a_handler_crash_is_a_violation(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(call: Call) -> Reply:
        raise KeyError("boom")

    monkeypatch.setitem(ROUTES, ("GET", "/repos/{owner}/{repo}"), crash)
    with GitHubServer() as server:
        assert _send(server, "GET", "/repos/acme/p")[0] == 500
        assert "handler crashed" in server.violations[0]


def test_requests_are_recorded_exactly(github_server: GitHubServer) -> None:
    repo = github_server.world.repo("acme/p")
    sha = repo.branches["main"]
    _send(github_server, "POST", f"/repos/acme/p/statuses/{sha}",
          {"state": "pending", "context": "fivesafes / check"})
    (recorded,) = github_server.requests
    assert recorded.line == f"POST /repos/acme/p/statuses/{sha}"
    assert recorded.operation == "repos/create-commit-status"
    assert recorded.body == {"state": "pending", "context": "fivesafes / check"}
    assert recorded.status == 201


def _vendor_module() -> Any:
    spec = importlib.util.spec_from_file_location("vendor_openapi",
                                                  ROOT / "scripts" / "vendor_openapi.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["vendor_openapi"] = module
    spec.loader.exec_module(module)
    return module


def test_vendored_subset_is_complete_and_canonical() -> None:
    vendor = _vendor_module()
    assert vendor.main(["--check", "--offline"]) == 0
    subset = json.loads(vendor.SUBSET.read_text(encoding="utf-8"))
    again = vendor.extract(subset, vendor.read_operations(), "x", "y")
    assert again["paths"] == subset["paths"]
    assert again["components"] == subset["components"]
    implemented = {(m, t) for m, t in ROUTES}
    listed = {(m.upper(), p) for m, p in vendor.read_operations()}
    assert implemented == listed
