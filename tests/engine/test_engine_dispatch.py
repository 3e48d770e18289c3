"""``workflow_dispatch``: a request to start execution or publication, judged on the record.

The execution and publication jobs run ``handle`` on the dispatch before anything runs. These
cases pin the rules of ``fivesafes.core.engine.dispatch``: merged per GitHub, the decision
recorded for exactly that pull request, head and digest, something left to do, and a sender
allowed to start this attempt (the automation's first dispatch, or a maintainer; never the
requester). Refusals are recorded once; no dispatch plan touches the pull request.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.support.engine_world import (
    APPROVE_D,
    AUTHOR,
    MERGE,
    NOW,
    World,
    disclosure_world,
    kinds,
    payload,
    records,
    signed_off,
)

from fivesafes.cli.main import cli
from fivesafes.core.engine.plan import Dispatch, Plan
from fivesafes.core.facts.events import Event, parse_event
from fivesafes.core.facts.json_form import facts_to_json
from fivesafes.core.ledger import chain as ledger
from fivesafes.core.lifecycle.steps import execution_entry
from fivesafes.models.ledger import Status

BOT = "github-actions[bot]"
MAINTAINERS = b'\n[maintainers]\nowners = ["mo", "@tre/maintainers"]\n'
PR_EFFECTS = {"comment", "status", "add-label", "remove-label", "dispatch"}


def dispatch(w: World, sender: str = BOT, sender_type: str | None = None,
             **inputs: str) -> Event:
    data = payload("workflow_dispatch")
    data["inputs"] = {"pr": str(w.number), "phase": "execution"} | inputs
    kind = sender_type or ("Bot" if sender.endswith("[bot]") else "User")
    data["sender"] = {"login": sender, "id": 7, "type": kind}
    w.last_payload = ("workflow_dispatch", data)
    return parse_event("workflow_dispatch", data)


def merged(w: World) -> dict[str, str]:
    """A signed-off request merged and recorded; the inputs of the automation's dispatch."""
    w.policy = (w.policy or b"") + MAINTAINERS
    w.teams["tre/maintainers"] = frozenset({"max"})
    w.permissions |= {"mo": "write", "max": "write", "pat": "admin", "mae": "maintain"}
    signed_off(w)
    plan = w.run(w.merge())
    (made,) = [e for e in plan.effects if isinstance(e, Dispatch)]
    return dict(made.inputs)


def executed(w: World, status: Status, attempt: int = 1) -> None:
    w.record = ledger.append(w.record, execution_entry(
        "urn:uuid:x", attempt, status, start="2026-01-03T00:00:00Z",
        end=None if status == "active" else "2026-01-03T00:01:00Z",
        evidence={"event": "workflow_dispatch", "delivery": f"run-{attempt}:{status}"}))


def judged(w: World, event: Event) -> Plan:
    plan = w.plan(event)
    assert not PR_EFFECTS & set(kinds(plan)), kinds(plan)  # never edits the pull request
    assert plan.phase in ("execution", "publication", "none")
    return plan


def refused(w: World, event: Event, *words: str) -> Plan:
    plan = judged(w, event)
    assert plan.outcome == "refused", (plan.outcome, plan.reason)
    for word in words:
        assert word in plan.reason
    (entry,) = records(plan)
    assert (entry["phase"], entry["status"]) == (plan.phase, "refused")
    assert entry["evidence"]["delivery"] == event.delivery
    assert [a["login"] for a in entry["agents"]] == [event.sender.login]
    assert kinds(plan) == ["record", "commit", "summary"]
    return plan


def test_unmerged_signed_off_request_is_refused_and_recorded(world: World) -> None:
    signed_off(world)  # labels say signed off; nothing is recorded before the merge
    plan = refused(world, dispatch(world), "not merged")
    assert plan.state == "sign-off-pending"  # the record's state, not the labels'


def test_unmerged_but_recorded_is_still_refused(world: World) -> None:
    """GitHub must say merged: a record alone (e.g. a merge event forged in a payload) is not
    enough."""
    inputs = merged(world)
    world.merged = False
    refused(world, dispatch(world, **inputs), "not merged")


def test_automation_dispatch_after_a_recorded_merge_starts_execution(world: World) -> None:
    inputs = merged(world)
    assert set(inputs) == {"pr", "sha", "digest", "delivery"}
    plan = judged(world, dispatch(world, **inputs))
    assert (plan.phase, plan.outcome, plan.state) == ("execution", "completed", "execution")
    assert "first attempt" in plan.reason
    assert kinds(plan) == ["summary"]  # execute records its own attempt


