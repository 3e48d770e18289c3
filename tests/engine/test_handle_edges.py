"""``fivesafes handle`` at its edges: one repository, and malformed input as usage errors.

The payload's repository, ``GITHUB_REPOSITORY`` and the facts' repository must agree, or
nothing is decided or recorded (exit 1). Facts and payloads that do not have the documented
form exit 2 naming the key and the expected form, never with a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.support.engine_world import APPROVE, World

from fivesafes.cli import event_io
from fivesafes.cli.main import cli
from fivesafes.core.facts.json_form import facts_to_json


def _files(w: World, tmp: Path, facts: dict[str, Any] | None = None) -> tuple[Path, Path]:
    event, facts_file = tmp / "event.json", tmp / "facts.json"
    event.write_text(json.dumps(w.last_payload[1]))
    facts_file.write_text(json.dumps(facts if facts is not None else facts_to_json(w.facts())))
    return event, facts_file


def _handle(w: World, event: Path, facts: Path, *extra: str) -> Any:
    return CliRunner().invoke(cli, ["handle", "--event-name", w.last_payload[0], "--event",
                                    str(event), "--facts", str(facts), "--json", *extra])


@pytest.fixture(autouse=True)
def _no_github(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)


def test_facts_of_another_repository_are_refused_and_nothing_recorded(
        world: World, tmp_path: Path) -> None:
    world.run(world.opened())
    world.label(APPROVE, "Codertocat")  # an attempt that would be recorded as refused
    data = facts_to_json(world.facts())
    data["run"]["repository"] = "someone/else"
    event, facts = _files(world, tmp_path, data)
    repo = tmp_path / "checkout"
    (repo / "resources" / "governance").mkdir(parents=True)
    result = _handle(world, event, facts, "--repo-dir", str(repo))
    assert result.exit_code == 1, result.output
    plan = json.loads(result.stdout)
    assert plan["outcome"] == "refused"
    assert plan["effects"] == []
    assert "someone/else" in plan["reason"]
    assert "Codertocat/Hello-World" in plan["reason"]
    assert not (repo / "resources" / "governance" / "actions.toml").exists()


def test_github_repository_must_be_the_payloads(world: World, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    world.opened()
    event, facts = _files(world, tmp_path)
    monkeypatch.setenv("GITHUB_REPOSITORY", "other/repo")
    result = _handle(world, event, facts, "--dry-run")
    assert result.exit_code == 1
    assert "GITHUB_REPOSITORY names other/repo" in json.loads(result.stdout)["reason"]
    monkeypatch.setenv("GITHUB_REPOSITORY", "codertocat/hello-world")  # GitHub ignores case
    assert _handle(world, event, facts, "--dry-run").exit_code == 0


def test_the_plan_is_applied_to_the_repository_the_facts_came_from(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """GITHUB_TOKEN set, GITHUB_REPOSITORY unset: facts and applier both use the payload's."""
    seen: dict[str, Any] = {}

    def fake(env: Any = None, **_: Any) -> str:
        seen["repository"] = (env or {}).get("GITHUB_REPOSITORY")
        return "applier"

    import fivesafes.adapters.github.apply as apply

    monkeypatch.setattr(apply, "applier_from_env", fake)
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    event = world.opened()
    assert str(event_io.applier(None, None, event)) == "applier"
    assert seen["repository"] == "Codertocat/Hello-World"


Change = Callable[[dict[str, Any]], Any]
BAD_FACTS: dict[str, tuple[Change, str]] = {
    "pr.number": (lambda d: d["pr"].update(number="2"), "valid integer"),
    "pr.author": (lambda d: d["pr"].update(author=None), "pr.author"),
    "pr.state": (lambda d: d["pr"].update(state="merged"), "'open' or 'closed'"),
    "pr.head_pushed_at": (lambda d: d["pr"].update(head_pushed_at=1767355200), "RFC 3339"),
    "label_events[0].created_at": (
        lambda d: d["label_events"][0].update(created_at="yesterday"), "RFC 3339"),
    "files": (lambda d: d["files"].update({"resources/x.bin": {"base64": "%%%"}}), "base64"),
    "permissions": (lambda d: d["permissions"].update(alice="owner"), "permissions.alice"),
    "reviews": (lambda d: d.update(reviews={"id": 1}), "reviews"),
}


@pytest.mark.parametrize("key", sorted(BAD_FACTS))
def test_malformed_facts_exit_2_naming_the_key(key: str, world: World,
                                               tmp_path: Path) -> None:
    world.run(world.opened())
    world.label(APPROVE, "alice")
    data = facts_to_json(world.facts())
    change, expected = BAD_FACTS[key]
    change(data)
    event, facts = _files(world, tmp_path, data)
    result = _handle(world, event, facts, "--dry-run")
    assert result.exit_code == 2, result.output
    assert f"facts.{key.split('[')[0]}" in result.output
    assert expected in result.output
    assert "Traceback" not in result.output


BAD_PAYLOADS: dict[str, tuple[Change, str]] = {
    "number": (lambda d: d.update(number="2"), "payload.number"),
    "merged_at": (lambda d: d["pull_request"].update(merged_at=1767355200), "RFC 3339"),
    "merged": (lambda d: d["pull_request"].update(merged="yes"), "pull_request.merged"),
    "label": (lambda d: d.update(label={"name": None}), "label.name"),
}


@pytest.mark.parametrize("key", sorted(BAD_PAYLOADS))
def test_malformed_payloads_exit_2_naming_the_key(key: str, world: World,
                                                  tmp_path: Path) -> None:
    world.label(APPROVE, "alice")
    change, expected = BAD_PAYLOADS[key]
    change(world.last_payload[1])
    event, facts = _files(world, tmp_path)
    result = _handle(world, event, facts, "--dry-run")
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_ignored_events_read_as_sentences(world: World, tmp_path: Path) -> None:
    world.opened()
    del world.last_payload[1]["pull_request"]
    world.last_payload[1]["action"] = ""
    event, facts = _files(world, tmp_path)
    result = _handle(world, event, facts, "--dry-run")
    reason = json.loads(result.stdout)["reason"]
    assert "pull_request." not in reason
    assert reason.startswith("the pull_request event")
