"""``fivesafes handle --dry-run --json`` on saved payloads and facts: golden plans.

Each case is a payload (vendored, or derived from one), a facts file and the expected plan in
tests/engine/golden/. Set FIVESAFES_UPDATE_GOLDEN=1 to rewrite them after a deliberate change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.engine_world import APPROVE, AUTHOR, HERE, World, payload, signed_off

from fivesafes.cli.main import cli
from fivesafes.core.facts.json_form import facts_to_json

GOLDEN = HERE / "golden"
PAYLOADS = HERE / "payloads"
UPDATE = os.environ.get("FIVESAFES_UPDATE_GOLDEN") == "1"


def opened(w: World) -> None:
    w.opened()


def self_approval_vendored(w: World) -> None:
    w.label(APPROVE, AUTHOR)
    w.last_payload = ("pull_request", {})  # use the vendored payload as it is


def approver_label(w: World) -> None:
    w.label(APPROVE, "alice")


def second_approval_review(w: World) -> None:
    w.run(w.label(APPROVE, "alice"))
    w.review("carol")


def bot_review(w: World) -> None:
    w.review("dependabot[bot]", user_type="Bot")


def triage_label(w: World) -> None:
    w.label(APPROVE, "trudy")


def synchronize_invalidates(w: World) -> None:
    signed_off(w)
    w.push("f" * 40)


def merged_signed_off(w: World) -> None:
    signed_off(w)
    w.merge()


def merged_unsigned(w: World) -> None:
    w.run(w.label(APPROVE, "alice"))
    w.merge()


def no_policy(w: World) -> None:
    w.policy = None
    w.opened()


def closed_vendored(w: World) -> None:
    w.last_payload = ("pull_request", {})


def _dispatch(w: World, sender: str, inputs: dict[str, str]) -> None:
    data = payload("workflow_dispatch")
    data["inputs"] = {"pr": str(w.number), "phase": "execution"} | inputs
    data["sender"] = {"login": sender, "id": 7,
                      "type": "Bot" if sender.endswith("[bot]") else "User"}
    w.last_payload = ("workflow_dispatch", data)


def dispatch_after_merge(w: World) -> None:
    signed_off(w)
    (made,) = w.run(w.merge()).of_kind("dispatch")
    _dispatch(w, "github-actions[bot]", dict(made.inputs))  # type: ignore[union-attr]


def dispatch_unmerged(w: World) -> None:
    signed_off(w)
    _dispatch(w, "alice", {})


CASES: dict[str, tuple[Callable[[World], None], str, str | None, int]] = {
    # name: (setup, event name, vendored payload or None, exit code)
    "opened": (opened, "pull_request", None, 0),
    "self-approval-vendored": (self_approval_vendored, "pull_request_target",
                               "pull_request.labeled", 1),
    "approver-label": (approver_label, "pull_request", None, 0),
    "second-approval-review": (second_approval_review, "pull_request_review", None, 0),
    "bot-review": (bot_review, "pull_request_review", None, 1),
    "triage-label": (triage_label, "pull_request_target", None, 1),
    "synchronize-invalidates": (synchronize_invalidates, "pull_request", None, 0),
    "merged-signed-off": (merged_signed_off, "pull_request", None, 0),
    "merged-unsigned": (merged_unsigned, "pull_request", None, 1),
    "no-policy": (no_policy, "pull_request", None, 1),
    "closed-vendored": (closed_vendored, "pull_request", "pull_request.closed", 0),
    "dispatch-after-merge": (dispatch_after_merge, "workflow_dispatch", None, 0),
    "dispatch-unmerged": (dispatch_unmerged, "workflow_dispatch", None, 1),
}


def materialise(name: str, tmp: Path) -> tuple[str, Path, Path, int]:
    setup, event_name, vendored, code = CASES[name]
    w = World()
    setup(w)
    event_file = PAYLOADS / f"{vendored}.json" if vendored else GOLDEN / f"{name}.event.json"
    facts_file = GOLDEN / f"{name}.facts.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        if not vendored:
            event_file.write_text(json.dumps(w.last_payload[1], indent=2, sort_keys=True) + "\n")
        facts_file.write_text(json.dumps(facts_to_json(w.facts()), indent=2) + "\n")
    return event_name, event_file, facts_file, code


@pytest.mark.parametrize("name", sorted(CASES))
def test_handle_dry_run_json_golden(name: str, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767355200")
    event_name, event_file, facts_file, code = materialise(name, tmp_path)
    result = CliRunner().invoke(cli, ["handle", "--event-name", event_name, "--event",
                                      str(event_file), "--facts", str(facts_file),
                                      "--dry-run", "--json"])
    assert result.exit_code == code, result.output
    plan = json.loads(result.stdout)
    expected = GOLDEN / f"{name}.plan.json"
    if UPDATE:
        expected.write_text(json.dumps(plan, indent=2, ensure_ascii=False) + "\n")
    assert plan == json.loads(expected.read_text())
    assert set(plan) >= {"phase", "outcome", "reason", "effects"}


def test_forged_goldens_are_refused() -> None:
    for name in ("self-approval-vendored", "bot-review", "triage-label", "dispatch-unmerged"):
        assert json.loads((GOLDEN / f"{name}.plan.json").read_text())["outcome"] == "refused"
