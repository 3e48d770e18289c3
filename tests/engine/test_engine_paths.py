"""Closed paths to a decision: holds and rejections lifted by the wrong person, decisions made
after the merge or the closing of the pull request.

Each test drives the engine the way GitHub would (label events with their actors, the merge
with GitHub's ``merged_at``) and checks the plan and what it records.
"""

from __future__ import annotations

from tests.support.engine_world import APPROVE, HOLD, REJECT, World, kinds, records, signed_off

from fivesafes.core.engine.plan import AddLabel, Comment, Status
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.values import LabelEvent
from fivesafes.core.lifecycle import phases

MAINTAINERS = b'\n[maintainers]\nowners = ["mo"]\n'


def added(plan: object) -> list[str]:
    return [e.label for e in plan.effects if isinstance(e, AddLabel)]  # type: ignore[attr-defined]


def sign_off_status(plan: object) -> Status:
    (found,) = [e for e in plan.effects  # type: ignore[attr-defined]
                if isinstance(e, Status) and e.context == "fivesafes / sign-off"]
    return found


def held(w: World) -> None:
    signed_off(w)
    assert w.run(w.label(HOLD, "dave")).state == phases.HELD


# --- 1. holds and rejections stay until a decider lifts them -------------------------------

def test_requester_removing_a_hold_puts_it_back_and_is_recorded() -> None:
    w = World()
    held(w)
    plan = w.run(w.unlabel(HOLD, "Codertocat"))
    assert plan.outcome == "refused"
    assert plan.state == phases.HELD
    assert added(plan) == [HOLD]
    (entry,) = records(plan)
    assert entry["status"] == "refused"
    assert [a["login"] for a in entry["agents"]] == ["Codertocat"]
    body = next(e.body for e in plan.effects if isinstance(e, Comment))
    assert "put back" in body
    assert "Codertocat" in body
    assert w.run(w.merge()).state == phases.VOIDED  # the hold still counts at merge


def test_a_non_approver_or_a_bot_removing_a_rejection_lifts_nothing() -> None:
    w = World()
    w.run(w.opened())
    w.run(w.label(REJECT, "bob"))
    for actor in ("mallory", "erin"):  # read access; a disclosure checker only
        plan = w.run(w.unlabel(REJECT, actor))
        assert plan.state == phases.REJECTED
        assert added(plan) == [REJECT]
        w.labels.append(REJECT)
    w.labels.remove(REJECT)
    w.ids += 1
    w.label_events.append(LabelEvent(w.ids, "unlabeled", REJECT, Actor("ci[bot]", "Bot"),
                                     w.tick()))
    plan = w.run(w.event("pull_request.unlabeled", sender="ci[bot]", sender_type="Bot",
                         label={"id": 9, "name": REJECT}))
    assert plan.state == phases.REJECTED
    assert added(plan) == [REJECT]


def test_relabel_and_bot_removal_cannot_launder_a_hold() -> None:
    """The requester removes the hold, re-applies it (refused, removed by the automation):
    the approver's hold still stands."""
    w = World()
    held(w)
    w.run(w.unlabel(HOLD, "Codertocat"))
    w.run(w.label(HOLD, "Codertocat"))
    w.labels.remove(HOLD)
    w.ids += 1
    w.label_events.append(LabelEvent(w.ids, "unlabeled", HOLD, Actor("fivesafes[bot]", "Bot"),
                                     w.tick()))
    plan = w.run(w.event("pull_request.synchronize"))
    assert plan.state == phases.HELD
    assert added(plan) == [HOLD]


def test_an_approver_lifts_a_hold_recorded_with_who_and_when() -> None:
    w = World()
    held(w)
    plan = w.run(w.unlabel(HOLD, "alice"))
    assert plan.state == phases.SIGNED_OFF
    assert added(plan) == []
    (entry,) = records(plan)
    assert entry["status"] == "pending"
    assert "lifted by @alice" in entry["reason"]
    assert [(a["login"], a["role"]) for a in entry["agents"]] == [("alice", "lifted")]
    assert entry["evidence"]["label-events"] == [w.ids]
    assert w.run(w.merge()).outcome == "completed"


def test_a_maintainer_lifts_a_hold_but_not_a_rejection() -> None:
    w = World()
    w.policy = (w.policy or b"") + MAINTAINERS
    w.permissions["mo"] = "write"
    held(w)
    assert w.run(w.unlabel(HOLD, "mo")).state == phases.SIGNED_OFF
    w.run(w.label(REJECT, "bob"))
    plan = w.run(w.unlabel(REJECT, "mo"))
    assert plan.state == phases.REJECTED
    assert added(plan) == [REJECT]


def test_an_admin_who_authored_the_request_cannot_lift_a_hold() -> None:
    w = World()
    w.permissions["Codertocat"] = "admin"
    held(w)
    assert w.run(w.unlabel(HOLD, "Codertocat")).state == phases.HELD


# --- 2. nothing counts after the merge -----------------------------------------------------

def test_approvals_after_the_merge_never_count_and_the_merge_is_voided() -> None:
    w = World()
    w.run(w.opened())
    w.run(w.label(APPROVE, "alice"))
    merge = w.merge()  # merged with one approval
    w.run(w.review("carol"))  # the second approval comes after merged_at
    for _ in range(2):  # the merge run, late or redelivered, reads both
        plan = w.plan(merge)
        assert plan.outcome == "refused"
        assert plan.state == phases.VOIDED
        assert "dispatch" not in kinds(plan)
        assert all(r["status"] != "completed" for r in records(plan))


