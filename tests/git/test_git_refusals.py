"""Branch protection refusals, identity, and the token that never touches a URL or a file."""

from __future__ import annotations

import base64
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from tests.support.gitfixtures import bare_remote, entry, git, history, remote_record

from fivesafes.adapters.git.local import Identity
from fivesafes.adapters.git.process import auth_env
from fivesafes.adapters.git.remote import remote_url
from fivesafes.adapters.git.repo import GitRepoError, PushRefused, Retry, commit_and_push
from fivesafes.adapters.ledger.commit import append_once, git_committer
from fivesafes.core import layout
from fivesafes.core.engine.plan import Commit

GH006 = """#!/bin/sh
echo "error: GH006: Protected branch update failed for refs/heads/main." >&2
echo "error: Changes must be made through a pull request." >&2
exit 1
"""


def _hook(bare: Path, script: str) -> None:
    hook = bare / "hooks" / "pre-receive"
    hook.write_text(script)
    hook.chmod(0o755)


def test_protected_branch_refusal_is_clear_and_loses_nothing(tmp_path: Path) -> None:
    bare = bare_remote(tmp_path)
    _hook(bare, GH006)
    before = history(bare)
    commit = git_committer(str(bare), retry=Retry(sleep=lambda _: None))
    with pytest.raises(PushRefused) as refused:
        commit(Commit("main", "Record sign-off", "d-1", rebuild_crate=False), [entry("d-1")])
    message = str(refused.value)
    assert "GH006: Protected branch update failed" in message
    assert "docs/branch-protection.md" in message
    assert "re-run" in message
    assert refused.value.exit_code == 3
    assert "delivery = \"d-1\"" in refused.value.patch  # the refused entry, kept whole
    assert history(bare) == before
    # once the automation may bypass the rule, re-running records the same entry
    (bare / "hooks" / "pre-receive").unlink()
    assert commit(Commit("main", "Record sign-off", "d-1", rebuild_crate=False),
                  [entry("d-1")]) is True
    assert [e.evidence.delivery for e in remote_record(bare).action] == ["d-1"]


def test_other_push_failures_are_not_retried_forever(tmp_path: Path) -> None:
    bare = bare_remote(tmp_path)
    _hook(bare, "#!/bin/sh\necho 'quota exceeded' >&2\nexit 1\n")
    sleeps: list[float] = []
    with pytest.raises(GitRepoError, match="quota exceeded"):
        commit_and_push(str(bare), "main", "m", lambda root: _touch(root),
                        paths=["notes.txt"], retry=Retry(sleep=sleeps.append))
    assert sleeps == []


def _touch(root: Path) -> bool:
    (root / "notes.txt").write_text("x\n")
    return True


def test_commit_identity_message_and_crate_rebuild(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    bare = bare_remote(tmp_path)
    built: list[Path] = []

    def rebuild(root: Path) -> None:
        built.append(root)
        (root / "crate").mkdir(exist_ok=True)
        (root / "crate" / "ro-crate-metadata.json").write_text("{}\n")

    commit = git_committer(str(bare), identity=Identity("Acme TRE bot", "bot@tre.example"),
                           rebuild_crate=rebuild)
    assert commit(Commit("main", "Record sign-off of #1", "d-9"), [entry("d-9")]) is True
    assert len(built) == 1
    log = git(bare, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%ct|%s", "main").strip()
    assert log == ("Acme TRE bot <bot@tre.example>|Acme TRE bot <bot@tre.example>|1767225600|"
                   "Record sign-off of #1")
    files = git(bare, "show", "--name-only", "--format=", "main").split()
    assert sorted(files) == ["crate/ro-crate-metadata.json", layout.ACTIONS]


def test_append_once_skips_recorded_delivery(tmp_path: Path) -> None:
    assert append_once(tmp_path, "d-1", [entry("d-1")]) is True
    assert append_once(tmp_path, "d-1", [entry("d-1")]) is False
    assert append_once(tmp_path, "d-2", []) is False


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        _Recorder.seen.append((self.path, self.headers.get("Authorization")))
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


def test_token_goes_in_a_header_never_in_the_url_or_a_file(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = remote_url("acme/project", f"http://127.0.0.1:{server.server_address[1]}")
        assert url.endswith("/acme/project.git")
        assert "secret" not in url
        env = auth_env("s3cret-token", {**os.environ})
        done = subprocess.run(["git", "ls-remote", url], env=env, cwd=tmp_path,
                              capture_output=True, text=True, check=False)
        assert done.returncode != 0
    finally:
        server.shutdown()
        server.server_close()
    expected = "basic " + base64.b64encode(b"x-access-token:s3cret-token").decode()
    assert _Recorder.seen
    assert all(path.startswith("/acme/project.git/info/refs") for path, _ in _Recorder.seen)
    assert {header for _, header in _Recorder.seen} == {expected}
    assert not any("s3cret" in p.read_text(errors="ignore") for p in tmp_path.rglob("*")
                   if p.is_file())


def test_push_without_permission_names_contents_write(tmp_path: Path) -> None:
    bare = bare_remote(tmp_path)
    _hook(bare, "#!/bin/sh\necho 'Permission to acme/project.git denied to bot.' >&2\n"
                "exit 1\n")
    with pytest.raises(GitRepoError, match="contents: write"):
        commit_and_push(str(bare), "main", "m", _touch, paths=["notes.txt"],
                        retry=Retry(sleep=lambda _: None))


def test_auth_env_keeps_existing_git_config_entries() -> None:
    env = auth_env("t", {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "core.x",
                         "GIT_CONFIG_VALUE_0": "y"})
    assert env["GIT_CONFIG_COUNT"] == "2"
    assert env["GIT_CONFIG_KEY_1"] == "http.extraheader"
    assert env["GIT_CONFIG_KEY_0"] == "core.x"
    assert auth_env(None, {})["GIT_TERMINAL_PROMPT"] == "0"
    assert "GIT_CONFIG_COUNT" not in auth_env(None, {})
