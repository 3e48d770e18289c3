"""One way to fail: every expected error exits with its class's code, anything else is a bug."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from fivesafes.adapters.files.project import ProjectError, UnreadableProject
from fivesafes.adapters.git.process import GitError
from fivesafes.adapters.github.errors import GitHubError
from fivesafes.cli import main as main_module
from fivesafes.errors import (
    BUG,
    EXTERNAL,
    FINDINGS,
    USAGE,
    ExternalError,
    FindingsError,
    FivesafesError,
    UsageError,
)


def _with_command(monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    @click.command("boom")
    def boom() -> None:
        raise exc

    monkeypatch.setattr(main_module.LazyGroup, "get_command",
                        lambda self, ctx, name: boom if name == "boom" else None)


@pytest.mark.parametrize(("exc", "code"), [
    (FindingsError("the request is not acceptable"), FINDINGS),
    (UsageError("no such file; fix: give the path"), USAGE),
    (ExternalError("GitHub answered 502"), EXTERNAL),
])
def test_expected_errors_exit_with_their_code(
    monkeypatch: pytest.MonkeyPatch, exc: FivesafesError, code: int
) -> None:
    _with_command(monkeypatch, exc)
    result = CliRunner().invoke(main_module.cli, ["boom"])
    assert result.exit_code == code
    assert f"Error: {exc}" in result.output
    assert "Traceback" not in result.output


def test_an_unexpected_exception_is_a_bug_not_an_external_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _with_command(monkeypatch, KeyError("head_sha"))
    monkeypatch.delenv("FIVESAFES_DEBUG", raising=False)
    result = CliRunner().invoke(main_module.cli, ["boom"])
    assert result.exit_code == BUG
    assert "unexpected KeyError" in result.output
    assert "This is a bug in fivesafes" in result.output
    assert "--debug" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    _with_command(monkeypatch, KeyError("head_sha"))
    args = ["--debug", "boom"] if how == "flag" else ["boom"]
    if how == "env":
        monkeypatch.setenv("FIVESAFES_DEBUG", "1")
    result = CliRunner().invoke(main_module.cli, args)
    assert result.exit_code == BUG
    assert "Traceback" in result.output
    assert "KeyError" in result.output


@pytest.mark.parametrize(("cls", "code"), [
    (GitHubError, EXTERNAL), (GitError, EXTERNAL), (ProjectError, FINDINGS),
    (UnreadableProject, USAGE),
])
def test_adapter_errors_carry_their_exit_code(cls: type[FivesafesError], code: int) -> None:
    assert issubclass(cls, FivesafesError)
    assert cls.exit_code == code


def test_commands_choose_no_exit_code_from_a_bare_integer() -> None:
    """Exit codes are named once, in fivesafes.errors; commands never write a number."""
    from pathlib import Path

    import fivesafes.cli

    folder = Path(fivesafes.cli.__file__).parent
    for module in folder.glob("*.py"):
        text = module.read_text()
        for bad in ("sys.exit(1)", "sys.exit(2)", "sys.exit(3)", "ctx.exit(1)", "ctx.exit(2)",
                    "ctx.exit(3)"):
            assert bad not in text, f"{module.name}: {bad}"
