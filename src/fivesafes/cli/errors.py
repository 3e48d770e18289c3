"""How a command fails: one handler turns every error into its message and exit code.

Commands raise :class:`~fivesafes.errors.FivesafesError` subclasses (adapters' own, or
:class:`CommandError` where the command adds what it was doing); :func:`handled` is the only
place that maps them to click's exit, and the only place an unexpected exception is reported as
the bug it is (exit 70, traceback behind ``--debug`` or ``FIVESAFES_DEBUG=1``).
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import click

from fivesafes.core.findings import errors
from fivesafes.errors import BUG, EXTERNAL, FINDINGS, OK, USAGE, FivesafesError

if TYPE_CHECKING:
    from fivesafes.adapters.files.project import ProjectError

__all__ = ["BUG", "EXTERNAL", "FINDINGS", "OK", "USAGE", "CommandError", "failing", "handled",
           "invalid_request"]

T = TypeVar("T")


class CommandError(FivesafesError, click.ClickException):
    """A failure with a message naming what and how to fix it, and its documented exit code."""

    def __init__(self, message: str, exit_code: int = USAGE) -> None:
        FivesafesError.__init__(self, message)
        click.ClickException.__init__(self, message)
        # click declares exit_code as a class variable; each error carries its own here.
        setattr(self, "exit_code", exit_code)  # noqa: B010


def debugging() -> bool:
    """``--debug`` on the command line or ``FIVESAFES_DEBUG=1`` in the environment."""
    ctx = click.get_current_context(silent=True)
    flag = bool(ctx and ctx.find_root().meta.get("fivesafes.debug"))
    return flag or os.environ.get("FIVESAFES_DEBUG", "") not in ("", "0")


def handled(run: Callable[[], T]) -> T:
    """Runs a command: expected errors become their exit code, anything else a reported bug."""
    try:
        return run()
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except FivesafesError as exc:
        if debugging():
            traceback.print_exc()
        raise CommandError(str(exc), exc.exit_code) from exc
    except Exception as exc:
        if debugging():
            traceback.print_exc()
            raise click.exceptions.Exit(BUG) from exc
        click.echo(f"Error: unexpected {type(exc).__name__}: {exc}\nThis is a bug in fivesafes; "
                   "run again with --debug (or FIVESAFES_DEBUG=1) for the traceback and "
                   "report it.", err=True)
        raise click.exceptions.Exit(BUG) from exc


def invalid_request(exc: ProjectError) -> CommandError:
    """Print the request's error findings (file:line: message; fix) and the error to raise."""
    for finding in errors(exc.findings):
        click.echo(finding.render(), err=True)
    return CommandError("the request is not valid; fix the findings above "
                        "(`fivesafes validate` lists them all)", FINDINGS)


@contextmanager
def failing(doing: str) -> Iterator[None]:
    """Adds what the command was ``doing`` to an error's message; the exit code stays the
    error's own (its class says it), so no command chooses one by hand."""
    try:
        yield
    except CommandError:
        raise
    except FivesafesError as exc:
        raise CommandError(f"{doing}: {exc}", exc.exit_code) from exc
