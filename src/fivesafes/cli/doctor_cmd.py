"""``fivesafes doctor [PROJECT_DIR] [--github ORG/NAME]``: is this project repository safe?

The decisions the automation records are only as trustworthy as the repository's settings: a
missing ruleset, an administrator bypass or an unpinned workflow each let someone skip a
phase. Doctor reads the checkout (workflow pins, policy, label set) and, with ``--github``, the
repository's settings, and reports every weakness with its fix. Exit 0 when there is nothing to
fix, 1 otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from fivesafes.adapters.files.workflow_pins import WorkflowError, find_uses, workflow_files
from fivesafes.adapters.github.admin import inspect_github_repo, split_repo
from fivesafes.cli.errors import FINDINGS, USAGE, CommandError
from fivesafes.core.admin.pins import pin_findings
from fivesafes.core.findings import Finding, errors
from fivesafes.services.github_setup import github_client, load_labels, load_policy


def local_findings(project: Path) -> list[Finding]:
    found: list[Finding] = []
    files = workflow_files(project)
    if not files:
        found.append(Finding(".github/workflows", None, None, "workflow-missing",
                             "no workflow calls the Five Safes automation",
                             "restore .github/workflows/fivesafes.yml from the template"))
    for path in files:
        rel = path.relative_to(project).as_posix()
        try:
            found += pin_findings(find_uses(path.read_text(encoding="utf-8"), rel))
        except WorkflowError as exc:
            found.append(Finding(rel, None, None, "workflow-yaml", str(exc), "fix the YAML"))
    return found


@click.command()
@click.argument("project_dir", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--github", "github_repo", metavar="ORG/NAME",
              help="Also inspect the repository's settings on GitHub (needs GITHUB_TOKEN).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def doctor(project_dir: Path, github_repo: str | None, as_json: bool) -> None:
    """Report weak protection of a project repository, with the fix for each.

    Checks that workflows pin what they run (a full SHA, or a release tag of
    fivesafes-gitops) and, with --github: the ruleset of the default branch (pull request,
    code-owner review, stale reviews dismissed, both Five Safes checks, no force push, no
    deletion, no administrator bypass), the policy's approvers and teams, the labels, and the
    Actions token settings.
    """
    if not project_dir.is_dir():
        raise CommandError(f"{project_dir}: no such folder", USAGE)
    policy = load_policy(project_dir)
    found = local_findings(project_dir)
    if github_repo:
        try:
            split_repo(github_repo)
        except ValueError as exc:
            raise CommandError(f"--github {exc}", USAGE) from exc
        api, _ = github_client()
        found += inspect_github_repo(api, github_repo, policy, load_labels(project_dir, policy))
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in found], indent=2))
    else:
        for finding in found:
            click.echo(f"{finding.severity}: {finding.render()}")
        click.echo(f"{len(found)} finding(s)" if found else "No weaknesses found.")
    if errors(found):
        raise SystemExit(FINDINGS)
