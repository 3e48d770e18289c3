"""``fivesafes init`` takes what a maintainer sets; example values left in place are named."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.org.test_org_policy import ORG

from fivesafes.cli.main import cli
from fivesafes.core import layout

FULL = ["--title", "Asthma cohort", "--requester-name", "Sam Smith",
        "--requester-orcid", "https://orcid.org/0000-0001-5109-3700",
        "--requester-email", "sam@uni.example", "--requester-github", "sam",
        "--approver", "@acme/stewards", "--checker", "@acme/checkers",
        "--maintainer", "@acme/operators", "--tre-name", "Acme TRE",
        "--tre-url", "https://tre.acme.test", "--executor", "extract",
        "--publication", "directory", "--publication", "github-release",
        "--automation", "acme/fivesafes-gitops"]


def test_every_option_lands_in_the_policy(tmp_path: Path) -> None:
    dest = tmp_path / "p"
    result = CliRunner().invoke(cli, ["init", str(dest), "--no-git", *FULL])
    assert result.exit_code == 0, result.output
    policy = tomllib.loads((dest / layout.POLICY).read_text(encoding="utf-8"))
    assert policy["tre"]["name"] == "Acme TRE"
    assert policy["tre"]["url"] == "https://tre.acme.test"
    assert policy["maintainers"]["owners"] == ["@acme/operators"]
    assert policy["executor"]["kind"] == "extract"
    assert policy["publication"]["targets"] == ["directory", "github-release"]
    assert policy["automation"]["repository"] == "acme/fivesafes-gitops"
    workflow = (dest / ".github/workflows/fivesafes.yml").read_text(encoding="utf-8")
    assert "uses: acme/fivesafes-gitops/.github/workflows/fivesafes.yml@" in workflow
    assert "fivesafes/fivesafes-gitops/" not in workflow
    validate = CliRunner().invoke(cli, ["validate", str(dest)])
    assert validate.exit_code == 0, validate.output
    assert "tre.name still holds" not in validate.output
    assert "@example-tre/" not in validate.output.split("valid:")[0]


def test_untouched_examples_are_warned_about_but_pass(tmp_path: Path) -> None:
    dest = tmp_path / "p"
    result = CliRunner().invoke(cli, ["init", str(dest), "--no-git"])
    assert result.exit_code == 0
    assert "example value(s) of the template are still in place" in result.output
    validate = CliRunner().invoke(cli, ["validate", str(dest)])
    assert validate.exit_code == 0
    for key in ("tre.name", "tre.url", "phases.sign-off.approvers[0]", "maintainers.owners[0]",
                "project.title", "requester.orcid", "workflow.id"):
        assert f"{key} still holds the template's example value" in validate.output, key


def test_extends_writes_only_the_reference_and_tightenings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    org = tmp_path / "org.toml"
    org.write_bytes(ORG)
    monkeypatch.setenv("FIVESAFES_ORG_POLICY", str(org))
    dest = tmp_path / "p"
    result = CliRunner().invoke(cli, ["init", str(dest), "--no-git", "--extends", "acme/policy",
                                      "--approver", "carol"])
    assert result.exit_code == 0, result.output
    policy = tomllib.loads((dest / layout.POLICY).read_text(encoding="utf-8"))
    assert policy == {"extends": "acme/policy",
                      "phases": {"sign-off": {"approvers": ["carol"]}}}
    validate = CliRunner().invoke(cli, ["validate", str(dest), "--org-policy", str(org)])
    assert validate.exit_code == 0, validate.output


def test_extends_refuses_a_tre_of_its_own(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "p"), "--no-git",
                                      "--extends", "acme/policy", "--tre-name", "Mine"])
    assert result.exit_code == 2
    assert "organisation's policy" in result.output
