"""Carrying out a plan on GitHub: labels, the sticky comment, statuses, the record commit,
the dispatch of the next phase, annotations and the step summary.

Effects are applied in the plan's order. Record entries are not written one by one: the
plan's ``commit`` effect records them all on the default branch in one compare-and-swap
commit. When that commit finds the event already recorded (a duplicate delivery), the
dispatch is skipped too, so a replayed event never starts a phase twice.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from fivesafes.adapters.git.local import Identity
from fivesafes.adapters.git.remote import remote_url
from fivesafes.adapters.github import writes as github_writes
from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.env import server_url_from_env, token_from_env
from fivesafes.adapters.github.errors import GitHubError
from fivesafes.adapters.ledger.commit import CrateBuilder, RecordCommitter, git_committer
from fivesafes.adapters.runner.actions import append_summary, emit_annotation, in_actions
from fivesafes.core.engine.plan import (
    AddLabel,
    Annotation,
    Comment,
    Commit,
    Dispatch,
    Plan,
    Record,
    RemoveLabel,
    RequestReviewers,
    Status,
    Summary,
)
from fivesafes.core.facts.values import Facts


class GitHubApplier:
    """A :class:`fivesafes.core.engine.ports.PlanApplier` for one repository (``owner/name``)."""

    def __init__(self, api: GitHubApi, repository: str, *,
                 committer: RecordCommitter | None = None,
                 echo: Callable[[str], None] | None = None,
                 env: Mapping[str, str] | None = None,
                 workflow: str = github_writes.DISPATCH_WORKFLOW) -> None:
        self.api = api
        self.repository = repository
        self.committer = committer
        self.echo = echo or (lambda line: print(line, file=sys.stderr))
        self.env = env
        self.workflow = workflow

    def apply(self, plan: Plan, facts: Facts) -> None:
        entries: list[Mapping[str, Any]] = [dict(e.entry) for e in plan.effects
                                            if isinstance(e, Record)]
        recorded: bool | None = None  # None: the plan commits nothing
        repo = self.repository
        for effect in plan.effects:
            if isinstance(effect, AddLabel):
                github_writes.add_labels(self.api, repo, effect.pr, [effect.label])
            elif isinstance(effect, RemoveLabel):
                github_writes.remove_label(self.api, repo, effect.pr, effect.label)
            elif isinstance(effect, Comment):
                github_writes.upsert_sticky(self.api, repo, effect.pr, effect.body,
                                            effect.marker)
            elif isinstance(effect, Status):
                github_writes.set_status(self.api, repo, effect.sha, github_writes.CommitStatus(
                    effect.context, effect.state, effect.description, effect.target_url))
            elif isinstance(effect, Commit):
                recorded = self._commit(effect, entries)
            elif isinstance(effect, Dispatch):
                self._dispatch(effect, facts, recorded)
            elif isinstance(effect, Annotation):
                if in_actions(self.env):  # stderr: stdout may carry the plan as JSON
                    emit_annotation(effect.level, effect.message, effect.file, effect.line,
                                    effect.title, stream=sys.stderr)
            elif isinstance(effect, Summary):
                append_summary(effect.markdown, self.env)
            elif isinstance(effect, RequestReviewers):
                owner = repo.split("/")[0].lower()
                teams = [t.split("/", 1)[1] for t in effect.teams
                         if t.split("/", 1)[0].lower() == owner]
                if not github_writes.request_reviewers(self.api, repo, effect.pr,
                                                       effect.users, teams):
                    self.echo(f"GitHub refused the review request on #{effect.pr} (someone "
                              "lacks access to the repository); the comment mentions them")

    def _commit(self, effect: Commit, entries: list[Mapping[str, Any]]) -> bool:
        if self.committer is None:
            raise RuntimeError("the plan commits to the default branch but the applier has "
                               "no committer")
        recorded = self.committer(effect, entries)
        self.echo(f"recorded {len(entries)} entries on {effect.branch}" if recorded
                  else f"already recorded: {effect.delivery}")
        return recorded

    def _dispatch(self, effect: Dispatch, facts: Facts, recorded: bool | None) -> None:
        if recorded is False:
            self.echo(f"not starting {effect.target} again: the event was already recorded")
            return
        inputs = {"pr": str(effect.pr), "phase": effect.target, "sha": effect.sha,
                  "digest": effect.digest, **dict(effect.inputs)}
        github_writes.dispatch_workflow(self.api, self.repository, facts.default_branch,
                                        inputs, self.workflow)


def applier_from_env(env: Mapping[str, str] | None = None, *,
                     rebuild_crate: CrateBuilder | None = None,
                     echo: Callable[[str], None] | None = None) -> GitHubApplier:
    """The applier a workflow run uses, configured from its environment.

    ``GITHUB_REPOSITORY``, ``GITHUB_TOKEN``/``GH_TOKEN``, ``GITHUB_API_URL`` and
    ``GITHUB_SERVER_URL``; the record is pushed to ``$GITHUB_SERVER_URL/<repo>.git`` unless
    ``FIVESAFES_GIT_REMOTE`` names another remote (a mirror, or a local path in tests), as
    ``FIVESAFES_COMMIT_NAME`` / ``FIVESAFES_COMMIT_EMAIL`` (default ``fivesafes[bot]``).
    """
    env = os.environ if env is None else env
    repository = env.get("GITHUB_REPOSITORY", "")
    if repository.count("/") != 1:
        raise GitHubError("GITHUB_REPOSITORY must be owner/name (it is set in GitHub Actions)")
    remote = env.get("FIVESAFES_GIT_REMOTE") or remote_url(repository,
                                                            server_url_from_env(env))
    committer = git_committer(remote, token=token_from_env(env), identity=Identity.from_env(env),
                              rebuild_crate=rebuild_crate, env={**os.environ, **env})
    return GitHubApplier(GitHubApi.from_env(env), repository, committer=committer, echo=echo,
                         env=env)


def apply_plan(plan: Plan, facts: Facts, env: Mapping[str, str] | None = None, *,
               rebuild_crate: CrateBuilder | None = None) -> None:
    """Apply ``plan`` on GitHub with an applier configured from ``env``."""
    applier_from_env(env, rebuild_crate=rebuild_crate).apply(plan, facts)
