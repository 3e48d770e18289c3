"""The (state, event) table: every event kind in every state it can meet, and the plan shape."""

from __future__ import annotations

import pytest
from tests.support.engine_world import (
    APPROVE,
    APPROVE_D,
    HOLD,
    REJECT_D,
    World,
    disclosure_world,
    kinds,
    payload,
    records,
    removed,
    signed_off,
)

from fivesafes.core.engine.plan import plan_from_json, plan_to_json
from fivesafes.core.engine.planner import plan_event
from fivesafes.core.facts.events import parse_event
from fivesafes.core.facts.values import ChangedFile
from fivesafes.core.ledger import chain as ledger
from fivesafes.core.lifecycle import phases

BROKEN = b'[workflow]\nid = "https://evil.example.org/x"\nname = "x"\n'


def test_opened_valid_request_waits_for_sign_off(world: World) -> None:
    plan = world.run(world.opened())
    assert (plan.phase, plan.outcome, plan.state) == ("sign-off", "pending", "sign-off-pending")
    contexts = {e.context: e.state for e in plan.effects if e.kind == "status"}
    assert contexts == {"fivesafes / check": "success", "fivesafes / validation": "success",
                        "fivesafes / sign-off": "pending",
                        "fivesafes / disclosure": "success"}  # not a disclosure: says the App
    assert "record" not in kinds(plan)
    body = plan.of_kind("comment")[0].body  # type: ignore[union-attr]
    assert body.startswith("<!-- fivesafes:sticky -->")
    assert "@alice" in body
    assert "`@tre/stewards`" not in body  # a real mention notifies the team (issue 13)
    assert "@tre/stewards" in body.splitlines()[1]  # the first line: whose move it is
    assert "class sign_off_pending current" in body


@pytest.mark.parametrize("action", ["opened", "reopened", "synchronize"])
def test_invalid_request_fails_validation_with_file_and_line(world: World, action: str) -> None:
    world.files["resources/workflow.toml"] = BROKEN
    plan = world.plan(world.event(f"pull_request.{action}"))
    assert (plan.phase, plan.outcome, plan.state) == ("validation", "failed", "invalid")
    notes = [e for e in plan.effects if e.kind == "annotation"]
    assert any(a.file == "resources/workflow.toml" and a.level == "error"
               for a in notes)
    assert "resources/workflow.toml" in plan.reason


def test_fixing_an_invalid_request_makes_it_pending(world: World) -> None:
    good = world.files["resources/workflow.toml"]
    world.files["resources/workflow.toml"] = BROKEN
    assert world.run(world.opened()).state == "invalid"
    world.files["resources/workflow.toml"] = good
    assert world.run(world.push("e" * 40)).state == "sign-off-pending"


def test_non_decision_labels_and_comment_reviews_are_ignored(world: World) -> None:
    assert world.plan(world.label("bug", "mallory")).outcome == "ignored"
    assert world.plan(world.review("mallory", "COMMENTED")).outcome == "ignored"


def test_removing_an_approve_label_lowers_the_count(world: World) -> None:
    signed_off(world)
    plan = world.run(world.unlabel(APPROVE, "alice"))
    assert (plan.outcome, plan.state) == ("pending", "sign-off-pending")


def test_dismissed_review_no_longer_counts(world: World) -> None:
    signed_off(world)
    carol = world.reviews[-1]
    world.reviews.append(carol.__class__(999, carol.user, "DISMISSED", carol.commit_id,
                                         world.tick()))
    data = payload("pull_request_review.dismissed")
    data["review"] |= {"id": carol.id, "user": {"login": "carol", "type": "User"}}
    plan = world.plan(parse_event("pull_request_review", data))
    assert plan.outcome == "pending"


def test_closed_without_merge_is_ignored(world: World) -> None:
    plan = world.plan(world.event("pull_request.closed"))
    assert (plan.outcome, plan.state) == ("ignored", "closed")


def test_merge_without_any_approval_is_voided_and_recorded(world: World) -> None:
    world.run(world.opened())
    plan = world.run(world.merge())
    assert (plan.outcome, plan.state) == ("refused", "voided")
    assert records(plan)[0]["status"] == "refused"
    assert "dispatch" not in kinds(plan)


