"""Local git through the ``git`` command: init a repository and make commits.

Used by ``fivesafes init`` and the demo. Commits carry an explicit identity when the user has
none, and honour ``SOURCE_DATE_EPOCH`` so a demo repository is byte-stable run after run.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

FALLBACK_NAME = "fivesafes"
FALLBACK_EMAIL = "fivesafes@users.noreply.github.com"


class GitError(Exception):
    """git is missing or a git command failed."""


def run(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run ``git args`` in ``repo``; its stdout, or GitError with git's own message."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed or not on PATH; install git") from exc
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip()
        raise GitError(f"git {' '.join(args)} failed in {repo}: {message}")
    return done.stdout


def _config(repo: Path, key: str) -> str:
    done = subprocess.run(
        ["git", "config", "--get", key], cwd=repo, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def identity_args(repo: Path) -> list[str]:
    """``-c user.name=.. -c user.email=..`` when the user has no git identity of their own."""
    env = os.environ
    name = env.get("GIT_AUTHOR_NAME") or _config(repo, "user.name")
    email = env.get("GIT_AUTHOR_EMAIL") or _config(repo, "user.email")
    if name and email:
        return []
    return ["-c", f"user.name={FALLBACK_NAME}", "-c", f"user.email={FALLBACK_EMAIL}"]


def commit_env() -> dict[str, str]:
    """The environment of a commit: dates pinned to SOURCE_DATE_EPOCH when it is set."""
    env = dict(os.environ)
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        stamp = f"@{int(epoch)} +0000"
        env["GIT_AUTHOR_DATE"] = stamp
        env["GIT_COMMITTER_DATE"] = stamp
    return env


def init(repo: Path, branch: str = "main") -> None:
    """``git init -b BRANCH`` (repo must exist)."""
    run(repo, "init", "-q", "-b", branch)


def commit_all(repo: Path, message: str) -> str:
    """Stage every file and commit; the new commit's sha."""
    run(repo, "add", "-A")
    run(repo, *identity_args(repo), "commit", "-q", "--no-verify", "-m", message,
        env=commit_env())
    return run(repo, "rev-parse", "HEAD").strip()
