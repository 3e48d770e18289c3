"""A fake repository backed by a real (bare) git repository.

End-to-end tests push to a local bare remote (the automation's record commits, disclosure
branches) and then ask the API about what they pushed. A repository created with
``world.repo(name, git_dir=...)`` mirrors that git repository: before each request the server
imports every branch tip and the commits behind it (real SHAs, files, authors, messages), so
the API and the remote always tell the same story; a tip that moved since the last look is
recorded as a push (``GET /repos/{o}/{r}/activity``) at the time the server first sees it.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from tests.github_server.world import ZERO, Commit, Repo, WorldState


def _git(git_dir: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], input=data,
                          capture_output=True, check=True).stdout


def sync(world: WorldState, repo: Repo) -> None:
    """Import branch tips (and their history) from ``repo.git_dir``; branches gone are dropped."""
    if repo.git_dir is None:
        return
    out = _git(repo.git_dir, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads")
    tips: dict[str, str] = {}
    for line in out.decode().splitlines():
        sha, ref = line.split(" ", 1)
        tips[ref.removeprefix("refs/heads/")] = sha
    for sha in tips.values():
        _import(world, repo, sha)
    # a tip that moved was pushed: GitHub lists it among the activities, at its own time
    for branch in sorted(set(repo.branches) - set(tips)):
        world.move_branch(repo, branch, ZERO, None)
    for branch, sha in sorted(tips.items()):
        if repo.branches.get(branch) != sha:
            world.move_branch(repo, branch, sha, repo.commits[sha].author)
    head = _git(repo.git_dir, "symbolic-ref", "--short", "HEAD").decode().strip()
    if head in tips:
        repo.default_branch = head


def _import(world: WorldState, repo: Repo, tip: str) -> None:
    pending = [tip]
    while pending:
        sha = pending[-1]
        if sha in repo.commits:
            pending.pop()
            continue
        git_dir = repo.git_dir
        assert git_dir is not None
        raw = _git(git_dir, "cat-file", "commit", sha).decode(errors="replace")
        header, message = raw.split("\n\n", 1)
        fields = [line.split(" ", 1) for line in header.splitlines()]
        parents = [v for k, v in fields if k == "parent"]
        missing = [p for p in parents if p not in repo.commits]
        if missing:
            pending.extend(missing)
            continue
        pending.pop()
        author = next(v for k, v in fields if k == "author")
        name, rest = author.split(" <", 1)
        email, stamp = rest.split("> ", 1)
        when = dt.datetime.fromtimestamp(int(stamp.split()[0]), dt.UTC)
        tree = world.objects.put_tree(_files(git_dir, sha))
        repo.commits[sha] = Commit(sha, tree, parents, message, _login(world, email), name,
                                   email, when.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _files(git_dir: Path, sha: str) -> dict[str, bytes]:
    listing = _git(git_dir, "ls-tree", "-r", "-z", sha).decode().split("\0")
    entries = [(e.split("\t", 1)[1], e.split()[2]) for e in listing if e and " blob " in e]
    if not entries:
        return {}
    batch = _git(git_dir, "cat-file", "--batch",
                 data="".join(f"{blob}\n" for _, blob in entries).encode())
    files: dict[str, bytes] = {}
    offset = 0
    for path, _ in entries:
        end = batch.index(b"\n", offset)
        size = int(batch[offset:end].split()[2])
        files[path] = batch[end + 1:end + 1 + size]
        offset = end + 1 + size + 1
    return files


def _login(world: WorldState, email: str) -> str | None:
    for user in world.users.values():
        if user.email == email:
            return user.login
    local = email.split("@", 1)[0]
    if email.endswith("@users.noreply.github.com"):
        return local.split("+", 1)[-1]
    return None