def test_a_label_on_a_merged_pull_request_is_too_late() -> None:
    w = World()
    w.run(w.opened())
    w.run(w.label(APPROVE, "alice"))
    w.run(w.merge())
    plan = w.run(w.label(HOLD, "bob"))
    plan = w.plan(w.label(APPROVE, "carol"))
    assert plan.outcome == "refused"
    assert "too late" in plan.reason
    status = sign_off_status(plan)
    assert status.state == "failure"
    assert "too late" in status.description
    (entry,) = records(plan)
    assert entry["status"] == "refused"


def test_a_label_on_a_closed_pull_request_is_not_shown_approved() -> None:
    w = World()
    w.run(w.opened())
    w.run(w.label(APPROVE, "alice"))
    w.closed_at = w.tick()
    plan = w.plan(w.review("carol"))
    assert plan.outcome == "refused"
    assert plan.state != phases.SIGNED_OFF
    assert sign_off_status(plan).state == "failure"


def test_the_payload_merge_time_wins_when_earlier() -> None:
    w = World()
    signed_off(w)
    merge = w.merge()
    assert w.plan(merge).outcome == "completed"
    early = w.event("pull_request.closed.merged")
    data = w.last_payload[1]
    data["pull_request"]["merged_at"] = "2026-01-02T10:00:30Z"  # before either approval
    from fivesafes.core.facts.events import parse_event

    early = parse_event("pull_request", data)
    assert w.plan(early).state == phases.VOIDED


def test_a_merge_whose_time_github_did_not_give_counts_nothing() -> None:
    w = World()
    signed_off(w)
    merge = w.merge()
    w.merged_at = None
    data = w.last_payload[1]
    data["pull_request"]["merged_at"] = None
    from fivesafes.core.facts.events import parse_event

    assert w.plan(parse_event("pull_request", data)).state == phases.VOIDED
    assert merge.kind == "merged"


def test_times_are_compared_as_instants_not_strings() -> None:
    """A merge at 10:30+02:00 (08:30Z) comes before approvals at 10:0xZ."""
    w = World()
    w.run(w.opened())
    w.run(w.label(APPROVE, "alice"))
    w.run(w.review("carol"))
    merge = w.merge()
    w.merged_at = "2026-01-02T10:30:00+02:00"
    data = w.last_payload[1]
    data["pull_request"]["merged_at"] = None
    from fivesafes.core.facts.events import parse_event

    assert w.plan(parse_event("pull_request", data)).state == phases.VOIDED
    assert merge.kind == "merged"


def test_a_github_enterprise_no_reply_co_author_never_approves() -> None:
    w = World()
    w.co_author("B", "17+bob@users.noreply.ghe.example.org")
    w.run(w.opened())
    plan = w.run(w.label(APPROVE, "bob"))
    assert plan.outcome == "refused"
    assert "co-authored" in plan.reason


def test_a_co_author_by_verified_e_mail_never_approves() -> None:
    """GitHub's REST API does not link a co-author's e-mail to an account; the TRE's people
    registry does, so a co-author known only by a work address is still a co-author."""
    w = World()
    assert w.policy is not None
    w.policy += (b'\n[people.bob]\nname = "Bob Builder"\norcid = "0000-0002-1825-0097"\n'
                 b'email = "Bob@Example.ORG"\n')
    w.co_author("B", "bob@example.org")
    w.run(w.opened())
    plan = w.run(w.label(APPROVE, "bob"))
    assert plan.outcome == "refused"
    assert "co-authored" in plan.reason


def test_a_co_author_by_an_unregistered_e_mail_does_not_bar_others() -> None:
    w = World()
    w.co_author("Someone", "someone@example.org")
    w.run(w.opened())
    plan = w.run(w.label(APPROVE, "bob"))
    assert "co-authored" not in plan.reason


# --- 5. a disclosure pull request is the automation's ---------------------------------------

def test_a_request_dressed_as_a_disclosure_is_a_request() -> None:
    """Branch name, label and manifest do not make a disclosure: only the automation, from
    this repository, opens one."""
    from tests.support.engine_world import disclosure_world

    from fivesafes.core.facts.values import ChangedFile

    d = disclosure_world(World())
    assert d.plan(d.opened()).phase == "disclosure"
    d.author = Actor("Codertocat")  # a person opens the same branch, label and manifest
    d.labels.append("5s:disclosure")
    plan = d.plan(d.opened())
    assert plan.phase == "check"
    assert "may not change outputs/" in plan.reason
    d.author = Actor("fivesafes[bot]", "Bot")
    d.changed = [ChangedFile("outputs/manifest.toml", "added")]
    from dataclasses import replace

    facts = d.facts()
    assert facts.pr is not None
    forked = replace(facts, pr=replace(facts.pr, head_repo="mallory/Hello-World"))
    from fivesafes.core.engine.planner import plan_event

    assert plan_event(d.opened(), forked, "2026-01-02T12:00:00Z").phase == "check"


def test_the_label_put_back_by_the_automation_keeps_the_hold_without_noise() -> None:
    w = World()
    held(w)
    w.run(w.unlabel(HOLD, "Codertocat"))
    w.labels.append(HOLD)  # the automation's add-label, as GitHub records it
    w.ids += 1
    w.label_events.append(LabelEvent(w.ids, "labeled", HOLD, Actor("fivesafes[bot]", "Bot"),
                                     w.tick()))
    plan = w.run(w.event("pull_request.reopened"))
    assert plan.state == phases.HELD
    assert added(plan) == []
    assert HOLD not in [e.label for e in plan.effects if e.kind == "remove-label"]
    body = next(e.body for e in plan.effects if isinstance(e, Comment))
    assert "fivesafes[bot]" not in body
