"""A project repository on stage for the end-to-end scenarios: one bare git remote that IS the
repository (the local GitHub API server mirrors it), people with their clones, and the TRE's
data, staging and workflow mirror folders (the mirror holds the approved crate of the
template's workflow, as TRE staff would place it: the TRE runner has no internet).

Everything a scenario does is what the people and GitHub would do: a researcher pushes a
branch and opens a pull request, an approver applies a label, a maintainer merges; GitHub then
delivers the event, which :meth:`Stage.run` hands to ``act`` (the real caller workflow, the
real reusable workflow and composite actions, ``fivesafes`` itself). What the automation
changed is read back from the API server's state and from the bare remote.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.e2e.act_harness import Act, ActRun
from tests.github_server import GitHubServer
from tests.github_server.payloads import adapt, load, review_run
from tests.github_server.world import BOT, Comment, Pull, Repo

from fivesafes.adapters.executors.bundle import (
    COUNTS_BY_REGION,
    COUNTS_BY_REGION_URL,
    add_to_mirror,
    bundled_workflow,
)
from fivesafes.adapters.files.template import init_project
from fivesafes.core.admin.init_plan import InitOptions
from fivesafes.demo import synthetic_source

REPO = "example-tre/cohort-study"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z, inside the template project's dates
MARKER = "<!-- fivesafes:sticky -->"
SIGN_OFF = "5s:approve-sign-off"
DISCLOSURE = "5s:approve-disclosure"
APPROVERS = ["alice", "bob"]
CHECKERS = ["carol", "dave"]
# The automation's commits: who makes them, and the only paths they may touch.
AUTOMATION = "fivesafes[bot] <fivesafes[bot]@users.noreply.github.com>"
RECORD_PATHS = ("resources/governance/actions.toml", "crate/")
# The policy the maintainers set: releases go to a GitHub Release (checksums only, no data).
RELEASE_TARGET = ('targets = ["directory"]', 'targets = ["github-release"]')
SHA = re.compile(r"\b[0-9a-f]{40}\b")


def normal(line: str) -> str:
    """A request line without paging parameters, and with object ids as ``{sha}``."""
    line = SHA.sub("{sha}", line.replace("?per_page=100", "").replace("&per_page=100", ""))
    return line.replace(f"/repos/{REPO}/", "/repos/{repo}/")


def pr_reads(number: int, people: Sequence[str], *, statuses: bool = True,
             head_ref: str = "request") -> set[str]:
    """What the engine reads for an event on pull request ``number``: the policy and the
    record from the DEFAULT branch, the pull request and when its head was pushed, its
    commits, files, reviews and label events, the request files at the head (tree and blobs),
    the teams the policy names and whether each of ``people`` is in them and may write, the
    comments (to find the sticky one) and, when it posts statuses, the statuses already
    there."""
    repo, issue = "GET /repos/{repo}", f"/issues/{number}"
    pushed = f"{repo}/activity?direction=desc&ref={quote(f'refs/heads/{head_ref}', safe='')}"
    found = {f"{repo}/contents/.github/fivesafes.toml?ref=main",
             f"{repo}/contents/resources/governance/actions.toml?ref=main",
             f"{repo}/pulls/{number}", f"{repo}/pulls/{number}/commits",
             f"{repo}/pulls/{number}/files", f"{repo}/pulls/{number}/reviews",
             f"{repo}{issue}/events", f"{repo}{issue}/comments",
             f"{repo}/git/trees/{{sha}}?recursive=1", f"{repo}/git/blobs/{{sha}}",
             "GET /orgs/example-tre/teams/sign-off-approvers",
             "GET /orgs/example-tre/teams/output-checkers", pushed}
    for login in people:
        found |= {f"GET /orgs/example-tre/teams/sign-off-approvers/memberships/{login}",
                  f"GET /orgs/example-tre/teams/output-checkers/memberships/{login}",
                  f"{repo}/collaborators/{login}/permission"}
    if statuses:
        found.add(f"{repo}/commits/{{sha}}/statuses")
    return found


def git(cwd: Path, *args: str, who: str | None = None) -> str:
    """Run git in ``cwd``, committing as the GitHub user ``who`` (noreply e-mail) if given."""
    env = dict(os.environ)
    if who is not None:
        email = f"{who}@users.noreply.github.com"
        env.update({"GIT_AUTHOR_NAME": who, "GIT_AUTHOR_EMAIL": email,
                    "GIT_COMMITTER_NAME": who, "GIT_COMMITTER_EMAIL": email})
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def make_project(base: Path) -> tuple[Path, Path]:
    """(maintainer's clone, bare remote): the template project as the maintainers set it up."""
    source = base / "source"
    init_project(source, InitOptions(), git=True)
    policy = source / ".github/fivesafes.toml"
    text = policy.read_text(encoding="utf-8")
    assert RELEASE_TARGET[0] in text
    policy.write_text(text.replace(*RELEASE_TARGET), encoding="utf-8")
    git(source, "commit", "-q", "-am", "Releases go to GitHub", who="mo")
    remote = base / "remote.git"
    git(base, "clone", "-q", "--bare", str(source), str(remote))
    clone = base / "project"
    git(base, "clone", "-q", str(remote), str(clone))
    return clone, remote


@dataclass
class Stage:
    act: Act
    server: GitHubServer
    clone: Path  # the researcher's clone of the remote
    remote: Path  # the bare repository GitHub holds (the API server mirrors it)
    tre: Path  # the TRE runner's data, staging and workflow mirror folders

    @classmethod
    def create(cls, act: Act, server: GitHubServer, base: Path) -> Stage:
        clone, remote = make_project(base)
        world = server.world
        world.repo(REPO, git_dir=remote)
        world.team("example-tre", "sign-off-approvers", members=APPROVERS)
        world.team("example-tre", "output-checkers", members=CHECKERS)
        world.team("example-tre", "maintainers", members=["mo"])
        repo = world.repos[REPO]
        repo.collaborators.update({login: "write" for login in
                                   ["researcher", "mo", "mallory", *APPROVERS, *CHECKERS]})
        tre = base / "tre"
        synthetic_source.generate(tre / "data" / "synthetic_cohort.sqlite")
        add_to_mirror(tre / "workflows", COUNTS_BY_REGION_URL,
                      bundled_workflow(COUNTS_BY_REGION))
        return cls(act, server, clone, remote, tre)

    @property
    def repo(self) -> Repo:
        return self.server.world.repos[REPO]

    # what people do ---------------------------------------------------------------------
    def commit_files(self, branch: str, files: dict[str, str], who: str,
                     message: str) -> str:
        """Commit ``files`` on ``branch`` of the researcher's clone as ``who`` and push it."""
        current = git(self.clone, "branch", "--show-current").strip()
        if current != branch:
            exists = git(self.clone, "branch", "--list", branch).strip()
            git(self.clone, "switch", "-q", *([] if exists else ["-c"]), branch)
        for path, text in files.items():
            (self.clone / path).write_text(text, encoding="utf-8")
        git(self.clone, "add", "--", *files)
        git(self.clone, "commit", "-q", "-m", message, who=who)
        git(self.clone, "push", "-q", "origin", f"{branch}:{branch}")
        return git(self.clone, "rev-parse", "HEAD").strip()

    def edit(self, path: str, old: str, new: str) -> dict[str, str]:
        """``path`` as it is on the default branch with ``old`` replaced by ``new``."""
        text = git(self.clone, "show", f"origin/main:{path}")
        assert old in text, f"{old!r} not in {path}"
        return {path: text.replace(old, new, 1)}

    def open_request(self, files: dict[str, str], author: str = "researcher",
                     branch: str = "request") -> Pull:
        git(self.clone, "fetch", "-q", "origin")
        git(self.clone, "switch", "-q", "-c", branch, "origin/main")
        self.commit_files(branch, files, author, "Request access for the cohort study")
        return self.server.world.pull_from_branch(self.repo, branch, author=author,
                                                  title="Cohort study request")

    def push(self, pull: Pull, files: dict[str, str], who: str) -> str:
        """A new commit on the pull request's branch (GitHub then sends ``synchronize``)."""
        sha = self.commit_files(pull.head_ref, files, who, "Update the request")
        pull.head_sha = sha
        return sha

    def label(self, pull: Pull, name: str, actor: str) -> dict[str, Any]:
        """``actor`` applies ``name``: the ``labeled`` event's payload."""
        self.server.world.label(self.repo, pull, name, actor=actor)
        return self.payload("pull_request.labeled", pull, actor, label=name)

    def merge(self, pull: Pull, by: str) -> str:
        """``by`` merges the pull request (a merge commit on main, pushed)."""
        work = self.tre.parent / f"merge-{pull.number}"
        git(self.tre.parent, "clone", "-q", str(self.remote), str(work))
        git(work, "merge", "-q", "--no-ff", "-m",
            f"Merge pull request #{pull.number} from {pull.head_ref}",
            f"origin/{pull.head_ref}", who=by)
        git(work, "push", "-q", "origin", "HEAD:main")
        sha = git(work, "rev-parse", "HEAD").strip()
        self.server.world.merge(self.repo, pull, by=by, sha=sha)
        return sha

    # what GitHub delivers ---------------------------------------------------------------
    def payload(self, name: str, pull: Pull, sender: str, label: str | None = None
                ) -> dict[str, Any]:
        """The vendored ``name`` webhook example, describing ``pull`` as it is now."""
        return adapt(self.server.world, load(name), self.repo, pull, sender=sender,
                     label=label)

    def dispatch_payload(self, index: int = -1) -> dict[str, Any]:
        """The ``workflow_dispatch`` payload of the ``index``-th dispatch the automation made."""
        made = self.repo.dispatches[index]
        return self.dispatch_payload_for(made["inputs"], "github-actions[bot]", made["ref"])

    def dispatch_payload_for(self, inputs: dict[str, str], sender: str, ref: str = "main"
                             ) -> dict[str, Any]:
        """A ``workflow_dispatch`` payload: someone (or the automation) started a phase."""
        data = adapt(self.server.world, load("workflow_dispatch"), self.repo, sender=sender)
        data.update({"inputs": dict(inputs), "ref": f"refs/heads/{ref}"})
        return data

    def review(self, pull: Pull, login: str, state: str = "APPROVED", body: str = "") -> ActRun:
        """``login`` submits a review: GitHub runs the unprivileged review workflow (which
        touches no API), and its completed run delivers ``workflow_run`` to the project's
        workflow as it is on the default branch; returns that run."""
        self.server.world.review(self.repo, pull, login, state, body=body)
        run = self.run("pull_request_review", self.payload(
            "pull_request_review.submitted", pull, login), workflow="fivesafes-review.yml")
        assert run.results == {"review": "success"}, run.output()
        assert self.server.lines() == [], "the review workflow must not call the API"
        return self.run("workflow_run", review_run(self.server.world, self.repo, pull, login))

    def run(self, event: str, payload: dict[str, Any],
            workflow: str = "fivesafes.yml") -> ActRun:
        """Deliver ``event``: act runs the project's workflow as it is on the default branch
        (``GITHUB_SHA`` its tip, as for every event here); requests are recorded anew."""
        github = self.tre.parent / "github"
        if not github.exists():
            git(self.tre.parent, "clone", "-q", str(self.remote), str(github))
        git(github, "fetch", "-q", "origin")
        git(github, "checkout", "-q", "--detach", "origin/main")
        self.server.clear()
        artifacts = self.tre.parent / "artifacts"  # a run's artifacts are its own
        shutil.rmtree(artifacts, ignore_errors=True)
        artifacts.mkdir()
        return self.act.run(
            github, event, payload,
            env={"GITHUB_API_URL": self.server.url, "GITHUB_REPOSITORY": REPO,
                 "FIVESAFES_E2E_REMOTE": str(self.remote),
                 "FIVESAFES_E2E_ARTIFACTS": str(artifacts),
                 "FIVESAFES_GIT_REMOTE": str(self.remote),
                 "FIVESAFES_DATA_DIR": str(self.tre / "data"),
                 "FIVESAFES_STAGING_DIR": str(self.tre / "staging"),
                 "FIVESAFES_WORKFLOW_MIRROR": str(self.tre / "workflows"),
                 "SOURCE_DATE_EPOCH": EPOCH},
            secrets={"GITHUB_TOKEN": self.server.token},
            variables={"FIVESAFES_PYTHON": sys.executable,
                       "FIVESAFES_TRE_PYTHON": sys.executable}, workflow=workflow)

    # what the automation changed --------------------------------------------------------
    def writes(self) -> list[str]:
        """The changes the last run asked of the API, in order (``METHOD /path``)."""
        return [normal(line) for line in self.server.lines(writes_only=True)]

    def reads(self) -> set[str]:
        """What the last run read, with commit and object ids as ``{sha}``."""
        return {normal(line) for line in self.server.lines() if line.startswith("GET ")}

    def statuses(self, sha: str) -> dict[str, str]:
        """The latest state of each status context on ``sha``."""
        found: dict[str, str] = {}
        for status in self.repo.statuses:  # oldest first: the last one counts
            if status.sha == sha:
                found[status.context] = status.state
        return found

    def sticky(self, number: int) -> Comment:
        """The one comment of the automation on #number (there must be exactly one)."""
        (comment,) = [c for c in self.repo.comments if c.issue == number and MARKER in c.body]
        assert comment.user == BOT
        return comment

    def status_contexts(self, sha: str) -> list[tuple[str, str]]:
        """(context, state) of every status posted on ``sha`` by the last run, in order."""
        return [(b["context"], b["state"])
                for b in self.server.bodies("POST", f"/repos/{REPO}/statuses/{sha}")]

    def tip(self, branch: str = "main") -> str:
        return git(self.remote, "rev-parse", branch).strip()

    def log(self, branch: str = "main") -> list[str]:
        """Subjects of the commits on the remote's ``branch``, newest first (first parents)."""
        return git(self.remote, "log", "--first-parent", "--format=%s", branch).splitlines()

    def commits_since(self, old: str, branch: str = "main") -> list[RemoteCommit]:
        """The commits ``branch`` gained after ``old``, oldest first; ``old`` must be an
        ancestor of the new tip (the branch only moved forward: nothing was force-pushed)."""
        git(self.remote, "merge-base", "--is-ancestor", old, branch)
        shas = git(self.remote, "rev-list", "--reverse", "--first-parent", f"{old}..{branch}")
        found = []
        for sha in shas.split():
            subject, author = git(self.remote, "log", "-1", "--format=%s%n%an <%ae>",
                                  sha).splitlines()
            files = git(self.remote, "diff-tree", "--no-commit-id", "--name-only", "-r",
                        "-m", "--first-parent", sha).split()
            found.append(RemoteCommit(sha, subject, author, tuple(files)))
        return found

    def tree(self, rev: str = "main") -> list[str]:
        """Every file path at ``rev`` of the remote."""
        return git(self.remote, "ls-tree", "-r", "--name-only", rev).split()

    def record(self, rev: str = "main") -> list[dict[str, Any]]:
        """The entries of the action record at ``rev`` of the remote."""
        text = git(self.remote, "show", f"{rev}:resources/governance/actions.toml")
        entries: list[dict[str, Any]] = tomllib.loads(text).get("action", [])
        return entries

    def clone_main(self, name: str) -> Path:
        """A fresh clone of the remote's default branch."""
        dest = self.tre.parent / name
        git(self.tre.parent, "clone", "-q", str(self.remote), str(dest))
        return dest

    def fivesafes(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The ``fivesafes`` command, as anyone would run it on their machine."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        return subprocess.run([sys.executable, "-m", "fivesafes", *args], env=env,
                              capture_output=True, text=True, check=False)

    def assert_record_sound(self, name: str) -> None:
        """A fresh clone's record verifies (chain and git history) and its crate is current."""
        clone = self.clone_main(name)
        verified = self.fivesafes("ledger", "verify", str(clone))
        assert verified.returncode == 0, verified.stdout + verified.stderr
        built = self.fivesafes("crate", "build", "--check", str(clone))
        assert built.returncode == 0, built.stdout + built.stderr


@dataclass(frozen=True)
class RemoteCommit:
    sha: str
    subject: str
    author: str
    files: tuple[str, ...]

    @property
    def by_automation_on_record_only(self) -> bool:
        """Made by the automation, and touching nothing but the record and the crate."""
        return self.author == AUTOMATION and all(
            f == RECORD_PATHS[0] or f.startswith(RECORD_PATHS[1]) for f in self.files)
