"""Long lists are read to the end through GitHub's Link headers; PyGithub stays in one module."""

from __future__ import annotations

import re
from pathlib import Path

from tests.github_server import BOT, GitHubServer
from tests.support.staging import Staged

from fivesafes.adapters.github import writes as github_writes
from fivesafes.adapters.github.api import GitHubApi

SRC = Path(__file__).resolve().parents[2] / "src" / "fivesafes"


def test_label_events_and_comments_beyond_one_page(github_server: GitHubServer, api: GitHubApi,
                                                   staged: Staged) -> None:
    world, repo, pull = staged.world, staged.repo, staged.pull
    for n in range(130):
        world.label(repo, pull, f"topic-{n}", actor="alice")
    now = world.now()
    from tests.github_server.world import Comment

    repo.comments.extend(Comment(world.new_id(), 1, "alice", f"note {n}", now, now)
                         for n in range(120))
    repo.comments.append(Comment(world.new_id(), 1, BOT, "<!-- m -->\nold", now, now))
    github_server.clear()

    events = api.label_events("acme/project", 1)
    assert len(events) == 130
    assert events[-1].label == "topic-129"
    sticky = github_writes.upsert_sticky(api, "acme/project", 1, "new", "<!-- m -->")
    assert sticky.id == repo.comments[-1].id
    assert repo.comments[-1].body == "<!-- m -->\nnew"
    assert github_server.lines() == [
        "GET /repos/acme/project/issues/1/events?per_page=100",
        "GET /repos/acme/project/issues/1/events?page=2&per_page=100",
        "GET /repos/acme/project/issues/1/comments?per_page=100",
        "GET /repos/acme/project/issues/1/comments?page=2&per_page=100",
        f"PATCH /repos/acme/project/issues/comments/{sticky.id}",
    ]


def test_only_the_api_module_imports_pygithub() -> None:
    pattern = re.compile(r"^\s*(import github\b|from github\b)", re.MULTILINE)
    importers = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
                       if pattern.search(p.read_text(encoding="utf-8")))
    assert importers == ["adapters/github/api.py"]
