"""Where a project's ``extends`` points: ``ORG/REPO[/PATH][@REF]``.

The same shape as a workflow's ``uses:`` so maintainers read it at a glance. Without a path the
central policy is ``fivesafes.toml`` at the repository's root; without a ref it is read from
the repository's default branch, the only branch an organisation protects like the policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_PATH = "fivesafes.toml"
_PART = r"[A-Za-z0-9][A-Za-z0-9._-]*"
EXTENDS = re.compile(rf"^({_PART})/({_PART})((?:/[A-Za-z0-9._-]+)*)(?:@([A-Za-z0-9._/-]+))?$")


@dataclass(frozen=True)
class ExtendsRef:
    """The central policy's repository, file and ref (None: the default branch)."""

    repo: str
    path: str = DEFAULT_PATH
    ref: str | None = None

    @property
    def label(self) -> str:
        """How findings name the central policy: ``ORG/REPO:PATH[@REF]``."""
        return f"{self.repo}:{self.path}" + (f"@{self.ref}" if self.ref else "")


def parse_extends(value: str) -> ExtendsRef | None:
    """The reference, or None when ``value`` is not ``ORG/REPO[/PATH][@REF]``."""
    match = EXTENDS.match(value.strip())
    if match is None or ".." in value:
        return None
    org, repo, path, ref = match.groups()
    return ExtendsRef(f"{org}/{repo}", path.lstrip("/") or DEFAULT_PATH, ref)
