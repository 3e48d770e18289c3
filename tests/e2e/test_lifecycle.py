"""A request's life after sign-off, run for real: a push that invalidates an approval, the merge
that records the decisions and starts execution inside the TRE, and the output checkers'
approvals that lead to a published release which verifies.

Every event is delivered to the real project workflow through act; the jobs run the real
composite actions and ``fivesafes handle``/``execute``/``disclose``/``publish`` against the
local GitHub API server and the bare remote it mirrors. Dispatches the automation makes are
delivered as the ``workflow_dispatch`` events GitHub would start.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.e2e.stage import DISCLOSURE, REPO, SIGN_OFF, Stage, pr_reads
from tests.github_server.payloads import adapt, load
from tests.github_server.world import Pull

PROJECT = "resources/governance/project.toml"
SIGN_OFF_STATUS, DISCLOSURE_STATUS = "fivesafes / sign-off", "fivesafes / disclosure"
PUBLISH = ["POST /repos/{repo}/statuses/{sha}"] * 4  # check, validation, the other kind's, phase
DEFAULT_BRANCH_READS = {"GET /repos/{repo}/contents/.github/fivesafes.toml?ref=main",
                        "GET /repos/{repo}/contents/resources/governance/actions.toml?ref=main"}


def signed_off(stage: Stage) -> Pull:
    """A request pull request that @alice signed off (through the workflow)."""
    pull = stage.open_request(stage.edit(PROJECT, "synthetic cohort", "synthetic cohort (v2)"))
    run = stage.run("pull_request_target", stage.label(pull, SIGN_OFF, "alice"))
    assert run.results == {"sign-off": "success"}, run.output()
    return pull


def merged_and_executed(stage: Stage) -> tuple[Pull, str]:
    """The signed-off request merged by @mo, recorded, and executed in the TRE: the request
    pull request and the merge commit."""
    pull = signed_off(stage)
    merge = stage.merge(pull, "mo")
    run = stage.run("pull_request_target", stage.payload("pull_request.closed.merged", pull, "mo"))
    assert run.results == {"record": "success"}, run.output()
    run = stage.run("workflow_dispatch", stage.dispatch_payload())
    assert run.results == {"execution-gate": "success", "execution": "success",
                           "execution-record": "success"}, run.output()
    return pull, merge


def test_push_after_approval_invalidates_it(stage: Stage) -> None:
    pull = signed_off(stage)
    approved = pull.head_sha
    before = stage.tip()
    comment = stage.sticky(pull.number)
    edited = stage.edit(PROJECT, "synthetic cohort", "synthetic cohort (v3)")
    stage.push(pull, edited, "researcher")
    run = stage.run("pull_request_target",
                    stage.payload("pull_request.synchronize", pull, "researcher"))
    assert run.results == {"validation": "success"}, run.output()
    assert stage.writes() == ["DELETE /repos/{repo}/issues/1/labels/5s%3Aapprove-sign-off",
                              *PUBLISH, f"PATCH /repos/{{repo}}/issues/comments/{comment.id}",
                              # the new head needs new reviews: the deciders are asked again
                              "POST /repos/{repo}/pulls/1/requested_reviewers"]
    assert stage.reads() == pr_reads(1, ["researcher", "alice"])
    assert pull.labels == []
    # the new head starts over; the approved commit keeps what it had
    assert stage.status_contexts(pull.head_sha) == [
        ("fivesafes / check", "success"), ("fivesafes / validation", "success"),
        (DISCLOSURE_STATUS, "success"), (SIGN_OFF_STATUS, "pending")]
    assert stage.statuses(approved)[SIGN_OFF_STATUS] == "success"
    body = stage.sticky(pull.number).body
    assert "`sign-off-pending`" in body
    assert f"**Look again:** @alice: your approval was for an earlier commit; review " \
           f"`{pull.head_sha[:12]}`" in body
    assert "a new commit invalidated the approval(s) of @alice" in run.output("validation")
    assert stage.tip() == before  # nothing recorded: the approval never reached the record


def record_entries(stage: Stage, rev: str = "main") -> list[tuple[str, str]]:
    return [(e["phase"], e["status"]) for e in stage.record(rev)]


def test_merge_records_and_starts_execution(stage: Stage) -> None:
    pull = signed_off(stage)
    comment = stage.sticky(pull.number)
    merge = stage.merge(pull, "mo")
    merged = stage.payload("pull_request.closed.merged", pull, "mo")
    run = stage.run("pull_request_target", merged)
    assert run.results == {"record": "success"}, run.output()
    assert run.steps("record") == {"Check out the default branch": "success",
                                   "Install fivesafes": "success",
                                   "Record the decisions on the default branch": "success"}
    dispatches = f"/repos/{REPO}/actions/workflows/fivesafes.yml/dispatches"
    assert stage.writes() == [f"PATCH /repos/{{repo}}/issues/comments/{comment.id}",
                              "POST " + dispatches.replace(REPO, "{repo}")]
    assert stage.reads() == pr_reads(1, ["mo", "alice"], statuses=False)
    # the decisions are committed on top of the merge, by the automation, record and crate only
    (recorded,) = stage.commits_since(merge)
    assert recorded.subject == "fivesafes: sign-off of #1 recorded"
    assert recorded.by_automation_on_record_only, recorded
    assert "resources/governance/actions.toml" in recorded.files
    assert "crate/ro-crate-metadata.json" in recorded.files
    assert record_entries(stage) == [("check", "completed"), ("validation", "completed"),
                                     ("sign-off", "completed")]
    sign_off = stage.record()[-1]
    assert [a["login"] for a in sign_off["agents"]] == ["alice"]
    assert sign_off["evidence"]["head-sha"] == pull.head_sha
    stage.assert_record_sound("after-merge")
    assert "`execution`" in stage.sticky(pull.number).body
    # ... and the execution phase is started on the default branch
    (body,) = stage.server.bodies("POST", dispatches)
    assert body["ref"] == "main"
    inputs: dict[str, Any] = body["inputs"]
    assert (inputs["phase"], inputs["pr"], inputs["sha"]) == ("execution", "1", merge)
    assert inputs["digest"] == sign_off["evidence"]["digest"]

    # the same event delivered again (a re-run, a redelivery) records and starts nothing
    recorded_at = stage.tip()
    run = stage.run("pull_request_target", merged)
    assert run.results == {"record": "success"}, run.output()
    assert stage.writes() == []
    assert stage.tip() == recorded_at
    assert len(stage.repo.dispatches) == 1

    # GitHub reports the automation's push to the default branch: the record is re-verified
    run = stage.run("push", adapt(stage.server.world, load("push"), stage.repo,
                                  sender="github-actions[bot]"))
    assert run.results == {"record": "success"}, run.output()
    assert "outcome=completed" in run.output("record")
    assert stage.writes() == []
    # ... and the reconciler finds every merged pull request already recorded
    assert stage.reads() == DEFAULT_BRANCH_READS | {
        "GET /repos/{repo}/pulls?base=main&direction=desc&sort=updated&state=closed"}

    # the dispatch: the hosted gate, the TRE job (no token), the hosted job that records
    before = stage.tip()
    run = stage.run("workflow_dispatch", stage.dispatch_payload())
    assert run.results == {"execution-gate": "success", "execution": "success",
                           "execution-record": "success"}, run.output()
    assert run.steps("execution-gate") == {
        "Check out the default branch": "success", "Install fivesafes": "success",
        "Check the request is signed off at the dispatched commit": "success",
        "Export the approved inputs": "success",
        "Hand the approved inputs to the TRE job": "success"}
    assert run.steps("execution") == {
        "Receive the approved inputs": "success", "Install fivesafes": "success",
        "Run the approved workflow": "success",
        "Check the outputs for the output checkers": "success",
        "Hand back the record entries and the manifest (no output data)": "success"}
    assert run.steps("execution-record") == {
        "Check out the default branch": "success", "Install fivesafes": "success",
        "Receive the hand-back of the TRE job": "success",
        "Record the execution and propose the outputs to the output checkers": "success"}
    # the gate leaves the request's comment as the merge left it (`execution`)
    assert stage.writes() == ["POST /repos/{repo}/pulls", "POST /repos/{repo}/issues/2/labels"]
    assert "`execution`" in stage.sticky(pull.number).body
    assert "first attempt" in run.output("execution-gate")
    # what left the TRE: the hand-back (record entries and the manifest), no output data
    handback = stage.tre.parent / "artifacts" / "fivesafes-execution-handback"
    assert sorted(p.name for p in handback.iterdir()) == ["handback.json"]
    assert "Isles" not in (handback / "handback.json").read_text()
    (executed,) = stage.commits_since(before)
    assert executed.subject == "fivesafes: execution attempt 1 completed"
    assert executed.by_automation_on_record_only, executed
    # the workflow came from the TRE's mirror (no internet on the runner) before it ran
    assert record_entries(stage)[3:] == [("workflow-retrieval", "completed"),
                                         ("execution", "active"), ("execution", "completed")]
    stage.assert_record_sound("after-execution")
    # the outputs stay in the TRE's staging folder; only their manifest goes to the checkers
    disclosure = stage.repo.pulls[2]
    assert (disclosure.author, disclosure.head_ref, disclosure.labels) == (
        "github-actions[bot]", "fivesafes/disclosure/attempt-1", ["5s:disclosure"])
    (proposed,) = stage.commits_since(before, disclosure.head_ref)
    assert proposed.files == ("outputs/manifest.toml",)
    assert proposed.author.startswith("fivesafes"), proposed  # the automation, not a person
    staged = sorted(p.name for p in (stage.tre / "staging").rglob("*.csv"))
    assert staged
    assert not any(path.endswith(".csv") for path in stage.tree(disclosure.head_ref))


SMALL_CELL = "min-cell-count@counts_by_region.csv:3:count"


def test_disclosure_by_two_checkers_publishes_a_release(stage: Stage, tmp_path: Path) -> None:
    merged_and_executed(stage)
    disclosure = stage.repo.pulls[2]
    run = stage.run("pull_request_target",
                    stage.payload("pull_request.opened", disclosure, "github-actions[bot]"))
    assert run.results == {"disclosure": "success"}, run.output()
    assert stage.writes() == [*PUBLISH, "POST /repos/{repo}/issues/2/comments",
                              "POST /repos/{repo}/pulls/2/requested_reviewers"]
    assert stage.status_contexts(disclosure.head_sha)[-1] == (DISCLOSURE_STATUS, "pending")
    comment = stage.sticky(2)
    assert "0 of 2" in comment.body

    # two distinct output checkers: one applies the label (every output, no override), the
    # other decides output by output in a review, overriding the small cell and withholding
    # the notes (an e-mail address); the first then overrides the small cell too
    run = stage.run("pull_request_target", stage.label(disclosure, DISCLOSURE, "carol"))
    assert run.results == {"disclosure": "success"}, run.output()
    assert stage.status_contexts(disclosure.head_sha) == [(DISCLOSURE_STATUS, "pending")]
    assert ("the approval of @carol needs an override of "
            f"`{SMALL_CELL}`") in stage.sticky(2).body
    # the review runs nothing privileged: the review workflow's completed run hands it to
    # the default branch's workflow (workflow_run), which finds the pull request by its head
    run = stage.review(disclosure, "dave", body=(
        "```fivesafes\napprove counts_by_region.csv\napprove summary.json\n"
        f"override {SMALL_CELL}: the region's count is published\n"
        "reject notes.txt: an e-mail address\n```\n"))
    assert run.results == {"disclosure": "success"}, run.output()
    assert stage.writes() == ["POST /repos/{repo}/statuses/{sha}",
                              f"PATCH /repos/{{repo}}/issues/comments/{comment.id}"]
    lookup = ("GET /repos/{repo}/pulls?head="
              f"{quote('example-tre:' + disclosure.head_ref, safe='')}&state=open")
    assert stage.reads() == pr_reads(2, ["dave", "carol"], head_ref=disclosure.head_ref) \
        | {lookup}
    assert stage.status_contexts(disclosure.head_sha) == [(DISCLOSURE_STATUS, "pending")]
    run = stage.review(disclosure, "carol", body=(
        f"```fivesafes\napprove counts_by_region.csv\noverride {SMALL_CELL}: agreed\n```"))
    assert run.results == {"disclosure": "success"}, run.output()
    assert stage.status_contexts(disclosure.head_sha) == [(DISCLOSURE_STATUS, "success")]
    assert "`disclosed`" in stage.sticky(2).body
    assert "withheld: `notes.txt`" in stage.sticky(2).body

    # the merge records the disclosure and dispatches the publication
    merge = stage.merge(disclosure, "mo")
    run = stage.run("pull_request_target",
                    stage.payload("pull_request.closed.merged", disclosure, "mo"))
    assert run.results == {"record": "success"}, run.output()
    (recorded,) = stage.commits_since(merge)
    assert recorded.subject == "fivesafes: disclosure of #2 recorded"
    assert recorded.by_automation_on_record_only, recorded
    entry = stage.record()[-1]
    assert (entry["phase"], entry["status"]) == ("disclosure", "completed")
    assert sorted(a["login"] for a in entry["agents"]) == ["carol", "dave"]
    assert {o["path"]: o["outcome"] for o in entry["outputs"]} == {
        "counts_by_region.csv": "approved", "notes.txt": "rejected",
        "summary.json": "approved"}
    inputs = stage.repo.dispatches[-1]["inputs"]
    assert (inputs["phase"], inputs["pr"], inputs["sha"]) == ("publication", "2", merge)
    assert inputs["digest"] == entry["evidence"]["digest"]

    # the TRE job packages the release; the hosted job publishes it on GitHub and records it
    dispatched_at = stage.tip()
    run = stage.run("workflow_dispatch", stage.dispatch_payload())
    assert run.results == {"publication-gate": "success", "publication-package": "success",
                           "publication": "success"}, run.output()
    assert run.steps("publication-gate")[
        "Check the disclosure is approved at the dispatched commit"] == "success"
    assert run.steps("publication-package") == {
        "Receive the approved manifest and record": "success", "Install fivesafes": "success",
        "Package the approved outputs": "success",
        "Hand back the publication and the approved release zip": "success"}
    assert run.steps("publication") == {
        "Check out the default branch": "success", "Install fivesafes": "success",
        "Receive the hand-back of the TRE job": "success",
        "Publish the release": "success", "Attest the release zip": "success"}
    (release,) = stage.repo.releases
    zip_name = release.tag.replace("/", "-") + ".zip"
    releases = f"/repos/{{repo}}/releases/{release.id}"
    assert stage.writes() == [
        "POST /repos/{repo}/releases",
        f"POST {releases}/assets?label=&name={zip_name}",
        f"POST {releases}/assets?label=&name={zip_name}.sha512", f"PATCH {releases}"]
    assert (release.draft, release.author) == (False, "github-actions[bot]")
    assert release.target == dispatched_at
    assets = {a.name: a.data for a in release.assets}
    assert sorted(assets) == [zip_name, f"{zip_name}.sha512"]
    digest = hashlib.sha512(assets[zip_name]).hexdigest()
    assert assets[f"{zip_name}.sha512"].decode() == f"{digest}  {zip_name}\n"
    downloaded = tmp_path / zip_name
    downloaded.write_bytes(assets[zip_name])
    verified = stage.fivesafes("verify", str(downloaded))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # the policy keeps data off GitHub: the release carries the crate and checksums only
    with zipfile.ZipFile(downloaded) as archive:
        assert not [n for n in archive.namelist() if n.endswith(".csv")]
    (published,) = stage.commits_since(recorded.sha)
    assert published.subject == f"fivesafes: publication {release.tag} recorded"
    assert published.by_automation_on_record_only, published
    assert record_entries(stage)[-1] == ("publication", "completed")
    stage.assert_record_sound("after-publication")


def test_dispatch_without_a_recorded_sign_off_runs_nothing(stage: Stage) -> None:
    """Anyone with write access can start ``workflow_dispatch``: for a request that is signed
    off but not merged (nothing recorded), the execution job's first step (``handle`` on the
    dispatch) refuses, records the refused attempt, and nothing runs, is staged or proposed
    (test_dispatch_gate.py holds the engine-level case)."""
    pull = signed_off(stage)
    comment = stage.sticky(pull.number)
    before = stage.tip()
    payload = stage.dispatch_payload_for({"phase": "execution", "pr": str(pull.number)},
                                         sender="alice")
    run = stage.run("workflow_dispatch", payload)
    assert run.results == {"execution-gate": "failure"}, run.output()
    steps = run.steps("execution-gate")
    assert steps["Check the request is signed off at the dispatched commit"] == "failure", steps
    assert "Hand the approved inputs to the TRE job" not in steps or \
        steps["Hand the approved inputs to the TRE job"] == "skipped", steps
    assert "pull request #1 is not merged" in run.output("execution-gate")
    # only the refused attempt is recorded, by the automation; the pull request is untouched
    (refused,) = stage.commits_since(before)
    assert refused.subject == "fivesafes: refused execution dispatch by @alice for #1"
    assert refused.by_automation_on_record_only, refused
    entry = stage.record()[-1]
    assert (entry["phase"], entry["status"]) == ("execution", "refused")
    assert [a["login"] for a in entry["agents"]] == ["alice"]
    stage.assert_record_sound("after-refused-dispatch")
    assert stage.sticky(pull.number).body == comment.body
    assert not (stage.tre / "staging").exists()
    assert list(stage.repo.pulls) == [pull.number]
    assert not [w for w in stage.writes() if "/pulls" in w or "/issues/" in w]
