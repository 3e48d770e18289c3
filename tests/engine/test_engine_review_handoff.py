"""A review is handed off: the unprivileged review workflow's run completes, and the default
branch's workflow gets a ``workflow_run`` that re-counts every review and label of the pull
request from the facts. The hand-off carries no decision of its own."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.engine_world import APPROVE, AUTHOR, HEAD, OLD, World, kinds, payload, records

from fivesafes.cli.main import cli
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.events import Event, parse_event
from fivesafes.core.facts.values import Review


def handoff(w: World, login: str, state: str = "APPROVED", commit: str | None = None) -> Event:
    """``login`` submits a review (on GitHub only: no privileged run sees it), then the
    review workflow's run completes and the hand-off reaches the engine."""
    w.ids += 1
    w.reviews.append(Review(w.ids, Actor(login), state, commit or w.head, w.tick()))  # type: ignore[arg-type]
    data = copy.deepcopy(payload("workflow_run.completed"))
    data["sender"] = {"login": login, "id": 2, "type": "User"}
    data["workflow_run"]["head_sha"] = w.head
    event = parse_event("workflow_run", data)
    assert (event.kind, event.pr) == ("reassess", None)  # the PR comes from the API
    return replace(event, pr=w.number)


def test_workflow_run_of_a_review_normalises_to_a_reassessment() -> None:
    event = parse_event("workflow_run", payload("workflow_run.completed"))
    assert (event.kind, event.action, event.pr) == ("reassess", "completed", None)
    assert (event.head_sha, event.ref, event.head_repo) == (HEAD, "changes", "octo-org/octo-repo")
    assert (event.review, event.label) == (None, None)
    assert event.delivery.startswith("sha256:")
    assert event.default_branch == "master"


@pytest.mark.parametrize(("action", "triggered_by"), [
    ("requested", "pull_request_review"), ("in_progress", "pull_request_review"),
    ("completed", "push"), ("completed", "pull_request"), ("completed", "workflow_dispatch")])
def test_other_workflow_runs_are_ignored(action: str, triggered_by: str) -> None:
    data = copy.deepcopy(payload("workflow_run.completed"))
    data["action"] = action
    data["workflow_run"]["event"] = triggered_by
    event = parse_event("workflow_run", data)
    assert event.kind == "ignored"
    assert triggered_by in event.reason


def test_each_hand_off_has_its_own_key() -> None:
    data = copy.deepcopy(payload("workflow_run.completed"))
    first = parse_event("workflow_run", data)
    data["workflow_run"]["id"] += 1
    assert parse_event("workflow_run", data).delivery != first.delivery
    assert parse_event("workflow_run", data, "delivery-1").delivery == "delivery-1"


def test_a_team_members_review_counts_at_the_hand_off(world: World) -> None:
    world.run(world.opened())
    assert world.run(world.label(APPROVE, "alice")).outcome == "pending"
    plan = world.run(handoff(world, "carol"))  # carol: @tre/stewards
    assert (plan.phase, plan.outcome, plan.state) == ("sign-off", "completed", "signed-off")
    statuses = {e.context: e.state for e in plan.effects if e.kind == "status"}
    assert statuses["fivesafes / sign-off"] == "success"
    assert "comment" in kinds(plan)
    assert records(plan) == []  # nothing is recorded before the merge


def test_the_authors_review_does_not_count(world: World) -> None:
    world.run(world.opened())
    world.run(world.label(APPROVE, "alice"))
    plan = world.run(handoff(world, AUTHOR))
    assert (plan.outcome, plan.state) == ("pending", "sign-off-pending")
    statuses = {e.context: e.state for e in plan.effects if e.kind == "status"}
    assert statuses["fivesafes / sign-off"] == "pending"
    assert AUTHOR not in plan.reason.split("approval(s)")[-1]
    assert records(plan) == []  # the hand-off carries no attempt to refuse


def test_a_review_of_an_older_head_does_not_count(world: World) -> None:
    world.run(world.opened())
    world.run(world.label(APPROVE, "alice"))
    plan = world.run(handoff(world, "carol", commit=OLD))
    assert (plan.outcome, plan.state) == ("pending", "sign-off-pending")
    assert "@carol" in plan.of_kind("comment")[0].body  # type: ignore[union-attr]  # look again


def test_an_unearned_label_is_still_removed_at_the_hand_off(world: World) -> None:
    world.run(world.opened())
    world.label(APPROVE, "mallory")  # a read-only user's label, never handled before
    plan = world.run(handoff(world, "carol"))
    assert APPROVE in [e.label for e in plan.effects if e.kind == "remove-label"]
    assert plan.outcome == "pending"


def test_handle_offline_takes_the_pull_request_from_the_facts(world: World,
                                                                tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload("workflow_run.completed")))
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"pr": {"number": 2, "author": "x", "head_sha": "0" * 40,
                                        "head_ref": "changes", "base_ref": "master"}}))
    result = CliRunner().invoke(cli, ["handle", "--event-name", "workflow_run", "--event",
                                      str(event), "--facts", str(facts), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["outcome"] == "ignored"  # the facts' head is not the run's head
    assert "no open pull request has head" in plan["reason"]
