"""Exit codes and the one way commands fail (DESIGN.md section 5)."""

from __future__ import annotations

import click

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
