"""How a workflow pins the code it runs, and what ``upgrade`` writes instead.

A workflow that runs ``some/action@main`` runs whatever that branch holds tomorrow. Third-party
actions must be pinned by a full commit SHA (with a ``# vX.Y.Z`` comment for humans); this
repository's own reusable workflow and actions may also be pinned by a release tag, which is
immutable. Pure string logic over the ``uses:`` values the YAML adapter finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from fivesafes.core.findings import Finding

OUR_REPOSITORY = "fivesafes/fivesafes-gitops"
SHA_RE = re.compile(r"^[0-9a-f]{40}$")
RELEASE_RE = re.compile(r"^v\d+\.\d+\.\d+$")
DIGEST_RE = re.compile(r"@sha256:[0-9a-f]{64}$")

PinKind = Literal["local", "sha", "release", "docker-digest", "unpinned"]


@dataclass(frozen=True)
class Uses:
    """One ``uses:`` value of a workflow file, where it is, and its trailing comment."""

    path: str
    line: int  # 1-based
    column: int  # 0-based column of the value's first character (after any quote)
    value: str
    comment: str = ""

    @property
    def target(self) -> str:
        return self.value.split("@", 1)[0]

    @property
    def ref(self) -> str:
        return self.value.split("@", 1)[1] if "@" in self.value else ""

    def is_ours(self, repository: str = OUR_REPOSITORY) -> bool:
        return self.target.lower().startswith(repository.lower() + "/")


def pin_kind(uses: Uses, repository: str = OUR_REPOSITORY) -> PinKind:
    value = uses.value
    if value.startswith("./"):
        return "local"
    if value.startswith("docker://"):
        return "docker-digest" if DIGEST_RE.search(value) else "unpinned"
    if SHA_RE.match(uses.ref):
        return "sha"
    if uses.is_ours(repository) and RELEASE_RE.match(uses.ref):
        return "release"
    return "unpinned"


def pin_findings(uses: list[Uses], repository: str = OUR_REPOSITORY) -> list[Finding]:
    found = []
    for item in uses:
        if pin_kind(item, repository) != "unpinned":
            continue
        if item.is_ours(repository):
            fix = f"pin a release: `fivesafes upgrade --to vX.Y.Z` (now @{item.ref or '?'})"
        else:
            fix = "pin the full 40-hex commit SHA of a release, with `# vX.Y.Z` after it"
        found.append(Finding(item.path, item.line, item.column + 1, "workflow-unpinned",
                             f"`uses: {item.value}` is not pinned; what runs can change "
                             "under you", fix))
    return found


def upgraded(uses: Uses, tag: str, sha: str | None,
             repository: str = OUR_REPOSITORY) -> tuple[str, str] | None:
    """(new value, new comment) for one of our ``uses:``, or None when nothing changes.

    With ``sha`` the ref becomes the SHA and the comment ``# <tag>``; without it the ref
    becomes the tag and a version comment, if any, is dropped as redundant.
    """
    if not uses.is_ours(repository) or pin_kind(uses, repository) == "local":
        return None
    value = f"{uses.target}@{sha or tag}"
    comment = uses.comment
    if sha:
        comment = f"# {tag}"
    elif RELEASE_RE.match(comment.lstrip("# ").strip()):
        comment = ""
    if value == uses.value and comment == uses.comment:
        return None
    return value, comment


def reusable_refs(uses: list[Uses], repository: str = OUR_REPOSITORY,
                  path: str = ".github/workflows/fivesafes.yml") -> set[str]:
    """The refs at which ``uses`` call the reusable workflow (``<repository>/<path>@ref``)."""
    wanted = f"{repository}/{path}".lower()
    return {u.ref for u in uses if u.target.lower() == wanted and u.ref}
