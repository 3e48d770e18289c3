"""The ``--handback DIR`` option of the commands a TRE job runs (execute, disclose, publish,
retention): one spelling, and one refusal to combine it with recording, which is the hosted
job's (``fivesafes handback``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from fivesafes.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])


def handback_option(help_text: str) -> Callable[[F], F]:
    """``--handback DIR`` (parameter ``handback_dir``), with what this command hands back."""
    return click.option("--handback", "handback_dir",
                        type=click.Path(file_okay=False, path_type=Path),
                        help=f"On the TRE runner (no token): {help_text}")


def refuse_recording(handback_dir: Path | None, flags: dict[str, bool | None]) -> None:
    """Usage error when ``--handback`` comes with any of the recording ``flags`` given."""
    given = [name for name, value in flags.items() if value]
    if handback_dir is not None and given:
        raise UsageError("--handback leaves the recording to the hosted job; it cannot be "
                         f"combined with {' or '.join(given)}")
