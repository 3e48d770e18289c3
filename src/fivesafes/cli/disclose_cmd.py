"""``fivesafes disclose [PROJECT_DIR]``: put the outputs before the output checkers."""

from __future__ import annotations

from pathlib import Path

import click

from fivesafes.adapters.git import lifecycle as lifecycle_git
from fivesafes.cli.errors import failing
from fivesafes.cli.findings_output import text_line
from fivesafes.cli.handback_flag import handback_option, refuse_recording
from fivesafes.cli.output import Output, json_option
from fivesafes.core import layout
from fivesafes.core.outputs.found import reported as as_reported
from fivesafes.services import disclose as disclosure
from fivesafes.services.attempt import RunOptions
from fivesafes.services.disclosure_proposal import propose


@click.command()
@click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--staging-dir", type=click.Path(file_okay=False, path_type=Path),
              help="The staging folder the execution used (see `fivesafes execute`).")
@click.option("--branch/--no-branch", "use_branch", default=None,
              help="Commit the manifest on a new disclosure branch (default: in a git checkout).")
@click.option("--push", is_flag=True, help="Push the disclosure branch to origin.")
@click.option("--open-pr", is_flag=True,
              help="Open the disclosure pull request on GitHub (GITHUB_REPOSITORY, GITHUB_TOKEN).")
@handback_option("add the manifest to the hand-back in this folder instead of committing "
                 "it; `fivesafes handback` proposes it.")
@json_option
def disclose(project_dir: Path, staging_dir: Path | None, use_branch: bool | None, push: bool,
             open_pr: bool, handback_dir: Path | None, as_json: bool) -> None:
    """Check the staged outputs and write outputs/manifest.toml for the output checkers.

    The manifest lists each output's path, size, sha-512 and media type with the findings of
    the built-in disclosure checks (small cells, size, type, identifier-like text, ACRO). It is
    the only thing committed: output data never enters git. Refuses (exit 1) without a
    completed execution or when a staged output changed since the run.
    """
    refuse_recording(handback_dir, {"--branch": use_branch, "--push": push, "--open-pr": open_pr})
    with failing("disclose refused"):
        result = disclosure.prepare(project_dir, RunOptions(staging_root=staging_dir))
    out = Output(as_json)
    out.line(f"wrote {layout.OUTPUTS_MANIFEST}: {len(result.manifest.output)} output(s), "
             f"{len(result.report.findings)} finding(s)")
    reported = [as_reported(f) for f in result.report.findings]
    for finding in reported:  # the product's one finding, printed by the one text reporter
        out.line(f"  {text_line(finding)}")
    if result.report.acro_summary:
        out.line(f"  {result.report.acro_summary}")
    report: dict[str, object] = {
        "manifest": layout.OUTPUTS_MANIFEST, "attempt": result.attempt,
        "outputs": [o.path for o in result.manifest.output],
        "excluded": [x.path for x in result.manifest.excluded],
        "findings": [f.as_dict() for f in reported],
        "acro-summary": result.report.acro_summary or None, "branch": None,
        "pull-request": None, "handback": str(handback_dir) if handback_dir else None}
    if handback_dir is not None:
        out.line(hand_back(handback_dir, project_dir, result.text))
    else:
        if use_branch is None:
            use_branch = lifecycle_git.is_repo(project_dir)
        if use_branch:
            with failing("disclose"):
                proposal = propose(project_dir, result.text, result.attempt, push or open_pr,
                                   open_pr)
            for line in proposal.lines():
                out.line(line)
            report.update(proposal.as_json())
    out.result(report)


def hand_back(folder: Path, project_dir: Path, text: str) -> str:
    from fivesafes.adapters.files import handback
    from fivesafes.adapters.files.project import load_project
    from fivesafes.core.lifecycle.handback import Handback

    request = load_project(project_dir).request.id
    handback.write(folder, Handback("execution", request, (), "", manifest=text))
    return f"handed back {layout.OUTPUTS_MANIFEST} in {folder}"
