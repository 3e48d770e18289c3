"""Git steps of the lifecycle commands: commit named paths, open a branch, push.

Only the named paths are ever staged (never ``git add -A``): a checkout inside the TRE may hold
files that must not be committed, and output data is never among the paths named here.
Commits honour ``SOURCE_DATE_EPOCH`` (through :mod:`fivesafes.adapters.git_local`) so the demo
repository is the same on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fivesafes.adapters.git_local import GitError, commit_env, identity_args, run

__all__ = ["GitError", "commit_paths", "current_branch", "is_repo", "push", "switch"]


def is_repo(root: Path) -> bool:
    try:
        return run(root, "rev-parse", "--show-toplevel").strip() == str(root.resolve())
    except GitError:
        return False


def current_branch(root: Path) -> str:
    return run(root, "rev-parse", "--abbrev-ref", "HEAD").strip()


def switch(root: Path, branch: str, *, create: bool = False) -> None:
    run(root, "switch", "-q", *(["-c"] if create else []), branch)


def commit_paths(root: Path, paths: Sequence[str], message: str) -> str | None:
    """Stage exactly ``paths`` and commit; the new sha, or None when nothing changed."""
    run(root, "add", "--", *paths)
    if not run(root, "diff", "--cached", "--name-only", "--", *paths).strip():
        return None
    run(root, *identity_args(root), "commit", "-q", "--no-verify", "-m", message, "--",
        *paths, env=commit_env())
    return run(root, "rev-parse", "HEAD").strip()


def push(root: Path, branch: str, remote: str = "origin") -> None:
    """Push ``branch`` (never forced)."""
    run(root, "push", "-q", remote, f"{branch}:{branch}")
