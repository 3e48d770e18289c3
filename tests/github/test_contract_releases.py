"""Releases: a draft, every asset uploaded (to the upload URL GitHub hands out), then publish."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.github_server import GitHubServer
from tests.support.staging import Staged

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import GitHubError
from fivesafes.adapters.github.releases import create_draft, find_release, publish, upload_asset

R = "/repos/acme/project"


def test_draft_upload_publish(github_server: GitHubServer, api: GitHubApi, staged: Staged,
                              tmp_path: Path) -> None:
    zipped = tmp_path / "request-1.zip"
    zipped.write_bytes(b"PK\x03\x04 a zip")
    checksum = tmp_path / "request-1.zip.sha512"
    checksum.write_text("abc  request-1.zip\n")
    github_server.clear()

    draft = create_draft(api, "acme/project", "request-1/v1", "Request 1", "notes", "main")
    assert draft.draft
    assert draft.upload_url.startswith(github_server.url + "/uploads/")
    upload_asset(api, "acme/project", draft, zipped, content_type="application/zip")
    upload_asset(api, "acme/project", draft, checksum, content_type="text/plain")
    with pytest.raises(GitHubError, match=r"lacks missing\.txt"):
        publish(api, "acme/project", draft, expected=("missing.txt",))
    done = publish(api, "acme/project", draft, expected=(zipped.name, checksum.name))
    assert not done.draft
    assert [a.name for a in done.assets] == [zipped.name, checksum.name]

    rid = draft.id
    assert github_server.lines() == [
        f"GET {R}/releases?per_page=100",
        f"POST {R}/releases",
        f"POST {R}/releases/{rid}/assets?label=&name=request-1.zip",
        f"POST {R}/releases/{rid}/assets?label=&name=request-1.zip.sha512",
        f"GET {R}/releases/{rid}",
        f"GET {R}/releases/{rid}",
        f"PATCH {R}/releases/{rid}",
    ]
    assert github_server.bodies("POST", f"{R}/releases") == [{
        "tag_name": "request-1/v1", "target_commitish": "main", "name": "Request 1",
        "body": "notes", "draft": True, "prerelease": False}]
    assert github_server.bodies("PATCH", f"{R}/releases/{rid}") == [{"draft": False}]
    (release,) = staged.repo.releases
    assert [(a.name, a.content_type, a.data) for a in release.assets] == [
        ("request-1.zip", "application/zip", b"PK\x03\x04 a zip"),
        ("request-1.zip.sha512", "text/plain", b"abc  request-1.zip\n")]
    assert release.published_at is not None

    # publishing again finds the release and changes nothing
    github_server.clear()
    again = create_draft(api, "acme/project", "request-1/v1", "Request 1", "notes", "main")
    upload_asset(api, "acme/project", again, zipped)
    assert publish(api, "acme/project", again, expected=(zipped.name,)).id == rid
    assert github_server.lines(writes_only=True) == []
    assert find_release(api, "acme/project", "no-such-tag") is None


def test_asset_of_another_size_is_an_error(github_server: GitHubServer, api: GitHubApi,
                                           staged: Staged, tmp_path: Path) -> None:
    first = tmp_path / "a.zip"
    first.write_bytes(b"one")
    draft = create_draft(api, "acme/project", "v1", "v1", "", "main")
    upload_asset(api, "acme/project", draft, first)
    first.write_bytes(b"longer")
    again = create_draft(api, "acme/project", "v1", "v1", "", "main")
    with pytest.raises(GitHubError, match="different size"):
        upload_asset(api, "acme/project", again, first)


def test_enterprise_server_api_prefix(staged: Staged) -> None:
    with GitHubServer(world=staged.world, prefix="/api/v3") as ghes:
        api = GitHubApi.from_env({"GITHUB_TOKEN": ghes.token, "GITHUB_API_URL": ghes.url})
        assert api.pull("acme/project", 1, "main").head_sha == staged.pull.head_sha
        assert [r.path for r in ghes.requests] == ["/repos/acme/project/pulls/1"]
        assert ghes.url.endswith("/api/v3")
        ghes.assert_clean()


def test_retried_writes_that_had_succeeded_are_recognised(
        github_server: GitHubServer, api: GitHubApi, staged: Staged, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from fivesafes.adapters.github import releases as github_releases

    zipped = tmp_path / "a.zip"
    zipped.write_bytes(b"zip")
    draft = create_draft(api, "acme/project", "v2", "v2", "", "main")
    upload_asset(api, "acme/project", draft, zipped)
    # the upload arrived but its answer was lost: the retry meets "already_exists"
    stale = create_draft(api, "acme/project", "v2", "v2", "", "main")
    object.__setattr__(stale, "assets", ())
    assert upload_asset(api, "acme/project", stale, zipped).name == "a.zip"
    assert len(staged.repo.releases[0].assets) == 1
    # the release was created but the answer was lost: creating again meets "already_exists"
    calls: list[str] = []

    def first_blind(api: GitHubApi, repo: str, tag: str) -> object:
        calls.append(tag)
        return None if len(calls) == 1 else find_release(api, repo, tag)

    monkeypatch.setattr(github_releases, "find_release", first_blind)
    again = github_releases.create_draft(api, "acme/project", "v2", "v2", "", "main")
    assert again.id == draft.id
    assert github_server.violations == []
