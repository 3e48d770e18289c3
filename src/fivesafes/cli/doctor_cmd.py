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

from fivesafes.adapters.executors.sandbox.health import sandbox_findings
from fivesafes.adapters.files.workflow_pins import WorkflowError, find_uses, workflow_files
from fivesafes.adapters.github.admin_inspect import inspect_github_repo
from fivesafes.adapters.github.admin_reads import split_repo
from fivesafes.cli.findings_output import print_findings
from fivesafes.core.admin.environment import ENVIRONMENT
from fivesafes.core.admin.pins import OUR_REPOSITORY, pin_findings, reusable_refs
from fivesafes.core.admin.runners import REUSABLE_PATH, TRE_LABEL
from fivesafes.core.findings import Finding, errors
from fivesafes.errors import FINDINGS, UsageError
from fivesafes.models.policy import Policy
from fivesafes.services.github_setup import github_client, load_labels, load_policy


def local_findings(project: Path, repository: str = OUR_REPOSITORY,
                   pinned: set[str] | None = None) -> list[Finding]:
    """The workflows' pins; ``pinned`` collects the refs the reusable workflow is called at."""
    found: list[Finding] = []
    files = workflow_files(project)
    if not files:
        found.append(Finding(".github/workflows", None, None, "workflow-missing",
                             "no workflow calls the Five Safes automation",
                             "restore .github/workflows/fivesafes.yml from the template"))
    for path in files:
        rel = path.relative_to(project).as_posix()
        try:
            uses = find_uses(path.read_text(encoding="utf-8"), rel)
        except WorkflowError as exc:
            found.append(Finding(rel, None, None, "workflow-yaml", str(exc), "fix the YAML"))
            continue
        found += pin_findings(uses, repository)
        if pinned is not None:
            pinned |= reusable_refs(uses, repository, REUSABLE_PATH)
    return found


NOT_OFFLINE = ("Not checked offline (add --github ORG/NAME): the ruleset and who may bypass it, "
               "the Actions token settings, the labels on GitHub, whether the policy's "
               "approvers and teams exist and have the access their role needs, the "
               "environment that holds the App key and where else the key is a secret, the "
               "TRE runner's runner group, and the fork pull request settings.")


def policy_findings(project: Path, policy: Policy) -> list[Finding]:
    """CODEOWNERS against the policy, and the template's example values still in place."""
    from fivesafes.adapters.files.project import UnreadableProject, scan_tree
    from fivesafes.core.admin.codeowners import codeowners_findings
    from fivesafes.core.request.examples import example_warnings

    path = project / ".github" / "CODEOWNERS"
    found = codeowners_findings(path.read_text(encoding="utf-8") if path.is_file() else None,
                                policy)
    try:
        files, _ = scan_tree(project)
    except UnreadableProject:
        return found
    return found + example_warnings(files)


@click.command()
@click.argument("project_dir", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--github", "github_repo", metavar="ORG/NAME",
              help="Also inspect the repository's settings on GitHub (needs GITHUB_TOKEN).")
@click.option("--app-id", type=int, metavar="ID",
              help="The automation's GitHub App (default: the App that may bypass the "
                   "default branch's ruleset): every required check must be bound to it.")
@click.option("--environment", default=ENVIRONMENT, show_default=True, metavar="NAME",
              help="With --github: the environment that must hold the App key (the reusable "
                   "workflow's `environment` input).")
@click.option("--tre-label", default=TRE_LABEL, show_default=True, metavar="LABEL",
              help="With --github: the label of the self-hosted runner inside the TRE.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--org-policy", type=click.Path(path_type=Path, dir_okay=False),
              help="The central policy as a local file, for a policy that extends it.")
def doctor(project_dir: Path, github_repo: str | None, app_id: int | None, environment: str,
           tre_label: str, as_json: bool, org_policy: Path | None) -> None:
    """Report weak protection of a project repository, with the fix for each.

    Checks that workflows pin what they run (a full SHA, or a release tag of
    fivesafes-gitops) and, with --github: the ruleset of the default branch (pull request,
    stale reviews dismissed, no review requirement beyond the engine's, the Five Safes
    checks bound to the automation's App, no force push, no deletion, no administrator
    bypass), disclosure branches and release tags left to the App, the policy's approvers
    and teams, the labels, the Actions token settings, the environment that holds the App
    key (the default branch only) and that the key is a secret nowhere else, the runner group
    of the TRE runner (selected repositories, the reusable workflow only, no public
    repositories, ephemeral runners) and the fork pull request settings.
    """
    if not project_dir.is_dir():
        raise UsageError(f"{project_dir}: no such folder")
    policy = load_policy(project_dir, org_policy)
    pinned: set[str] = set()
    found = local_findings(project_dir, policy.automation.repository, pinned)
    found += policy_findings(project_dir, policy)
    found += sandbox_findings(policy)
    if github_repo:
        split_repo(github_repo)
        api, _ = github_client()
        found += inspect_github_repo(api, github_repo, policy, load_labels(project_dir, policy),
                                     app_id, environment=environment, tre_label=tre_label,
                                     pinned=pinned)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in found], indent=2))
    else:
        print_findings(found)
        click.echo(f"{len(found)} finding(s)" if found else "No weaknesses found.")
    if not github_repo:
        click.echo(NOT_OFFLINE, err=as_json)
    if errors(found):
        raise SystemExit(FINDINGS)
