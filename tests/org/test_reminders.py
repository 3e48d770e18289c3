"""Nothing stuck: reminders posted against the local GitHub API server, notifications sent to
a webhook and an SMTP server, both real servers on loopback stopped after each test."""

from __future__ import annotations

import datetime as dt
import json
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.github_server import BOT, GitHubServer
from tests.github_server.world import Status
from tests.support.org_projects import project

from fivesafes.cli.main import cli
from fivesafes.core import layout
from fivesafes.core.org.remind import OpenPull, reminder
from fivesafes.core.request.validate import validate_policy

NOW = "2026-01-01T05:00:00Z"  # the test server's clock is 2026-01-01T00:MM
REMINDERS = b'''
[reminders]
remind-after = 3
webhook-secret = "TEST_HOOK_URL"
smtp-secret = "TEST_SMTP_URL"
email-to = ["office@tre.example.org"]
'''


class Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.server.bodies.append(json.loads(self.rfile.read(length)))  # type: ignore[attr-defined]
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class Mail(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept one message per DATA."""

    def handle(self) -> None:
        def say(text: str) -> None:
            self.wfile.write((text + "\r\n").encode())

        say("220 test")
        lines: list[str] | None = None
        for raw in self.rfile:
            text = raw.decode().rstrip("\r\n")
            if lines is not None:
                if text == ".":
                    self.server.messages.append("\n".join(lines))  # type: ignore[attr-defined]
                    lines = None
                    say("250 ok")
                else:
                    lines.append(text)
                continue
            verb = text[:4].upper()
            if verb == "DATA":
                lines = []
                say("354 go on")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("250 ok")


@pytest.fixture
def hook() -> Iterator[list[dict[str, Any]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    server.bodies = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server  # type: ignore[misc]
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def mail() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Mail)
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def _stage(server: GitHubServer, tmp_path: Path, validation: str = "success") -> Any:
    folder = project(tmp_path, "cohort", "Cohort", [])
    policy = (folder / layout.POLICY).read_bytes() + REMINDERS
    world = server.world
    repo = world.repo("acme/cohort", files={layout.POLICY: policy,
                                            layout.PROJECT: (folder / layout.PROJECT).read_bytes()})
    repo.topics = ["fivesafes"]
    pull = world.open_pull(repo, {"resources/x.toml": "x = 1\n"}, author="researcher")
    for i, (context, state) in enumerate((("fivesafes / validation", validation),
                                          ("fivesafes / sign-off", "pending"))):
        repo.statuses.append(Status(world.new_id(), pull.head_sha, state, context, "", None,
                                    BOT, f"2025-12-2{i}T10:00:00Z"))
    return repo, pull


def test_a_waiting_request_is_reminded_once(github_env: GitHubServer, tmp_path: Path,
                                            hook: Any, mail: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    repo, _pull = _stage(github_env, tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime.fromisoformat(
        NOW.replace("Z", "+00:00")).timestamp())))
    monkeypatch.setenv("TEST_HOOK_URL", f"http://127.0.0.1:{hook.server_address[1]}/hook")
    monkeypatch.setenv("TEST_SMTP_URL", f"smtp://127.0.0.1:{mail.server_address[1]}")
    result = CliRunner().invoke(cli, ["org", "remind", "acme"])
    assert result.exit_code == 0, result.output
    assert "acme/cohort#1" in result.output
    (comment,) = [c for c in repo.comments if "fivesafes:reminder" in c.body]
    first = comment.body.splitlines()[1]
    assert first.startswith("**Your move, @example-tre/sign-off-approvers:**")
    assert "waited 10 days" in first
    (body,) = hook.bodies
    assert body["repository"] == "acme/cohort"
    assert body["waiting_on"] == ["@example-tre/sign-off-approvers"]
    (message,) = mail.messages
    assert "To: office@tre.example.org" in message
    again = CliRunner().invoke(cli, ["org", "remind", "acme"])
    assert again.exit_code == 0
    assert len([c for c in repo.comments if "fivesafes:reminder" in c.body]) == 1
    assert len(hook.bodies) == 1


def test_a_request_waiting_on_its_author_is_not_reminded(
        github_env: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, _ = _stage(github_env, tmp_path, validation="failure")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767243600")
    result = CliRunner().invoke(cli, ["org", "remind", "acme", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "acme/cohort#1" not in result.output
    assert not [c for c in repo.comments if "fivesafes:reminder" in c.body]


def test_not_before_remind_after() -> None:
    text = (Path(__file__).resolve().parents[2] / "templates/project-repo/.github/"
            "fivesafes.toml").read_bytes() + REMINDERS
    policy, _ = validate_policy(text)
    assert policy is not None
    pull = OpenPull("acme/p", 3, "", "disclosure", "success", "pending",
                    "2026-01-01T00:00:00Z", None)
    early = dt.datetime(2026, 1, 3, tzinfo=dt.UTC)
    late = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    assert reminder(pull, policy, early) is None
    due = reminder(pull, policy, late)
    assert due is not None
    assert due.who == ("@example-tre/output-checkers",)
    assert "for disclosure" in due.body
