"""``fivesafes doctor``: each weakness is reported with its fix; a repository set up by
``init --github`` has none."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from tests.admin.conftest import REPO
from tests.github_server import GitHubServer

from fivesafes.cli.main import cli
from fivesafes.core.admin.environment import KEY_SECRET
from fivesafes.services.github_setup import init_github


def run_doctor(admin_project: Path, *extra: str) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(cli, ["doctor", str(admin_project), "--json", *extra])
    assert result.exit_code in (0, 1), result.output
    # doctor also lists the template's example values still in place (warnings); these tests
    # stage the template's own example organisation, so they look past them
    found = [f for f in json.loads(result.stdout) if f["rule"] != "example.value"]
    return result.exit_code, found


def rules(found: list[dict[str, object]]) -> set[object]:
    return {f["rule"] for f in found}


def test_set_up_repository_is_healthy(org: GitHubServer, admin_project: Path, remote: Path) -> None:
    init_github(admin_project, REPO, push_url=str(remote))
    code, found = run_doctor(admin_project, "--github", REPO)
    assert (code, found) == (0, [])


def test_bare_repository_lists_every_weakness(org: GitHubServer, admin_project: Path) -> None:
    repo = org.world.repo(REPO, private=False)
    repo.actions["default_workflow_permissions"] = "write"
    repo.actions["can_approve_pull_request_reviews"] = True
    code, found = run_doctor(admin_project, "--github", REPO)
    assert code == 1
    # the TRE runner's group admits no public repository, so a public one has none either
    assert rules(found) == {"repository-public", "ruleset-missing", "actions-token-permissions",
                            "actions-approve-reviews", "label-missing", "environment-missing",
                            "fork-approval", "runner-missing"}
    assert all(f["fix"] for f in found)
    missing = next(f for f in found if f["rule"] == "ruleset-missing")
    assert "fivesafes init DIR --github ORG/NAME" in str(missing["fix"])


def test_weak_rules_and_admin_bypass(org: GitHubServer, admin_project: Path, remote: Path) -> None:
    init_github(admin_project, REPO, push_url=str(remote))
    (ruleset,) = org.world.repos[REPO].rulesets.values()
    ruleset["rules"] = [r for r in ruleset["rules"] if r["type"] not in ("deletion",
                                                                         "non_fast_forward")]
    for rule in ruleset["rules"]:
        if rule["type"] == "pull_request":
            rule["parameters"]["require_code_owner_review"] = True
            rule["parameters"]["dismiss_stale_reviews_on_push"] = False
        if rule["type"] == "required_status_checks":
            rule["parameters"]["required_status_checks"] = [
                {"context": "fivesafes / validation"}]
    ruleset["bypass_actors"] = [{"actor_id": 5, "actor_type": "RepositoryRole",
                                 "bypass_mode": "always"}]
    code, found = run_doctor(admin_project, "--github", REPO)
    assert code == 1
    assert rules(found) == {"ruleset-hidden-review", "ruleset-stale-reviews",
                            "ruleset-status-check", "ruleset-force-push", "ruleset-deletion",
                            "ruleset-bypass"}
    status = [f for f in found if f["rule"] == "ruleset-status-check"]
    assert [f["message"] for f in status] == [
        "the status check `fivesafes / sign-off` is not required",
        "the status check `fivesafes / disclosure` is not required"]


def test_with_an_app_every_drift_is_reported(org: GitHubServer, admin_project: Path,
                                             remote: Path) -> None:
    """Checks not bound to the App, automation refs open to anyone: each with its fix."""
    init_github(admin_project, REPO, app_id=4242, push_url=str(remote))
    org.world.environment(org.world.repos[REPO], secrets=[KEY_SECRET])  # the maintainer's paste
    assert run_doctor(admin_project, "--github", REPO) == (0, [])
    rulesets = org.world.repos[REPO].rulesets
    for ruleset in list(rulesets.values()):
        if ruleset["name"] == "fivesafes: release tags":
            del rulesets[ruleset["id"]]
        for rule in ruleset["rules"]:
            if rule["type"] == "required_status_checks":
                rule["parameters"]["required_status_checks"][2].pop("integration_id")
    code, found = run_doctor(admin_project, "--github", REPO)
    assert code == 1
    assert rules(found) == {"ruleset-check-source", "ruleset-automation-refs"}
    assert all("fivesafes init DIR --github" in str(f["fix"]) for f in found)
    code, found = run_doctor(admin_project, "--github", REPO, "--app-id", "99")
    assert sum(f["rule"] == "ruleset-check-source" for f in found) == 3


def test_approvers_that_do_not_exist_or_lack_access(org: GitHubServer, admin_project: Path,
                                                    remote: Path) -> None:
    init_github(admin_project, REPO, push_url=str(remote))
    policy = admin_project / ".github" / "fivesafes.toml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace('approvers = ["@example-tre/sign-off-approvers"]',
                                   'approvers = ["@example-tre/sign-off-approvers", "ghost", '
                                   '"reader", "@example-tre/nobody"]'), encoding="utf-8")
    org.world.user("reader")
    org.world.repos[REPO].collaborators["reader"] = "read"
    code, found = run_doctor(admin_project, "--github", REPO)
    assert code == 1
    messages = sorted(str(f["message"]) for f in found if f["rule"] != "codeowners-policy")
    assert messages == ["`ghost` is not a GitHub user", "`reader` has read access, needs push",
                        "team `@example-tre/nobody` does not exist"]
    # CODEOWNERS still names only the team: the new approvers are never asked to review
    assert [f["line"] for f in found if f["rule"] == "codeowners-policy"] == [10]


def test_unpinned_workflow_is_reported_with_its_line(admin_project: Path) -> None:
    caller = admin_project / ".github" / "workflows" / "fivesafes.yml"
    text = caller.read_text(encoding="utf-8")
    caller.write_text(text.replace("fivesafes.yml@v0.1.0", "fivesafes.yml@main")
                      + "  extra:\n    runs-on: ubuntu-latest\n    steps:\n"
                        "      - uses: actions/checkout@v4\n", encoding="utf-8")
    code, found = run_doctor(admin_project)
    assert code == 1
    lines = text.splitlines()
    line = next(i for i, s in enumerate(lines, 1) if "fivesafes.yml@v0.1.0" in s)
    assert [(f["rule"], f["file"], f["line"]) for f in found] == [
        ("workflow-unpinned", ".github/workflows/fivesafes.yml", line),
        ("workflow-unpinned", ".github/workflows/fivesafes.yml", len(lines) + 4)]


def test_template_workflows_are_pinned(admin_project: Path) -> None:
    assert run_doctor(admin_project) == (0, [])
