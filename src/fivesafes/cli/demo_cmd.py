"""``fivesafes demo [DIR]``: watch a request go through every Five Safes phase, locally."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console

from fivesafes.adapters.release.verify import Limits, verify_release
from fivesafes.cli.errors import failing
from fivesafes.cli.findings_output import text_line
from fivesafes.cli.output import Output, json_option
from fivesafes.demo.run import run_demo
from fivesafes.demo.stage import DEMO_EPOCH
from fivesafes.errors import FindingsError, UsageError
from fivesafes.services.software import software


@click.command()
@click.argument("directory", default="fivesafes-demo",
                type=click.Path(file_okay=False, path_type=Path))
@json_option
def demo(directory: Path, as_json: bool) -> None:
    """Run the whole lifecycle of a request in DIR (default ./fivesafes-demo), in seconds.

    No network and no GitHub: a local bare repository stands in for GitHub, and the real
    phase engine decides on the demo's pull requests, labels and reviews. DIR must be new or
    empty; it ends up holding project/ (the project repository), remote.git, tre/ (the
    synthetic source and the staging folder) and release/ (the release zip and its .sha512).

    Times are pinned to SOURCE_DATE_EPOCH, or to 2026-01-01T12:00:00Z when it is unset, so
    two demos write byte-identical zips.
    """
    console = Console(highlight=False, stderr=as_json)
    started = time.monotonic()

    def say(phase: str, text: str) -> None:
        console.print(f"[bold cyan]{phase:>17}[/]  {text}", soft_wrap=True)

    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(f"{directory} is not empty; give a new or empty folder")
    say("demo", f"into {directory} (times pinned to SOURCE_DATE_EPOCH, default {DEMO_EPOCH})")
    with failing("demo"):
        release = run_demo(directory, say, software())
    report = verify_release(release, Limits(), progress=False)
    if not report.ok:
        for finding in report.findings:
            say("verify", text_line(finding))
        raise FindingsError(f"demo: the release {release} does not verify")
    say("verify", f"release verifies: {report.payload_files} payload file(s)")
    say("done", f"in {time.monotonic() - started:.1f} s; release zip:")
    if as_json:
        Output(as_json).result({"release": str(release), "project": str(directory / "project"),
                                "payload-files": report.payload_files, "verified": True})
    else:
        click.echo(str(release))
