"""Disclosure decided output by output: statements in reviews, overrides, partial approval,
the revise loop, decisions bound to each output's sha-512."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest
from tests.support.engine_world import APPROVE_D, World, disclosure_world, records

from fivesafes.core.decisions.assess import assess
from fivesafes.core.decisions.context import context
from fivesafes.core.decisions.statements import parse
from fivesafes.core.facts.events import Event
from fivesafes.core.facts.values import Facts
from fivesafes.core.lifecycle import phases
from fivesafes.core.lifecycle.steps import execution_gate, revising
from fivesafes.models.ledger import ActionRecord
from fivesafes.models.policy import Policy

A, B, C = "a" * 128, "b" * 128, "c" * 128
SMALL = "min-cell-count@counts.csv:3:n"


def manifest(execution: str, counts: str = A, extra: str = "") -> bytes:
    return f"""request = "urn:uuid:x"
execution = "{execution}"

[[output]]
path = "counts.csv"
size = 10
sha512 = "{counts}"
media-type = "text/csv"

[[output]]
path = "notes.txt"
size = 5
sha512 = "{B}"
media-type = "text/plain"

[[output]]
path = "summary.json"
size = 7
sha512 = "{C}"
media-type = "application/json"

[[finding]]
rule = "disclosure.min-cell-count"
path = "counts.csv"
line = 3
message = "line 3, column 'n': a count under the minimum cell count of 10"
severity = "error"
id = "{SMALL}"
{extra}""".encode()


@pytest.fixture
def d() -> World:
    world = disclosure_world(World())
    execution = next(e.id for e in world.record.action if e.phase == "execution")
    world.files["outputs/manifest.toml"] = manifest(execution)
    return world


def review(d: World, login: str, state: str, body: str, commit: str | None = None) -> Event:
    event = d.review(login, state, commit)
    d.reviews[-1] = dataclasses.replace(d.reviews[-1], body=body)
    return event


def block(*lines: str) -> str:
    return "Looked at all of them.\n\n```fivesafes\n" + "\n".join(lines) + "\n```\n"


def test_statements_parse_blocks_commands_and_problems() -> None:
    parsed = parse("Fine.\n```fivesafes\napprove counts.csv 0123abcd\nreject notes.txt: "
                   "an e-mail\nchanges x.csv\noverride min-cell-count@t.csv:3:Number of "
                   "patients: published by ONS\n```\n/fivesafes approve summary.json\n")
    assert [(s.verb, s.target, s.reason, s.sha_prefix) for s in parsed.said] == [
        ("approve", "counts.csv", "", "0123abcd"), ("reject", "notes.txt", "an e-mail", None),
        ("override", "min-cell-count@t.csv:3:Number of patients", "published by ONS", None),
        ("approve", "summary.json", "", None)]
    assert parsed.problems == ("'changes x.csv': changes needs a reason after ': '",)
    assert parsed.text == "Fine."


def test_an_approval_of_an_output_with_an_error_counts_only_with_an_override(
        d: World) -> None:
    d.run(review(d, "erin", "APPROVED", ""))
    plan = d.run(review(d, "frank", "APPROVED", ""))
    assert plan.outcome == "pending"
    assert "needs an override of `min-cell-count@counts.csv:3:n`" in plan.reason
    plan = d.run(review(d, "erin", "APPROVED", block(
        "approve *", f"override {SMALL}: the region's count is published")))
    assert plan.outcome == "pending"  # frank has not overridden it
    plan = d.run(review(d, "frank", "APPROVED", block(
        "approve *", f"override {SMALL}: agreed, public figure")))
    assert (plan.outcome, plan.state) == ("completed", phases.DISCLOSED)


def test_a_label_approves_every_output_but_never_overrides(d: World) -> None:
    d.labels.append(APPROVE_D)
    d.run(d.label(APPROVE_D, "erin"))
    plan = d.run(review(d, "frank", "APPROVED", ""))
    assert plan.outcome == "pending"
    assert "`summary.json`" not in plan.reason  # approved by both
    assert "`counts.csv`: 0 of 2 approval(s)" in plan.reason


def test_partial_release_and_what_the_record_holds(d: World) -> None:
    d.run(review(d, "erin", "APPROVED", block(
        "approve counts.csv", "approve summary.json", f"override {SMALL}: public figure",
        "reject notes.txt: names a person")))
    plan = d.run(review(d, "frank", "APPROVED", block(
        "approve counts.csv", "approve summary.json", f"override {SMALL}: agreed")))
    assert plan.outcome == "completed"
    assert "withheld: `notes.txt`" in plan.reason
    d.merged = True
    merged = d.run(d.merge())
    [entry] = [r for r in records(merged) if r["phase"] == "disclosure"]
    outcomes = {o["path"]: o["outcome"] for o in entry["outputs"]}
    assert outcomes == {"counts.csv": "approved", "notes.txt": "rejected",
                        "summary.json": "approved"}
    counts = next(o for o in entry["outputs"] if o["path"] == "counts.csv")
    assert counts["sha512"] == A
    assert counts["errors"] == [SMALL]
    assert {(o["login"], o["reason"]) for o in counts["overrides"]} == {
        ("erin", "public figure"), ("frank", "agreed")}
    assert [f["id"] for f in entry["disclosure-findings"]] == [SMALL]
    assert {a["login"] for a in entry["agents"]} == {"erin", "frank"}
    assert {s["reason"] for s in entry["statements"]} == {"Looked at all of them."}


def test_changes_requested_opens_the_revise_loop(d: World) -> None:
    plan = d.run(review(d, "erin", "CHANGES_REQUESTED", block(
        "changes counts.csv: suppress the small cell and a second one", "approve summary.json")))
    assert (plan.outcome, plan.state) == ("pending", phases.DISCLOSURE_CHANGES)
    [entry] = records(plan)
    assert (entry["phase"], entry["status"]) == ("disclosure", "pending")
    assert entry["changes-requested"] == ["counts.csv"]
    assert revising(d.record)
    sign_off = next(e for e in d.record.action if e.phase == "sign-off"
                    and e.status == "completed")
    assert execution_gate(d.record, str(sign_off.evidence.digest)) is None
    assert not revising(ActionRecord())


def test_new_outputs_reset_changed_decisions_and_keep_the_unchanged(d: World) -> None:
    old_head = d.head
    old = d.files["outputs/manifest.toml"]
    d.run(review(d, "erin", "CHANGES_REQUESTED", block(
        "changes counts.csv: suppress", "approve summary.json", "reject notes.txt: e-mail")))
    execution = next(e.id for e in d.record.action if e.phase == "execution")
    d.files["outputs/manifest.toml"] = manifest(execution, counts="e" * 128).replace(
        b'severity = "error"', b'severity = "warning"')
    d.head = "e" * 40
    facts_manifests = {old_head: old}
    original = d.facts

    def facts() -> Facts:  # the adapter reads the manifest at each reviewed commit
        return dataclasses.replace(original(), manifests=facts_manifests)

    d.facts = facts  # type: ignore[method-assign]
    plan = d.run(d.push("e" * 40, "2026-01-02T11:00:00Z"))
    assert plan.outcome == "pending"
    assert "`counts.csv`: 0 of 2" in plan.reason
    assert "`summary.json`: 1 of 2" in plan.reason
    assert "notes.txt" not in plan.reason.split("needs decisions")[1]  # still withheld
    plan = d.run(review(d, "frank", "APPROVED", block("approve counts.csv",
                                                       "approve summary.json")))
    assert plan.outcome == "pending"
    plan = d.run(review(d, "erin", "APPROVED", block("approve counts.csv")))
    assert (plan.outcome, plan.state) == ("completed", phases.DISCLOSED)
    assert "withheld: `notes.txt`" in plan.reason


def test_a_decision_for_other_bytes_does_not_count(d: World) -> None:
    d.run(review(d, "erin", "APPROVED", block("approve counts.csv 0123abcd")))
    facts = d.facts()
    assert facts.pr is not None
    assert facts.policy is not None
    policy = Policy.model_validate(tomllib.loads(facts.policy.decode()))
    assert facts.pr is not None
    a = assess(context(facts, facts.pr, policy, d.record))
    assert a.outputs is not None
    assert "@erin: the approve of `counts.csv` was for other bytes of it; decide again on " \
           "the current outputs" in a.outputs.notes


def test_every_output_rejected_is_a_rejection(d: World) -> None:
    plan = d.run(review(d, "erin", "CHANGES_REQUESTED", "Not releasable: row-level data."))
    assert (plan.outcome, plan.state) == ("failed", phases.DISCLOSURE_REJECTED)
    [entry] = records(plan)
    assert entry["status"] == "failed"
    assert entry["statements"] == [{"login": "erin", "verdict": "reject",
                                    "source": f"review:{d.reviews[-1].id}",
                                    "reason": "Not releasable: row-level data."}]


def test_a_sign_off_rejection_reason_reaches_the_record() -> None:
    w = World()
    w.run(w.opened())
    plan = w.plan(review(w, "bob", "CHANGES_REQUESTED", "Dates are outside the project."))
    [entry] = records(plan)
    assert (entry["phase"], entry["status"]) == ("sign-off", "failed")
    assert entry["statements"][0]["reason"] == "Dates are outside the project."


def test_the_comment_shows_each_output_its_findings_and_who_acts_next(d: World) -> None:
    from fivesafes.core.engine.plan import Annotation, Comment

    plan = d.run(review(d, "erin", "CHANGES_REQUESTED", block(
        "changes counts.csv: suppress the small cell", "reject notes.txt: an e-mail")))
    [comment] = [e for e in plan.effects if isinstance(e, Comment)]
    body = comment.body
    assert "| `counts.csv` | 10 B | text/csv | ✏️ changes" in body
    assert "| `notes.txt` | 5 B | text/plain | ⛔ withheld" in body
    assert "| `summary.json` | 7 B | application/json | ⏳" in body
    assert f"`{SMALL}` line 3, column 'n'" in body
    assert "@erin **changes**: suppress the small cell" in body
    assert "**Next:** the researcher revises the analysis" in body
    [note] = [e for e in plan.effects if isinstance(e, Annotation)
              and e.file == "outputs/manifest.toml"]
    text = d.files["outputs/manifest.toml"].decode().splitlines()
    assert note.line is not None
    assert text[note.line - 1] == f'id = "{SMALL}"'
    assert note.level == "error"


def test_the_researcher_requests_an_exception_in_the_disclosure_pull_request(
        d: World) -> None:
    from fivesafes.core.engine.plan import Comment
    from fivesafes.core.facts.values import ChangedFile

    d.changed.append(ChangedFile("outputs/exceptions.toml", "added"))
    d.files["outputs/exceptions.toml"] = (
        f'[[exception]]\nfinding = "{SMALL}"\nreason = "the ONS publishes this count"\n'
        '[[exception]]\nfinding = "nope@x.csv:1"\nreason = "?"\n').encode()
    plan = d.run(review(d, "erin", "APPROVED", block("approve summary.json")))
    assert plan.outcome == "pending"  # the pull request may change this file
    [comment] = [e for e in plan.effects if isinstance(e, Comment)]
    assert (f"🙋 exception requested (researcher) for `{SMALL}`: the ONS publishes this "
            "count") in comment.body
    assert "'nope@x.csv:1', which is no finding of the manifest" in comment.body
    for login in ("erin", "frank"):
        d.run(review(d, login, "APPROVED", block(
            "approve *", f"override {SMALL}: agreed with the request")))
    d.merged = True
    [entry] = [r for r in records(d.run(d.merge())) if r["phase"] == "disclosure"]
    assert next((e["finding"], e["source"]) for e in entry["exceptions"]) == (SMALL,
                                                                              "researcher")
