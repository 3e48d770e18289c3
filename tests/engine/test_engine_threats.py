"""Every threat of the decision gates: forged or stale decisions are refused and recorded."""

from __future__ import annotations

from tests.support.engine_world import (
    APPROVE,
    APPROVE_D,
    AUTHOR,
    HOLD,
    OLD,
    REJECT,
    World,
    disclosure_world,
    kinds,
    records,
    removed,
    signed_off,
)

from fivesafes.core.engine.plan import Dispatch, Plan, Status


def policy_of(world: World) -> bytes:
    assert world.policy is not None
    return world.policy


def assert_refused(plan: Plan, label: str | None = APPROVE, who: str = "") -> None:
    assert plan.outcome == "refused", plan.reason
    if label is not None:
        assert label in removed(plan)
    entry = records(plan)[0]
    assert entry["status"] == "refused"
    assert "commit" in kinds(plan)
    assert "dispatch" not in kinds(plan)
    if who:
        assert who in plan.reason


def test_author_self_approval_by_label_is_refused(world: World) -> None:
    world.run(world.opened())
    plan = world.run(world.label(APPROVE, AUTHOR))
    assert_refused(plan, who="opened this pull request")
    assert records(plan)[0]["agents"][0]["login"] == AUTHOR


def test_author_listed_as_approver_still_cannot_approve(world: World) -> None:
    world.policy = policy_of(world).replace(b'["alice", "bob"', b'["alice", "Codertocat", "bob"')
    plan = world.run(world.label(APPROVE, AUTHOR))
    assert_refused(plan, who="opened this pull request")


def test_co_author_approval_is_refused(world: World) -> None:
    world.co_author("Bob Builder", "12345+bob@users.noreply.github.com")
    plan = world.run(world.label(APPROVE, "bob"))
    assert_refused(plan, who="co-authored")


def test_co_author_by_resolved_login_and_by_review_is_refused(world: World) -> None:
    world.co_author("B", "b@example.org", login="alice")
    plan = world.run(world.review("alice"))
    assert_refused(plan, label=None, who="co-authored")


def test_commit_author_cannot_approve(world: World) -> None:
    from fivesafes.core.facts.values import Commit

    world.commits.append(Commit("3" * 40, "carol", "web-flow"))
    assert_refused(world.run(world.label(APPROVE, "carol")), who="co-authored")


def test_bot_approval_is_refused(world: World) -> None:
    # an app account listed by mistake (its login without the [bot] suffix)
    world.policy = policy_of(world).replace(b'["alice", "bob"', b'["alice", "deploy-app", "bob"')
    world.permissions["deploy-app"] = "write"
    plan = world.run(world.label(APPROVE, "deploy-app", "Bot"))
    assert_refused(plan, who="bot")
    plan = world.run(world.review("deploy-app", user_type="Bot"))
    assert plan.outcome == "refused"
    plan = world.run(world.label(APPROVE, "github-actions[bot]", "Bot"))
    assert plan.outcome == "refused"


def test_label_by_non_approver_is_refused(world: World) -> None:
    assert_refused(world.run(world.label(APPROVE, "mallory")), who="not an allow-listed")


def test_label_by_triage_user_is_refused(world: World) -> None:
    assert_refused(world.run(world.label(APPROVE, "trudy")), who="not an allow-listed")


def test_approver_without_repository_access_is_refused(world: World) -> None:
    world.permissions["bob"] = "none"
    assert_refused(world.run(world.label(APPROVE, "bob")), who="no access")


def test_label_by_member_removed_from_team_is_refused(world: World) -> None:
    world.teams["tre/stewards"] = frozenset({"dave"})  # carol left the team
    assert_refused(world.run(world.label(APPROVE, "carol")), who="not an allow-listed")


def test_team_removal_after_labelling_stops_counting(world: World) -> None:
    world.run(world.label(APPROVE, "carol"))
    world.run(world.review("alice"))
    assert world.plan(world.opened()).outcome == "completed"
    world.teams["tre/stewards"] = frozenset({"dave"})
    plan = world.plan(world.event("pull_request.reopened"))
    assert plan.outcome == "pending"
    assert APPROVE in removed(plan)


