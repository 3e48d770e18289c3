"""Where ``verify --record`` and ``verify --repo`` find the project's action record.

The record on the project repository's default branch is the authority on what was published
and who approved it. ``--record DIR`` reads it from a checkout; ``--repo OWNER/NAME`` reads it
through the GitHub REST API (``GITHUB_API_URL``, so GitHub Enterprise Server works the same,
with ``GITHUB_TOKEN`` or ``GH_TOKEN``) from the default branch, never from a pull request.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fivesafes.adapters.github.env import DEFAULT_API_URL, api_url_from_env
from fivesafes.adapters.ledger.file import LedgerError, parse_record
from fivesafes.adapters.release.authentic import RecordSource
from fivesafes.core import layout
from fivesafes.errors import ExternalError, UsageError
from fivesafes.models.ledger import ActionRecord

__all__ = ["RecordUnavailable", "RecordUnreachable", "record_from_dir", "record_from_repo"]


class RecordUnavailable(UsageError):
    """The record named (a folder, a repository) is missing or unreadable: fix the input."""


class RecordUnreachable(ExternalError):
    """GitHub did not hand over the record: try again, or give a checkout with --record."""


def record_from_dir(root: Path) -> RecordSource:
    path = root / layout.ACTIONS
    if not path.is_file():
        raise RecordUnavailable(f"{path}: no action record; give the folder of a checkout of "
                                "the project repository")
    try:
        return RecordSource(str(path), parse_record(path.read_bytes()))
    except (LedgerError, OSError) as exc:
        raise RecordUnavailable(f"{path}: {exc}") from None


def record_from_repo(repo: str, env: Mapping[str, str] | None = None) -> RecordSource:
    """The record on ``repo``'s default branch (an empty record when it has none)."""
    from fivesafes.adapters.github.api import GitHubApi
    from fivesafes.adapters.github.errors import GitHubError

    if repo.count("/") != 1 or not all(repo.split("/")):
        raise RecordUnavailable(f"--repo {repo!r}: expected OWNER/NAME")
    api_url = api_url_from_env(env)
    host = "" if api_url == DEFAULT_API_URL else f" on {api_url}"
    try:
        api = GitHubApi.from_env(env)
        branch = api.default_branch(repo)
        data = api.file_at(repo, layout.ACTIONS, branch)
    except GitHubError as exc:
        raise RecordUnreachable(f"reading the record of {repo}{host}: {exc}") from None
    name = f"{repo}{host}, branch {branch}: {layout.ACTIONS}"
    if data is None:
        return RecordSource(name, ActionRecord())
    try:
        return RecordSource(name, parse_record(data))
    except LedgerError as exc:
        raise RecordUnavailable(f"{name}: {exc}") from None
