"""One way to fail: every expected error exits with its class's code, anything else is a bug."""

from __future__ import annotations

from pathlib import Path

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


def test_an_errors_details_print_before_its_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from fivesafes.core.findings import Finding

    found = [Finding("resources/access/access.toml", 3, None, "request.x", "first", "fix one"),
             Finding("resources/access/access.toml", 9, None, "request.y", "second", "fix two")]
    _with_command(monkeypatch, ProjectError(found))
    result = CliRunner().invoke(main_module.cli, ["boom"])
    assert result.exit_code == FINDINGS
    lines = result.output.splitlines()
    assert lines[:2] == ["resources/access/access.toml:3: first; fix: fix one",
                         "resources/access/access.toml:9: second; fix: fix two"]  # render()
    assert lines[2].startswith("Error: the request is not valid: resources/access/access.toml:3")


def test_failing_adds_what_was_done_and_the_fix_but_keeps_the_code(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from fivesafes.cli.errors import failing

    @click.command("boom")
    def boom() -> None:
        with failing("packaging", fix="free some space"):
            raise ExternalError("the disk is full")

    monkeypatch.setattr(main_module.LazyGroup, "get_command",
                        lambda self, ctx, name: boom if name == "boom" else None)
    result = CliRunner().invoke(main_module.cli, ["boom"])
    assert result.exit_code == EXTERNAL
    assert "Error: packaging: the disk is full; fix: free some space" in result.output


@pytest.mark.parametrize(("code", "kind"), [(FINDINGS, FindingsError), (USAGE, UsageError),
                                            (EXTERNAL, ExternalError), (9, ExternalError)])
def test_a_handed_back_exit_code_replays_as_its_kind(code: int, kind: type[Exception]) -> None:
    from fivesafes.errors import error_for

    error = error_for(code, "the TRE job's execution did not complete")
    assert type(error) is kind
    assert str(error) == "the TRE job's execution did not complete"


def test_a_release_that_cannot_be_written_is_a_usage_error_and_leaves_nothing(
        tmp_path: Path) -> None:
    from fivesafes.adapters.release.writer import ReleaseError, write_release

    outputs = tmp_path / "outputs"
    outputs.mkdir()
    (outputs / "table.csv").write_text("a,b\n1,2\n")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the release's folder should be\n")
    with pytest.raises(ReleaseError, match="nothing was written"):
        write_release(blocked / "release.zip", bag_name="bag", external_id="urn:uuid:x",
                      outputs=outputs, crate_for=lambda results: {})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder", "outputs"]
