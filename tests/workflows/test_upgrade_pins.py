"""``fivesafes upgrade``: only the pinned refs change; comments, quoting and layout survive."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from fivesafes.adapters.files.workflow_pins import find_uses
from fivesafes.cli.main import cli

CALLER = """\
# Our automation.   Odd spacing and comments must survive.
name: fivesafes
on:
  pull_request_target: # a comment on a key
    types: [opened,   synchronize]

permissions: {}
jobs:
  fivesafes:
    uses: fivesafes/fivesafes-gitops/.github/workflows/fivesafes.yml@v0.1.0   # keep me
    with:
      execution-runs-on: '["self-hosted"]'
  other:
      runs-on: ubuntu-latest
      steps:
        -   uses: 'fivesafes/fivesafes-gitops/actions/verify@v0.1.0'
        -   uses: "fivesafes/fivesafes-gitops/actions/setup@\
0123456789abcdef0123456789abcdef01234567" # v0.1.0
        -   uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        -   uses: ./local/action
"""


def project(tmp_path: Path, text: str = CALLER) -> Path:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "fivesafes.yml").write_text(text, encoding="utf-8")
    (folder / "unrelated.yaml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    return tmp_path


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def test_tag_upgrade_changes_only_our_refs(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = CliRunner().invoke(cli, ["upgrade", str(root), "--to", "v0.2.0"])
    assert result.exit_code == 0, result.output
    assert ".github/workflows/fivesafes.yml: 3 pin(s) -> v0.2.0" in result.output
    after = (root / ".github/workflows/fivesafes.yml").read_text(encoding="utf-8")
    assert changed_lines(CALLER, after) == [
        ("    uses: fivesafes/fivesafes-gitops/.github/workflows/fivesafes.yml@v0.1.0   # keep me",
         "    uses: fivesafes/fivesafes-gitops/.github/workflows/fivesafes.yml@v0.2.0   # keep me"),
        ("        -   uses: 'fivesafes/fivesafes-gitops/actions/verify@v0.1.0'",
         "        -   uses: 'fivesafes/fivesafes-gitops/actions/verify@v0.2.0'"),
        ('        -   uses: "fivesafes/fivesafes-gitops/actions/setup@'
         '0123456789abcdef0123456789abcdef01234567" # v0.1.0',
         '        -   uses: "fivesafes/fivesafes-gitops/actions/setup@v0.2.0"'),
    ]
    assert (root / ".github/workflows/unrelated.yaml").read_text() == "on: push\njobs: {}\n"


def test_sha_upgrade_writes_the_version_comment(tmp_path: Path) -> None:
    root = project(tmp_path)
    sha = "fedcba9876543210fedcba9876543210fedcba98"
    result = CliRunner().invoke(cli, ["upgrade", str(root), "--to", "v0.3.1", "--sha", sha])
    assert result.exit_code == 0, result.output
    after = (root / ".github/workflows/fivesafes.yml").read_text(encoding="utf-8")
    ours = [u for u in find_uses(after, "f.yml") if u.is_ours()]
    assert [(u.ref, u.comment) for u in ours] == [(sha, "# v0.3.1")] * 3
    assert "# Our automation.   Odd spacing and comments must survive." in after
    assert "types: [opened,   synchronize]" in after


def test_second_upgrade_changes_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)
    CliRunner().invoke(cli, ["upgrade", str(root), "--to", "v0.2.0"])
    before = (root / ".github/workflows/fivesafes.yml").read_bytes()
    result = CliRunner().invoke(cli, ["upgrade", str(root), "--to", "v0.2.0"])
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert (root / ".github/workflows/fivesafes.yml").read_bytes() == before


def test_bad_input_is_refused_and_nothing_written(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert CliRunner().invoke(cli, ["upgrade", str(root), "--to", "latest"]).exit_code == 2
    assert CliRunner().invoke(cli, ["upgrade", str(root), "--to", "v1.0.0", "--sha", "abc"]
                              ).exit_code == 2
    (root / ".github/workflows/broken.yml").write_text("jobs: [\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["upgrade", str(root), "--to", "v1.0.0"])
    assert result.exit_code == 2
    assert ".github/workflows/broken.yml" in result.output
    assert (root / ".github/workflows/fivesafes.yml").read_text(encoding="utf-8") == CALLER
    assert CliRunner().invoke(cli, ["upgrade", str(tmp_path / "none"), "--to", "v1.0.0"]
                              ).exit_code == 2


def test_json_says_what_changed(tmp_path: Path) -> None:
    import json

    root = project(tmp_path)
    done = CliRunner().invoke(cli, ["upgrade", str(root), "--to", "v0.2.0", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["to"] == "v0.2.0"
    assert report["changed"] == {".github/workflows/fivesafes.yml": 3}
