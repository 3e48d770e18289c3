"""A staged project repository on the local GitHub API server, shared by the contract tests."""

from __future__ import annotations

from tests.github_server import GitHubServer
from tests.github_server.world import Pull, Repo

POLICY = """\
[tre]
name = "Test TRE"
url = "https://tre.example.org"

[phases.sign-off]
approvers = ["alice", "@acme/stewards"]
required = 2

[phases.disclosure]
approvers = ["@acme/checkers"]
required = 2
distinct-from = ["sign-off"]

[publication]
license = "https://spdx.org/licenses/CC-BY-4.0"
"""
PROJECT = '[project]\ntitle = "Linked records"\n'
ACCESS = '[source]\nkind = "sql"\n'


class Staged:
    def __init__(self, server: GitHubServer) -> None:
        self.server = server
        self.world = server.world
        self.repo: Repo = self.world.repo("acme/project", files={
            ".github/fivesafes.toml": POLICY,
            "resources/governance/project.toml": PROJECT,
            "README.md": "# project\n"})
        self.world.team("acme", "stewards", members=["carol"])
        self.world.team("acme", "checkers", members=["dave", "erin"])
        self.repo.collaborators.update({"alice": "write", "carol": "maintain",
                                        "researcher": "write"})
        self.pull: Pull = self.world.open_pull(
            self.repo, {"resources/access/access.toml": ACCESS,
                        "resources/governance/project.toml": PROJECT + 'id = "p1"\n'},
            author="researcher", message="Request access\n\nCo-authored-by: Helper "
            "<4242+helper@users.noreply.github.com>\nCo-authored-by: Ext <ext@example.org>")
