"""The demo's stage and the moves every phase of it makes.

Where each part lives (the project, its bare remote, the TRE's data, staging and workflow
mirror, the release folder), the pinned time and clean environment that make two runs write
identical zips, the people who commit, and what the automation and the maintainer do between
the engine's decisions: apply the recorded entries, commit them, merge a pull request, and
insist that the engine answered as the script expects. The phases (:mod:`fivesafes.demo.run`,
:mod:`fivesafes.demo.disclosure`) all stand on it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fivesafes.adapters.git import lifecycle as lifecycle_git
from fivesafes.adapters.git.local import commit_env, identity_args
from fivesafes.adapters.git.process import run
from fivesafes.adapters.ledger.append import append_entry, refresh_crate
from fivesafes.core import layout
from fivesafes.core.crate.spec import Software
from fivesafes.core.engine.plan import Commit, Plan, Record
from fivesafes.demo import github as demo_github
from fivesafes.errors import ExternalError

DEMO_PROJECT_ID = "urn:uuid:5afe0000-0000-4000-8000-00000000de70"
DEMO_EPOCH = "1767268800"  # 2026-01-01T12:00:00Z, inside the template project's dates
PEOPLE = {"maintainer": ("Mo Maintainer", "mo-maintainer@example.org"),
          "researcher": ("Alex Researcher", "alex.researcher@example.org"),
          "automation": ("fivesafes", "fivesafes@users.noreply.github.com")}
Say = Callable[[str, str], None]


class DemoError(ExternalError):
    """The demo could not run (a non-empty folder, or a step that did not go as planned)."""


@dataclass(frozen=True)
class DemoLayout:
    base: Path

    @property
    def project(self) -> Path:
        return self.base / "project"

    @property
    def remote(self) -> Path:
        return self.base / "remote.git"

    @property
    def data(self) -> Path:
        return self.base / "tre" / "data"

    @property
    def staging(self) -> Path:
        return self.base / "tre" / "staging"

    @property
    def mirror(self) -> Path:
        return self.base / "tre" / "workflows"

    @property
    def release(self) -> Path:
        return self.base / "release"


@contextmanager
def pinned_environment() -> Iterator[dict[str, str]]:
    """SOURCE_DATE_EPOCH (the caller's, else the demo's), no GitHub variables; restored after."""
    saved = dict(os.environ)
    os.environ.setdefault("SOURCE_DATE_EPOCH", DEMO_EPOCH)
    for name in [n for n in os.environ if n.startswith(("GITHUB_", "RUNNER_"))]:
        del os.environ[name]
    try:
        yield dict(os.environ)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def as_person(who: str) -> None:
    """Commits from now on are authored and committed by ``who`` (a demo identity)."""
    name, email = PEOPLE[who]
    for role in ("AUTHOR", "COMMITTER"):
        os.environ[f"GIT_{role}_NAME"] = name
        os.environ[f"GIT_{role}_EMAIL"] = email


def apply_records(root: Path, plan: Plan, software: Software, push: bool = True) -> int:
    """Apply the plan's ``record`` effects as the automation would, and commit them."""
    records = [e for e in plan.effects if isinstance(e, Record)]
    for effect in records:
        append_entry(root, dict(effect.entry))
    if records:
        refresh_crate(root, software)
        message = next((e.message for e in plan.effects if isinstance(e, Commit)),
                       "fivesafes: record updated")
        commit_recorded(root, message, push)
    return len(records)


def commit_recorded(root: Path, message: str, push: bool = True) -> None:
    as_person("automation")
    lifecycle_git.commit_paths(root, [layout.ACTIONS, layout.CRATE_DIR], message)
    if push:
        lifecycle_git.push(root, demo_github.DEFAULT_BRANCH)


def merge(root: Path, pr: demo_github.DemoPullRequest, merger: str) -> str:
    as_person(merger)
    run(root, "switch", "-q", demo_github.DEFAULT_BRANCH)
    run(root, *identity_args(root), "merge", "-q", "--no-ff", "-m",
        f"Merge pull request #{pr.number} from {pr.branch}", pr.branch, env=commit_env())
    lifecycle_git.push(root, demo_github.DEFAULT_BRANCH)
    return run(root, "rev-parse", "HEAD").strip()


def expect(plan: Plan, outcome: str, say: Say, phase: str) -> None:
    say(phase, f"{plan.outcome}: {plan.reason}")
    if plan.outcome != outcome:
        raise DemoError(f"{phase}: expected the engine to answer {outcome}, got "
                        f"{plan.outcome}: {plan.reason}")
