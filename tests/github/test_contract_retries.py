"""Retries with backoff on 5xx and rate limits, and one clear message when GitHub refuses."""

from __future__ import annotations

import pytest
from tests.github_server import GitHubServer
from tests.support.staging import Staged

from fivesafes.adapters.github import writes as github_writes
from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import GitHubError
from fivesafes.adapters.github.retry import RetryPolicy

PULL = r"^/repos/acme/project/pulls/1$"


def test_5xx_is_retried_with_exponential_backoff(github_server: GitHubServer, api: GitHubApi,
                                                  staged: Staged, sleeps: list[float]) -> None:
    github_server.fail("GET", PULL, 502, times=2)
    github_server.clear()
    pr = api.pull("acme/project", 1, "main")
    assert pr.head_sha == staged.pull.head_sha
    assert sleeps == [1.0, 2.0]
    assert [r.status for r in github_server.requests] == [502, 502, 200]


def test_secondary_rate_limit_waits_for_retry_after(github_server: GitHubServer,
                                                    api: GitHubApi, staged: Staged,
                                                    sleeps: list[float]) -> None:
    github_server.secondary_rate_limit("POST", r"/issues/1/labels$", retry_after=7)
    github_server.clear()
    github_writes.add_labels(api, "acme/project", 1, ["5s:hold"])
    assert sleeps == [7.0]
    assert github_server.lines() == ["POST /repos/acme/project/issues/1/labels"] * 2
    assert github_server.bodies("POST", "/repos/acme/project/issues/1/labels") == [
        {"labels": ["5s:hold"]}] * 2
    assert staged.pull.labels == ["5s:hold"]


def test_secondary_rate_limit_429_without_retry_after_waits_a_minute(
        github_server: GitHubServer, api: GitHubApi, staged: Staged,
        sleeps: list[float]) -> None:
    github_server.fail("GET", PULL, 429, "You have exceeded a secondary rate limit.")
    api.pull("acme/project", 1, "main")
    assert sleeps == [60.0]


def test_primary_rate_limit_waits_until_reset(github_server: GitHubServer, api: GitHubApi,
                                              staged: Staged, sleeps: list[float]) -> None:
    # the api fixture's clock reads 1767225600; the server says the limit resets 60 s later
    github_server.secondary_rate_limit("GET", PULL, retry_after=None)
    api.pull("acme/project", 1, "main")
    assert sleeps == [61.0]


def test_persistent_failure_gives_up_with_one_message(github_server: GitHubServer,
                                                      api: GitHubApi, staged: Staged,
                                                      sleeps: list[float]) -> None:
    github_server.fail("GET", PULL, 503, times=10)
    github_server.clear()
    with pytest.raises(GitHubError) as failed:
        api.pull("acme/project", 1, "main")
    assert len(github_server.requests) == 5
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert str(failed.value) == (
        "reading pull request #1 on acme/project failed: GitHub answered 503 Server Error "
        "after 5 attempts; GitHub or the network is unavailable. Fix: re-run the job later; "
        "nothing was recorded twice (events are idempotent).")
    assert failed.value.exit_code == 3


def test_rate_limit_far_in_the_future_is_not_waited_for(github_server: GitHubServer,
                                                        staged: Staged) -> None:
    sleeps: list[float] = []
    api = GitHubApi(github_server.token, github_server.url,
                    RetryPolicy(sleep=sleeps.append, clock=lambda: 0.0))
    github_server.secondary_rate_limit("GET", PULL, retry_after=None)
    with pytest.raises(GitHubError, match="rate limit was still in force"):
        api.pull("acme/project", 1, "main")
    assert sleeps == []


def test_dropped_connection_is_retried(staged: Staged) -> None:
    sleeps: list[float] = []
    api = GitHubApi("t", "http://127.0.0.1:9", RetryPolicy(sleep=sleeps.append, attempts=2))
    with pytest.raises(GitHubError, match="no answer"):
        api.pull("acme/project", 1, "main")
    assert sleeps == [1.0]


def test_a_comment_whose_answer_was_lost_is_not_made_twice(github_server: GitHubServer,
                                                           api: GitHubApi, staged: Staged,
                                                           sleeps: list[float]) -> None:
    github_server.fail("POST", r"/issues/1/comments$", 502, after=True)
    github_server.clear()
    made = github_writes.upsert_sticky(api, "acme/project", 1, "hello", "<!-- m -->")
    assert [c.body for c in staged.repo.comments] == ["<!-- m -->\nhello"]
    assert made.id == staged.repo.comments[0].id
    assert sleeps == [1.0]
    assert github_server.lines() == [
        "GET /repos/acme/project/issues/1/comments?per_page=100",
        "POST /repos/acme/project/issues/1/comments",
        "GET /repos/acme/project/issues/1/comments?per_page=100"]


def test_a_comment_that_failed_is_made_on_the_next_attempt(github_server: GitHubServer,
                                                           api: GitHubApi, staged: Staged,
                                                           sleeps: list[float]) -> None:
    github_server.fail("POST", r"/issues/1/comments$", 503)
    github_writes.upsert_sticky(api, "acme/project", 1, "hello", "<!-- m -->")
    assert [c.body for c in staged.repo.comments] == ["<!-- m -->\nhello"]
    assert sleeps == [1.0]
