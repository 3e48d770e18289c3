"""``fivesafes org doctor ORG`` and ``fivesafes org upgrade ORG --to vX.Y.Z``: the per-project
``doctor`` and ``upgrade`` over every project repository of the organisation, through the API.
"""

from __future__ import annotations

import json

import click

from fivesafes.cli.errors import failing
from fivesafes.cli.output import Output, json_option
from fivesafes.core.admin.pins import RELEASE_RE, SHA_RE
from fivesafes.core.org.source import OrgSource
from fivesafes.errors import FINDINGS, UsageError

TOPIC = click.option("--topic", default="fivesafes", show_default=True,
                     help="The topic that marks a project repository.")
TEMPLATE = click.option("--template", metavar="ORG/REPO",
                        help="Also count repositories made from this template.")


@click.command("doctor")
@click.argument("org_name", metavar="ORG")
@TOPIC
@TEMPLATE
@click.option("--environment", default="fivesafes", show_default=True, metavar="NAME",
              help="The environment that must hold the App key in each repository.")
@click.option("--tre-label", default="tre", show_default=True, metavar="LABEL",
              help="The label of the self-hosted runner inside the TRE.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings per repository.")
def doctor_all(org_name: str, topic: str, template: str | None, environment: str,
               tre_label: str, as_json: bool) -> None:
    """Every project repository: protection, the App key's environment, the TRE runner's
    group, fork pull request settings, pins, labels, CODEOWNERS against the policy, and
    example values still in place. Exit 1 when any has something to fix."""
    from fivesafes.adapters.github.api import GitHubApi
    from fivesafes.adapters.org.bulk import doctor_repo, project_files_of
    from fivesafes.adapters.org.github_projects import project_repos, read_repo

    report: list[dict[str, object]] = []
    to_fix = 0
    with failing("GitHub"):
        api = GitHubApi.from_env()
        central: dict[str, OrgSource] = {}
        for repo in project_repos(api, org_name, topic, template):
            files = read_repo(api, repo, central)
            if files.policy is None:
                found_json: list[dict[str, object]] = [
                    {"file": ".github/fivesafes.toml", "line": None, "column": None,
                     "rule": "policy-unusable", "message": p, "fix": "", "severity": "error"}
                    for p in files.problems]
            else:
                found = doctor_repo(api, repo, files.policy, project_files_of(api, repo),
                                    environment=environment, tre_label=tre_label)
                found_json = [f.as_dict() for f in found]
            bad = [f for f in found_json if f["severity"] == "error"]
            to_fix += bool(bad)
            report.append({"repository": files.repo, "findings": found_json})
            if not as_json:
                click.echo(f"{files.repo}: {len(bad)} to fix, "
                           f"{len(found_json) - len(bad)} warning(s)")
                for f in found_json:
                    click.echo(f"  {f['severity']}: {f['file']}: {f['message']}")
    if as_json:
        click.echo(json.dumps({"organisation": org_name, "repositories": report}, indent=2))
    else:
        click.echo(f"{len(report)} repositories, {to_fix} with something to fix")
    if to_fix:  # the same rule as `fivesafes doctor`: only errors fail
        raise SystemExit(FINDINGS)


@click.command("upgrade")
@click.argument("org_name", metavar="ORG")
@click.option("--to", "tag", required=True, metavar="vX.Y.Z", help="The release to move to.")
@click.option("--sha", metavar="40HEX", help="Pin the release's commit SHA instead of the tag.")
@TOPIC
@TEMPLATE
@json_option
def upgrade_all(org_name: str, tag: str, sha: str | None, topic: str,
                template: str | None, as_json: bool) -> None:
    """One pull request per project repository moving its pins to TAG (or a report of where
    Dependabot already opened one). Each repository follows its policy's automation fork."""
    if not RELEASE_RE.match(tag):
        raise UsageError(f"--to {tag}: a release tag looks like v1.2.3")
    if sha is not None and not SHA_RE.match(sha):
        raise UsageError(f"--sha {sha}: give the full 40-character commit SHA")
    from fivesafes.adapters.github.api import GitHubApi
    from fivesafes.adapters.org.bulk import upgrade_repo
    from fivesafes.adapters.org.github_projects import project_repos, read_repo
    from fivesafes.models.policy import DEFAULT_AUTOMATION

    out = Output(as_json)
    results: list[dict[str, object]] = []
    with failing("GitHub"):
        api = GitHubApi.from_env()
        central: dict[str, OrgSource] = {}
        for repo in project_repos(api, org_name, topic, template):
            files = read_repo(api, repo, central)
            automation = (files.policy.automation.repository if files.policy
                          else DEFAULT_AUTOMATION)
            done = upgrade_repo(api, repo, automation, tag, sha)
            out.line(f"{done.repository}: {done.outcome}"
                     + (f" {done.url}" if done.url else "")
                     + (f" ({done.detail})" if done.detail else ""))
            results.append({"repository": done.repository, "outcome": done.outcome,
                            "url": done.url or None, "detail": done.detail or None})
    out.result({"to": tag, "sha": sha, "repositories": results})
