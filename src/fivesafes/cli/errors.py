"""Exit codes and the one way commands fail (DESIGN.md section 5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from fivesafes.core.findings import errors

if TYPE_CHECKING:
    from fivesafes.adapters.files.project import ProjectError

OK = 0
FINDINGS = 1
USAGE = 2
EXTERNAL = 3


class CommandError(click.ClickException):
    """A failure with a message naming what and how to fix it, and a documented exit code."""

    def __init__(self, message: str, exit_code: int = USAGE) -> None:
        super().__init__(message)
        # click declares exit_code as a class variable; each error carries its own here.
        setattr(self, "exit_code", exit_code)  # noqa: B010


def invalid_request(exc: ProjectError) -> CommandError:
    """Print the request's error findings (file:line: message; fix) and the error to raise."""
    for finding in errors(exc.findings):
        click.echo(finding.render(), err=True)
    return CommandError("the request is not valid; fix the findings above "
                        "(`fivesafes validate` lists them all)", FINDINGS)
