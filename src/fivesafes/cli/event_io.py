"""What `handle` and `reconcile` share: where facts come from, where plans go, one repository.

Both commands read an event's facts and apply its plan the same way; the choice (the GitHub
API with a token, or a facts file and a checkout offline) and the one-repository rule live
here so neither command imports the other.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from fivesafes.adapters.files.facts_file import FileFacts
from fivesafes.adapters.files.local_apply import LocalApplier, describe
from fivesafes.adapters.github.env import token_from_env
from fivesafes.cli.errors import failing
from fivesafes.core.engine.plan import Plan
from fivesafes.core.engine.ports import FactsSource, PlanApplier
from fivesafes.core.facts.events import Event
from fivesafes.core.facts.values import Facts


def _repository(event: Event | None) -> str:
    """``owner/name``: GITHUB_REPOSITORY (always set in Actions), else the payload's; the two
    are checked to agree (:func:`repository_mismatch`) before either is used."""
    return os.environ.get("GITHUB_REPOSITORY") or (event.repository if event else "")


def repository_mismatch(event: Event, facts: Facts | None = None) -> str | None:
    """Why the repositories named by the payload, ``GITHUB_REPOSITORY`` and the facts do not
    agree (None: every one that is named is the same repository)."""
    named = {"the payload": event.repository,
             "GITHUB_REPOSITORY": os.environ.get("GITHUB_REPOSITORY", ""),
             "the facts": facts.run.repository if facts is not None else ""}
    given = {k: v for k, v in named.items() if v}
    if len({v.lower() for v in given.values()}) <= 1:
        return None
    listed = ", ".join(f"{k} names {v}" for k, v in given.items())
    return (f"the repositories disagree ({listed}); a decision is made and recorded for one "
            "repository only, so nothing is recorded: run on the repository the event came "
            "from")


def github_mode(facts_path: Path | None, event: Event | None = None) -> bool:
    return facts_path is None and bool(token_from_env() and _repository(event))


def facts_source(facts_path: Path | None, repo_dir: Path | None,
                 event: Event | None = None) -> FactsSource:
    if github_mode(facts_path, event):
        from fivesafes.adapters.github.api import GitHubApi
        from fivesafes.adapters.github.facts import GitHubFacts

        return GitHubFacts(GitHubApi.from_env(), _repository(event))
    return FileFacts(facts_path, repo_dir)


def fetch(source: FactsSource, event: Event) -> Facts:
    with failing("fetching the facts failed"):  # an adapter's error keeps its exit code
        return source.fetch(event)


def rebuild_crate(root: Path) -> None:
    """Regenerate crate/ after recording; a project not (yet) valid keeps its old crate."""
    from fivesafes.adapters.files.project import ProjectError
    from fivesafes.adapters.ledger.append import refresh_crate
    from fivesafes.services.software import software

    try:
        refresh_crate(root, software())
    except ProjectError as exc:
        click.echo("crate not rebuilt (the project on the default branch is not valid): "
                   + ("; ".join(exc.details) or str(exc)), err=True)


def github_applier(repository: str | None = None) -> PlanApplier:
    """Labels, comment, statuses and dispatch through the API; the record by git CAS (to
    ``FIVESAFES_GIT_REMOTE`` when set, as ``FIVESAFES_COMMIT_NAME``/``EMAIL``), on
    ``repository`` (the one the facts were read from) or ``GITHUB_REPOSITORY``."""
    from fivesafes.adapters.github.apply import applier_from_env

    env = {**os.environ, "GITHUB_REPOSITORY": repository} if repository else None
    return applier_from_env(env, rebuild_crate=rebuild_crate,
                            echo=lambda line: click.echo(line, err=True))


def applier(facts_path: Path | None, repo_dir: Path | None,
            event: Event | None = None) -> PlanApplier:
    """The applier for the same repository the facts came from (never another one)."""
    if github_mode(facts_path, event):
        return github_applier(_repository(event))
    return LocalApplier(repo_dir, lambda line: click.echo(line, err=True))


def render_text(plan: Plan) -> str:
    lines = [f"{plan.phase}: {plan.outcome}: {plan.reason}"]
    if plan.state:
        lines.append(f"state: {plan.state}")
    lines += [f"  - {describe(e)}" for e in plan.effects]
    return "\n".join(lines)
