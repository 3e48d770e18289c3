"""Commits to a project's default branch as the automation, by compare-and-swap.

Two events may be handled at once (two approvals a second apart), and each must land in the
action record. A run clones the branch, lets a callback derive the change on that tip (append
the entries, rebuild the crate), commits and pushes WITHOUT force. When another run pushed
first, git refuses the push as non-fast-forward; the run fetches the new tip, derives again on
it and retries, a bounded number of times with jittered backoff. Nothing is ever overwritten.

When branch protection refuses the automation (``GH006``/``GH013``, a declined pre-receive
hook), the run stops with a message explaining the bypass to configure; the entries are not
lost: they are derived again from the event when the job is re-run (docs/branch-protection.md).

The token travels only in the environment of the git processes, as an ``http.extraheader``
(:func:`fivesafes.adapters.git.process.auth_env`): never in a remote URL, never in a file.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fivesafes.adapters.git.local import Identity, commit_env
from fivesafes.adapters.git.process import Completed, GitError, auth_env, run, run_unchecked

REFUSED = ("protected branch", "gh006", "gh013", "pre-receive hook declined", "hook declined",
           "repository rule violations", "push declined")
RACED = ("non-fast-forward", "fetch first", "[rejected]", "stale info", "cannot lock ref",
         "failed to update ref", "updates were rejected")
DENIED = ("authentication failed", "could not read username", "permission to",
          "the requested url returned error: 403", "the requested url returned error: 401")

Derive = Callable[[Path], bool]


class GitRepoError(GitError):
    """git failed while recording on the default branch; the message names the fix."""


class PushRefused(GitRepoError):
    """The remote refused the automation's push (branch protection or a hook)."""

    def __init__(self, message: str, patch: str) -> None:
        super().__init__(message)
        self.patch = patch  # the refused commit as `git format-patch` text


@dataclass(frozen=True)
class Pushed:
    sha: str | None  # the pushed commit; None when there was nothing to commit
    attempts: int


@dataclass(frozen=True)
class Retry:
    attempts: int = 8
    base_delay: float = 0.5
    max_delay: float = 15.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    jitter: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(max, base * 2^(attempt-1))]."""
        return min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1)) * self.jitter()


def _git(cwd: Path, *args: str, env: Mapping[str, str]) -> str:
    return run(cwd, *args, env=env, error=GitRepoError)


def _try(cwd: Path, *args: str, env: Mapping[str, str]) -> Completed:
    return run_unchecked(cwd, *args, env=env, error=GitRepoError)


def commit_and_push(remote: str, branch: str, message: str, derive: Derive, *,
                    paths: Sequence[str], identity: Identity | None = None,
                    token: str | None = None, retry: Retry | None = None,
                    env: Mapping[str, str] | None = None) -> Pushed:
    """Derive a change on the tip of ``branch`` of ``remote``, commit it and push, by CAS.

    ``derive(worktree)`` changes files under ``paths`` and returns whether it changed
    anything (False: already recorded, nothing is committed).
    """
    retry = retry or Retry()
    git_env = commit_env(identity or Identity(), auth_env(token, env))
    with tempfile.TemporaryDirectory(prefix="fivesafes-git-") as tmp:
        work = Path(tmp) / "work"
        _git(Path(tmp), "clone", "--quiet", "--no-tags", "--single-branch", "--branch", branch,
             "--", remote, str(work), env=git_env)
        for attempt in range(1, retry.attempts + 1):
            if attempt > 1:
                retry.sleep(retry.delay(attempt - 1))
                _git(work, "fetch", "--quiet", "--no-tags", "origin", branch, env=git_env)
                _git(work, "reset", "--quiet", "--hard", "FETCH_HEAD", env=git_env)
                _git(work, "clean", "-qfdx", env=git_env)
            if not derive(work):
                return Pushed(None, attempt)
            sha = _commit(work, message, paths, git_env)
            if sha is None:
                return Pushed(None, attempt)
            pushed = _try(work, "push", "--porcelain", "origin", f"HEAD:refs/heads/{branch}",
                          env=git_env)
            if pushed.returncode == 0:
                return Pushed(sha, attempt)
            _raise_unless_raced(work, branch, pushed.stderr + pushed.stdout, git_env)
        raise GitRepoError(f"could not record on {branch}: {retry.attempts} attempts all lost "
                           "the race to other runs; fix: re-run the job (it is idempotent)")


def _commit(work: Path, message: str, paths: Sequence[str], env: Mapping[str, str]
            ) -> str | None:
    present = [p for p in paths if (work / p).exists()
               or _git(work, "ls-files", "--", p, env=env).strip()]
    if present:
        _git(work, "add", "-A", "--", *present, env=env)
    if _try(work, "diff", "--cached", "--quiet", env=env).returncode == 0:
        return None
    _git(work, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", message,
         env=env)
    return _git(work, "rev-parse", "HEAD", env=env).strip()


def _raise_unless_raced(work: Path, branch: str, output: str, env: Mapping[str, str]) -> None:
    text = output.lower()
    if any(p in text for p in DENIED):
        raise GitRepoError(f"the token may not push to {branch}: {_remote_lines(output)}. Fix: "
                           "grant `contents: write` (workflow `permissions:` or the GitHub "
                           "App) and let the automation bypass branch protection")
    if any(p in text for p in REFUSED):
        patch = _try(work, "format-patch", "-1", "--stdout", "HEAD", env=env).stdout
        raise PushRefused(
            f"the remote refused the automation's push to {branch} (branch protection or a "
            f"ruleset): {_remote_lines(output)}. Nothing was lost: re-run the job after "
            "letting the automation bypass the rule (a GitHub App in the ruleset's bypass "
            "list; see docs/branch-protection.md), and the same entries are recorded.", patch)
    if not any(p in text for p in RACED):
        raise GitRepoError(f"git push to {branch} failed: {_remote_lines(output)}")


def _remote_lines(output: str) -> str:
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    useful = [ln for ln in lines if ln.startswith(("remote:", "!", "error:"))] or lines
    return " / ".join(useful[:6])
