"""Plain records the GitHub adapter returns, and small helpers for GitHub's wire formats.

Kept apart from :mod:`fivesafes.adapters.github.api` so that modules using the adapter's
answers never need PyGithub's types.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fivesafes.core.facts import actors

__all__ = ["CommitInfo", "IssueComment", "next_link", "quote", "stamp"]


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    author: actors.Actor | None
    committer: actors.Actor | None
    message: str


@dataclass(frozen=True)
class IssueComment:
    id: int
    body: str
    author: actors.Actor


def stamp(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def quote(segment: str) -> str:
    """One URL path segment (a label name may hold ``:`` or spaces, a login never ``/``)."""
    return urllib.parse.quote(segment, safe="")


def next_link(headers: Mapping[str, Any]) -> str | None:
    link = next((str(v) for k, v in headers.items() if k.lower() == "link"), "")
    for part in link.split(","):
        url, _, rel = part.partition(";")
        if 'rel="next"' in rel:
            return url.strip().strip("<>")
    return None
