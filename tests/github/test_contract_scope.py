"""The GitHub facts reader reads the whole request scope at the head commit: the workflow
folder and input files that ``resources/workflow.toml`` names outside ``resources/``, from the
same tree (one tree read), and nothing else outside it."""

from __future__ import annotations

from tests.github_server import GitHubServer
from tests.github_server.payloads import adapt, load

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.facts import GitHubFacts
from fivesafes.core.facts.events import parse_event
from fivesafes.core.facts.values import RunContext
from fivesafes.core.request.digest import request_files, sha512_files

WORKFLOW = '''[workflow]
id = "analysis"
name = "Counts"
language = "python"

[[workflow.inputs]]
name = "years"
file = "inputs/years.csv"
'''


def test_the_reader_reads_the_scope_outside_resources(github_server: GitHubServer,
                                                      api: GitHubApi) -> None:
    world = github_server.world
    repo = world.repo("acme/scoped", files={".github/fivesafes.toml": "[tre]\n",
                                            "README.md": "# scoped\n"})
    pull = world.open_pull(repo, {"resources/workflow.toml": WORKFLOW,
                                  "analysis/run.py": "print(1)\n",
                                  "analysis/ro-crate-metadata.json": "{}\n",
                                  "inputs/years.csv": "year\n1940\n",
                                  "notes/other.txt": "not in scope\n"}, author="researcher")
    payload = adapt(world, load("pull_request.opened"), repo, pull, sender="researcher")
    github_server.clear()
    facts = GitHubFacts(api, repo.full_name, RunContext()).fetch(
        parse_event("pull_request_target", payload))
    assert sorted(facts.files) == ["analysis/ro-crate-metadata.json", "analysis/run.py",
                                   "inputs/years.csv", "resources/workflow.toml"]
    assert sum("/git/trees/" in line for line in github_server.lines()) == 1
    scoped = request_files(facts.files)
    assert sorted(scoped) == sorted(facts.files)
    assert sha512_files(scoped).startswith("sha512:")