@pytest.mark.parametrize("sender", ["mo", "max", "pat", "mae"])
def test_maintainer_may_start_the_first_attempt(world: World, sender: str) -> None:
    merged(world)  # e.g. the automation's dispatch never arrived
    assert judged(world, dispatch(world, sender)).outcome == "completed"


@pytest.mark.parametrize("sender", ["alice", "erin", "mallory"])
def test_other_people_do_not_start_execution(world: World, sender: str) -> None:
    merged(world)
    refused(world, dispatch(world, sender), "neither the automation nor a maintainer")


@pytest.mark.parametrize("status", ["failed", "active"])
@pytest.mark.parametrize("sender", ["mo", "max", "pat"])
def test_maintainer_re_runs_a_failed_or_interrupted_execution(
        world: World, status: Status, sender: str) -> None:
    inputs = merged(world)
    executed(world, status)
    plan = judged(world, dispatch(world, sender, **inputs))
    assert (plan.outcome, plan.state) == ("completed", "execution")
    assert f"re-run after a {status} attempt" in plan.reason


def test_re_run_by_the_requester_is_refused_even_as_maintainer(world: World) -> None:
    inputs = merged(world)
    executed(world, "failed")
    refused(world, dispatch(world, AUTHOR, **inputs), "requester")
    world.policy = (world.policy or b"").replace(b'"mo",', f'"mo", "{AUTHOR}",'.encode())
    world.permissions[AUTHOR] = "admin"
    refused(world, dispatch(world, AUTHOR, **inputs), "never starts execution")


def test_re_run_by_a_co_author_or_the_project_requester_is_refused(world: World) -> None:
    inputs = merged(world)
    executed(world, "failed")
    world.co_author("Max", "max@example.org", "max")  # a maintainer who co-wrote the request
    refused(world, dispatch(world, "max", **inputs), "requester")


@pytest.mark.parametrize("sender", ["alice", "carol", "mallory"])
def test_re_run_by_a_non_maintainer_is_refused(world: World, sender: str) -> None:
    inputs = merged(world)
    executed(world, "failed")
    refused(world, dispatch(world, sender, **inputs), "only a maintainer re-runs")


def test_re_run_by_the_automation_is_refused(world: World) -> None:
    """GitHub's "re-run" of the automation's failed run keeps the bot as sender: it cannot show
    who asked, so only a maintainer's new dispatch re-runs."""
    inputs = merged(world)
    executed(world, "failed")
    refused(world, dispatch(world, **inputs), "bot or app", "maintainer")


def test_completed_execution_is_not_run_again(world: World) -> None:
    inputs = merged(world)
    executed(world, "active")
    executed(world, "completed")
    for sender in (BOT, "alice", AUTHOR):
        plan = judged(world, dispatch(world, sender, **inputs))
        assert (plan.outcome, kinds(plan)) == ("ignored", ["summary"]), sender
        assert "already executed" in plan.reason
        assert plan.state == "disclosure-pending"
    refused(world, dispatch(world, "mo", **inputs), "already executed", "never re-run")


def test_digest_and_commit_must_be_what_was_recorded(world: World) -> None:
    inputs = merged(world)
    other = "sha512:" + "0" * 128
    plan = refused(world, dispatch(world, **(inputs | {"digest": other})), "digest")
    assert "sha512:000000000000" in plan.reason
    plan = refused(world, dispatch(world, **(inputs | {"digest": "x\n::error::forged"})),
                   "malformed value")
    assert "forged" not in json.dumps(records(plan))
    refused(world, dispatch(world, **(inputs | {"sha": "f" * 40})), "was merged as")
    without = {k: v for k, v in inputs.items() if k not in ("digest", "sha")}
    assert judged(world, dispatch(world, **without)).outcome == "completed"


def test_dispatch_on_another_branch_is_refused(world: World) -> None:
    inputs = merged(world)
    event = dispatch(world, **inputs)
    refused(world, Event(**{**event.__dict__, "ref": "refs/heads/evil"}), "default branch")


def test_a_later_sign_off_of_another_pull_request_supersedes(world: World) -> None:
    """Only the record's CURRENT sign-off starts execution: an older merged pull request does
    not (execute would run the files the later one approved)."""
    inputs = merged(world)
    entry = dict(ledger.entry_fields(world.record.action[-1]))
    entry["id"] = "urn:uuid:00000000-0000-4000-8000-000000000005"
    entry["evidence"] = {**entry["evidence"], "pr": 5, "delivery": "later"}
    entry.pop("prev"), entry.pop("digest")
    world.record = ledger.append(world.record, entry)
    refused(world, dispatch(world, **inputs), "no completed sign-off of #2")


