"""The one place git runs as a process, and the environment that hands it a token.

Every git adapter (local commits, the push of a new project, the record's compare-and-swap,
the lifecycle's branches) runs git through :func:`run` or :func:`run_unchecked`, so a missing
git, a failed command and the way git's own message is reported are the same everywhere, and
no other adapter imports subprocess. Each adapter may raise its own subclass of
:class:`GitError` (``error=``) so its callers can tell a failed push from a failed commit;
catching :class:`GitError` catches them all (CLI exit code 3).

A GitHub token reaches git only through :func:`auth_env`: as an ``http.extraheader`` in git's
environment configuration (``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n``),
never in a remote URL, ``.git/config`` or a credential store.
"""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import TypeAlias

from fivesafes.errors import ExternalError

Completed: TypeAlias = "subprocess.CompletedProcess[str]"  # a finished git process


class GitError(ExternalError):
    """git is missing or a git command failed; the message names the fix. CLI exit code 3."""


def run_unchecked(cwd: Path, *args: str, env: Mapping[str, str] | None = None,
                  error: type[GitError] = GitError) -> Completed:
    """``git args`` in ``cwd`` whatever its exit status (the caller reads ``returncode``).

    ``env``: the whole environment of the process (None: this process's own).
    """
    try:
        return subprocess.run(["git", *args], cwd=cwd, env=None if env is None else dict(env),
                              capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise error("git is not installed or not on PATH; install git") from exc


def run(cwd: Path, *args: str, env: Mapping[str, str] | None = None,
        error: type[GitError] = GitError) -> str:
    """``git args`` in ``cwd``; its stdout, or ``error`` carrying git's own message."""
    done = run_unchecked(cwd, *args, env=env, error=error)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip()
        raise error(f"git {' '.join(args)} failed in {cwd}: {message}")
    return done.stdout


def auth_env(token: str | None, base: Mapping[str, str] | None = None, *,
             server_url: str | None = None) -> dict[str, str]:
    """The environment of a git process talking to a remote: no prompts, the token as a header.

    ``base``: the environment to extend (None: this process's own). ``server_url``: send the
    header only to that server (``http.<server>/.extraheader``); without it, to any remote of
    the process. Entries already in ``GIT_CONFIG_*`` are kept.
    """
    env = dict(os.environ if base is None else base)
    env["GIT_TERMINAL_PROMPT"] = "0"
    if token:
        count = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        key = f"http.{server_url.rstrip('/')}/.extraheader" if server_url else "http.extraheader"
        env[f"GIT_CONFIG_KEY_{count}"] = key
        env[f"GIT_CONFIG_VALUE_{count}"] = f"AUTHORIZATION: basic {basic}"
        env["GIT_CONFIG_COUNT"] = str(count + 1)
    return env
