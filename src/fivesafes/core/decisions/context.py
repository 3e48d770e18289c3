"""The context of one event: the facts parsed once, for every rule that decides on them.

The engine builds it at the top of ``plan_event``: the policy, the record, the pull request,
the requester named in project.toml, everyone who wrote or co-authored the pull request, and
the project file. No rule deeper down parses TOML bytes again; each reads this.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field

from fivesafes.core import layout
from fivesafes.core.decisions.disclosure_files import manifest_of, read_manifest
from fivesafes.core.decisions.projects import project_file
from fivesafes.core.facts.values import Facts, PullRequest
from fivesafes.core.findings import Finding
from fivesafes.models.ledger import ActionRecord
from fivesafes.models.manifest import OutputsManifest
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
    manifest: OutputsManifest | None = None  # outputs/manifest.toml at the head, exceptions in
    manifest_findings: tuple[Finding, ...] = ()  # what is wrong with it (or that it is absent)
    earlier_manifests: Mapping[str, OutputsManifest | None] = field(default_factory=dict)


def context(facts: Facts, pr: PullRequest, policy: Policy, record: ActionRecord) -> Context:
    """Parse what the rules read, once."""
    manifest, found = read_manifest(facts, record)
    earlier = {sha: manifest_of(data) for sha, data in facts.manifests.items()}
    project = _table(facts.files.get(layout.PROJECT))
    return Context(facts, pr, policy, record, requester(project),
                   frozenset(contributors(facts, policy)), project_file(project), manifest,
                   tuple(found), earlier)


def _table(data: bytes | None) -> dict[str, object] | None:
    """A TOML file's top table, or None when absent or unreadable (validation says why)."""
    if data is None:
        return None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


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


def requester(project: dict[str, object] | None) -> str | None:
    """The GitHub login of the researcher named in project.toml at the head, if readable."""
    person = (project or {}).get("requester")
    login = person.get("github") if isinstance(person, dict) else None
    return login.lower() if isinstance(login, str) and login else None
