"""``doctor --github`` on the trust boundary: the environment that holds the App key, where else
the key is a secret, the TRE runner's reach and the fork pull request settings. Each check
passes on a repository set up as docs/maintainers.md says, and fails, with its fix, on each
way of getting it wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.admin.conftest import ORG, PIN, REPO, REUSABLE
from tests.admin.test_doctor import rules, run_doctor
from tests.github_server import GitHubServer

from fivesafes.core.admin.environment import KEY_SECRET
from fivesafes.services.github_setup import init_github


@pytest.fixture
def ready(org: GitHubServer, admin_project: Path, remote: Path) -> GitHubServer:
    """A repository set up with the App, its key pasted into the environment: no finding."""
    init_github(admin_project, REPO, app_id=4242, push_url=str(remote))
    org.world.environment(org.world.repos[REPO], secrets=[KEY_SECRET])
    assert run_doctor(admin_project, "--github", REPO) == (0, [])
    return org


def doctor(admin_project: Path, *extra: str) -> dict[str, dict[str, object]]:
    """rule -> finding (the last one of each rule)."""
    _, found = run_doctor(admin_project, "--github", REPO, *extra)
    return {str(f["rule"]): f for f in found}


def env(server: GitHubServer) -> dict[str, object]:
    return server.world.repos[REPO].environments["fivesafes"]


# the environment -----------------------------------------------------------------------------

def test_missing_environment(ready: GitHubServer, admin_project: Path) -> None:
    del ready.world.repos[REPO].environments["fivesafes"]
    found = doctor(admin_project)
    assert set(found) == {"environment-missing"}  # the key cannot be looked for in it either
    assert "open to every branch" in str(found["environment-missing"]["message"])
    assert "fivesafes init DIR --github" in str(found["environment-missing"]["fix"])


def test_other_environment_name(ready: GitHubServer, admin_project: Path) -> None:
    assert set(doctor(admin_project, "--environment", "tre-key")) == {"environment-missing"}


@pytest.mark.parametrize("rule", [None, {"protected_branches": True,
                                         "custom_branch_policies": False}])
def test_environment_open_to_other_branches(ready: GitHubServer, admin_project: Path,
                                            rule: dict[str, bool] | None) -> None:
    env(ready)["deployment_branch_policy"] = rule
    found = doctor(admin_project)
    assert set(found) == {"environment-branches"}
    assert found["environment-branches"]["severity"] == "error"
    assert ("every branch" if rule is None else "every protected branch") in str(
        found["environment-branches"]["message"])


def test_environment_policies_other_than_the_default_branch(ready: GitHubServer,
                                                            admin_project: Path) -> None:
    environment = ready.world.environment(ready.world.repos[REPO],
                                          policies=["release/*", ("v1", "tag")])
    found = run_doctor(admin_project, "--github", REPO)[1]
    assert [(f["rule"], f["message"]) for f in found] == [
        ("environment-branch-policy", "the environment `fivesafes` also admits branch "
         "`release/*` (a wildcard): a workflow run there gets its secrets, the App key among "
         "them"),
        ("environment-branch-policy", "the environment `fivesafes` also admits tag `v1`: a "
         "workflow run there gets its secrets, the App key among them")]
    for policy in [p for p in environment["policies"].values() if p["name"] == "main"]:
        del environment["policies"][policy["id"]]
    assert "environment-default-branch" in doctor(admin_project)


# the key ---------------------------------------------------------------------------------------

def test_key_missing_from_the_environment(ready: GitHubServer, admin_project: Path) -> None:
    env(ready)["secrets"].clear()  # type: ignore[attr-defined]
    found = doctor(admin_project)
    assert set(found) == {"key-missing"}
    assert "fivesafes never handles it" in str(found["key-missing"]["fix"])


def test_no_app_needs_no_key(org: GitHubServer, admin_project: Path, remote: Path) -> None:
    init_github(admin_project, REPO, push_url=str(remote))
    assert run_doctor(admin_project, "--github", REPO) == (0, [])


def test_key_as_a_repository_secret(ready: GitHubServer, admin_project: Path) -> None:
    ready.world.repo_secret(ready.world.repos[REPO], KEY_SECRET)
    ready.world.repo_secret(ready.world.repos[REPO], "SOMETHING_ELSE")
    found = doctor(admin_project)
    assert set(found) == {"key-repository-secret"}
    assert "every workflow of every branch" in str(found["key-repository-secret"]["message"])


@pytest.mark.parametrize(("visibility", "repos", "seen"), [
    ("all", [], True), ("private", [], True), ("selected", [REPO], True),
    ("selected", [f"{ORG}/other"], False)])
def test_key_as_an_organisation_secret(ready: GitHubServer, admin_project: Path, visibility: str,
                                       repos: list[str], seen: bool) -> None:
    ready.world.org_secret(ORG, KEY_SECRET, visibility, repos)
    assert set(doctor(admin_project)) == ({"key-organisation-secret"} if seen else set())


# the TRE runner ----------------------------------------------------------------------------

def group(server: GitHubServer) -> dict[str, object]:
    return next(g for g in server.world.groups(ORG) if g["name"] == "tre")


def test_runner_registered_on_the_repository(ready: GitHubServer, admin_project: Path) -> None:
    ready.world.runner("repo-runner", repo=ready.world.repos[REPO])
    found = doctor(admin_project)
    assert set(found) == {"runner-repository"}
    assert "`repo-runner`" in str(found["runner-repository"]["message"])


def test_runner_group_open_to_every_repository(ready: GitHubServer, admin_project: Path) -> None:
    group(ready)["visibility"] = "all"
    group(ready)["allows_public_repositories"] = True
    found = doctor(admin_project)
    assert set(found) == {"runner-group-repositories", "runner-group-public"}
    assert "Selected repositories" in str(found["runner-group-repositories"]["fix"])


def test_runner_in_the_default_group(ready: GitHubServer, admin_project: Path) -> None:
    ready.world.runner("tre-2", org=ORG)  # no group given: Default, open to all, any workflow
    assert set(doctor(admin_project)) == {"runner-group-repositories", "runner-group-workflows"}


def test_runner_group_not_restricted_to_the_reusable_workflow(ready: GitHubServer,
                                                              admin_project: Path) -> None:
    group(ready)["restricted_to_workflows"] = False
    found = doctor(admin_project)
    assert set(found) == {"runner-group-workflows"}
    assert found["runner-group-workflows"]["severity"] == "error"
    assert "Enterprise Cloud" in str(found["runner-group-workflows"]["fix"])


def test_runner_group_takes_other_workflows(ready: GitHubServer, admin_project: Path) -> None:
    group(ready)["selected_workflows"] = [f"{REUSABLE}@refs/tags/{PIN}",
                                          f"{ORG}/cohort-study/.github/workflows/x.yml@main"]
    found = doctor(admin_project)
    assert set(found) == {"runner-group-workflows"}
    assert "x.yml@main" in str(found["runner-group-workflows"]["message"])


def test_runner_group_lacks_the_pinned_release(ready: GitHubServer, admin_project: Path) -> None:
    group(ready)["selected_workflows"] = [f"{REUSABLE}@v0.0.9"]
    found = doctor(admin_project)
    assert set(found) == {"runner-group-pin"}
    assert found["runner-group-pin"]["severity"] == "warning"
    assert f"{REUSABLE}@{PIN}" in str(found["runner-group-pin"]["fix"])


@pytest.mark.parametrize(("ephemeral", "warned"), [(False, True), (None, False)])
def test_runner_not_ephemeral(ready: GitHubServer, admin_project: Path, ephemeral: bool | None,
                              warned: bool) -> None:
    ready.world.org_runners[ORG].clear()
    ready.world.runner("tre-old", org=ORG, group=group(ready), ephemeral=ephemeral)
    found = doctor(admin_project)
    assert set(found) == ({"runner-not-ephemeral"} if warned else set())
    if warned:
        assert "generate-jitconfig" in str(found["runner-not-ephemeral"]["fix"])


def test_no_tre_runner_for_the_repository(ready: GitHubServer, admin_project: Path) -> None:
    group(ready)["repositories"] = {f"{ORG}/other"}  # the group no longer selects this one
    found = doctor(admin_project)
    assert set(found) == {"runner-missing"}
    assert found["runner-missing"]["severity"] == "warning"
    assert set(doctor(admin_project, "--tre-label", "gpu")) == {"runner-missing"}


def test_another_tre_label(ready: GitHubServer, admin_project: Path) -> None:
    ready.world.runner("gpu-1", labels=["gpu"], repo=ready.world.repos[REPO])
    assert set(doctor(admin_project)) == set()
    assert set(doctor(admin_project, "--tre-label", "gpu")) == {"runner-repository"}


# fork pull requests ------------------------------------------------------------------------

@pytest.mark.parametrize(("settings", "expected", "severity"), [
    ({"send_write_tokens_to_workflows": True}, "fork-write-tokens", "error"),
    ({"send_secrets_and_variables": True}, "fork-secrets", "error"),
    ({"run_workflows_from_fork_pull_requests": True}, "fork-workflows", "error"),
    ({"run_workflows_from_fork_pull_requests": True,
      "require_approval_for_fork_pr_workflows": True}, "fork-workflows", "warning")])
def test_fork_pull_requests_of_a_private_repository(
        ready: GitHubServer, admin_project: Path, settings: dict[str, bool], expected: str,
        severity: str) -> None:
    ready.world.repos[REPO].actions.update(settings)
    found = doctor(admin_project)
    assert set(found) == {expected}
    assert found[expected]["severity"] == severity
    assert "Fork pull request workflows" in str(found[expected]["fix"])


@pytest.mark.parametrize(("policy", "reported"), [
    ("first_time_contributors", True), ("first_time_contributors_new_to_github", True),
    ("all_external_contributors", False)])
def test_fork_approval_of_a_public_repository(ready: GitHubServer, admin_project: Path,
                                              policy: str, reported: bool) -> None:
    repo = ready.world.repos[REPO]
    repo.private = False
    repo.actions["approval_policy"] = policy
    found = doctor(admin_project)
    assert ("fork-approval" in found) == reported
    assert "repository-public" in found  # and the runner group admits no public repository
    assert "runner-missing" in found


# reads the token may not make ----------------------------------------------------------------

def test_a_refused_repository_read_is_an_error_naming_the_permission(
        ready: GitHubServer, admin_project: Path) -> None:
    ready.fail("GET", f"^/repos/{REPO}/actions/secrets$", 403,
               "Resource not accessible by personal access token")
    code, found = run_doctor(admin_project, "--github", REPO)
    assert code == 1
    (unread,) = found
    assert (unread["rule"], unread["severity"]) == ("doctor-unreadable", "error")
    assert "secrets: read" in str(unread["fix"])


def test_a_refused_organisation_read_is_a_warning(ready: GitHubServer, admin_project: Path) -> None:
    ready.fail("GET", f"^/orgs/{ORG}/actions/runners$", 403, "Must have admin rights")
    ready.fail("GET", f"^/orgs/{ORG}/actions/runner-groups$", 403, "Must have admin rights")
    code, found = run_doctor(admin_project, "--github", REPO)
    assert code == 0
    assert [(f["rule"], f["severity"]) for f in found] == [("doctor-unreadable", "warning")] * 2
    assert all("self-hosted runners: read" in str(f["fix"]) for f in found)
    assert "runner-missing" not in rules(found)  # unknown is not missing
