"""Actions verbs of the fake GitHub: environments, secrets (names only), self-hosted runners and
runner groups, staged the way an organisation owner would set them up.

An environment is ``{"id", "name", "created_at", "updated_at", "deployment_branch_policy"
(None: every branch), "protection_rules", "policies" (id -> {"id", "name", "type"}),
"secrets" (name -> updated_at)}``. A runner group is GitHub's ``runner-groups-org`` object plus
``"repositories"`` (the full names it selects); every organisation has the ``Default`` group
(id 1, open to all repositories), as on GitHub. A runner is GitHub's ``runner`` object with
``"labels"`` given as names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.github_server.world import Repo, WorldState

DEFAULT_GROUP = 1


class ActionsVerbs(WorldState):
    """Mixed into :class:`tests.github_server.World`."""

    def environment(self, repo: Repo, name: str = "fivesafes",
                    policies: Iterable[str | tuple[str, str]] | None = None,
                    protected: bool = False, secrets: Iterable[str] = ()) -> dict[str, Any]:
        """Environment ``name`` of ``repo``: ``policies`` (names, or (name, "tag")) make it
        custom; ``protected`` admits protected branches; neither admits every branch."""
        with self.lock:
            now = self.now()
            env = repo.environments.setdefault(name, {
                "id": self.new_id(), "name": name, "created_at": now, "updated_at": now,
                "deployment_branch_policy": None, "protection_rules": [], "policies": {},
                "secrets": {}})
            if protected:
                env["deployment_branch_policy"] = {"protected_branches": True,
                                                   "custom_branch_policies": False}
            if policies is not None:
                env["deployment_branch_policy"] = {"protected_branches": False,
                                                   "custom_branch_policies": True}
                for item in policies:
                    pattern, kind = (item, "branch") if isinstance(item, str) else item
                    self.branch_policy(env, pattern, kind)
            for secret in secrets:
                env["secrets"][secret] = now
            return env

    def branch_policy(self, env: dict[str, Any], pattern: str, kind: str = "branch"
                      ) -> dict[str, Any]:
        policy = {"id": self.new_id(), "name": pattern, "type": kind}
        env["policies"][policy["id"]] = policy
        return policy

    def repo_secret(self, repo: Repo, name: str) -> None:
        repo.secrets[name] = self.now()

    def org_secret(self, org: str, name: str, visibility: str = "all",
                   repos: Iterable[str] = ()) -> None:
        """``visibility``: all, private (private repositories) or selected (``repos``)."""
        self.org(org)
        with self.lock:
            self.org_secrets.setdefault(org, {})[name] = {
                "visibility": visibility, "repos": set(repos), "updated_at": self.now()}

    def groups(self, org: str) -> list[dict[str, Any]]:
        """The organisation's runner groups, the Default one first."""
        with self.lock:
            return self.runner_groups.setdefault(org, [{
                "id": DEFAULT_GROUP, "name": "Default", "visibility": "all", "default": True,
                "inherited": False, "allows_public_repositories": False,
                "restricted_to_workflows": False, "selected_workflows": [],
                "workflow_restrictions_read_only": False, "repositories": set()}])

    def runner_group(self, org: str, name: str, repos: Iterable[str] = (),
                     workflows: Iterable[str] | None = None, visibility: str = "selected",
                     public: bool = False) -> dict[str, Any]:
        """A runner group open to ``repos`` (``visibility="selected"``) and, with
        ``workflows``, restricted to them (``owner/repo/path@ref``)."""
        self.org(org)
        with self.lock:
            group = {"id": self.new_id(), "name": name, "visibility": visibility,
                     "default": False, "inherited": False, "allows_public_repositories": public,
                     "restricted_to_workflows": workflows is not None,
                     "selected_workflows": list(workflows or []),
                     "workflow_restrictions_read_only": False, "repositories": set(repos)}
            self.groups(org).append(group)
            return group

    def runner(self, name: str, labels: Iterable[str] = ("tre",), *, repo: Repo | None = None,
               org: str | None = None, group: dict[str, Any] | None = None,
               ephemeral: bool | None = True) -> dict[str, Any]:
        """A self-hosted runner registered on ``repo``, or on ``org`` in ``group`` (Default
        when none); ``ephemeral=None`` leaves the field out, as older API versions do."""
        runner: dict[str, Any] = {"id": self.new_id(), "name": name, "os": "linux",
                                  "status": "online", "busy": False,
                                  "labels": ["self-hosted", "Linux", "X64", *labels]}
        if ephemeral is not None:
            runner["ephemeral"] = ephemeral
        with self.lock:
            if repo is not None:
                repo.runners.append(runner)
            else:
                assert org is not None, "a runner belongs to a repository or an organisation"
                self.groups(org)
                runner["runner_group_id"] = (group or {}).get("id", DEFAULT_GROUP)
                self.org_runners.setdefault(org, []).append(runner)
        return runner

    def visible_secrets(self, repo: Repo) -> list[str]:
        """The organisation secrets ``repo`` may read."""
        out = []
        for name, secret in sorted(self.org_secrets.get(repo.owner, {}).items()):
            visibility = secret["visibility"]
            if visibility == "all" or (visibility == "private" and repo.private) or (
                    visibility == "selected" and repo.full_name in secret["repos"]):
                out.append(name)
        return out

    def group_visible(self, group: dict[str, Any], repo: Repo) -> bool:
        if not repo.private and not group["allows_public_repositories"]:
            return False
        return (group["visibility"] == "all" or (group["visibility"] == "private"
                                                 and repo.private)
                or repo.full_name in group["repositories"])
