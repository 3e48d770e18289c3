"""Push a local repository to GitHub without the token ever touching the disk.

The token is handed to git as an ``http.<server>/.extraheader`` through git's environment
configuration (``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n``): it is not in
the remote URL, not in ``.git/config``, not in a credential store, and it is only sent to the
GitHub server it is meant for. Pushes never force.
"""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path


class PushError(Exception):
    """git could not reach or update the remote; the message says what to do."""


def auth_env(token: str | None, server_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    if token:
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        base = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
        env[f"GIT_CONFIG_KEY_{base}"] = f"http.{server_url.rstrip('/')}/.extraheader"
        env[f"GIT_CONFIG_VALUE_{base}"] = f"AUTHORIZATION: basic {basic}"
        env["GIT_CONFIG_COUNT"] = str(base + 1)
    return env


def _git(repo: Path, args: list[str], env: dict[str, str]) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True,
                              text=True, check=False)
    except FileNotFoundError as exc:
        raise PushError("git is not installed or not on PATH; install git") from exc
    if done.returncode != 0:
        raise PushError(f"git {args[0]} failed: {(done.stderr or done.stdout).strip()}")
    return done.stdout


def remote_head(repo: Path, url: str, branch: str, token: str | None, server: str) -> str | None:
    """The commit ``branch`` points to on the remote, or None when it has no such branch."""
    out = _git(repo, ["ls-remote", "--heads", url, branch], auth_env(token, server))
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def local_head(repo: Path) -> str:
    return _git(repo, ["rev-parse", "HEAD"], dict(os.environ)).strip()


def current_branch(repo: Path) -> str:
    return _git(repo, ["symbolic-ref", "--short", "HEAD"], dict(os.environ)).strip()


def push(repo: Path, url: str, branch: str, token: str | None, server: str) -> None:
    _git(repo, ["push", "--quiet", url, f"HEAD:refs/heads/{branch}"], auth_env(token, server))


def ensure_origin(repo: Path, url: str) -> str | None:
    """Add ``origin`` (a URL without credentials) when missing; the URL it has otherwise."""
    env = dict(os.environ)
    done = subprocess.run(["git", "remote", "get-url", "origin"], cwd=repo, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return done.stdout.strip()
    _git(repo, ["remote", "add", "origin", url], env)
    return None