def test_merge_of_signed_off_request_records_three_phases(world: World) -> None:
    signed_off(world)
    plan = world.run(world.merge())
    assert [r["phase"] for r in records(plan)] == ["check", "validation", "sign-off"]
    assert all(r["status"] == "completed" for r in records(plan))
    assert kinds(plan)[-2:] == ["commit", "dispatch"]
    assert not ledger.verify_chain(world.record.action)
    assert plan.state == "execution"


def test_label_of_the_other_phase_does_not_apply(world: World) -> None:
    plan = world.run(world.label(APPROVE_D, "alice"))
    assert plan.outcome == "refused"
    assert "does not apply" in plan.reason


def test_reopened_after_approval_at_same_head_stays_signed_off(world: World) -> None:
    signed_off(world)
    plan = world.plan(world.event("pull_request.reopened"))
    assert (plan.outcome, plan.state) == ("completed", "signed-off")


def test_retargeted_back_to_default_is_evaluated(world: World) -> None:
    plan = world.plan(world.event("pull_request.edited.base"))
    assert plan.outcome == "pending"  # the payload's PR is on master in the facts


def test_workflow_dispatch_is_judged_on_the_record_not_the_pr(world: World) -> None:
    """A dispatch is no pull request event: signed off by labels but not merged (nothing
    recorded) is refused, without re-publishing the pull request's comment or statuses."""
    signed_off(world)
    plan = world.plan(world.event("workflow_dispatch"))
    assert (plan.phase, plan.outcome) == ("execution", "refused")
    assert kinds(plan) == ["record", "commit", "summary"]
    data = payload("workflow_dispatch")
    data["inputs"] = {}
    assert plan_event(parse_event("workflow_dispatch", data), world.facts(),
                      "2026-01-02T12:00:00Z").outcome == "ignored"


def test_push_to_default_branch_verifies_the_record(world: World) -> None:
    signed_off(world)
    world.run(world.merge())
    facts = world.facts()
    push = parse_event("push", payload("push"))
    plan = plan_event(push, facts, "2026-01-02T12:00:00Z")
    assert (plan.phase, plan.outcome) == ("record", "completed")
    assert facts.record is not None
    tampered = facts.record.replace(b"alice", b"mallory", 1)
    plan = plan_event(push, facts.__class__(**{**facts.__dict__, "record": tampered}),
                      "2026-01-02T12:00:00Z")
    assert plan.outcome == "failed"
    assert "edited" in plan.reason


def test_unreadable_record_fails_closed(world: World) -> None:
    world.run(world.opened())
    facts = world.facts()
    broken = facts.__class__(**{**facts.__dict__, "record": b"[[action]]\nid = 1\n"})
    plan = plan_event(world.opened(), broken, "2026-01-02T12:00:00Z")
    assert (plan.phase, plan.outcome) == ("record", "failed")


def test_facts_for_another_pr_fail(world: World) -> None:
    world.number = 5
    facts = world.facts()
    world.number = 2
    assert plan_event(world.opened(), facts, "2026-01-02T12:00:00Z").outcome == "failed"


def test_request_pr_may_not_touch_outputs(world: World) -> None:
    world.changed.append(ChangedFile("outputs/result.csv", "added"))
    assert world.plan(world.opened()).phase == "check"
    assert world.plan(world.opened()).outcome == "failed"


def test_disclosure_flow_to_publication(world: World) -> None:
    d = disclosure_world(world)
    assert d.run(d.review("bob")).outcome == "pending"
    plan = d.run(d.label(APPROVE_D, "erin"))
    assert (plan.phase, plan.outcome, plan.state) == ("disclosure", "completed", "disclosed")
    merge = d.run(d.merge())
    assert merge.state == "published"
    dispatch = merge.of_kind("dispatch")[0]
    assert dispatch.target == "publication"  # type: ignore[union-attr]
    entry = records(merge)[-1]
    assert entry["phase"] == "disclosure"
    assert entry["evidence"]["digest"] == dispatch.digest  # type: ignore[union-attr]
    assert {a["role"] for a in entry["agents"]} == {"checker"}


