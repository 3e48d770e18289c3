"""Prints findings as text (people), JSON (tools) or GitHub annotations (Actions logs).

One renderer for every command that reports findings, so a finding reads the same whether
it comes from ``validate``, ``crate build`` or a pull-request check.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Literal

import click

from fivesafes.core.findings import Finding

Format = Literal["text", "json", "github"]
FORMATS: tuple[Format, ...] = ("text", "json", "github")


def text_line(finding: Finding) -> str:
    """``rule: file:line: message; fix: ...`` (``warning:`` or ``review:`` before the message
    when it is not an error): the rule first, so a log is searched by what failed."""
    where = finding.file if finding.line is None else f"{finding.file}:{finding.line}"
    tag = "" if finding.severity == "error" else f"{finding.severity}: "
    line = f"{finding.rule}: {where}: {tag}{finding.message}"
    return f"{line}; fix: {finding.fix}" if finding.fix else line


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """``::error file=..,line=..,col=..,title=<rule>::message``"""
    props = [f"file={_escape_property(finding.file)}"]
    if finding.line is not None:
        props.append(f"line={finding.line}")
        if finding.column is not None:
            props.append(f"col={finding.column}")
    props.append(f"title={_escape_property(finding.rule)}")
    message = finding.message + (f"; fix: {finding.fix}" if finding.fix else "")
    level = "error" if finding.severity == "error" else "warning"
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def print_findings(findings: Sequence[Finding], fmt: Format = "text", *,
                   err: bool = False) -> None:
    """Each finding on its line: text for people, a workflow command for Actions logs (JSON
    reports put ``Finding.as_dict()`` in their own document)."""
    for finding in findings:
        click.echo(annotation(finding) if fmt == "github" else text_line(finding), err=err)


def summary(findings: Sequence[Finding], files: int) -> dict[str, object]:
    n_errors = sum(1 for f in findings if f.severity == "error")
    return {"valid": n_errors == 0, "errors": n_errors, "warnings": len(findings) - n_errors,
            "files": files}


def summary_line(findings: Sequence[Finding], files: int) -> str:
    s = summary(findings, files)
    plural = "" if s["files"] == 1 else "s"
    counts = f"{s['errors']} error(s), {s['warnings']} warning(s) in {s['files']} file{plural}"
    return ("valid: " if s["valid"] else "not valid: ") + counts


def emit(findings: Sequence[Finding], fmt: Format, files: int) -> None:
    ordered = sorted(findings, key=lambda f: (f.file, f.line or 0, f.column or 0, f.rule))
    if fmt == "json":
        body = {"findings": [f.as_dict() for f in ordered], "summary": summary(ordered, files)}
        click.echo(json.dumps(body, indent=2, sort_keys=True))
        return
    if fmt == "github":
        for finding in ordered:
            click.echo(annotation(finding))
        click.echo(summary_line(ordered, files))
        return
    if sys.stdout.isatty():
        _emit_rich(ordered, files)
        return
    for finding in ordered:
        click.echo(text_line(finding))
    click.echo(summary_line(ordered, files))


def _emit_rich(findings: Sequence[Finding], files: int) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False)
    for finding in findings:
        colour = "red" if finding.severity == "error" else "yellow"
        console.print(f"[{colour}]{escape(text_line(finding))}[/{colour}]")
    ok = summary(findings, files)["valid"]
    console.print(f"[bold {'green' if ok else 'red'}]{summary_line(findings, files)}[/]")
