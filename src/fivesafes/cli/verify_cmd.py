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

from fivesafes.adapters.release.verify import Limits, Unreadable, VerifyReport, verify_release
from fivesafes.cli.errors import FINDINGS, OK, USAGE, CommandError
from fivesafes.core.findings import Finding, errors

DEFAULTS = Limits()


def finding_line(finding: Finding, zip_name: str) -> str:
    """``rule: message`` (plus where, when more precise than the zip, and the fix)."""
    tag = "warning: " if finding.severity == "warning" else ""
    text = f"{finding.rule}: {tag}{finding.message}"
    where = finding.where.removeprefix(zip_name).lstrip(":")
    if where:
        text += f" (in {where})"
    return text + (f"; fix: {finding.fix}" if finding.fix else "")


def summary_line(report: VerifyReport, failed: bool) -> str:
    n_errors = len(errors(report.findings))
    n_warnings = len(report.findings) - n_errors
    verdict = "FAILED" if failed else "OK"
    return (f"{verdict}: {report.file}: {n_errors} error(s), {n_warnings} warning(s); "
            f"bag {report.bag or '-'}, {report.payload_files} payload file(s), "
            f"{report.payload_bytes} bytes")


@click.command()
@click.argument("zip_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report for machines.")
@click.option("--max-total-bytes", type=click.IntRange(min=1), default=DEFAULTS.max_total_bytes,
              show_default=True, help="Refuse archives expanding to more bytes than this.")
@click.option("--max-ratio", type=click.FloatRange(min=1), default=DEFAULTS.max_ratio,
              show_default=True,
              help="Refuse members (over 1 MiB) expanding more than this many times.")
@click.option("--max-members", type=click.IntRange(min=1), default=DEFAULTS.max_members,
              show_default=True, help="Refuse archives with more members than this.")
@click.option("--strict", is_flag=True, help="Warnings (SHOULD requirements) fail too.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: only on a terminal).")
def verify(zip_file: Path, as_json: bool, max_total_bytes: int, max_ratio: float,
           max_members: int, strict: bool, progress: bool | None) -> None:
    """Verify a release zip: archive safety, BagIt 1.0 bag, crate, profile, every action.

    Reads ZIP_FILE as a stream and never writes or extracts anything. Checks: exactly one
    top-level bag folder; no absolute paths, '..', backslashes, duplicate names, links,
    special files or encryption; size, ratio and member-count limits; BagIt 1.0 tag files,
    External-Identifier and Payload-Oxum; every payload file listed in manifest-sha512.txt
    and matching, nothing unlisted or missing; the tag manifest; the crate against the
    RO-Crate 1.2 and Five Safes RO-Crate 0.4 MUST rules (SHOULD rules as warnings); and the
    status of every action: a failed or pending sign-off or disclosure, or rejected results
    that were shipped, fails the release.

    Exit 0 when everything holds, 1 when there are findings, 2 when the file is not a
    readable zip.
    """
    limits = replace(DEFAULTS, max_total_bytes=max_total_bytes, max_ratio=max_ratio,
                     max_members=max_members)
    try:
        report = verify_release(zip_file, limits, progress=progress)
    except Unreadable as exc:
        if as_json:
            click.echo(json.dumps({"file": zip_file.name, "ok": False, "error": str(exc)}))
        raise CommandError(f"{exc}; fix: give the path of a release .zip", USAGE) from None
    failed = not report.ok or (strict and bool(report.findings))
    if as_json:
        body = report.as_dict()
        body["ok"] = not failed
        click.echo(json.dumps(body, indent=2, sort_keys=True))
    else:
        for finding in report.findings:
            click.echo(finding_line(finding, report.file))
        click.echo(summary_line(report, failed))
    sys.exit(FINDINGS if failed else OK)
