"""``fivesafes init DIR --github ORG/NAME``: the GitHub half of creating a project.

Kept apart from ``init_cmd`` so the local template rendering stays free of network code.
:func:`init_github` loads the project's policy and label set, then creates or repairs the
repository in the organisation (adapters/github/admin.py) and prints each change; run again,
it prints that nothing needed changing. It ends by saying where the App key goes, since it
never sets it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from fivesafes.adapters.files.template import template_dir
from fivesafes.adapters.git.remote import PushError
from fivesafes.adapters.github.admin import setup_github_repo
from fivesafes.adapters.github.admin_reads import split_repo
from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.env import api_url_from_env, server_url_from_env, token_from_env
from fivesafes.adapters.github.errors import GitHubError
from fivesafes.adapters.github.org_policy import resolve_org_policy
from fivesafes.core import layout
from fivesafes.core.admin.environment import ENVIRONMENT, KEY_SECRET
from fivesafes.core.admin.repo_settings import LabelSpec, labels_from_toml
from fivesafes.core.request.validate import validate_policy
from fivesafes.errors import ExternalError, FindingsError, UsageError
from fivesafes.models.policy import DEFAULT_AUTOMATION, Policy

LABELS = ".github/labels.toml"


def is_project(directory: Path) -> bool:
    """True when ``directory`` already holds a project (a re-run: repair GitHub only)."""
    return (directory / layout.POLICY).is_file()


def load_policy(project: Path, org_policy: Path | None = None) -> Policy:
    path = project / layout.POLICY
    data = path.read_bytes() if path.is_file() else None
    policy, findings = validate_policy(data, resolve_org_policy(data, org_policy))
    if policy is None:
        details = "".join(f"\n  {f.render()}" for f in findings) or (
            f"\n  {layout.POLICY}: missing; fix: run `fivesafes init` or restore the file")
        raise FindingsError(f"{project}: no usable policy{details}")
    return policy


def automation_repository(project: Path, org_policy: Path | None = None) -> str:
    """The repository of the actions and reusable workflow the project's policy names (its
    ``[automation]``, the central policy's when it extends one); upstream when unknown."""
    path = project / layout.POLICY
    data = path.read_bytes() if path.is_file() else None
    policy, _ = validate_policy(data, resolve_org_policy(data, org_policy))
    if policy is not None:
        return policy.automation.repository
    try:
        table = tomllib.loads((data or b"").decode("utf-8")).get("automation", {})
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        table = {}
    value = table.get("repository") if isinstance(table, dict) else None
    return value if isinstance(value, str) and "/" in value else DEFAULT_AUTOMATION


def load_labels(project: Path, policy: Policy) -> list[LabelSpec]:
    """The project's ``.github/labels.toml``, or the template's when the project has none."""
    path = project / LABELS
    if not path.is_file():
        path = template_dir() / LABELS
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return labels_from_toml(data, policy.labels)
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(f"{path}: not a label set ({exc}); fix: restore it from the "
                         "template") from exc


def github_client() -> tuple[GitHubApi, str]:
    token = token_from_env()
    if not token:
        raise UsageError("set GITHUB_TOKEN (or GH_TOKEN) to a token that may administer "
                         "repositories in the organisation (see docs/maintainers.md)")
    return GitHubApi(token, api_url_from_env()), token


def init_github(directory: Path, org_repo: str, app_id: int | None = None,
                push_url: str | None = None, environment: str = ENVIRONMENT) -> list[str]:
    """Create or repair ``org_repo`` for the project in ``directory``; what changed.

    The App key is not among the changes: fivesafes never handles it. The maintainer pastes it
    as the secret of ``environment`` (:func:`key_advice` says so)."""
    split_repo(org_repo)
    policy = load_policy(directory)
    labels = load_labels(directory, policy)
    api, token = github_client()
    try:
        changes = setup_github_repo(
            directory, org_repo, policy, labels, api, token,
            server_url=server_url_from_env(), push_url=push_url, app_id=app_id,
            description=f"Five Safes data access request ({policy.tre.name})",
            environment=environment)
    except (GitHubError, PushError) as exc:
        raise ExternalError(f"{exc}; nothing is lost: fix it and run the command again") from exc
    return changes


def key_advice(environment: str) -> str:
    """Where the App's private key goes: the one step fivesafes leaves to the maintainer."""
    return (f"the App's private key is not set by fivesafes: paste it as the secret "
            f"{KEY_SECRET} of the environment {environment!r} (Settings > Environments > "
            f"{environment}), and nowhere else")
