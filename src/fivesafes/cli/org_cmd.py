"""``fivesafes org``: the organisation's project repositories as one.

``status`` lists every request with its state, who must act and since when; ``dashboard``
writes the same as a static site; ``doctor`` and ``upgrade`` run the per-project commands over
every repository. ORG is read through the API (``GITHUB_TOKEN``, ``GITHUB_API_URL`` for GitHub
Enterprise Server); ``--from DIR`` reads local checkouts instead (offline, and tests).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from fivesafes.adapters.org.checkouts import read_checkout
from fivesafes.adapters.runner.clock import now
from fivesafes.cli.errors import failing
from fivesafes.cli.output import Output, json_option
from fivesafes.core.org.source import OrgSource
from fivesafes.core.org.summary import ProjectFiles, Summary, summarise, summary_to_json
from fivesafes.errors import UsageError

FROM = click.option("--from", "folders", multiple=True, metavar="DIR",
                    type=click.Path(path_type=Path, file_okay=False),
                    help="A local checkout of a project repository (repeat); replaces the API.")
TOPIC = click.option("--topic", default="fivesafes", show_default=True,
                     help="The topic that marks a project repository.")
TEMPLATE = click.option("--template", metavar="ORG/REPO",
                        help="Also count repositories made from this template.")
ORG_POLICY = click.option("--org-policy", type=click.Path(path_type=Path, dir_okay=False),
                          help="The central policy as a local file (for --from checkouts).")


@click.group()
def org() -> None:
    """The organisation's project repositories: status, dashboard, doctor, upgrade."""


def project_files(org_name: str | None, folders: tuple[Path, ...], topic: str,
                  template: str | None, org_policy: Path | None) -> list[ProjectFiles]:
    if folders:
        return [read_checkout(folder, org_policy) for folder in folders]
    if not org_name:
        raise UsageError("give ORG (read through the API) or --from DIR (local checkouts)")
    from fivesafes.adapters.github.api import GitHubApi
    from fivesafes.adapters.org.github_projects import project_repos, read_repo

    with failing("GitHub"):
        api = GitHubApi.from_env()
        central: dict[str, OrgSource] = {}
        return [read_repo(api, repo, central)
                for repo in project_repos(api, org_name, topic, template)]


def summaries(org_name: str | None, folders: tuple[Path, ...], topic: str,
              template: str | None, org_policy: Path | None) -> list[Summary]:
    moment = now()
    return [summarise(f, moment)
            for f in project_files(org_name, folders, topic, template, org_policy)]


def _print(rows: list[Summary]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} project(s)")
    for column in ("title", "repository", "state", "waiting on", "next", "days", "last"):
        table.add_column(column, overflow="fold")
    for s in rows:
        last = s.last_decision
        table.add_row(s.title, s.repo, s.state + (" (stuck)" if s.stuck else ""),
                      ", ".join(s.waiting_on), s.next_step,
                      "" if s.days_in_state is None else f"{s.days_in_state:g}",
                      f"{last['phase']} {last['status']}" if last else "")
    Console(width=160).print(table)
    for s in rows:
        for problem in s.problems:
            click.echo(f"{s.repo}: {problem}")


@org.command("status")
@click.argument("org_name", metavar="[ORG]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print {\"projects\": [...]} as JSON.")
@FROM
@TOPIC
@TEMPLATE
@ORG_POLICY
def status(org_name: str | None, as_json: bool, folders: tuple[Path, ...], topic: str,
           template: str | None, org_policy: Path | None) -> None:
    """Every project repository: title, request id, state, who must act, since when."""
    rows = summaries(org_name, folders, topic, template, org_policy)
    if as_json:
        click.echo(json.dumps({"organisation": org_name or "",
                               "projects": [summary_to_json(s) for s in rows]}, indent=2))
    else:
        _print(rows)


@org.command("dashboard")
@click.argument("org_name", metavar="[ORG]", required=False)
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="The folder to write the site to (index.html, projects.json).")
@FROM
@TOPIC
@TEMPLATE
@ORG_POLICY
@json_option
def dashboard(org_name: str | None, out: Path, folders: tuple[Path, ...], topic: str,
              template: str | None, org_policy: Path | None, as_json: bool) -> None:
    """Write a static site of every request (SITE/index.html), readable without scripts."""
    from fivesafes.adapters.org.site import write_site

    rows = summaries(org_name, folders, topic, template, org_policy)
    index = write_site(out, org_name or "local checkouts", rows, now())
    report = Output(as_json)
    report.line(f"Wrote {index} ({len(rows)} request(s))")
    report.result({"index": str(index), "requests": len(rows)})


@org.command("remind")
@click.argument("org_name", metavar="ORG")
@TOPIC
@TEMPLATE
@click.option("--dry-run", is_flag=True, help="Say what would be posted and sent; do nothing.")
@json_option
def remind(org_name: str, topic: str, template: str | None, dry_run: bool,
           as_json: bool) -> None:
    """Remind the deciders of every pull request waiting past the policy's remind-after.

    Posts a new comment (whose first line says whose move it is) on each waiting pull request,
    at most once per remind-after days, and sends the notification the policy names (webhook
    URL or SMTP URL, read from the environment variable the policy's secret names).
    """
    from fivesafes.adapters.github.api import GitHubApi
    from fivesafes.adapters.org.github_projects import project_repos, read_repo
    from fivesafes.adapters.org.reminders import notify, open_pulls, post_reminder
    from fivesafes.core.org.remind import reminder

    moment = now()
    out = Output(as_json)
    skipped: list[str] = []
    reminded: list[dict[str, object]] = []
    with failing("GitHub"):
        api = GitHubApi.from_env()
        central: dict[str, OrgSource] = {}
        for repo in project_repos(api, org_name, topic, template):
            files = read_repo(api, repo, central)
            if files.policy is None:
                out.line(f"{files.repo}: skipped, no usable policy")
                skipped.append(files.repo)
                continue
            for pull in open_pulls(api, files.repo):
                due = reminder(pull, files.policy, moment)
                if due is None:
                    continue
                out.line(f"{due.repo}#{due.number}: {due.days:g} days, reminding "
                         f"{', '.join(due.who)}" + (" (dry run)" if dry_run else ""))
                problems: list[str] = []
                if not dry_run:
                    post_reminder(api, due)
                    problems = list(notify(due, files.policy))
                    for problem in problems:
                        click.echo(f"{due.repo}#{due.number}: notification failed: {problem}",
                                   err=True)
                reminded.append({"repository": due.repo, "pull-request": due.number,
                                 "days": due.days, "who": list(due.who),
                                 "notification-problems": problems})
    out.result({"dry-run": dry_run, "reminded": reminded, "skipped": skipped})


def _bulk() -> None:
    from fivesafes.cli.org_bulk_cmd import doctor_all, upgrade_all

    org.add_command(doctor_all)
    org.add_command(upgrade_all)


_bulk()
