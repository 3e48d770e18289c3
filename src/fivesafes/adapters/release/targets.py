"""Where a release goes: a TRE folder, and a GitHub Release.

``directory`` (the embedded default) copies the zip and its ``.sha512`` file into a folder of
the TRE (a filestore or workspace). ``github-release`` creates a DRAFT release with the tag,
uploads the zip and the ``.sha512`` file, and publishes only when both are there, so nobody
downloads a release that lacks its checksum. Whether the zip carries data is decided before
(the policy's ``releasable-results``); this module only moves files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from fivesafes.adapters.files import atomic
from fivesafes.errors import ExternalError


class TargetError(ExternalError):
    """A target could not take the release; the message names it and the fix."""


def checksum_file(zip_path: Path, sha512: str) -> Path:
    """``<zip>.sha512`` in the ``sha512sum`` format, beside the zip."""
    path = zip_path.with_name(zip_path.name + ".sha512")
    atomic.write_text(path, f"{sha512}  {zip_path.name}\n")
    return path


def to_directory(zip_path: Path, sha512: str, folder: Path) -> Path:
    """Copy the zip (atomically) and its checksum into ``folder``; the zip's new path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / zip_path.name
    if target.resolve() != zip_path.resolve():
        atomic.copy_file(zip_path, target)
    checksum_file(target, sha512)
    return target


def to_github_release(zip_path: Path, sha512: str, *, tag: str, title: str, body: str,
                      target: str, env: Mapping[str, str] | None = None) -> str:
    """Draft, upload zip and checksum, publish; the release's web URL."""
    from fivesafes.adapters.github.api import GitHubApi
    from fivesafes.adapters.github.errors import GitHubError
    from fivesafes.adapters.github.releases import create_draft, publish, upload_asset

    environment = os.environ if env is None else env
    repo = environment.get("GITHUB_REPOSITORY")
    if not repo:
        raise TargetError("the github-release target needs GITHUB_REPOSITORY (owner/name)")
    try:
        api = GitHubApi.from_env(environment)
        release = create_draft(api, repo, tag, title, body, target)
        checksum = checksum_file(zip_path, sha512)
        upload_asset(api, repo, release, zip_path, content_type="application/zip")
        upload_asset(api, repo, release, checksum, content_type="text/plain")
        done = publish(api, repo, release, expected=(zip_path.name, checksum.name))
    except GitHubError as exc:
        raise TargetError(f"github-release: {exc}") from None
    return done.html_url
