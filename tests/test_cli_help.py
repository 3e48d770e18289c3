"""Every command and subcommand answers --help, and --version names the package version."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from fivesafes import __version__
from fivesafes.cli.main import COMMANDS, cli


def _paths() -> list[list[str]]:
    paths: list[list[str]] = []
    context = click.Context(cli)
    for name in sorted(COMMANDS):
        command = cli.get_command(context, name)
        assert command is not None, f"{name} is registered but does not load"
        paths.append([name])
        if isinstance(command, click.Group):
            paths += [[name, sub] for sub in command.list_commands(context)]
    return paths


@pytest.mark.parametrize("path", _paths(), ids=" ".join)
def test_help(path: list[str]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
