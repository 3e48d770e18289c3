"""A label names no commit: it counts only when GitHub's push time shows it is newer.

``PullRequest.head_pushed_at`` is GitHub's own time of the push that made the head the head.
A commit's date is whatever its author wrote, so it may make a label stale, never fresh.
Without the push time no approve label counts; reviews, which name their commit, still do.
"""

from __future__ import annotations

from tests.support.engine_world import APPROVE, AUTHOR, HOLD, OLD, REJECT, World, records, removed

from fivesafes.core.engine.plan import Comment, RemoveLabel, Status
from fivesafes.core.facts.values import Commit

BACKDATED = "2025-12-24T00:00:00Z"  # before every label of the world: a lie the author told


def _push_unhandled(world: World, sha: str, committed_at: str = BACKDATED) -> None:
    """The author pushes ``sha``; the run that should remove the labels never happens."""
    world.head = sha
    world.head_pushed_at = world.tick()  # what GitHub recorded, whatever the commit says
    world.commits.append(Commit(sha, AUTHOR, AUTHOR, committed_at=committed_at))


def _sign_off_status(plan: object) -> str:
    effects = getattr(plan, "effects", ())
    found = [e for e in effects if isinstance(e, Status) and e.context.endswith("sign-off")]
    return found[0].state if found else "missing"


def test_backdated_push_after_approval_with_no_synchronize_run(world: World) -> None:
    world.run(world.opened())
    assert world.run(world.label(APPROVE, "alice")).outcome == "pending"
    _push_unhandled(world, "f" * 40)
    assert APPROVE in world.labels  # nobody removed it

    plan = world.run(world.review("carol"))  # an unrelated, later event

    assert plan.outcome == "pending", plan.reason
    assert "1 of 2" in plan.reason
    assert APPROVE in removed(plan)
    assert _sign_off_status(plan) == "pending"
    assert not records(plan)
    merge = world.run(world.merge())
    assert merge.outcome == "refused"
    assert merge.state == "voided"
    assert not merge.of_kind("dispatch")


def test_a_second_approver_label_does_not_revive_the_stale_one(world: World) -> None:
    world.run(world.label(APPROVE, "alice"))
    _push_unhandled(world, "f" * 40)
    plan = world.run(world.label(APPROVE, "carol"))  # the latest labeled event is carol's
    assert plan.outcome == "pending", plan.reason
    assert "1 of 2" in plan.reason


def test_labels_after_the_push_count(world: World) -> None:
    _push_unhandled(world, "f" * 40)
    world.run(world.label(APPROVE, "alice"))
    assert world.run(world.review("carol")).outcome == "completed"


def test_commit_date_can_only_make_a_label_stale(world: World) -> None:
    world.run(world.label(APPROVE, "alice"))
    _push_unhandled(world, "f" * 40, committed_at="2026-01-02T11:59:00Z")
    world.head_pushed_at = "2026-01-02T09:30:00Z"  # GitHub says: before the label
    plan = world.plan(world.review("carol"))
    assert "1 of 2" in plan.reason  # the commit's own date is after the label: stale anyway


def test_labeled_event_for_an_old_head_is_refused_even_with_a_push_time(world: World) -> None:
    _push_unhandled(world, "f" * 40)
    plan = world.run(world.label(APPROVE, "alice", head=OLD))  # delivered late
    assert plan.outcome == "refused"
    assert "applied to commit" in plan.reason


# --- GitHub could not say when the head was pushed -------------------------------------------


def test_unknown_push_time_refuses_the_label_with_a_reason(world: World) -> None:
    world.head_pushed_at = None
    world.run(world.opened())
    plan = world.run(world.label(APPROVE, "alice"))
    assert plan.outcome == "pending", plan.reason
    assert APPROVE in removed(plan)
    assert not records(plan)  # not a forgery: explained, not recorded
    comment = next(e for e in plan.effects if isinstance(e, Comment))
    assert "did not say when" in comment.body
    assert "approve with a review" in comment.body
    assert _sign_off_status(plan) == "pending"


def test_unreadable_push_time_is_unknown(world: World) -> None:
    world.head_pushed_at = "yesterday"  # a facts file with a bad value fails closed
    plan = world.run(world.label(APPROVE, "alice"))
    assert APPROVE in removed(plan)
    removal = next(e for e in plan.effects if isinstance(e, RemoveLabel))
    assert "did not say when" in removal.reason


def test_unknown_push_time_never_counts_an_earlier_label(world: World) -> None:
    world.run(world.label(APPROVE, "alice"))
    world.head_pushed_at = None  # e.g. the fork became invisible before the next event
    assert APPROVE in world.labels
    plan = world.plan(world.review("carol"))
    assert plan.outcome == "pending"
    assert "1 of 2" in plan.reason
    assert APPROVE in removed(plan)


def test_unknown_push_time_reviews_still_count_to_the_merge(world: World) -> None:
    world.head_pushed_at = None
    world.run(world.opened())
    world.run(world.review("alice"))
    assert world.run(world.review("carol")).outcome == "completed"
    merge = world.run(world.merge())
    assert merge.outcome == "completed"
    assert merge.of_kind("dispatch")


def test_unknown_push_time_still_lets_rejections_and_holds_count(world: World) -> None:
    world.head_pushed_at = None
    assert world.run(world.label(HOLD, "alice")).outcome == "pending"
    assert "held by @alice" in world.plan(world.review("carol")).reason
    world.run(world.unlabel(HOLD, "alice"))
    plan = world.run(world.label(REJECT, "bob"))
    assert plan.outcome == "failed"
    assert "rejected by @bob" in plan.reason


def test_unknown_push_time_at_synchronize_calls_labels_stale(world: World) -> None:
    world.run(world.label(APPROVE, "alice"))
    event = world.push("f" * 40)
    world.head_pushed_at = None
    plan = world.plan(event)
    assert plan.outcome == "pending"
    assert "@alice" in plan.reason  # asked to look again