def test_duplicate_delivery_is_recorded_once(world: World) -> None:
    inputs = merged(world)
    executed(world, "failed")
    event = dispatch(world, "alice", **inputs)
    first = world.run(event)
    assert first.outcome == "refused"
    size = len(world.record.action)
    again = world.plan(event)
    assert (again.outcome, kinds(again)) == ("refused", ["summary"])
    assert "already recorded" in again.reason
    world.apply(again, event)
    assert len(world.record.action) == size
    assert not ledger.verify_chain(world.record.action)


def test_redelivered_automation_dispatch_runs_nothing_twice(world: World) -> None:
    inputs = merged(world)
    event = dispatch(world, **inputs)
    assert judged(world, event).outcome == "completed"
    executed(world, "active")
    executed(world, "completed")
    assert judged(world, event).outcome == "ignored"


def test_publication_needs_a_merged_recorded_disclosure(world: World) -> None:
    d = disclosure_world(world)
    d.policy = (d.policy or b"") + MAINTAINERS
    publication = {"phase": "publication"}
    refused(d, dispatch(d, **publication), "not merged")
    d.merged = True  # merged without approval: the record holds no completed disclosure
    refused(d, dispatch(d, **publication), "no completed disclosure of #3")


def test_approved_disclosure_starts_publication_once(world: World) -> None:
    d = disclosure_world(world)
    d.run(d.review("bob"))
    d.run(d.label(APPROVE_D, "erin"))
    (made,) = [e for e in d.run(d.merge()).effects if isinstance(e, Dispatch)]
    inputs = dict(made.inputs) | {"phase": "publication"}
    plan = judged(d, dispatch(d, **inputs))
    assert (plan.phase, plan.outcome, plan.state) == ("publication", "completed", "published")
    plan = refused(d, dispatch(d, **(inputs | {"digest": "sha512:" + "1" * 128})), "digest")
    assert plan.phase == "publication"
    refused(d, dispatch(d, "bob", **inputs), "neither the automation nor a maintainer")
    d.record = ledger.append(d.record, {
        "id": "urn:uuid:00000000-0000-4000-8000-0000000000aa", "phase": "publication",
        "status": "completed", "start": NOW, "end": NOW,
        "evidence": {"event": "workflow_dispatch", "delivery": "run-9"}})
    plan = judged(d, dispatch(d, **inputs))
    assert (plan.outcome, plan.state) == ("ignored", "published")
    assert "already published" in plan.reason


def test_execution_dispatch_of_the_disclosure_pull_request_is_refused(world: World) -> None:
    d = disclosure_world(world)
    d.merged = True
    refused(d, dispatch(d), "no completed sign-off of #3")


def test_unknown_phase_is_ignored_and_missing_phase_means_execution(world: World) -> None:
    inputs = merged(world)
    assert judged(world, dispatch(world, **(inputs | {"phase": "disclosure"}))).outcome \
        == "ignored"
    plan = judged(world, dispatch(world, **(inputs | {"phase": ""})))
    assert (plan.phase, plan.outcome) == ("execution", "completed")


def test_invalid_policy_fails_closed_without_touching_the_pull_request(world: World) -> None:
    inputs = merged(world)
    world.policy = b"[tre]\n"
    plan = judged(world, dispatch(world, **inputs))
    assert (plan.phase, plan.outcome) == ("execution", "failed")
    assert "record" not in kinds(plan)
    plan = judged(world, dispatch(world, **(inputs | {"phase": "x\n::error::forged"})))
    assert plan.phase == "none"


def test_handle_exits_1_on_a_refused_dispatch(world: World, tmp_path: Path) -> None:
    merged(world)
    world.merged = False
    dispatch(world)
    event, facts = tmp_path / "event.json", tmp_path / "facts.json"
    event.write_text(json.dumps(world.last_payload[1]))
    facts.write_text(json.dumps(facts_to_json(world.facts())))
    result = CliRunner().invoke(cli, ["handle", "--event-name", "workflow_dispatch", "--event",
                                      str(event), "--facts", str(facts), "--dry-run", "--json"])
    assert result.exit_code == 1, result.output
    data: dict[str, Any] = json.loads(result.output)
    assert (data["phase"], data["outcome"]) == ("execution", "refused")
    world.merged = True
    facts.write_text(json.dumps(facts_to_json(world.facts())))
    result = CliRunner().invoke(cli, ["handle", "--event-name", "workflow_dispatch", "--event",
                                      str(event), "--facts", str(facts), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["outcome"] == "completed"
    assert MERGE[:12] in json.loads(result.output)["reason"]
