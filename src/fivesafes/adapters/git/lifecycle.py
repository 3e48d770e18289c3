"""Git steps of the lifecycle commands: commit named paths, open a branch, push.

Only the named paths are ever staged (never ``git add -A``): a checkout inside the TRE may hold
files that must not be committed, and output data is never among the paths named here.
Commits honour ``SOURCE_DATE_EPOCH`` (through :mod:`fivesafes.adapters.git.local`) so the demo
repository is the same on every run. The lifecycle commands commit for the automation, so a
TRE runner's own git identity (a person's, perhaps) never appears on the record or the
disclosure branch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fivesafes.adapters.git.local import Identity, commit_env, identity_args
from fivesafes.adapters.git.process import GitError, auth_env, run
from fivesafes.adapters.git.repo import commit_and_push
from fivesafes.adapters.github.env import token_from_env
from fivesafes.adapters.ledger.commit import append_once
from fivesafes.core import layout

__all__ = ["GitError", "commit_paths", "current_branch", "is_repo", "push", "record_remotely",
           "switch"]


def is_repo(root: Path) -> bool:
    try:
        return run(root, "rev-parse", "--show-toplevel").strip() == str(root.resolve())
    except GitError:
        return False


def current_branch(root: Path) -> str:
    return run(root, "rev-parse", "--abbrev-ref", "HEAD").strip()


def switch(root: Path, branch: str, *, create: bool = False) -> None:
    run(root, "switch", "-q", *(["-c"] if create else []), branch)


def commit_paths(root: Path, paths: Sequence[str], message: str, *,
                 automation: bool = True) -> str | None:
    """Stage exactly ``paths`` and commit (as the automation unless ``automation`` is false:
    then as the git identity of the environment); the new sha, or None when nothing changed."""
    run(root, "add", "--", *paths)
    if not run(root, "diff", "--cached", "--name-only", "--", *paths).strip():
        return None
    who = [] if automation else identity_args(root)
    run(root, *who, "commit", "-q", "--no-verify", "-m", message, "--", *paths,
        env=commit_env(Identity.from_env() if automation else None))
    return run(root, "rev-parse", "HEAD").strip()


def push(root: Path, branch: str, remote: str = "origin") -> None:
    """Push ``branch`` (never forced); a GitHub token travels only in git's environment."""
    run(root, "push", "-q", remote, f"{branch}:{branch}", env=auth_env(token_from_env()))


def record_remotely(root: Path, entries: Sequence[Mapping[str, Any]], message: str,
                    rebuild: Callable[[Path], None]) -> str | None:
    """Append ``entries`` to the record on origin's branch by compare-and-swap, and push.

    The entries are chained onto the record found at the fresh tip (another run may have
    recorded meanwhile) and the crate is rebuilt there; nothing is committed twice. The local
    checkout is left as it is (its record already holds the entries, uncommitted).
    """
    remote = run(root, "remote", "get-url", "origin").strip()
    branch = current_branch(root)
    delivery = str(entries[-1]["evidence"]["delivery"])
    pushed = commit_and_push(
        remote, branch, message, lambda work: append_once(work, delivery, entries, rebuild),
        paths=[layout.ACTIONS, layout.CRATE_DIR], identity=Identity.from_env(),
        token=token_from_env())
    return pushed.sha
