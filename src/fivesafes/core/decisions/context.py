"""The context of one event: the facts parsed once, for every rule that decides on them.

The engine builds it at the top of ``plan_event``: the policy, the record, the pull request,
the requester named in project.toml, everyone who wrote or co-authored the pull request, and
the project file. No rule deeper down parses TOML bytes again; each reads this.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

from fivesafes.core import layout
from fivesafes.core.decisions.projects import project_file
from fivesafes.core.facts.values import Facts, PullRequest
from fivesafes.models.ledger import ActionRecord
from fivesafes.models.policy import Policy
from fivesafes.models.project import ProjectFile

# GitHub's no-reply addresses, on github.com and on an Enterprise Server
# (``12345+login@users.noreply.github.com``, ``login@users.noreply.ghe.example.org``): they name
# the login. Matching any host only ever excludes more people, never fewer.
NOREPLY = re.compile(r"^(?:\d+\+)?([A-Za-z0-9-]+(?:\[bot\])?)@users\.noreply\.[A-Za-z0-9.-]+$",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Context:
    facts: Facts
    pr: PullRequest
    policy: Policy
    record: ActionRecord
    requester: str | None  # lower-case GitHub login, from project.toml at the head
    contributors: frozenset[str]  # lower-case logins and names of authors and co-authors
    project: ProjectFile | None  # project.toml at the head, when it validates


def context(facts: Facts, pr: PullRequest, policy: Policy, record: ActionRecord) -> Context:
    """Parse what the rules read, once."""
    return Context(facts, pr, policy, record, requester(facts),
                   frozenset(contributors(facts, policy)), project_file(facts))


def _norm(login: str) -> str:
    return login.lower()


def contributors(facts: Facts, policy: Policy | None = None) -> set[str]:
    """Lower-case logins (and names) of everyone who wrote or committed the pull request.

    A co-author is known by the login the facts give, by a GitHub no-reply address (of
    github.com or of an Enterprise host), or by a verified e-mail: the REST API does not link
    a co-author's e-mail to an account, so the TRE's people registry (``[people.<login>]
    email``, which the TRE verified) does."""
    registered = {p.email.strip().lower(): _norm(login)
                  for login, p in (policy.people.items() if policy else ()) if p.email}
    found: set[str] = set()
    for commit in facts.commits:
        for login in (commit.author, commit.committer):
            if login and _norm(login) != "web-flow":
                found.add(_norm(login))
        for co in commit.co_authors:
            if co.login:
                found.add(_norm(co.login))
            match = NOREPLY.match(co.email.strip())
            if match:
                found.add(_norm(match.group(1)))
            if co.email.strip().lower() in registered:
                found.add(registered[co.email.strip().lower()])
            if co.name.strip():
                found.add(_norm(co.name.strip()))
    return found


def requester(facts: Facts) -> str | None:
    """The GitHub login of the researcher named in project.toml at the head, if readable."""
    data = facts.files.get(layout.PROJECT)
    if data is None:
        return None
    try:
        login = tomllib.loads(data.decode("utf-8")).get("requester", {}).get("github")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return None
    return login.lower() if isinstance(login, str) and login else None
