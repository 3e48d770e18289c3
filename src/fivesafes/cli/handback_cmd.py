"""``fivesafes handback HANDBACK_DIR [PROJECT_DIR]``: record what a TRE job handed back."""

from __future__ import annotations

from pathlib import Path

import click

from fivesafes.adapters.files import handback as handback_files
from fivesafes.adapters.files.toml_edit import write_atomic
from fivesafes.adapters.git.lifecycle import commit_paths, is_repo, record_remotely
from fivesafes.adapters.ledger.append import refresh_crate
from fivesafes.adapters.ledger.commit import append_once
from fivesafes.cli.errors import failing
from fivesafes.cli.output import Output, json_option
from fivesafes.core import layout
from fivesafes.errors import error_for
from fivesafes.services.disclosure_proposal import propose
from fivesafes.services.handback import Checked, check, publish_release
from fivesafes.services.software import software


@click.command()
@click.argument("handback_dir", type=click.Path(file_okay=False, path_type=Path))
@click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--push", is_flag=True,
              help="Record on origin's branch by compare-and-swap (the automation); without "
                   "it, record in the checkout and commit there.")
@click.option("--open-pr", is_flag=True,
              help="Open the disclosure pull request for a handed-back manifest "
                   "(GITHUB_REPOSITORY, GITHUB_TOKEN).")
@json_option
def handback(handback_dir: Path, project_dir: Path, push: bool, open_pr: bool,
             as_json: bool) -> None:
    """Check and record a hand-back of the TRE job, in a hosted job that holds the token.

    The TRE runner holds no token: `execute`, `disclose`, `publish` and `retention` given
    `--handback DIR` write there the record entries they made, the outputs manifest and, after
    approval, the public release zip; nothing else may be in DIR. This command refuses (exit 1)
    a hand-back of another request or phase, an execution of other files than the signed-off
    ones, a manifest listing outputs the execution did not record, or a zip that does not
    verify or carries data the policy keeps in the TRE. Otherwise it records the entries
    (once: a re-run records nothing twice), opens the disclosure pull request, or puts the zip
    on the GitHub Release. It then exits as the TRE command did (1 refused, 3 failed).
    """
    given, release_zip = handback_files.read(handback_dir)
    checked = check(project_dir, given, release_zip)
    url, proposed = None, {}
    out = Output(as_json)
    if not checked.already:
        with failing("handback: the release could not be published"):
            url = publish_release(checked)
        _record(checked, project_dir, push)
        if given.manifest is not None and given.exit_code == 0:
            if push or is_repo(project_dir):
                attempt = checked.entries[-1].attempt
                with failing("handback: the disclosure could not be proposed"):
                    proposal = propose(project_dir, given.manifest, attempt, push or open_pr,
                                       open_pr)
                for line in proposal.lines():
                    out.line(line)
                proposed = proposal.as_json()
            else:
                write_atomic(project_dir / layout.OUTPUTS_MANIFEST, given.manifest)
    _report(checked, url, release_zip, out, proposed)
    if given.exit_code:
        raise error_for(given.exit_code, f"the TRE job's {given.kind} did not complete: "
                        f"{checked.entries[-1].reason if checked.entries else given.message}")


def _record(checked: Checked, project_dir: Path, push: bool) -> None:
    entries = list(checked.handback.entries)
    if not entries:
        return
    message = checked.handback.message or f"fivesafes: {checked.handback.kind} recorded"

    def rebuild(work: Path) -> None:
        refresh_crate(work, software())

    with failing("handback: the entries were not recorded"):
        if push:
            record_remotely(project_dir, entries, message, rebuild)
            return
        delivery = str(entries[-1]["evidence"]["delivery"])
        if append_once(project_dir, delivery, entries, rebuild) and is_repo(project_dir):
            commit_paths(project_dir, [layout.ACTIONS, layout.CRATE_DIR], message)


def _report(checked: Checked, url: str | None, release_zip: Path | None, out: Output,
            proposed: dict[str, str | None]) -> None:
    given = checked.handback
    for note in given.notes:
        out.line(f"  {note}")
    state = "already recorded" if checked.already else "recorded"
    out.line(f"{given.kind} hand-back of {given.request}: {len(checked.entries)} "
             f"entr{'y' if len(checked.entries) == 1 else 'ies'} {state}")
    if url:
        out.line(f"  released {url}")
    out.result({"kind": given.kind, "request": given.request,
                "already-recorded": checked.already,
                "entries": [e.id for e in checked.entries], "release-url": url,
                "zip": str(release_zip) if release_zip else None,
                "exit-code": given.exit_code, **proposed})
