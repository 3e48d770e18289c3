"""``fivesafes init DIR``: a new project repository from the template, without prompts.

Every option has the template's value as its default, so ``fivesafes init DIR`` alone gives
a complete, valid request to edit. The project gets a fresh urn:uuid unless one is given.
"""

from __future__ import annotations

from pathlib import Path

import click

from fivesafes.adapters.files.template import render_project, start_repository
from fivesafes.cli.errors import failing
from fivesafes.cli.output import Output, json_option
from fivesafes.core.admin.environment import ENVIRONMENT
from fivesafes.core.admin.init_plan import InitOptions


@click.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--title", help="Project title.")
@click.option("--requester-name", help="Name of the researcher requesting access.")
@click.option("--requester-orcid", help="ORCID iD, e.g. https://orcid.org/0000-0002-1825-0097.")
@click.option("--requester-email", help="E-mail address of the researcher.")
@click.option("--requester-github", help="GitHub login of the researcher.")
@click.option("--approver", "approvers", multiple=True, metavar="LOGIN_OR_TEAM",
              help="Sign-off approver (login or @org/team); repeat for more.")
@click.option("--checker", "checkers", multiple=True, metavar="LOGIN_OR_TEAM",
              help="Disclosure output checker (login or @org/team); repeat for more.")
@click.option("--project-id", metavar="URN", help="urn:uuid to use instead of a fresh one.")
@click.option("--no-git", is_flag=True, help="Do not run git init and the first commit.")
@click.option("--github", "github_repo", metavar="ORG/NAME",
              help="Also create or repair the private repository ORG/NAME on GitHub "
                   "(token from GITHUB_TOKEN or GH_TOKEN). Run again on the same DIRECTORY "
                   "to repair drift.")
@click.option("--app-id", type=int,
              help="The automation's GitHub App id: the only actor that may bypass the ruleset.")
@click.option("--environment", default=ENVIRONMENT, show_default=True, metavar="NAME",
              help="With --github: the environment that holds the App key, created or "
                   "repaired to admit the default branch only (the reusable workflow's "
                   "`environment` input).")
@click.option("--maintainer", "maintainers", multiple=True, metavar="LOGIN_OR_TEAM",
              help="Maintainer of the project repository (login or @org/team); repeat.")
@click.option("--tre-name", help="Name of the Trusted Research Environment.")
@click.option("--tre-url", help="https address of the TRE.")
@click.option("--tre-ror", help="ROR id of the organisation running the TRE.")
@click.option("--executor", type=click.Choice(["local", "extract", "http"]),
              help="How approved workflows run in the TRE.")
@click.option("--publication", "publication", multiple=True,
              type=click.Choice(["directory", "github-release"]),
              help="Where approved releases go; repeat for both.")
@click.option("--extends", metavar="ORG/REPO[/PATH][@REF]",
              help="The organisation's central policy this project extends (and may only "
                   "tighten); the project policy then holds only the reference and what "
                   "--approver/--checker/--maintainer tighten.")
@click.option("--automation", metavar="ORG/REPO",
              help="The repository of the actions and reusable workflow (your fork or mirror "
                   "of fivesafes-gitops); the workflows and the policy name it.")
@json_option
def init(directory: Path, title: str | None, requester_name: str | None,
         requester_orcid: str | None, requester_email: str | None,
         requester_github: str | None, approvers: tuple[str, ...], checkers: tuple[str, ...],
         project_id: str | None, no_git: bool, github_repo: str | None,
         app_id: int | None, environment: str, maintainers: tuple[str, ...],
         tre_name: str | None,
         tre_url: str | None, tre_ror: str | None, executor: str | None,
         publication: tuple[str, ...], extends: str | None, automation: str | None,
         as_json: bool) -> None:
    """Create a project repository in DIRECTORY (new or empty) from the template.

    Writes the request files, the policy and the JSON Schemas, assigns a fresh project id,
    runs `git init -b main` and commits. Refuses a folder that is not empty, except with
    --github on an existing project, which then only creates or repairs the GitHub side.
    """
    out = Output(as_json)
    report: dict[str, object] = {"directory": str(directory), "project": None,
                                 "example-values": [], "github": None}
    if github_repo:
        from fivesafes.services.github_setup import is_project

        if is_project(directory):
            report["github"] = _github(directory, github_repo, app_id, environment, out)
            out.result(report)
            return
    options = InitOptions(
        title=title, requester_name=requester_name, requester_orcid=requester_orcid,
        requester_email=requester_email, requester_github=requester_github,
        approvers=approvers, checkers=checkers, project_id=project_id,
        maintainers=maintainers, tre_name=tre_name, tre_url=tre_url, tre_ror=tre_ror,
        executor=executor, publication=publication, extends=extends, automation=automation,
    )
    new_id = render_project(directory, options)  # an InitError's findings are its details
    if not no_git:
        with failing(fix=f"the files are in {directory}: run git yourself"):
            start_repository(directory, new_id)
    out.line(f"Created project {new_id} in {directory}")
    report["project"] = new_id
    report["example-values"] = _name_leftovers(directory, out)
    if github_repo:
        report["github"] = _github(directory, github_repo, app_id, environment, out)
    else:
        out.line("Next: edit the files under resources/, then run "
                 f"`fivesafes validate {directory}`")
    out.result(report)


def _github(directory: Path, org_repo: str, app_id: int | None, environment: str,
            out: Output) -> dict[str, object]:
    """Create or repair the GitHub side; say what changed and where the App key goes."""
    from fivesafes.services.github_setup import init_github, key_advice

    changes = init_github(directory, org_repo, app_id, environment=environment)
    for change in changes:
        out.line(f"github: {change}")
    if not changes:
        out.line(f"github: {org_repo} is already as it should be; nothing changed")
    out.line(f"github: {key_advice(environment)}")
    out.line(f"Next: `fivesafes doctor {directory} --github {org_repo}`")
    return {"repository": org_repo, "changes": changes, "environment": environment}


def _name_leftovers(directory: Path, out: Output) -> list[str]:
    """Say which of the template's example values the options left in place."""
    from fivesafes.adapters.files.project import UnreadableProject, scan_tree
    from fivesafes.core.request.examples import example_warnings

    try:
        files, _ = scan_tree(directory)
    except UnreadableProject:
        return []
    left = example_warnings(files)
    if left:
        out.line(f"{len(left)} example value(s) of the template are still in place "
                 "(`fivesafes validate` names each):")
        for finding in left:
            out.line(f"  {finding.where}: {finding.message}")
    return [f"{f.where}: {f.message}" for f in left]
