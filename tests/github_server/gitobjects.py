"""Real git object ids for the in-memory repositories of the test server.

Blob, tree and commit ids are computed exactly as git computes them, so a tree seeded in the
server and the same files committed in a local git repository carry the same ids, and SHAs in
webhook payloads, API responses and local clones can be compared directly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def object_id(kind: str, body: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(body)}\0".encode() + body, usedforsecurity=False).hexdigest()


def blob_id(data: bytes) -> str:
    return object_id("blob", data)


@dataclass(frozen=True)
class TreeEntry:
    path: str  # relative to the tree
    mode: str  # 100644 or 040000
    kind: str  # blob or tree
    sha: str
    size: int | None


@dataclass
class ObjectStore:
    """Blobs and trees by id; commits live in the repository state."""

    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, list[TreeEntry]] = field(default_factory=dict)

    def put_blob(self, data: bytes) -> str:
        sha = blob_id(data)
        self.blobs[sha] = data
        return sha

    def put_tree(self, files: dict[str, bytes]) -> str:
        """Store a nested tree of ``path -> content`` and return the root tree id."""
        children: dict[str, dict[str, bytes]] = {}
        entries: list[TreeEntry] = []
        for path, data in files.items():
            head, _, rest = path.partition("/")
            if rest:
                children.setdefault(head, {})[rest] = data
            else:
                entries.append(TreeEntry(head, "100644", "blob", self.put_blob(data), len(data)))
        for name, sub in children.items():
            entries.append(TreeEntry(name, "040000", "tree", self.put_tree(sub), None))
        # git orders tree entries by name, directories compared as if they ended in "/"
        entries.sort(key=lambda e: e.path + ("/" if e.kind == "tree" else ""))
        body = b"".join(
            f"{e.mode.lstrip('0')} {e.path}\0".encode() + bytes.fromhex(e.sha) for e in entries
        )
        sha = object_id("tree", body)
        self.trees[sha] = entries
        return sha

    def walk(self, tree: str, recursive: bool, prefix: str = "") -> list[TreeEntry]:
        out: list[TreeEntry] = []
        for entry in self.trees[tree]:
            full = TreeEntry(prefix + entry.path, entry.mode, entry.kind, entry.sha, entry.size)
            out.append(full)
            if recursive and entry.kind == "tree":
                out.extend(self.walk(entry.sha, True, full.path + "/"))
        return out

    def files(self, tree: str) -> dict[str, bytes]:
        return {e.path: self.blobs[e.sha] for e in self.walk(tree, True) if e.kind == "blob"}


def commit_id(tree: str, parents: list[str], author: str, committer: str, message: str) -> str:
    """``author``/``committer`` as git writes them: ``Name <email> 1767225600 +0000``."""
    lines = [f"tree {tree}", *(f"parent {p}" for p in parents),
             f"author {author}", f"committer {committer}", "", message]
    return object_id("commit", "\n".join(lines).encode())
