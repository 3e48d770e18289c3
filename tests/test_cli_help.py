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


def _leaf(path: list[str]) -> click.Command:
    context = click.Context(cli)
    command = cli.get_command(context, path[0])
    assert command is not None
    if len(path) > 1:
        assert isinstance(command, click.Group)
        command = command.get_command(context, path[1])
        assert command is not None
    return command


LEAVES = [p for p in _paths() if not isinstance(_leaf(p), click.Group)]


@pytest.mark.parametrize("path", LEAVES, ids=" ".join)
def test_every_command_reports_as_json_under_one_flag(path: list[str]) -> None:
    """Tools read every command's outcome the same way: ``--json`` (parameter ``as_json``)."""
    options = {param.name: param for param in _leaf(path).params
               if isinstance(param, click.Option)}
    assert "as_json" in options, f"fivesafes {' '.join(path)} has no --json"
    assert "--json" in options["as_json"].opts
