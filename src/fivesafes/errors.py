"""Exit codes, and the one family of errors that carries them (DESIGN.md section 5).

Every failure the product expects is a :class:`FivesafesError` whose class says what kind it
is: the request or crate is not acceptable (:class:`FindingsError`, exit 1), the input or the
command line is wrong (:class:`UsageError`, exit 2), or something outside failed
(:class:`ExternalError`, exit 3). Adapters raise their own subclasses; the CLI's entry point
turns any of them into its message and exit code, so no command chooses a code by hand.
Anything else is a bug and exits :data:`BUG`, never disguised as an external failure.
"""

from __future__ import annotations

from typing import ClassVar

OK = 0
FINDINGS = 1
USAGE = 2
EXTERNAL = 3
BUG = 70  # EX_SOFTWARE: an exception nobody expected


class FivesafesError(Exception):
    """A failure with a message naming what and how to fix it, and its documented exit code.

    ``details`` are lines the CLI prints before the message (the findings of an invalid
    request, one ``file:line: message; fix`` each), so no command prints them itself.
    """

    exit_code: ClassVar[int] = EXTERNAL
    details: tuple[str, ...] = ()


class FindingsError(FivesafesError):
    """The request, the crate or the release is not acceptable (exit 1)."""

    exit_code: ClassVar[int] = FINDINGS


class UsageError(FivesafesError):
    """The command line or an input file is wrong; the message says how to fix it (exit 2)."""

    exit_code: ClassVar[int] = USAGE


class ExternalError(FivesafesError):
    """A system outside the product failed: GitHub, git, an executor, a service (exit 3)."""

    exit_code: ClassVar[int] = EXTERNAL


def error_for(exit_code: int, message: str) -> FivesafesError:
    """The kind of error an exit code stands for: how a hand-back replays the TRE command's
    outcome in the hosted job (1 refused, 2 usage, 3 failed; anything else external)."""
    for kind in (FindingsError, UsageError, ExternalError):
        if kind.exit_code == exit_code:
            return kind(message)
    return ExternalError(message)
