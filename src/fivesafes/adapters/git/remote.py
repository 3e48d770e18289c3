"""Push a new project repository to GitHub without the token ever touching the disk.

The token travels only in the environment of the git processes (:func:`auth_env`), and only
to the GitHub server it is meant for (``http.<server>/.extraheader``): it is not in the remote
URL, not in ``.git/config``, not in a credential store. Pushes never force.
"""

from __future__ import annotations

from pathlib import Path

from fivesafes.adapters.git.process import GitError, auth_env, run, run_unchecked


class PushError(GitError):
    """git could not reach or update the remote; the message says what to do."""


def remote_url(repository: str, server_url: str = "https://github.com") -> str:
    """``https://host/owner/name.git``: credentials never go into the URL."""
    return f"{server_url.rstrip('/')}/{repository}.git"


def remote_head(repo: Path, url: str, branch: str, token: str | None, server: str) -> str | None:
    """The commit ``branch`` points to on the remote, or None when it has no such branch."""
    out = run(repo, "ls-remote", "--heads", url, branch,
              env=auth_env(token, server_url=server), error=PushError)
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def current_branch(repo: Path) -> str:
    return run(repo, "symbolic-ref", "--short", "HEAD", error=PushError).strip()


def push(repo: Path, url: str, branch: str, token: str | None, server: str) -> None:
    run(repo, "push", "--quiet", url, f"HEAD:refs/heads/{branch}",
        env=auth_env(token, server_url=server), error=PushError)


def ensure_origin(repo: Path, url: str) -> str | None:
    """Add ``origin`` (a URL without credentials) when missing; the URL it has otherwise."""
    done = run_unchecked(repo, "remote", "get-url", "origin", error=PushError)
    if done.returncode == 0:
        return done.stdout.strip()
    run(repo, "remote", "add", "origin", url, error=PushError)
    return None