def test_approve_then_push_invalidates(world: World) -> None:
    signed_off(world)
    plan = world.run(world.push("f" * 40))
    assert plan.outcome == "pending"
    assert APPROVE in removed(plan)
    assert "@alice" in plan.reason
    assert "@carol" in plan.reason
    status = [e for e in plan.effects if isinstance(e, Status) and e.context.endswith("sign-off")]
    assert status[0].state == "pending"
    assert status[0].sha == "f" * 40
    comment = plan.of_kind("comment")[0]
    assert "Look again" in comment.body  # type: ignore[union-attr]
    merge = world.run(world.merge())
    assert merge.outcome == "refused"
    assert merge.state == "voided"
    assert not merge.of_kind("dispatch")


def test_stale_label_after_synchronize_is_removed_and_does_not_count(world: World) -> None:
    world.run(world.label(APPROVE, "alice"))
    world.head = "f" * 40
    world.head_pushed_at = world.tick()  # the push's handler has not run yet
    plan = world.plan(world.review("carol"))
    assert plan.outcome == "pending"
    assert APPROVE in removed(plan)


def test_label_applied_to_an_old_head_is_refused(world: World) -> None:
    world.head = "f" * 40
    plan = world.run(world.label(APPROVE, "alice", head=OLD))
    assert_refused(plan, who="applied to commit")


def test_review_of_an_old_commit_is_refused(world: World) -> None:
    plan = world.run(world.review("alice", commit=OLD))
    assert_refused(plan, label=None, who="not the current head")


def test_pr_editing_the_policy_fails_the_check(world: World) -> None:
    from fivesafes.core.facts.values import ChangedFile

    world.changed.append(ChangedFile(".github/fivesafes.toml"))
    signed = world.plan(world.opened())
    assert signed.outcome == "failed"
    assert signed.phase == "check"
    world.run(world.label(APPROVE, "alice"))
    world.run(world.review("carol"))
    merge = world.run(world.merge())
    assert merge.outcome == "refused"
    assert not merge.of_kind("dispatch")


def test_pr_editing_the_record_or_crate_fails_the_check(world: World) -> None:
    from fivesafes.core.facts.values import ChangedFile

    for path in ("resources/governance/actions.toml", "crate/ro-crate-metadata.json"):
        w = World()
        w.changed.append(ChangedFile(path))
        plan = w.plan(w.opened())
        assert plan.outcome == "failed"
        assert path in plan.reason


def test_renaming_the_policy_away_fails_the_check(world: World) -> None:
    from fivesafes.core.facts.values import ChangedFile

    world.changed.append(ChangedFile("docs/x.toml", "renamed", ".github/fivesafes.toml"))
    assert world.plan(world.opened()).outcome == "failed"


def test_pr_retargeted_to_another_base_fails_closed(world: World) -> None:
    signed_off(world)
    world.base = "release"
    plan = world.plan(world.event("pull_request.edited.base"))
    assert plan.outcome == "failed"
    assert "default branch" in plan.reason
    assert world.run(world.merge()).outcome == "refused"


def test_disclosure_by_sign_off_approver_is_refused_when_distinct(world: World) -> None:
    w = disclosure_world(world)
    plan = w.run(w.label(APPROVE_D, "alice"))  # alice signed off the request
    assert_refused(plan, label=APPROVE_D, who="separation of duties")
    plan = w.run(w.review("bob"))  # bob is a checker and did not sign off
    assert plan.outcome == "pending"
    plan = w.run(w.review("carol"))  # carol signed off; she is not a checker either
    assert plan.outcome == "refused"


def test_duplicate_delivery_records_once(world: World) -> None:
    event = world.label(APPROVE, "mallory")
    first = world.run(event)
    assert len(world.record.action) == 1
    again = world.run(event)
    assert len(world.record.action) == 1
    assert not records(again)
    assert "already recorded" in again.reason
    assert first.outcome == again.outcome == "refused"


