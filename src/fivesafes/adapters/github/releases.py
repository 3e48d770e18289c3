"""GitHub Releases for the publication phase: draft, upload every asset, then publish.

A release is published only after every asset is uploaded, so nobody downloads a release
missing its checksum file. Each step can be re-run: an existing release with the tag is
reused (draft or not), an asset already uploaded with the same name and size is kept.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import GitHubError, Need


@dataclass(frozen=True)
class Asset:
    id: int
    name: str
    size: int
    url: str
    download_url: str


@dataclass(frozen=True)
class Release:
    id: int
    tag: str
    draft: bool
    html_url: str
    upload_url: str
    assets: tuple[Asset, ...] = ()


def _release(data: Any) -> Release:
    return Release(int(data["id"]), str(data["tag_name"]), bool(data["draft"]),
                   str(data.get("html_url") or ""), str(data["upload_url"]),
                   tuple(_asset(a) for a in data.get("assets") or []))


def _asset(data: Any) -> Asset:
    return Asset(int(data["id"]), str(data["name"]), int(data["size"]), str(data["url"]),
                 str(data.get("browser_download_url") or ""))


def find_release(api: GitHubApi, repo: str, tag: str) -> Release | None:
    """The release with ``tag``, drafts included (the by-tag endpoint hides drafts)."""
    need = Need(f"listing releases to find {tag}", "contents: read", repo)
    for item in api.paginate(f"/repos/{repo}/releases", need):
        if item.get("tag_name") == tag:
            return _release(item)
    return None


def create_draft(api: GitHubApi, repo: str, tag: str, name: str, body: str,
                 target: str) -> Release:
    """A draft release for ``tag`` on ``target`` (a commit SHA or branch); reused if present."""
    found = find_release(api, repo, tag)
    if found is not None:
        return found
    need = Need(f"creating draft release {tag}", "contents: write", repo)
    try:
        data = api.request("POST", f"/repos/{repo}/releases", need, {
            "tag_name": tag, "target_commitish": target, "name": name, "body": body,
            "draft": True, "prerelease": False})
    except GitHubError as exc:  # a retried POST that had in fact succeeded
        found = find_release(api, repo, tag) if exc.status == 422 else None
        if found is None:
            raise
        return found
    return _release(data)


def upload_asset(api: GitHubApi, repo: str, release: Release, file: Path,
                 name: str | None = None, content_type: str | None = None) -> Asset:
    """Upload ``file`` to ``release``; an asset of the same name and size is kept as is."""
    name = name or file.name
    size = file.stat().st_size
    for asset in release.assets:
        if asset.name == name:
            if asset.size == size:
                return asset
            raise GitHubError(f"release {release.tag} already has an asset {name} of a "
                              f"different size ({asset.size} bytes, not {size}); fix: delete "
                              "the asset or the draft release and publish again")
    kind = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    need = Need(f"uploading {name} to release {release.tag}", "contents: write", repo)
    try:
        return _asset(api.upload(release.upload_url, str(file), name, kind, need))
    except GitHubError as exc:  # a retried upload that had in fact arrived
        if exc.status != 422:
            raise
        listed = api.paginate(f"/repos/{repo}/releases/{release.id}/assets", need)
        same = [_asset(a) for a in listed if a.get("name") == name and a.get("size") == size]
        if not same:
            raise
        return same[0]


def publish(api: GitHubApi, repo: str, release: Release,
            expected: Sequence[str] = ()) -> Release:
    """Turn the draft into a published release once every ``expected`` asset is there."""
    need = Need(f"publishing release {release.tag}", "contents: write", repo)
    current = _release(api.request("GET", f"/repos/{repo}/releases/{release.id}", need))
    missing = sorted(set(expected) - {a.name for a in current.assets})
    if missing:
        raise GitHubError(f"release {release.tag} lacks {', '.join(missing)}; it stays a "
                          "draft. Fix: upload the missing assets and publish again")
    if not current.draft:
        return current
    data = api.request("PATCH", f"/repos/{repo}/releases/{release.id}", need, {"draft": False})
    return _release(data)
