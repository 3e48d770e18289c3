"""Pull-request verbs of the fake GitHub: open, push, label, review, merge, retarget.

Each verb changes the state exactly as GitHub would (a label applied by someone leaves a
``labeled`` issue event naming them; a push moves the head SHA; a merge writes a merge commit on
the base branch), so handlers reading the API afterwards see a coherent story.
"""

from __future__ import annotations

from tests.github_server.world import IssueEvent, Label, Pull, Repo, Review, WorldState


class PullVerbs(WorldState):
    """Mixed into :class:`tests.github_server.World`."""

    def open_pull(self, repo: Repo, files: dict[str, bytes | str], author: str,
                  head_ref: str = "request", base: str | None = None, title: str = "Request",
                  body: str | None = None, message: str | None = None,
                  number: int | None = None, fork: str | None = None) -> Pull:
        """Branch ``head_ref`` off ``base`` with one commit of ``files`` by ``author``, and a PR.

        ``fork``: the head branch lives in that repository (``owner/name``, created if new).
        """
        base = base or repo.default_branch
        with self.lock:
            self.user(author)
            base_sha = repo.branches[base]
            head_repo = self.repo(fork) if fork is not None else None
            head_sha = self.commit(repo, files, branch=head_ref, author=author,
                                   message=message or title, parents=[base_sha],
                                   pushed_to=head_repo)
            number = number or self._next_number(repo)
            pull = Pull(number, self.new_id(), title, body, author, head_ref, head_sha, base,
                        base_sha, self.now())
            if fork is not None:
                pull.head_repo = fork
            repo.pulls[number] = pull
            return pull

    def pull_from_branch(self, repo: Repo, head_ref: str, author: str,
                         base: str | None = None, title: str = "Request",
                         body: str | None = None, number: int | None = None) -> Pull:
        """A PR for a branch that already exists (pushed to a mirrored git repository)."""
        base = base or repo.default_branch
        with self.lock:
            self.user(author)
            if repo.git_dir is not None:
                from tests.github_server.gitmirror import sync

                sync(self, repo)
            head_sha, base_sha = repo.branches[head_ref], repo.branches[base]
            merge_base = next(s for s in self.ancestors(repo, head_sha)
                              if s in set(self.ancestors(repo, base_sha)))
            number = number or self._next_number(repo)
            pull = Pull(number, self.new_id(), title, body, author, head_ref, head_sha, base,
                        merge_base, self.now())
            repo.pulls[number] = pull
            return pull

    def _next_number(self, repo: Repo) -> int:
        return max(repo.pulls, default=0) + 1

    def push(self, repo: Repo, pull: Pull, files: dict[str, bytes | str],
             author: str | None = None, message: str = "Update request",
             delete: list[str] | None = None, date: str | None = None) -> str:
        """A new commit on the PR's head branch (what ``synchronize`` reports).

        GitHub records the push at its own time (``GET /repos/{o}/{r}/activity`` of the head
        repository); ``date`` backdates the commit itself, as its author may.
        """
        with self.lock:
            sha = self.commit(repo, files, branch=pull.head_ref, author=author or pull.author,
                              message=message, parents=[pull.head_sha], delete=delete,
                              date=date, pushed_to=self._head_repo(repo, pull))
            pull.head_sha = sha
            return sha

    def force_push(self, repo: Repo, pull: Pull, sha: str,
                   actor: str | None = None) -> None:
        """Reset the PR's head branch to an existing commit ``sha`` (``git push --force``)."""
        with self.lock:
            self.move_branch(repo, pull.head_ref, sha, actor or pull.author, kind="force_push",
                             pushed_to=self._head_repo(repo, pull))
            pull.head_sha = sha

    def _head_repo(self, repo: Repo, pull: Pull) -> Repo:
        return self.repos.get(pull.head_repo or "", repo)

    def label(self, repo: Repo, pull: Pull, name: str, actor: str) -> IssueEvent:
        with self.lock:
            _observe(self, repo)
            self.user(actor)
            self.ensure_label(repo, name)
            if name not in pull.labels:
                pull.labels.append(name)
            return self._event(repo, pull.number, actor, "labeled", name)

    def unlabel(self, repo: Repo, pull: Pull, name: str, actor: str) -> IssueEvent:
        with self.lock:
            self.user(actor)
            if name in pull.labels:
                pull.labels.remove(name)
            return self._event(repo, pull.number, actor, "unlabeled", name)

    def _event(self, repo: Repo, issue: int, actor: str, event: str,
               label: str | None) -> IssueEvent:
        record = IssueEvent(self.new_id(), issue, actor, event, label, self.now())
        repo.events.append(record)
        return record

    def ensure_label(self, repo: Repo, name: str, color: str = "ededed",
                     description: str | None = None) -> Label:
        with self.lock:
            if name not in repo.labels:
                repo.labels[name] = Label(self.new_id(), name, color, description)
            return repo.labels[name]

    def review(self, repo: Repo, pull: Pull, user: str, state: str = "APPROVED",
               commit_id: str | None = None, body: str = "") -> Review:
        """A submitted review (``APPROVED``, ``CHANGES_REQUESTED``, ``COMMENTED``)."""
        with self.lock:
            _observe(self, repo)
            self.user(user)
            record = Review(self.new_id(), pull.number, user, state,
                            commit_id or pull.head_sha, body, self.now())
            repo.reviews.append(record)
            return record

    def dismiss(self, repo: Repo, review: Review) -> None:
        with self.lock:
            review.state = "DISMISSED"

    def retarget(self, repo: Repo, pull: Pull, base: str) -> None:
        with self.lock:
            pull.base_ref = base
            pull.base_sha = repo.branches[base]

    def merge(self, repo: Repo, pull: Pull, by: str, sha: str | None = None) -> str:
        """A merge commit of the PR's head into its base branch.

        ``sha``: the merge was made elsewhere (pushed to a mirrored git repository); only mark
        the pull request merged by that commit.
        """
        with self.lock:
            _observe(self, repo)
            self.user(by)
            if sha is not None:
                pull.state, pull.merged, pull.merged_by, pull.merge_commit_sha = (
                    "closed", True, by, sha)
                return sha
            head_files = self.objects.files(repo.commits[pull.head_sha].tree)
            base_files = self.objects.files(repo.commits[repo.branches[pull.base_ref]].tree)
            pr_files = self.objects.files(repo.commits[pull.base_sha].tree)
            changed = {p: d for p, d in head_files.items() if pr_files.get(p) != d}
            deleted = [p for p in pr_files if p not in head_files]
            merged: dict[str, bytes | str] = {**base_files, **changed}
            for path in deleted:
                merged.pop(path, None)
            sha = self.commit(
                repo, merged, branch=pull.base_ref, author=by, replace=True,
                message=f"Merge pull request #{pull.number} from {pull.head_ref}",
                parents=[repo.branches[pull.base_ref], pull.head_sha], activity="pr_merge")
            pull.state, pull.merged, pull.merged_by, pull.merge_commit_sha = (
                "closed", True, by, sha)
            return sha

    def close(self, repo: Repo, pull: Pull) -> None:
        with self.lock:
            pull.state = "closed"


def _observe(world: WorldState, repo: Repo) -> None:
    """A mirrored repository's pushes are seen (and timed) before the next thing people do."""
    if repo.git_dir is not None:
        from tests.github_server.gitmirror import sync

        sync(world, repo)
