"""Local commits: who makes them, when, and the first commit of a new project repository.

Used by ``fivesafes init``, the demo, the lifecycle commands and the record's compare-and-swap.
A commit made for a person carries a fallback identity only when they have none of their own;
a commit made for the automation names it (:class:`Identity`) as author and committer, so a
runner's own git identity never appears on the record. Every commit honours
``SOURCE_DATE_EPOCH``, so a demo repository is byte-stable run after run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fivesafes.adapters.git.process import run, run_unchecked

FALLBACK_NAME = "fivesafes"
FALLBACK_EMAIL = "fivesafes@users.noreply.github.com"


@dataclass(frozen=True)
class Identity:
    """Who the automation commits as (a GitHub App's bot account, by default its look-alike)."""

    name: str = "fivesafes[bot]"
    email: str = "fivesafes[bot]@users.noreply.github.com"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Identity:
        """``FIVESAFES_COMMIT_NAME`` / ``FIVESAFES_COMMIT_EMAIL``, else the default."""
        env = os.environ if env is None else env
        default = cls()
        return cls(env.get("FIVESAFES_COMMIT_NAME") or default.name,
                   env.get("FIVESAFES_COMMIT_EMAIL") or default.email)


def _config(repo: Path, key: str) -> str:
    done = run_unchecked(repo, "config", "--get", key)
    return done.stdout.strip() if done.returncode == 0 else ""


def identity_args(repo: Path) -> list[str]:
    """``-c user.name=.. -c user.email=..`` when the user has no git identity of their own."""
    env = os.environ
    name = env.get("GIT_AUTHOR_NAME") or _config(repo, "user.name")
    email = env.get("GIT_AUTHOR_EMAIL") or _config(repo, "user.email")
    if name and email:
        return []
    return ["-c", f"user.name={FALLBACK_NAME}", "-c", f"user.email={FALLBACK_EMAIL}"]


def commit_env(identity: Identity | None = None,
               base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a commit: dates pinned to SOURCE_DATE_EPOCH when it is set.

    ``identity``: author and committer (None: whoever git finds). ``base``: the environment
    to extend (None: this process's own).
    """
    env = dict(os.environ if base is None else base)
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        stamp = f"@{int(epoch)} +0000"
        env["GIT_AUTHOR_DATE"] = stamp
        env["GIT_COMMITTER_DATE"] = stamp
    if identity is not None:
        for role in ("AUTHOR", "COMMITTER"):
            env[f"GIT_{role}_NAME"] = identity.name
            env[f"GIT_{role}_EMAIL"] = identity.email
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
