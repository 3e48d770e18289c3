"""How a command fails: one handler turns every error into its message and exit code.

Commands raise :class:`~fivesafes.errors.FivesafesError` subclasses (adapters' own, or the
base kinds :class:`~fivesafes.errors.UsageError`, :class:`~fivesafes.errors.FindingsError` and
:class:`~fivesafes.errors.ExternalError`), inside :func:`failing` where the command adds what it
was doing; :func:`handled` is the only place that prints an error's details and maps it to
click's exit, and the only place an unexpected exception is reported as
the bug it is (exit 70, traceback behind ``--debug`` or ``FIVESAFES_DEBUG=1``).
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click

from fivesafes.errors import BUG, FivesafesError

__all__ = ["CommandError", "failing", "handled"]

T = TypeVar("T")


class CommandError(FivesafesError, click.ClickException):
    """A failure with a message naming what and how to fix it, and its documented exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
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
    except FivesafesError as exc:
        if debugging():
            traceback.print_exc()
        for line in exc.details:
            click.echo(line, err=True)
        if isinstance(exc, CommandError):
            raise
        raise CommandError(str(exc), exc.exit_code) from exc
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as exc:
        if debugging():
            traceback.print_exc()
            raise click.exceptions.Exit(BUG) from exc
        click.echo(f"Error: unexpected {type(exc).__name__}: {exc}\nThis is a bug in fivesafes; "
                   "run again with --debug (or FIVESAFES_DEBUG=1) for the traceback and "
                   "report it.", err=True)
        raise click.exceptions.Exit(BUG) from exc


@contextmanager
def failing(doing: str = "", *, fix: str = "") -> Iterator[None]:
    """Adds what the command was ``doing`` (before) and how to ``fix`` it (after) to an
    error's message; the exit code and the details stay the error's own (its class says
    them), so no command chooses a code by hand."""
    try:
        yield
    except CommandError:
        raise
    except FivesafesError as exc:
        message = f"{doing}: {exc}" if doing else str(exc)
        wrapped = CommandError(f"{message}; fix: {fix}" if fix else message, exc.exit_code)
        wrapped.details = exc.details
        raise wrapped from exc
