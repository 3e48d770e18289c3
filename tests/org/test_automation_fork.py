"""A fork of the automation: init, upgrade, doctor and the crate follow the policy's
``[automation] repository``; doctor checks CODEOWNERS and says what it could not check."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fivesafes.cli.main import cli
from fivesafes.core.crate.entities import Software
from fivesafes.core.crate.spec import automation_of
from fivesafes.core.request.validate import validate_policy

FORK = "acme/fivesafes-fork"


def _init(tmp_path: Path, *options: str) -> Path:
    dest = tmp_path / "p"
    result = CliRunner().invoke(cli, ["init", str(dest), "--no-git", *options])
    assert result.exit_code == 0, result.output
    return dest


def test_upgrade_moves_the_forks_pins(tmp_path: Path) -> None:
    dest = _init(tmp_path, "--automation", FORK)
    result = CliRunner().invoke(cli, ["upgrade", str(dest), "--to", "v9.9.9"])
    assert result.exit_code == 0, result.output
    workflow = (dest / ".github/workflows/fivesafes.yml").read_text(encoding="utf-8")
    assert f"uses: {FORK}/.github/workflows/fivesafes.yml@v9.9.9" in workflow


def test_doctor_judges_the_forks_pins_and_lists_what_it_could_not_check(
        tmp_path: Path) -> None:
    dest = _init(tmp_path, "--automation", FORK)
    workflow = dest / ".github/workflows/fivesafes.yml"
    workflow.write_text(workflow.read_text(encoding="utf-8").replace("@v0.1.0", "@main", 1),
                        encoding="utf-8")
    result = CliRunner().invoke(cli, ["doctor", str(dest)])
    assert result.exit_code == 1, result.output
    assert "pin a release: `fivesafes upgrade --to vX.Y.Z`" in result.output
    assert "Not checked offline" in result.output
    assert "tre.name still holds the template's example value" in result.output


def test_doctor_compares_codeowners_with_the_policy(tmp_path: Path) -> None:
    dest = _init(tmp_path, "--approver", "@acme/stewards", "--checker", "@acme/checkers")
    owners = dest / ".github/CODEOWNERS"
    assert "/resources/                          @acme/stewards" in owners.read_text("utf-8")
    ok = CliRunner().invoke(cli, ["doctor", str(dest), "--json"])
    assert not [f for f in json.loads(ok.stdout) if f["rule"].startswith("codeowners")]
    owners.write_text(owners.read_text("utf-8").replace("@acme/checkers", "@acme/anyone"),
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["doctor", str(dest), "--json"])
    found = [f for f in json.loads(result.stdout) if f["rule"] == "codeowners-policy"]
    assert len(found) == 1
    assert found[0]["file"] == ".github/CODEOWNERS"
    assert "@acme/checkers" in found[0]["fix"]
    assert result.exit_code == 1


def test_the_crate_names_the_fork() -> None:
    policy_text = (Path(__file__).resolve().parents[2] / "templates/project-repo/.github/"
                   "fivesafes.toml").read_text(encoding="utf-8")
    policy, _ = validate_policy((policy_text + f'\n[automation]\nrepository = "{FORK}"\n'
                                 ).encode())
    assert policy is not None
    upstream = Software("fivesafes-gitops", "https://github.com/fivesafes/fivesafes-gitops",
                        "0.1.0")
    assert automation_of(upstream, policy).url == f"https://github.com/{FORK}"
    assert automation_of(upstream, None) == upstream
