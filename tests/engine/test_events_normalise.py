"""Real webhook payloads normalise into one event shape; unknown ones are ignored."""

from __future__ import annotations

import pytest
from tests.support.engine_world import payload

from fivesafes.core.facts.events import parse_event, payload_key

HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"


@pytest.mark.parametrize(("name", "event_name", "kind"), [
    ("pull_request.opened", "pull_request", "opened"),
    ("pull_request.reopened", "pull_request", "reopened"),
    ("pull_request.synchronize", "pull_request", "synchronize"),
    ("pull_request.labeled", "pull_request", "labeled"),
    ("pull_request.unlabeled", "pull_request", "unlabeled"),
    ("pull_request.closed", "pull_request", "closed"),
    ("pull_request.closed.merged", "pull_request", "merged"),
    ("pull_request.edited.base", "pull_request", "retargeted"),
    ("pull_request_review.submitted", "pull_request_review", "review-submitted"),
    ("pull_request_review.dismissed", "pull_request_review", "review-dismissed"),
    ("push", "push", "push"),
    ("workflow_dispatch", "workflow_dispatch", "dispatch"),
])
def test_vendored_payloads_normalise(name: str, event_name: str, kind: str) -> None:
    event = parse_event(event_name, payload(name))
    assert event.kind == kind
    assert event.sender.login == "Codertocat"
    assert event.repository in ("Codertocat/Hello-World", "octo-org/octo-repo")
    assert event.default_branch == "master"
    assert event.delivery.startswith("sha256:")
    if event_name.startswith("pull_request") or kind == "dispatch":
        assert event.pr == 2


def test_pull_request_fields() -> None:
    event = parse_event("pull_request", payload("pull_request.labeled"))
    assert (event.head_sha, event.base_ref, event.label) == (HEAD, "master",
                                                              "5s:approve-sign-off")
    review = parse_event("pull_request_review", payload("pull_request_review.submitted")).review
    assert review is not None
    assert review.state == "APPROVED"
    assert review.commit_id == HEAD
    edited = parse_event("pull_request", payload("pull_request.edited.base"))
    assert (edited.base_changed_from, edited.base_ref) == ("master", "release")


def test_pull_request_target_is_the_same_event_with_the_same_key() -> None:
    data = payload("pull_request.labeled")
    a, b = parse_event("pull_request", data), parse_event("pull_request_target", data)
    assert a.kind == b.kind == "labeled"
    assert a.delivery == b.delivery == payload_key("pull_request_target", data)


def test_delivery_id_wins_over_the_payload_key() -> None:
    assert parse_event("push", payload("push"), "abc-123").delivery == "abc-123"


@pytest.mark.parametrize(("name", "data"), [
    ("issues", {"action": "opened"}),
    ("pull_request", {"action": "assigned", "number": 2, "pull_request": {"number": 2}}),
    ("pull_request", {"action": "opened"}),
    ("pull_request", {"action": "edited", "number": 2, "pull_request": {"number": 2}}),
    ("pull_request_review", {"action": "edited", "review": {"id": 1},
                             "pull_request": {"number": 2}}),
    ("workflow_dispatch", {"inputs": {"pr": "not-a-number"}}),
    ("push", {"ref": "refs/heads/feature", "repository": {"default_branch": "main"}}),
    ("push", {"ref": "refs/tags/v1", "repository": {"default_branch": "main"}}),
    ("push", {"ref": "refs/heads/main", "deleted": True,
              "repository": {"default_branch": "main"}}),
    ("check_run", {}),
])
def test_unknown_events_and_actions_are_ignored(name: str, data: dict[str, object]) -> None:
    event = parse_event(name, data)
    assert event.kind == "ignored"
    assert event.reason


def test_odd_sender_shapes_do_not_crash() -> None:
    data = payload("pull_request.opened")
    data["sender"] = "not-an-object"
    event = parse_event("pull_request", data)
    assert event.sender.login == "unknown"
    assert event.sender.is_bot  # unknown type never decides
