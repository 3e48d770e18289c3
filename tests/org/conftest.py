"""Organisation-scale tests: the central policy, org status and dashboard, reviewers asked."""

from __future__ import annotations

from tests.github_server.plugin import github_env, github_server  # noqa: F401
