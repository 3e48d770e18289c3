"""``fivesafes init``: a valid project, comments kept, refusals leave nothing behind."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from fivesafes.adapters.files.template import InitError, render_project, template_dir
from fivesafes.cli.main import cli
from fivesafes.core.admin.init_plan import InitOptions
from fivesafes.core.ids import is_urn_uuid

FIXED = "urn:uuid:6d0c2a4e-8f1b-4c3d-9e2a-7b5f1d3c9a10"
PROJECT = "resources/governance/project.toml"
POLICY = ".github/fivesafes.toml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_init_then_validate_is_clean(tmp_path: Path) -> None:
    dest = tmp_path / "study"
    code, out = run("init", str(dest))
    assert code == 0, out
    data = tomllib.loads((dest / PROJECT).read_text())
    assert is_urn_uuid(data["project"]["id"])
    assert data["project"]["id"] in out
    code, out = run("validate", str(dest))
    assert code == 0, out
    assert "valid: 0 error(s)" in out
    warnings = [line for line in out.splitlines() if ": warning: " in line]
    assert warnings
    assert all("still holds the template's example value" in line for line in warnings)
    log = subprocess.run(["git", "-C", str(dest), "log", "--format=%s"], capture_output=True,
                         text=True, check=True).stdout
    assert data["project"]["id"] in log
    status = subprocess.run(["git", "-C", str(dest), "status", "--porcelain"],
                            capture_output=True, text=True, check=True).stdout
    assert status == ""
    branch = subprocess.run(["git", "-C", str(dest), "branch", "--show-current"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert branch == "main"


def test_two_inits_get_different_ids(tmp_path: Path) -> None:
    ids = []
    for name in ("a", "b"):
        assert run("init", str(tmp_path / name), "--no-git")[0] == 0
        ids.append(tomllib.loads((tmp_path / name / PROJECT).read_text())["project"]["id"])
    assert ids[0] != ids[1]


def test_options_are_applied_and_comments_survive(tmp_path: Path) -> None:
    dest = tmp_path / "study"
    code, out = run(
        "init", str(dest), "--no-git", "--title", "Statins and strokes",
        "--requester-name", "Sam Scientist", "--requester-orcid", "0000-0002-1694-233X",
        "--requester-email", "sam@example.org", "--requester-github", "@sam-sci",
        "--approver", "bob", "--approver", "example-tre/panel",
        "--checker", "carol", "--checker", "@dave", "--project-id", FIXED,
    )
    assert code == 0, out
    text = (dest / PROJECT).read_text()
    data = tomllib.loads(text)
    assert data["project"] == {**data["project"], "id": FIXED, "title": "Statins and strokes"}
    assert data["requester"]["github"] == "sam-sci"
    assert data["requester"]["orcid"] == "0000-0002-1694-233X"
    policy = tomllib.loads((dest / POLICY).read_text())
    assert policy["phases"]["sign-off"]["approvers"] == ["bob", "@example-tre/panel"]
    assert policy["phases"]["disclosure"]["approvers"] == ["carol", "dave"]
    owners = (dest / ".github" / "CODEOWNERS").read_text()
    assert "/resources/                          @bob @example-tre/panel\n" in owners
    assert "/outputs/                            @carol @dave\n" in owners
    assert "# Statins and strokes" not in (dest / "README.md").read_text()
    assert "Data access request: Statins and strokes" in (dest / "README.md").read_text()
    for rel in (PROJECT, POLICY):
        original = (template_dir() / rel).read_text().splitlines()
        edited = (dest / rel).read_text().splitlines()
        assert [c for c in original if c.startswith("#")] == [
            c for c in edited if c.startswith("#")]
        assert len(original) == len(edited)
    assert run("validate", str(dest))[0] == 0


def test_unchanged_lines_are_byte_identical(tmp_path: Path) -> None:
    render_project(tmp_path / "p", InitOptions(project_id=FIXED))
    original = (template_dir() / PROJECT).read_text().splitlines()
    edited = (tmp_path / "p" / PROJECT).read_text().splitlines()
    changed = [i for i, (a, b) in enumerate(zip(original, edited, strict=True)) if a != b]
    assert len(changed) == 1
    assert edited[changed[0]] == f'id = "{FIXED}"'


def test_refuses_non_empty_folder(tmp_path: Path) -> None:
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    code, out = run("init", str(dest))
    assert code == 2
    assert "not empty" in out
    assert sorted(p.name for p in dest.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy"]


def test_empty_existing_folder_is_fine(tmp_path: Path) -> None:
    dest = tmp_path / "empty"
    dest.mkdir()
    assert run("init", str(dest), "--no-git")[0] == 0
    assert (dest / PROJECT).is_file()
    assert not (dest / ".git").exists()


@pytest.mark.parametrize(("args", "words"), [
    (["--requester-orcid", "0000-0002-1825-0098"], "wrong check digit"),
    (["--requester-email", "nobody"], "not an e-mail address"),
    (["--project-id", "SYN-0001"], "not a urn:uuid"),
    (["--approver", "not a login!"], "neither a GitHub login"),
    (["--checker", "carol"], "needs 2 distinct approvers"),
])
def test_bad_options_write_nothing(tmp_path: Path, args: list[str], words: str) -> None:
    dest = tmp_path / "study"
    code, out = run("init", str(dest), *args)
    assert code == 2, out
    assert words in out
    assert list(tmp_path.iterdir()) == []


def test_render_project_raises_with_findings(tmp_path: Path) -> None:
    with pytest.raises(InitError) as info:
        render_project(tmp_path / "x", InitOptions(requester_orcid="0000-0002-1825-0098"))
    assert info.value.findings
    assert info.value.findings[0].file == PROJECT


def test_source_date_epoch_gives_the_same_commit(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    heads = []
    for name in ("one", "two"):
        assert run("init", str(tmp_path / name), "--project-id", FIXED)[0] == 0
        heads.append(subprocess.run(["git", "-C", str(tmp_path / name), "rev-parse", "HEAD"],
                                    capture_output=True, text=True, check=True).stdout)
    assert heads[0] == heads[1]


def test_fallback_identity_without_user_config(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-such-config"))
    assert run("init", str(tmp_path / "p"))[0] == 0
    author = subprocess.run(["git", "-C", str(tmp_path / "p"), "log", "--format=%an <%ae>"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert author == "fivesafes <fivesafes@users.noreply.github.com>"
