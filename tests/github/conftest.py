"""Contract tests of the GitHub adapter run against the local GitHub API server."""

from tests.github_server.plugin import github_env, github_server  # noqa: F401
