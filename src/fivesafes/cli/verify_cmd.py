"""``fivesafes verify FILE.zip``: may this release be trusted? Reads it, never extracts it.

Anyone who receives a release runs this: it checks the archive is safe to handle, the bag is
complete and untouched, the crate follows Five Safes RO-Crate 0.4, and every recorded action
(sign-off, disclosure, ...) completed. Exit 0 only when all of that holds.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click

from fivesafes.adapters.release.authentic import INTEGRITY_ONLY, RecordSource, verify_authentic
from fivesafes.adapters.release.verify import Limits, Unreadable, VerifyReport
from fivesafes.cli.errors import failing
from fivesafes.cli.findings_output import print_findings
from fivesafes.core.findings import errors
from fivesafes.errors import FINDINGS, OK, UsageError

DEFAULTS = Limits()


def summary_line(report: VerifyReport, failed: bool) -> str:
    n_errors = len(errors(report.findings))
    n_warnings = len(report.findings) - n_errors
    verdict = "FAILED" if failed else "OK"
    return (f"{verdict}: {report.file}: {n_errors} error(s), {n_warnings} warning(s); "
            f"bag {report.bag or '-'}, {report.payload_files} payload file(s), "
            f"{report.payload_bytes} bytes")


@click.command()
@click.argument("zip_file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report for machines.")
@click.option("--max-total-bytes", type=click.IntRange(min=1), default=DEFAULTS.max_total_bytes,
              show_default=True, help="Refuse archives expanding to more bytes than this.")
@click.option("--max-ratio", type=click.FloatRange(min=1), default=DEFAULTS.max_ratio,
              show_default=True,
              help="Refuse members (over 1 MiB) expanding more than this many times.")
@click.option("--max-members", type=click.IntRange(min=1), default=DEFAULTS.max_members,
              show_default=True, help="Refuse archives with more members than this.")
@click.option("--strict", is_flag=True, help="Warnings (SHOULD requirements) fail too.")
@click.option("--record", "record_dir", type=click.Path(path_type=Path, file_okay=False),
              help="A checkout of the project repository: the zip must be a release its action "
                   "record published, with the actions the record holds.")
@click.option("--repo", "repo", metavar="OWNER/NAME",
              help="As --record, reading the record from the repository's default branch "
                   "through the GitHub API (GITHUB_API_URL, GITHUB_TOKEN).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: only on a terminal).")
def verify(zip_file: Path, as_json: bool, max_total_bytes: int, max_ratio: float,
           max_members: int, strict: bool, record_dir: Path | None, repo: str | None,
           progress: bool | None) -> None:
    """Verify a release zip: archive safety, BagIt 1.0 bag, crate, profile, every action.

    Reads ZIP_FILE (or an unpacked bag folder) as a stream and never writes or extracts
    anything. Checks: exactly one top-level bag folder; no absolute paths, '..',
    backslashes, duplicate names, links, special files or encryption; size, ratio and
    member-count limits; the BagIt tag files and every manifest (any algorithm), each
    payload file listed and matching, nothing unlisted or missing; the tag manifest; the
    declared profile version; the crate against the RO-Crate 1.2 and Five Safes RO-Crate
    0.4 MUST rules (SHOULD rules as warnings); and the status of every action: a failed or
    pending sign-off or disclosure, or rejected results that were shipped, fails the
    release. A ZIP_FILE.sha512 beside it must match.

    That checks integrity, not who approved: with --record or --repo the zip must also be
    a release the project's record published (its bytes, or its bag's tag manifest for a
    re-zip) and the crate's actions must be the record's. The GitHub artifact attestation
    is checked with `gh attestation verify ZIP_FILE --repo OWNER/NAME`.

    Exit 0 when everything holds, 1 when there are findings, 2 when the file is not a
    readable zip or the record cannot be read, 3 when GitHub failed.
    """
    limits = replace(DEFAULTS, max_total_bytes=max_total_bytes, max_ratio=max_ratio,
                     max_members=max_members)
    source = _record(record_dir, repo)
    with failing(fix="give the path of a release .zip"):
        try:
            report = verify_authentic(zip_file, limits, record=source, progress=progress)
        except Unreadable as exc:  # the JSON reader gets its verdict too, then the error
            if as_json:
                click.echo(json.dumps({"file": zip_file.name, "ok": False, "error": str(exc)}))
            raise
    failed = not report.ok or (strict and bool(report.findings))
    if as_json:
        body = report.as_dict()
        body["ok"] = not failed
        click.echo(json.dumps(body, indent=2, sort_keys=True))
    else:
        print_findings(report.findings)
        click.echo(checked_line(report, zip_file.name))
        click.echo(summary_line(report, failed))
    sys.exit(FINDINGS if failed else OK)


def _record(record_dir: Path | None, repo: str | None) -> RecordSource | None:
    if record_dir is not None and repo is not None:
        raise UsageError("give --record or --repo, not both")
    if record_dir is None and repo is None:
        return None
    # loaded only when asked for: the record's models would slow every plain verify's start
    from fivesafes.adapters.release.record_source import record_from_dir, record_from_repo

    if record_dir is not None:
        return record_from_dir(record_dir)
    return record_from_repo(str(repo))


def checked_line(report: VerifyReport, zip_name: str) -> str:
    """What the verdict covers: integrity only, or the record too."""
    checked = report.checked
    if checked.get("record") and checked.get("publication"):
        how = "the same bytes" if checked.get("same_bytes") else "a re-zip of the same bag"
        return (f"checked: integrity and the record {checked['record']}: this is "
                f"{checked['publication']} ({how})")
    if checked.get("record"):
        return f"checked: integrity and the record {checked['record']}"
    return (f"checked: {INTEGRITY_ONLY}; check who approved it with --record PROJECT_DIR or "
            f"--repo OWNER/NAME, and the attestation with `gh attestation verify {zip_name} "
            "--repo OWNER/NAME`")