def test_disclosure_reject_and_hold(world: World) -> None:
    d = disclosure_world(world)
    held = d.run(d.label(HOLD, "erin"))
    assert held.state == "disclosure-held"
    rejected = d.run(d.label(REJECT_D, "frank"))
    assert (rejected.outcome, rejected.state) == ("failed", "disclosure-rejected")
    assert records(rejected)[0]["status"] == "failed"


def test_disclosure_without_separation_lets_a_sign_off_approver_check(world: World) -> None:
    d = disclosure_world(world)
    d.policy = (d.policy or b"").replace(b'distinct-from = ["sign-off"]', b"distinct-from = []")
    assert d.run(d.label(APPROVE_D, "alice")).outcome == "pending"


def test_disclosure_separates_from_sign_off_by_default(world: World) -> None:
    d = disclosure_world(world)
    d.policy = (d.policy or b"").replace(b'distinct-from = ["sign-off"]', b"")
    assert d.run(d.label(APPROVE_D, "alice")).outcome == "refused"


def test_disclosure_pr_may_change_only_the_manifest(world: World) -> None:
    d = disclosure_world(world)
    d.changed.append(ChangedFile("outputs/counts.csv", "added"))
    plan = d.plan(d.opened())
    assert (plan.phase, plan.outcome) == ("check", "failed")


def test_disclosure_of_an_unrecorded_execution_fails(world: World) -> None:
    d = disclosure_world(world)
    d.files["outputs/manifest.toml"] = b'request = "x"\nexecution = "urn:uuid:nope"\n'
    plan = d.plan(d.opened())
    assert (plan.phase, plan.outcome) == ("validation", "failed")


def test_disclosure_push_invalidates_checker_approvals(world: World) -> None:
    d = disclosure_world(world)
    d.run(d.review("bob"))
    d.run(d.label(APPROVE_D, "erin"))
    plan = d.run(d.push("9" * 40))
    assert plan.state == "disclosure-pending"
    assert APPROVE_D in removed(plan)


def test_every_plan_state_is_in_the_phase_table(world: World) -> None:
    names = {s.name for s in phases.STATES} | {""}
    signed_off(world)
    for event in (world.opened(), world.label(HOLD, "dave"), world.merge()):
        assert world.run(event).state in names


def test_plan_json_round_trips(world: World) -> None:
    signed_off(world)
    plan = world.plan(world.merge())
    data = plan_to_json(plan)
    assert set(data) >= {"phase", "outcome", "reason", "effects"}
    assert all("kind" in e for e in data["effects"])
    assert plan_from_json(data) == plan


def test_entry_ids_are_derived_from_delivery_and_phase(world: World) -> None:
    signed_off(world)
    event = world.merge()
    first, second = records(world.plan(event)), records(world.plan(event))
    assert [r["id"] for r in first] == [r["id"] for r in second]
    assert len({r["id"] for r in first}) == 3


def test_merge_event_not_confirmed_by_github_starts_nothing(world: World) -> None:
    signed_off(world)
    event = world.merge()
    world.merged = False  # the payload claims a merge the API does not show
    plan = world.plan(event)
    assert plan.outcome == "failed"
    assert not plan.effects


def test_a_record_effect_holds_only_a_valid_entry_draft() -> None:
    """Types hold the rules: a plan cannot carry an entry the record's model refuses, so
    nothing is applied before the entry is known to be well formed."""
    import pydantic

    from fivesafes.core.engine.plan import Record

    with pytest.raises(pydantic.ValidationError):
        Record({"phase": "sign-off", "status": "completed"})  # no id, start or evidence
    with pytest.raises(pydantic.ValidationError):
        Record({"id": "urn:uuid:5afe0000-0000-4000-8000-0000000000a1", "phase": "sign-off",
                "status": "approved", "start": "2026-03-02T10:00:00Z",
                "evidence": {"event": "cli", "delivery": "x"}})  # no such status