def test_duplicate_merge_dispatches_once(world: World) -> None:
    signed_off(world)
    event = world.merge()
    first = world.run(event)
    assert first.of_kind("dispatch")
    assert len(world.record.action) == 3
    second = world.run(event)
    assert not second.of_kind("dispatch")
    assert not second.of_kind("commit")
    assert len(world.record.action) == 3


def test_reject_after_approve_rejects(world: World) -> None:
    signed_off(world)
    plan = world.run(world.label(REJECT, "bob"))
    assert plan.outcome == "failed"
    assert plan.state == "rejected"
    assert records(plan)[0]["status"] == "failed"
    assert world.run(world.merge()).outcome == "refused"


def test_changes_requested_by_approver_rejects_and_survives_push(world: World) -> None:
    signed_off(world)
    assert world.run(world.review("bob", "CHANGES_REQUESTED")).state == "rejected"
    assert world.run(world.push("f" * 40)).state == "rejected"


def test_hold_freezes_until_removed(world: World) -> None:
    signed_off(world)
    plan = world.run(world.label(HOLD, "dave"))
    assert plan.outcome == "pending"
    assert plan.state == "held"
    assert world.run(world.merge()).outcome == "refused"
    w = World()
    signed_off(w)
    w.run(w.label(HOLD, "dave"))
    assert w.run(w.unlabel(HOLD, "dave")).outcome == "completed"


def test_hold_by_non_approver_is_refused(world: World) -> None:
    signed_off(world)
    plan = world.run(world.label(HOLD, AUTHOR))
    assert_refused(plan, label=HOLD)
    assert plan.state == "signed-off"


def test_missing_policy_fails_closed(world: World) -> None:
    world.policy = None
    for event in (world.opened(), world.label(APPROVE, "alice"), world.merge()):
        plan = world.plan(event)
        assert plan.outcome == "failed"
        assert "policy" in plan.reason
        assert not plan.of_kind("dispatch")
        assert not plan.of_kind("record")


def test_invalid_policy_fails_closed(world: World) -> None:
    world.policy = b"[tre]\nname = 1\n"
    assert world.plan(world.opened()).outcome == "failed"


def test_one_approver_counts_once_with_label_and_review(world: World) -> None:
    world.run(world.label(APPROVE, "alice"))
    plan = world.run(world.review("alice"))
    assert plan.outcome == "pending"
    assert "1 of 2" in plan.reason


def test_dispatch_targets_the_merge_commit_and_digest(world: World) -> None:
    signed_off(world)
    plan = world.run(world.merge())
    dispatch = plan.of_kind("dispatch")[0]
    assert isinstance(dispatch, Dispatch)
    assert dispatch.target == "execution"
    signoff = records(plan)[-1]
    assert signoff["evidence"]["digest"] == dispatch.digest
    assert {a["login"] for a in signoff["agents"]} == {"alice", "carol"}


def test_requester_named_in_the_project_cannot_approve_a_colleagues_pr(world: World) -> None:
    project = "resources/governance/project.toml"
    world.files[project] = world.files[project].replace(b'"Codertocat"', b'"bob"')
    assert_refused(world.run(world.label(APPROVE, "bob")), who="requester")


def test_label_older_than_the_head_commit_is_stale_despite_an_older_push_time(
        world: World) -> None:
    """Replaying events without applying plans: the push time at hand predates the labels and
    the stale label is still on the PR, but the head commit's own date shows the approval
    predates it (a commit date may make a label stale, never fresh)."""
    from fivesafes.core.facts.values import Commit

    signed_off(world)
    world.head = "f" * 40
    world.commits.append(Commit("f" * 40, AUTHOR, AUTHOR, committed_at=world.tick()))
    plan = world.plan(world.review("bob"))
    assert plan.outcome == "pending"
    assert "1 of 2" in plan.reason  # bob only: alice's label and carol's review are stale
    assert APPROVE in removed(plan)
    merge = world.plan(world.merge())
    assert merge.outcome == "refused"
