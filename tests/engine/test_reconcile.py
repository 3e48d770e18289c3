"""The reconciler records a merge whose run was lost, once, with the decisions counted up to
GitHub's merge time, and the merge's own run and the reconciler never both record it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from tests.support.engine_world import APPROVE, MERGE, World, records, signed_off

from fivesafes.adapters.ledger.file import read_record
from fivesafes.cli.main import cli
from fivesafes.core.engine.reconcile import Merged, merge_event, missing
from fivesafes.core.facts.json_form import facts_to_json
from fivesafes.core.ledger import chain as ledger
from fivesafes.core.lifecycle import phases


def _merged(w: World) -> Merged:
    assert w.merged_at is not None
    return Merged(w.number, MERGE, w.merged_at, "master")


def test_the_merge_run_and_the_reconciler_share_one_key() -> None:
    w = World()
    signed_off(w)
    merge = w.merge()
    lost = merge_event(_merged(w), "Codertocat/Hello-World", "master")
    assert merge.delivery == lost.delivery
    assert missing(w.record, [_merged(w)], "master") == [_merged(w)]
    w.run(lost)  # the reconciler records it ...
    assert missing(w.record, [_merged(w)], "master") == []
    plan = w.plan(merge)  # ... and the late closed run records nothing twice
    assert records(plan) == []
    assert "dispatch" not in [e.kind for e in plan.effects]


def test_a_recovered_merge_counts_only_what_came_before_it() -> None:
    w = World()
    w.run(w.opened())
    w.run(w.label(APPROVE, "alice"))
    w.merge()
    w.run(w.review("carol"))  # after merged_at: never counts
    plan = w.plan(merge_event(_merged(w), "Codertocat/Hello-World", "master"))
    assert plan.state == phases.VOIDED


def test_reconcile_command_records_a_missing_merge_once(tmp_path: Path) -> None:
    w = World()
    signed_off(w)
    w.merge()
    facts = tmp_path / "facts.json"
    data = facts_to_json(w.facts())
    data.pop("record")  # the record is the checkout's
    facts.write_text(json.dumps(data))
    repo = tmp_path / "checkout"
    (repo / "resources" / "governance").mkdir(parents=True)
    args = ["reconcile", "--facts", str(facts), "--repo-dir", str(repo), "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    (plan,) = json.loads(result.stdout)["reconciled"]
    assert plan["outcome"] == "completed"
    assert "dispatch" in [e["kind"] for e in plan["effects"]]
    record = read_record(repo)
    assert [e.phase for e in record.action] == ["check", "validation", "sign-off"]
    assert ledger.verify_chain(record.action) == []
    again = CliRunner().invoke(cli, args)
    assert json.loads(again.stdout)["reconciled"] == []
    assert len(read_record(repo).action) == 3


def test_a_merge_is_recorded_once_whatever_the_payload_says() -> None:
    """A replayed merged event with another merge commit or another delivery id in its
    payload records nothing a second time: the key is GitHub's merge, and a merge already in
    the record is never recorded again."""
    w = World()
    signed_off(w)
    w.run(w.merge())
    count = len(w.record.action)
    data = w.last_payload[1]
    data["pull_request"]["merge_commit_sha"] = "f" * 40
    from fivesafes.core.facts.events import parse_event

    for delivery in (None, "another-delivery"):
        plan = w.plan(parse_event("pull_request", data, delivery))
        assert records(plan) == []
        assert "dispatch" not in [e.kind for e in plan.effects]
    assert len(w.record.action) == count


def test_a_lost_dispatch_is_started_once_the_merge_has_had_time() -> None:
    from fivesafes.core.engine.reconcile import unstarted
    from fivesafes.core.lifecycle.steps import execution_entry

    w = World()
    signed_off(w)
    w.run(w.merge())  # recorded at NOW (12:00)
    merged = [_merged(w)]
    assert unstarted(w.record, merged, "2026-01-02T12:10:00Z") is None  # its own is queued
    found = unstarted(w.record, merged, "2026-01-02T13:00:00Z")
    assert found is not None
    assert (found.target, found.pr, found.sha) == ("execution", w.number, MERGE)
    assert found.digest == w.record.action[-1].evidence.digest
    w.record = ledger.append(w.record, execution_entry(
        "urn:uuid:x", 1, "active", start="2026-01-02T12:20:00Z", end=None,
        evidence={"event": "workflow_dispatch", "delivery": "run-1"}))
    assert unstarted(w.record, merged, "2026-01-02T13:00:00Z") is None  # it did start
