"""A request pull request meets the automation: real runs of the project workflow with act
against the local GitHub API server and the bare remote it mirrors (the real caller, reusable
workflow, composite actions and ``fivesafes handle`` with its GitHub applier).

Each scenario asserts what the automation asked of GitHub (every write, in order, and the set
of reads), the labels, the ``fivesafes / <phase>`` statuses, the one sticky comment, and the
commits on the remote.
"""

from __future__ import annotations

from tests.e2e.stage import REPO, SIGN_OFF, Stage, pr_reads

PROJECT = "resources/governance/project.toml"
CHECK, VALIDATION, SIGN_OFF_STATUS = ("fivesafes / check", "fivesafes / validation",
                                      "fivesafes / sign-off")
HANDLE_STEPS = {"Install fivesafes": "success"}


def revised(stage: Stage) -> dict[str, str]:
    return stage.edit(PROJECT, "synthetic cohort", "synthetic cohort (revised)")


def test_valid_request_opened(stage: Stage) -> None:
    before = stage.tip()
    pull = stage.open_request(revised(stage))
    run = stage.run("pull_request_target",
                    stage.payload("pull_request.opened", pull, "researcher"))
    assert run.results == {"validation": "success"}, run.output()
    assert run.steps("validation") == {
        **HANDLE_STEPS, "Check and validate the request at the head commit": "success"}
    sha = pull.head_sha
    comment = stage.sticky(pull.number)
    assert stage.writes() == ["POST /repos/{repo}/statuses/{sha}"] * 3 + [
        "POST /repos/{repo}/issues/1/comments", "POST /repos/{repo}/pulls/1/requested_reviewers"]
    assert stage.reads() == pr_reads(1, ["researcher"])
    # the request files are read at the head commit, the policy from the default branch
    assert f"GET /repos/{REPO}/git/trees/{sha}?recursive=1" in stage.server.lines()
    assert stage.status_contexts(sha) == [(CHECK, "success"), (VALIDATION, "success"),
                                          (SIGN_OFF_STATUS, "pending")]
    assert pull.labels == []
    assert "`sign-off-pending`" in comment.body
    assert "`@example-tre/sign-off-approvers`" not in comment.body  # a mention, not code
    assert comment.body.splitlines()[1].startswith("**Your move, @example-tre/sign-off-approvers")
    assert stage.tip() == before  # nothing is recorded before a decision


def test_invalid_request_opened(stage: Stage) -> None:
    before = stage.tip()
    files = stage.edit(PROJECT, "[project]", '[project]\ntitel = "typo"')
    pull = stage.open_request(files)
    run = stage.run("pull_request_target",
                    stage.payload("pull_request.opened", pull, "researcher"))
    assert run.results == {"validation": "failure"}
    line = files[PROJECT].splitlines().index('titel = "typo"') + 1
    assert f"::error file={PROJECT},line={line}" in run.output("validation")
    assert stage.writes() == ["POST /repos/{repo}/statuses/{sha}"] * 3 + [
        "POST /repos/{repo}/issues/1/comments"]
    assert stage.reads() == pr_reads(1, ["researcher"])
    assert stage.status_contexts(pull.head_sha) == [
        (CHECK, "success"), (VALIDATION, "failure"), (SIGN_OFF_STATUS, "pending")]
    body = stage.sticky(pull.number).body
    assert "`invalid`" in body
    assert "titel" in body
    assert f"{PROJECT}:{line}" in body
    assert stage.tip() == before


def test_approver_signs_off(stage: Stage) -> None:
    before = stage.tip()
    pull = stage.open_request(revised(stage))
    stage.run("pull_request_target", stage.payload("pull_request.opened", pull, "researcher"))
    first = stage.sticky(pull.number)
    run = stage.run("pull_request_target", stage.label(pull, SIGN_OFF, "alice"))
    assert run.results == {"sign-off": "success"}, run.output("sign-off")
    assert run.steps("sign-off") == {**HANDLE_STEPS, "Decide the sign-off": "success"}
    # only the sign-off status changes; the one comment is edited in place
    assert stage.writes() == ["POST /repos/{repo}/statuses/{sha}",
                              f"PATCH /repos/{{repo}}/issues/comments/{first.id}"]
    assert stage.reads() == pr_reads(1, ["alice"])
    assert stage.status_contexts(pull.head_sha) == [(SIGN_OFF_STATUS, "success")]
    assert stage.statuses(pull.head_sha) == {CHECK: "success", VALIDATION: "success",
                                             SIGN_OFF_STATUS: "success"}
    assert pull.labels == [SIGN_OFF]
    body = stage.sticky(pull.number).body
    assert "`signed-off`" in body
    assert "@alice" in body
    # recorded as pending merge: the record on the default branch changes only at merge
    assert stage.tip() == before


REFUSALS = {
    "mallory": "mallory is not an allow-listed sign-off approver",
    "researcher": "researcher opened this pull request and cannot decide on it",
}


def test_unearned_sign_off_is_refused(stage: Stage) -> None:
    """A non-approver, and then the pull request's author (who is also in the approvers'
    team), apply the sign-off label: each time it is removed, refused, explained, recorded."""
    stage.server.world.team("example-tre", "sign-off-approvers", members=["researcher"])
    before = stage.tip()
    pull = stage.open_request(revised(stage))
    publish = ["POST /repos/{repo}/statuses/{sha}"] * 3 + ["POST /repos/{repo}/issues/1/comments"]
    deciders: list[str] = []
    for actor in ("mallory", "researcher"):
        deciders.append(actor)  # everyone who ever applied a decision label is looked up
        run = stage.run("pull_request_target", stage.label(pull, SIGN_OFF, actor))
        assert run.results == {"sign-off": "failure"}, run.output("sign-off")
        assert "outcome=refused" in run.output("sign-off")
        assert stage.writes() == [
            "DELETE /repos/{repo}/issues/1/labels/5s%3Aapprove-sign-off", *publish]
        assert stage.reads() == pr_reads(1, deciders)
        assert pull.labels == []
        assert stage.statuses(pull.head_sha) == {CHECK: "success", VALIDATION: "success",
                                                 SIGN_OFF_STATUS: "pending"}
        comment = stage.sticky(pull.number)
        assert f"`{SIGN_OFF}` by @{actor}: {REFUSALS[actor]}" in comment.body
        publish = [f"PATCH /repos/{{repo}}/issues/comments/{comment.id}"]
        # the attempt is recorded on the default branch, by the automation, and nothing else
        (commit,) = stage.commits_since(before)
        assert commit.subject == f"fivesafes: refused sign-off attempt by @{actor} on #1"
        assert commit.by_automation_on_record_only, commit
        last = stage.record()[-1]
        assert (last["phase"], last["status"]) == ("sign-off", "refused")
        assert actor in [a["login"] for a in last["agents"]]
        before = commit.sha
    stage.assert_record_sound("refusals")
