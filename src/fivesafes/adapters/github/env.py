"""Where GitHub is and the token that reaches it, read from the environment in one place.

GitHub Actions sets ``GITHUB_API_URL`` and ``GITHUB_SERVER_URL`` (GitHub Enterprise Server has
its own; tests point them at a local server); the token comes from ``GITHUB_TOKEN`` or, as the
GitHub CLI names it, ``GH_TOKEN``. Kept apart from :mod:`fivesafes.adapters.github.api` so that
git adapters and commands that only need these values do not load the API client.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def token_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """``GITHUB_TOKEN``, else ``GH_TOKEN``; None when neither is set."""
    values = _env(env)
    return values.get("GITHUB_TOKEN") or values.get("GH_TOKEN") or None


def api_url_from_env(env: Mapping[str, str] | None = None) -> str:
    """The REST API's base URL (``GITHUB_API_URL``), without a trailing slash."""
    return (_env(env).get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")


def server_url_from_env(env: Mapping[str, str] | None = None) -> str:
    """The web and git server's URL (``GITHUB_SERVER_URL``), without a trailing slash."""
    return (_env(env).get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/")
