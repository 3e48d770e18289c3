"""Who may run code on the TRE runner, and what a pull request from a fork may run.

The self-hosted runner inside the TRE holds the data sources' credentials in its environment;
a job that lands on it can read them. Only the reusable workflow's jobs, of the project
repositories, may land there: the runner sits in an organisation runner group open to selected
repositories (never public ones) and restricted to the reusable workflow
``<automation>/.github/workflows/fivesafes.yml@<ref>``. A runner registered on the repository
itself takes any job of any workflow of any branch, and cannot be restricted to a workflow.
Runners should be ephemeral (one job each), so no job leaves anything for the next.

A pull request from a fork runs its OWN workflow files on ``pull_request`` events; in a
private repository GitHub lets the settings decide whether such runs happen, get a write token
or see secrets. The automation needs none of that (its privileged jobs run on
``pull_request_target`` and ``workflow_run``, from the default branch), so none is granted; in
a public repository every outside contributor's run waits for approval.

Pure: the adapters read runners, runner groups and the settings.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from fivesafes.core.findings import Finding

TRE_LABEL = "tre"
REUSABLE_PATH = ".github/workflows/fivesafes.yml"
GROUPS = "Organisation > Settings > Actions > Runner groups"
FORK_SETTINGS = "Settings > Actions > General > Fork pull request workflows"


def labelled(runners: Collection[Mapping[str, Any]], label: str) -> list[Mapping[str, Any]]:
    return [r for r in runners
            if any(str(lab.get("name")).lower() == label.lower() for lab in r.get("labels") or [])]


def _workflow(entry: str) -> tuple[str, str]:
    path, _, ref = entry.partition("@")
    return path.lower(), ref.removeprefix("refs/tags/").removeprefix("refs/heads/")


def group_findings(where: str, group: Mapping[str, Any], reusable: str,
                   pinned: Collection[str]) -> list[Finding]:
    """One runner group holding the TRE runner, against the boundary it must draw."""
    name = f"runner group `{group.get('name')}`"
    fix = f"{GROUPS} > {group.get('name')}"
    found = []
    if group.get("visibility") != "selected":
        found.append(Finding(
            where, None, None, "runner-group-repositories",
            f"the {name}, which holds the TRE runner, is open to {group.get('visibility')} "
            "repositories of the organisation: any of their workflows may run in the TRE",
            f"{fix}: Repository access: Selected repositories, the project repositories only"))
    if group.get("allows_public_repositories"):
        found.append(Finding(
            where, None, None, "runner-group-public",
            f"the {name}, which holds the TRE runner, admits public repositories: anyone's "
            "pull request to one of them may run in the TRE",
            f"{fix}: untick \"Allow public repositories\""))
    selected = [str(w) for w in group.get("selected_workflows") or []]
    if not group.get("restricted_to_workflows"):
        found.append(Finding(
            where, None, None, "runner-group-workflows",
            f"the {name}, which holds the TRE runner, takes any workflow of its repositories: "
            "a workflow pushed on any branch of them may run in the TRE",
            f"{fix}: Workflow access: Selected workflows, only {reusable}@<ref> (a GitHub "
            "Enterprise Cloud setting; see docs/maintainers.md)"))
        return found
    others = [w for w in selected if _workflow(w)[0] != reusable.lower()]
    if others:
        found.append(Finding(
            where, None, None, "runner-group-workflows",
            f"the {name}, which holds the TRE runner, also takes {', '.join(others)}: only "
            "the reusable workflow's jobs may run in the TRE",
            f"{fix}: Workflow access: remove them, keep only {reusable}@<ref>"))
    refs = {_workflow(w)[1] for w in selected if _workflow(w)[0] == reusable.lower()}
    for ref in sorted(set(pinned) - refs):
        found.append(Finding(
            where, None, None, "runner-group-pin",
            f"the {name} does not take {reusable}@{ref}, which this project pins: its TRE "
            "jobs will wait for a runner",
            f"{fix}: Workflow access: add {reusable}@{ref}", "warning"))
    return found


def runner_findings(where: str, *, label: str, reusable: str, pinned: Collection[str],
                    repository_runners: Collection[Mapping[str, Any]] | None,
                    organisation_runners: Collection[Mapping[str, Any]] | None,
                    groups: Collection[Mapping[str, Any]] | None) -> list[Finding]:
    """The TRE runner (label ``label``) available to the repository, and its group.

    ``groups``: the organisation's runner groups this repository may use; None for a list
    that could not be read (the adapter reports that on its own).
    """
    found = []
    tre = labelled(repository_runners or [], label)
    for runner in tre:
        found.append(Finding(
            where, None, None, "runner-repository",
            f"the self-hosted runner `{runner.get('name')}` (label `{label}`) is registered "
            "on the repository: every workflow of any branch may run on it, and a repository "
            "runner cannot be restricted to the reusable workflow",
            "remove it (Settings > Actions > Runners) and register it in an organisation "
            "runner group restricted to the project repositories and the reusable workflow"))
    by_group = {g.get("id"): g for g in groups or []}
    in_reach = [r for r in labelled(organisation_runners or [], label)
                if r.get("runner_group_id") in by_group]
    tre += in_reach
    for group_id in sorted({r.get("runner_group_id") for r in in_reach}, key=str):
        found += group_findings(where, by_group[group_id], reusable, pinned)
    for runner in tre:
        if runner.get("ephemeral") is False:
            found.append(Finding(
                where, None, None, "runner-not-ephemeral",
                f"the TRE runner `{runner.get('name')}` is not ephemeral: a job can leave "
                "files, processes or credentials behind for the next one",
                "register TRE runners for one job each: just in time (POST "
                "/orgs/{org}/actions/runners/generate-jitconfig) or `config.sh --ephemeral`",
                "warning"))
    if not tre and None not in (repository_runners, organisation_runners, groups):
        found.append(Finding(
            where, None, None, "runner-missing",
            f"no self-hosted runner labelled `{label}` is available to the repository: the "
            "execution and publication jobs will wait for one",
            "register the TRE runner in a runner group this repository may use "
            "(docs/maintainers.md), or give its label with --tre-label", "warning"))
    return found


def fork_findings(where: str, private: bool, settings: Mapping[str, Any] | None,
                  approval: Mapping[str, Any] | None) -> list[Finding]:
    """Fork pull requests' workflows: private ``settings``, public contributor ``approval``."""
    found = []
    if private and settings is not None:
        if settings.get("send_write_tokens_to_workflows"):
            found.append(Finding(
                where, None, None, "fork-write-tokens",
                "workflows of pull requests from forks get a write token: a fork's own "
                "workflow could change the repository", f"{FORK_SETTINGS}: untick \"Send "
                "write tokens to workflows from fork pull requests\""))
        if settings.get("send_secrets_and_variables"):
            found.append(Finding(
                where, None, None, "fork-secrets",
                "workflows of pull requests from forks get the secrets: a fork's own workflow "
                "could read the App key", f"{FORK_SETTINGS}: untick \"Send secrets and "
                "variables to workflows from fork pull requests\""))
        if settings.get("run_workflows_from_fork_pull_requests"):
            approved = bool(settings.get("require_approval_for_fork_pr_workflows"))
            found.append(Finding(
                where, None, None, "fork-workflows",
                "workflows of pull requests from forks run" + (
                    " once someone with write access approves them" if approved else
                    " without anyone approving them") + ": a fork's pull request runs its "
                "own workflow files, on any runner they name",
                f"{FORK_SETTINGS}: untick \"Run workflows from fork pull requests\"" + (
                    "; until then approve only runs of pull requests that change no file "
                    "under .github/" if approved else ""),
                "warning" if approved else "error"))
    if not private and approval is not None \
            and approval.get("approval_policy") != "all_external_contributors":
        found.append(Finding(
            where, None, None, "fork-approval",
            "workflows of outside contributors' pull requests run without approval "
            f"(policy {approval.get('approval_policy')})",
            "Settings > Actions > General > Approval for running fork pull request "
            "workflows from contributors: \"Require approval for all external contributors\""))
    return found
