"""Proposing a disclosure: the manifest on its branch, pushed, and the pull request opened.

``disclose`` (in the TRE, holding the token only where the policy allows) and ``handback`` (in
the hosted job, for a manifest the TRE job handed back) propose the same way: the manifest
alone on ``fivesafes/disclosure/attempt-N``; when output checkers asked for changes, the new
manifest goes onto the previous attempt's branch instead, so its pull request carries the
revision. The command only tells the person what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fivesafes.adapters.git import lifecycle as lifecycle_git
from fivesafes.services import disclose as disclosure


@dataclass(frozen=True)
class Proposal:
    branch: str
    pull_request: str | None = None  # the URL of the pull request opened
    revising: bool = False  # onto the branch whose pull request asked for changes

    def lines(self) -> list[str]:
        """What happened, for the person who ran the command."""
        said = [f"committed on branch {self.branch}"]
        if self.revising:
            said.append("checkers asked for changes: these outputs replace the previous ones "
                        "on the same disclosure pull request")
        elif self.pull_request:
            said.append(f"opened {self.pull_request}")
        return said

    def as_json(self) -> dict[str, str | None]:
        return {"branch": self.branch, "pull-request": self.pull_request}


def propose(project_dir: Path, text: str, attempt: int, push: bool, open_pr: bool
            ) -> Proposal:
    """Commit the manifest ``text`` on the disclosure branch, push it when ``push``, and open
    the pull request when ``open_pr`` (a revision reuses the open one)."""
    base = lifecycle_git.current_branch(project_dir)
    onto = disclosure.revision_branch(project_dir)
    branch = disclosure.commit_manifest(project_dir, text, attempt, push, onto)
    if onto is not None or not open_pr:
        return Proposal(branch, None, revising=onto is not None)
    from fivesafes.adapters.github.writes import open_disclosure_pull

    return Proposal(branch, open_disclosure_pull(branch, base, attempt))
