"""Progress of long work: a live line on a terminal, a plain line every few seconds in CI.

A person at a terminal sees a bar (bytes of a known total) or a counter (rows and bytes of an
extract, whose total is not known in advance). A GitHub Actions log gets no control
characters: one plain line every ``LOG_EVERY`` seconds, then one at the end, so a long step
shows it is alive. Pipes and other CI systems get nothing. ``enabled=False`` (``--no-progress``)
silences both; ``True`` forces the terminal form.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

Advance = Callable[[int], None]
LOG_EVERY = 5.0


def _ignore(_: int, rows: int = 0) -> None:
    return None


def mode(enabled: bool | None) -> str:
    """``tty``, ``log`` (a GitHub Actions log) or ``off``."""
    if enabled is False:
        return "off"
    if enabled is True or sys.stderr.isatty():
        return "tty"
    return "log" if os.environ.get("GITHUB_ACTIONS") == "true" else "off"


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1000
    return f"{n:.1f} TB"  # pragma: no cover


class LogLines:
    """Plain progress lines, at most one every ``every`` seconds (and one when done)."""

    def __init__(self, label: str, total: int | None, out: TextIO, every: float = LOG_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.label, self.total, self.out, self.every, self.clock = label, total, out, every, clock
        self.bytes = self.rows = 0
        self.counts_rows = False
        self.start = self.last = clock()

    def line(self) -> str:
        done = _size(self.bytes)
        if self.total:
            done += f" of {_size(self.total)} ({100 * self.bytes // self.total}%)"
        rows = f"{self.rows:,} rows, " if self.counts_rows else ""
        seconds = max(self.clock() - self.start, 1e-9)
        return f"{self.label}: {rows}{done}, {_size(self.bytes / seconds)}/s"

    def advance(self, nbytes: int, rows: int = 0) -> None:
        self.bytes += nbytes
        self.rows += rows
        self.counts_rows = self.counts_rows or rows > 0
        if self.clock() - self.last >= self.every:
            self.last = self.clock()
            print(self.line(), file=self.out, flush=True)

    def finish(self) -> None:
        print(self.line(), file=self.out, flush=True)


@contextlib.contextmanager
def _terminal(total: int | None, label: str) -> Iterator[Callable[..., None]]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns: list[ProgressColumn] = [TextColumn("{task.description}")]
    if total:
        columns += [BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn()]
    else:
        columns += [TextColumn("{task.fields[rows]:,} rows"), DownloadColumn(),
                    TransferSpeedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total, rows=0)
        counted = [0]

        def advance(nbytes: int, rows: int = 0) -> None:
            counted[0] += rows
            bar.update(task, advance=nbytes, rows=counted[0])

        yield advance


@contextlib.contextmanager
def meter(label: str, total: int | None = None,
          enabled: bool | None = None) -> Iterator[Callable[..., None]]:
    """Yield ``advance(nbytes, rows=0)``; shows progress as :func:`mode` decides."""
    kind = mode(enabled)
    if kind == "off" or total == 0:
        yield _ignore
    elif kind == "log":
        lines = LogLines(label, total, sys.stderr)
        yield lines.advance
        lines.finish()
    else:
        with _terminal(total, label) as advance:
            yield advance


@contextlib.contextmanager
def progress_bar(total: int, label: str, enabled: bool | None = None) -> Iterator[Advance]:
    """Yield ``advance(nbytes)`` for work of ``total`` bytes (see :func:`meter`)."""
    with meter(label, total if total > 0 else 0, enabled) as advance:
        yield advance
