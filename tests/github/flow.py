"""A request pull request on the local GitHub API server, driven through the real engine.

Payloads are the vendored real webhook shapes, re-pointed at the fake GitHub; facts come from
its API, plans from the pure engine, and the applier writes back to the API and to a local
bare repository. Shared by the flow and push-time contract tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.github_server import GitHubServer, World
from tests.github_server.payloads import adapt, load
from tests.github_server.world import Pull, Repo
from tests.support.staging import POLICY as STAGED_POLICY

from fivesafes.adapters.git.repo import Retry
from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.apply import GitHubApplier
from fivesafes.adapters.github.facts import GitHubFacts
from fivesafes.adapters.ledger.commit import git_committer
from fivesafes.core.engine.plan import Plan
from fivesafes.core.engine.planner import plan_event
from fivesafes.core.facts.events import parse_event

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "project-repo"
# The contract tests' policy, plus what a full flow through execution needs.
POLICY = STAGED_POLICY + """
[executor]
kind = "local"
command = ["python", "analysis.py", "{inputs}", "{outputs}"]

[workflows]
allowed-sources = ["https://workflowhub.eu/workflows/"]
"""
APPROVE = "5s:approve-sign-off"


class Flow:
    def __init__(self, server: GitHubServer, api: GitHubApi, remote: Path) -> None:
        self.server = server
        self.world: World = server.world
        files = {p.relative_to(TEMPLATE).as_posix(): p.read_bytes()
                 for p in sorted((TEMPLATE / "resources").rglob("*")) if p.is_file()}
        self.repo: Repo = self.world.repo("acme/project", files={
            **files, ".github/fivesafes.toml": POLICY})
        self.world.team("acme", "stewards", members=["carol"])
        self.world.team("acme", "checkers", members=["dave", "erin"])
        self.repo.collaborators.update({"alice": "write", "carol": "write",
                                        "alex-researcher": "write", "mallory": "triage"})
        dataset = next(k for k in files if "/dataset_" in k)
        self.pull: Pull = self.world.open_pull(self.repo, {dataset: files[dataset] + b"\n"},
                                               author="alex-researcher")
        self.facts = GitHubFacts(api, "acme/project")
        self.applier = GitHubApplier(api, "acme/project", echo=lambda line: None, committer=
                                     git_committer(str(remote), retry=Retry(sleep=lambda _: None)))
        self.deliveries = 0

    def event(self, payload: str, sender: str, **extra: Any) -> Plan:
        self.deliveries += 1
        name = payload.split(".")[0]
        event = parse_event(name, adapt(self.world, load(payload), self.repo, self.pull,
                                        sender=sender, **extra), f"delivery-{self.deliveries}")
        facts = self.facts.fetch(event)
        plan = plan_event(event, facts, "2026-01-02T00:00:00Z")
        self.applier.apply(plan, facts)
        return plan

    def status(self, context: str) -> str:
        found = [s for s in self.repo.statuses
                 if s.sha == self.pull.head_sha and s.context == context]
        return found[-1].state if found else "missing"
