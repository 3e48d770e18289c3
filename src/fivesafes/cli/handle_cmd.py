"""``fivesafes handle``: one GitHub event in, a plan out (and applied unless ``--dry-run``).

The one entry point the workflows call for GitHub events. Facts come from the GitHub API when
``GITHUB_TOKEN`` and ``GITHUB_REPOSITORY`` are set, or from ``--facts FACTS.json`` (and the
checkout in ``--repo-dir``) offline. The decision itself is the pure engine's; this command
only reads, decides, prints and hands the plan to an applier. Exit codes: 0 completed, pending
or ignored; 1 refused or failed; 2 usage or unreadable input; 3 GitHub or git failed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click

from fivesafes.adapters.files.facts_file import FileFacts
from fivesafes.adapters.files.json_file import read_payload
from fivesafes.adapters.runner.clock import stamp
from fivesafes.cli.errors import failing
from fivesafes.cli.event_io import (
    _repository,
    applier,
    facts_source,
    fetch,
    github_mode,
    render_text,
    repository_mismatch,
)
from fivesafes.core.engine.plan import Plan, plan_to_json
from fivesafes.core.engine.planner import plan_event
from fivesafes.core.facts.events import Event, parse_event
from fivesafes.core.facts.payload_model import check_payload
from fivesafes.core.facts.values import Facts
from fivesafes.errors import FINDINGS, OK, UsageError

EXIT = {"completed": OK, "pending": OK, "ignored": OK, "refused": FINDINGS, "failed": FINDINGS}


def _refuse_repository(why: str, as_json: bool) -> None:
    plan = Plan("none", "refused", why)
    click.echo(json.dumps(plan_to_json(plan), indent=2, ensure_ascii=False) if as_json
               else render_text(plan))
    raise click.exceptions.Exit(FINDINGS)


def resolve_pr(event: Event, facts_path: Path | None, repo_dir: Path | None) -> Event:
    """The pull request a ``reassess`` (review hand-off) is about: looked up through the API
    by the run's head SHA and branch, never taken from the payload; offline, the facts' pull
    request when its head is that SHA. None found: the event is ignored."""
    number: int | None = None
    if event.head_sha is None:
        pass
    elif github_mode(facts_path, event):
        from fivesafes.adapters.github.api import GitHubApi
        from fivesafes.adapters.github.facts import pull_for_run

        with failing("finding the pull request failed"):
            number = pull_for_run(GitHubApi.from_env(), _repository(event), event.head_sha,
                                  event.head_repo, event.ref)
    elif facts_path is not None:
        pr = fetch(FileFacts(facts_path, repo_dir), event).pr
        number = pr.number if pr is not None and pr.head_sha == event.head_sha else None
    if number is None:
        return replace(event, kind="ignored", reason=f"no open pull request has head "
                       f"{(event.head_sha or '')[:12]} on {event.ref!r}; nothing to reassess")
    return replace(event, pr=number)


def _reconcile(repo_dir: Path | None, dry_run: bool, event: Event) -> None:
    """Record the merges whose runs were lost (``fivesafes reconcile``); said on stderr."""
    from fivesafes.cli.reconciling import reconcile_merges

    # only the schedule starts lost dispatches: right after a merge its own is still queued
    for plan in reconcile_merges(None, repo_dir, dry_run, _repository(event),
                                 event.default_branch, start=event.name == "schedule"):
        click.echo(f"reconciled: {render_text(plan)}", err=True)


@click.command()
@click.option("--event-name", envvar="GITHUB_EVENT_NAME", metavar="NAME",
              help="GitHub event name (default: GITHUB_EVENT_NAME).")
@click.option("--event", "event_path", envvar="GITHUB_EVENT_PATH", metavar="PAYLOAD.json",
              type=click.Path(path_type=Path, dir_okay=False),
              help="The event payload (default: GITHUB_EVENT_PATH).")
@click.option("--repo-dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Checkout of the default branch (record, policy, request files offline).")
@click.option("--facts", "facts_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Facts as JSON instead of the GitHub API (docs/facts-format.md).")
@click.option("--delivery", help="Webhook delivery id (default: derived from the payload).")
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def handle(event_name: str | None, event_path: Path | None, repo_dir: Path | None,
           facts_path: Path | None, delivery: str | None, dry_run: bool, as_json: bool) -> None:
    """Decide what one GitHub event means for the request, and carry it out."""
    if not event_name:
        raise UsageError("no event name; fix: give --event-name or set GITHUB_EVENT_NAME")
    if event_path is None:
        raise UsageError("no event payload; fix: give --event PAYLOAD.json or set "
                         "GITHUB_EVENT_PATH")
    payload = read_payload(event_path)
    with failing(str(event_path), fix="give the payload as GitHub sends it"):
        check_payload(event_name, payload)
    event = parse_event(event_name, payload, delivery)
    why = repository_mismatch(event)
    if why is not None:
        _refuse_repository(why, as_json)
    if event.kind == "reassess":
        event = resolve_pr(event, facts_path, repo_dir)
    if event.kind == "ignored":
        plan = plan_event(event, Facts(), stamp())
    else:
        if event.pr is not None and facts_path is None and not github_mode(None, event):
            raise UsageError(
                f"no facts for pull request #{event.pr}; fix: give --facts FACTS.json, or set "
                "GITHUB_TOKEN and GITHUB_REPOSITORY to read them from GitHub")
        facts = fetch(facts_source(facts_path, repo_dir, event), event)
        why = repository_mismatch(event, facts)
        if why is not None:
            _refuse_repository(why, as_json)
        plan = plan_event(event, facts, stamp())
        if not dry_run:
            with failing("applying the plan failed"):
                applier(facts_path, repo_dir, event).apply(plan, facts)
        if event.kind == "push" and facts_path is None:  # a push to the default branch, or
            _reconcile(repo_dir, dry_run, event)  # the schedule
    if as_json:
        click.echo(json.dumps(plan_to_json(plan), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(plan))
    raise click.exceptions.Exit(EXIT[plan.outcome])
