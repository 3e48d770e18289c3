"""A project policy that extends the organisation's may only tighten it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from fivesafes.cli.main import cli
from fivesafes.core.org.extends import ExtendsRef, parse_extends
from fivesafes.core.org.merge import merge_data
from fivesafes.core.org.source import OrgSource
from fivesafes.core.request.validate import validate_policy

ORG = b'''[tre]
name = "Acme TRE"
url = "https://tre.acme.org"

[phases.sign-off]
approvers = ["@acme/stewards", "carol"]
required = 1

[phases.disclosure]
approvers = ["@acme/checkers"]
required = 2

[workflows]
allowed-sources = ["https://workflowhub.eu/workflows/"]

[executor]
kind = "local"
command = ["run", "{workflow}"]
timeout = 600

[disclosure]
min-cell-count = 10

[publication]
targets = ["directory"]
license = "https://spdx.org/licenses/CC-BY-4.0"

[reminders]
remind-after = 5
'''
SOURCE = OrgSource("acme/policy:fivesafes.toml", ORG)


def test_extends_reference_forms() -> None:
    assert parse_extends("acme/policy") == ExtendsRef("acme/policy")
    assert parse_extends("acme/policy/strict/p.toml@v2") == ExtendsRef(
        "acme/policy", "strict/p.toml", "v2")
    assert parse_extends("acme") is None
    assert parse_extends("acme/policy/../x") is None


def test_tables_merge_and_people_add_up() -> None:
    merged = merge_data({"a": {"x": 1, "y": 2}, "people": [1]}, {"a": {"y": 3}, "people": [2]})
    assert merged == {"a": {"x": 1, "y": 3}, "people": [1, 2]}


def test_a_project_that_only_extends_gets_the_organisations_policy() -> None:
    policy, found = validate_policy(b'extends = "acme/policy"\n', SOURCE)
    assert policy is not None, found
    assert policy.tre.name == "Acme TRE"
    assert policy.phases.disclosure.required == 2
    assert policy.reminders.remind_after == 5


def test_tightening_is_accepted() -> None:
    project = b'''extends = "acme/policy"

[phases.sign-off]
approvers = ["carol"]
required = 1

[phases.disclosure]
required = 3

[disclosure]
min-cell-count = 20

[workflows]
allowed-sources = ["https://workflowhub.eu/workflows/acme/"]
'''
    policy, found = validate_policy(project, SOURCE)
    assert policy is not None, [f.render() for f in found]
    assert policy.phases.disclosure.required == 3
    assert policy.phases.sign_off.approvers == ["carol"]


def test_a_loosening_names_both_files_and_lines() -> None:
    project = b'''extends = "acme/policy"

[phases.disclosure]
required = 1

[disclosure]
min-cell-count = 3

[workflows]
allowed-sources = ["https://example.org/"]
'''
    policy, found = validate_policy(project, SOURCE)
    assert policy is None
    lines = {f.line: f.render() for f in found if f.rule == "policy.loosens"}
    assert set(lines) == {4, 7, 10}
    assert lines[4].startswith(".github/fivesafes.toml:4")
    assert "acme/policy:fivesafes.toml:11" in lines[4]  # [phases.disclosure] required
    assert "acme/policy:fivesafes.toml:22" in lines[7]  # min-cell-count
    assert "acme/policy:fivesafes.toml:14" in lines[10]


def test_tre_executor_and_new_approvers_are_the_organisations() -> None:
    project = b'''extends = "acme/policy"

[tre]
name = "Other"

[phases.sign-off]
approvers = ["mallory"]

[executor]
command = ["sh", "-c", "anything"]
'''
    _, found = validate_policy(project, SOURCE)
    messages = [f.message for f in found if f.rule == "policy.loosens"]
    assert any(m.startswith("tre.name") for m in messages)
    assert any("mallory" in m for m in messages)
    assert any(m.startswith("executor.command") for m in messages)


def test_fails_closed_without_the_central_policy() -> None:
    policy, found = validate_policy(b'extends = "acme/policy"\n')
    assert policy is None
    assert found[0].rule == "policy.extends-unreadable"
    policy, found = validate_policy(b'extends = "acme/policy"\n',
                                    OrgSource("acme/policy:fivesafes.toml", None, "404 Not Found"))
    assert policy is None
    assert "404 Not Found" in found[0].message


def test_a_broken_central_policy_is_named_in_its_own_file() -> None:
    _, found = validate_policy(b'extends = "acme/policy"\n',
                               OrgSource("org.toml", ORG.replace(b"Acme TRE", b"")))
    assert found
    assert found[0].file == "org.toml"


def test_validate_command_with_org_policy(tmp_path: Path) -> None:
    runner = CliRunner()
    project = tmp_path / "p"
    assert runner.invoke(cli, ["init", str(project), "--no-git"]).exit_code == 0
    org = tmp_path / "org.toml"
    org.write_bytes(ORG)
    (project / ".github/fivesafes.toml").write_text(
        'extends = "acme/policy"\n\n[phases.disclosure]\nrequired = 1\n', encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(project), "--org-policy", str(org)])
    assert result.exit_code == 1, result.output
    assert ".github/fivesafes.toml:4" in result.output
    assert f"{org}:11" in result.output
    result = runner.invoke(cli, ["validate", str(project)])
    assert result.exit_code == 1
    assert "--org-policy" in result.output


def test_the_central_repository_template_holds_a_valid_policy() -> None:
    root = Path(__file__).resolve().parents[2] / "templates" / "org-repo"
    source = OrgSource("example-tre/fivesafes-policy:fivesafes.toml",
                       (root / "fivesafes.toml").read_bytes())
    policy, found = validate_policy(b'extends = "example-tre/fivesafes-policy"\n', source)
    assert policy is not None, [f.render() for f in found]
    assert policy.automation.repository == "fivesafes/fivesafes-gitops"


def test_status_and_doctor_read_the_central_policy(tmp_path: Path) -> None:
    runner = CliRunner()
    project = tmp_path / "p"
    assert runner.invoke(cli, ["init", str(project), "--no-git"]).exit_code == 0
    org = tmp_path / "org.toml"
    org.write_bytes(ORG)
    (project / ".github/fivesafes.toml").write_text('extends = "acme/policy"\n',
                                                    encoding="utf-8")
    status = runner.invoke(cli, ["status", str(project), "--json", "--org-policy", str(org)])
    assert status.exit_code == 0, status.output
    assert '"@acme/stewards"' in status.output  # who must act comes from the central policy
    doctor = runner.invoke(cli, ["doctor", str(project), "--org-policy", str(org)])
    assert "codeowners-policy" in doctor.output or "/resources/ is owned by" in doctor.output
    refused = runner.invoke(cli, ["doctor", str(project)])
    assert refused.exit_code == 1
    assert "fail closed" in refused.output
