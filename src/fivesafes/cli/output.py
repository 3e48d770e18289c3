"""What a command prints: lines for people, or one JSON object for tools (``--json``).

Every command that reports takes the same flag, ``--json``: then stdout holds exactly one JSON
object (sorted keys), and the lines a person would read go to stderr, so a log keeps them and
a pipe into ``jq`` still parses. Errors keep their message on stderr and their exit code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def json_option(function: F) -> F:
    """The ``--json`` flag, the same on every command (parameter ``as_json``)."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print the outcome as one JSON object on stdout; the lines a "
                             "person reads go to stderr.")(function)


class Output:
    """Lines or JSON, as the command was asked."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def line(self, text: str) -> None:
        click.echo(text, err=self.as_json)

    def result(self, data: Mapping[str, Any]) -> None:
        if self.as_json:
            click.echo(json.dumps(data, sort_keys=True, default=str))
