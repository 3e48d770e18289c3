"""A small, mutable world of GitHub facts for the engine tests (see conftest.py)."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from fivesafes.core.engine.plan import Plan, Record, RemoveLabel
from fivesafes.core.engine.planner import plan_event
from fivesafes.core.facts.actors import Actor
from fivesafes.core.facts.events import Event, parse_event
from fivesafes.core.facts.values import (
    ChangedFile,
    CoAuthor,
    Commit,
    Facts,
    LabelEvent,
    Permission,
    PullRequest,
    Review,
    RunContext,
)
from fivesafes.core.ledger import chain as ledger
from fivesafes.models.ledger import ActionRecord

HERE = Path(__file__).parents[1] / "engine"
TEMPLATE = HERE.parents[1] / "templates" / "project-repo"
HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
OLD = "1" * 40
MERGE = "c4295bd74fb0f4fda03689c3df3f2803b658fd85"
AUTHOR = "Codertocat"
NOW = "2026-01-02T12:00:00Z"
OPENED = "2026-01-02T09:00:00Z"  # GitHub's time of the push that made HEAD the head
POLICY = b"""
[tre]
name = "Test TRE"
url = "https://tre.example.org"

[phases.sign-off]
approvers = ["alice", "bob", "@tre/stewards"]
required = 2

[phases.disclosure]
approvers = ["@tre/checkers", "alice"]
required = 2
distinct-from = ["sign-off"]

[executor]
kind = "local"
command = ["python", "analysis.py", "{inputs}", "{outputs}"]

[workflows]
allowed-sources = ["https://workflowhub.eu/workflows/"]

[publication]
license = "https://spdx.org/licenses/CC-BY-4.0"
"""
APPROVE = "5s:approve-sign-off"
REJECT = "5s:reject-sign-off"
HOLD = "5s:hold"
APPROVE_D = "5s:approve-disclosure"
REJECT_D = "5s:reject-disclosure"


def payload(name: str) -> dict[str, Any]:
    """A vendored payload, moved to the world's repository (one repository per run)."""
    data: dict[str, Any] = copy.deepcopy(
        json.loads((HERE / "payloads" / f"{name}.json").read_text()))
    repo = data.get("repository")
    if isinstance(repo, dict) and repo.get("full_name") != "Codertocat/Hello-World":
        repo.update({"full_name": "Codertocat/Hello-World", "name": "Hello-World"})
    return data


def template_files() -> dict[str, bytes]:
    files = {}
    for path in sorted((TEMPLATE / "resources").rglob("*")):
        if path.is_file():
            data = path.read_bytes().replace(b'"alex-researcher"', b'"Codertocat"')
            files[path.relative_to(TEMPLATE).as_posix()] = data
    return files


class World:
    """One pull request and everything GitHub would say about it."""

    def __init__(self) -> None:
        self.number = 2
        self.head = HEAD
        self.base = "master"
        self.head_ref = "changes"
        self.labels: list[str] = []
        self.author = Actor(AUTHOR)
        self.merged = False
        self.merged_at: str | None = None
        self.closed_at: str | None = None  # closed without merge
        self.head_pushed_at: str | None = OPENED  # None: GitHub could not say
        self.commits = [Commit(HEAD, AUTHOR, AUTHOR)]
        self.changed = [ChangedFile("resources/metadata/dataset_patients.toml")]
        self.reviews: list[Review] = []
        self.label_events: list[LabelEvent] = []
        self.teams = {"tre/stewards": frozenset({"carol", "dave"}),
                      "tre/checkers": frozenset({"erin", "frank", "bob"})}
        self.permissions: dict[str, Permission] = {login: "write" for login in (
            "alice", "bob", "carol", "dave", "erin", "frank", AUTHOR)}
        self.permissions |= {"trudy": "triage", "mallory": "read"}
        self.files = template_files()
        self.policy: bytes | None = POLICY
        self.record = ActionRecord()
        self.clock = 0
        self.ids = 100
        self.last_payload: tuple[str, dict[str, Any]] = ("", {})

    # --- facts -----------------------------------------------------------------------------
    def tick(self) -> str:
        self.clock += 1
        return f"2026-01-02T10:{self.clock:02d}:00Z"

    def facts(self) -> Facts:
        pr = PullRequest(
            number=self.number, author=self.author, head_sha=self.head,
            head_ref=self.head_ref, head_repo="Codertocat/Hello-World", base_ref=self.base,
            default_branch="master",
            state="closed" if self.merged or self.closed_at else "open",
            merged=self.merged, merge_commit_sha=MERGE if self.merged else None,
            labels=tuple(self.labels), head_pushed_at=self.head_pushed_at,
            merged_at=self.merged_at, closed_at=self.merged_at or self.closed_at)
        return Facts(
            run=RunContext("42", 1, "https://github.com/Codertocat/Hello-World/actions/runs/42",
                           "https://github.com", "Codertocat/Hello-World"),
            default_branch="master", pr=pr, commits=tuple(self.commits),
            changed=tuple(self.changed), reviews=tuple(self.reviews),
            label_events=tuple(self.label_events), teams=dict(self.teams),
            permissions=dict(self.permissions), files=dict(self.files), policy=self.policy,
            record=None if not self.record.action else _render(self.record))

    # --- events ----------------------------------------------------------------------------
    def _pr_payload(self, name: str) -> dict[str, Any]:
        data = payload(name)
        data["number"] = self.number
        pr = data["pull_request"]
        pr["number"] = self.number
        pr["head"]["sha"] = self.head
        pr["base"]["ref"] = self.base
        pr["labels"] = [{"name": label} for label in self.labels]
        pr["state"] = "closed" if self.merged or self.closed_at else "open"
        pr["merged_at"] = self.merged_at
        pr["closed_at"] = self.merged_at or self.closed_at
        return data

    def event(self, name: str, sender: str = AUTHOR, sender_type: str = "User",
              **changes: Any) -> Event:
        data = self._pr_payload(name) if name.startswith("pull_request") else payload(name)
        data["sender"] = {"login": sender, "id": 1, "type": sender_type}
        data.update(changes)
        event_name = name.split(".")[0]
        self.last_payload = (event_name, data)
        return parse_event(event_name, data)

    def opened(self) -> Event:
        return self.event("pull_request.opened")

    def push(self, sha: str, at: str | None = None) -> Event:
        """A new commit on the pull request (``synchronize``)."""
        self.head = sha
        self.head_pushed_at = at or self.tick()
        self.commits.append(Commit(sha, AUTHOR, AUTHOR, committed_at=self.head_pushed_at))
        return self.event("pull_request.synchronize", before=OLD, after=sha)

    def label(self, label: str, actor: str, actor_type: str = "User",
              head: str | None = None) -> Event:
        """``actor`` applies ``label``: the label event, the label on the PR, the payload."""
        self.ids += 1
        self.label_events.append(LabelEvent(self.ids, "labeled", label,
                                            Actor(actor, actor_type), self.tick()))  # type: ignore[arg-type]
        if label not in self.labels:
            self.labels.append(label)
        event = self.event("pull_request.labeled", sender=actor, sender_type=actor_type,
                           label={"id": 9, "name": label})
        return replace(event, head_sha=head) if head else event

    def unlabel(self, label: str, actor: str) -> Event:
        self.ids += 1
        self.label_events.append(LabelEvent(self.ids, "unlabeled", label, Actor(actor),
                                            self.tick()))
        self.labels.remove(label)
        return self.event("pull_request.unlabeled", sender=actor,
                          label={"id": 9, "name": label})

    def review(self, login: str, state: str = "APPROVED", commit: str | None = None,
               user_type: str = "User") -> Event:
        self.ids += 1
        sha = commit or self.head
        self.reviews.append(Review(self.ids, Actor(login, user_type), state,  # type: ignore[arg-type]
                                   sha, self.tick()))
        data = self._pr_payload("pull_request_review.submitted")
        data["review"] |= {"id": self.ids, "state": state.lower(), "commit_id": sha,
                           "user": {"login": login, "id": 2, "type": user_type}}
        data["sender"] = {"login": login, "id": 2, "type": user_type}
        self.last_payload = ("pull_request_review", data)
        return parse_event("pull_request_review", data)

    def merge(self) -> Event:
        self.merged = True
        self.merged_at = self.merged_at or self.tick()
        data = self._pr_payload("pull_request.closed.merged")
        data["sender"] = {"login": "alice", "id": 3, "type": "User"}
        self.last_payload = ("pull_request", data)
        return parse_event("pull_request", data)

    def co_author(self, name: str, email: str, login: str | None = None) -> None:
        self.commits.append(Commit("2" * 40, AUTHOR, AUTHOR, (CoAuthor(name, email, login),)))

    # --- running ---------------------------------------------------------------------------
    def plan(self, event: Event) -> Plan:
        return plan_event(event, self.facts(), NOW)

    def apply(self, plan: Plan, event: Event) -> None:
        """What an applier would do: labels removed, entries appended once per delivery."""
        for effect in plan.effects:
            if isinstance(effect, RemoveLabel) and effect.label in self.labels:
                self.labels.remove(effect.label)
        if not ledger.delivered(self.record, event.delivery):
            for effect in plan.effects:
                if isinstance(effect, Record):
                    self.record = ledger.append(self.record, dict(effect.entry))

    def run(self, event: Event) -> Plan:
        plan = self.plan(event)
        self.apply(plan, event)
        return plan


def _render(record: ActionRecord) -> bytes:
    from fivesafes.adapters.ledger.file import render_record

    return render_record(record).encode()


def kinds(plan: Plan) -> list[str]:
    return [e.kind for e in plan.effects]


def removed(plan: Plan) -> list[str]:
    return [e.label for e in plan.effects if isinstance(e, RemoveLabel)]


def records(plan: Plan) -> list[dict[str, Any]]:
    return [dict(e.entry) for e in plan.effects if isinstance(e, Record)]


def signed_off(w: World) -> None:
    w.run(w.opened())
    w.run(w.label(APPROVE, "alice"))
    assert w.run(w.review("carol")).outcome == "completed"


def disclosure_world(w: World) -> World:
    """After a recorded sign-off (alice, carol) and execution: disclosure PR #3 opened."""
    from fivesafes.core.facts.values import ChangedFile
    from fivesafes.core.ledger import chain as ledger
    from fivesafes.core.lifecycle.steps import execution_entry

    signed_off(w)
    w.run(w.merge())
    entry = execution_entry("urn:uuid:x", 1, "completed", start="2026-01-03T00:00:00Z",
                            end="2026-01-03T00:01:00Z",
                            evidence={"event": "workflow_dispatch", "delivery": "run-7"})
    w.record = ledger.append(w.record, entry)
    d = World()
    d.record, d.number, d.head, d.head_ref = w.record, 3, "d" * 40, "fivesafes/disclosure-1"
    d.commits = [d.commits[0].__class__("d" * 40, "fivesafes[bot]", "fivesafes[bot]")]
    d.author = Actor("fivesafes[bot]", "Bot")  # opened by the automation (fivesafes disclose)
    d.changed = [ChangedFile("outputs/manifest.toml", "added")]
    d.files["outputs/manifest.toml"] = (
        f'request = "urn:uuid:x"\nexecution = "{entry.id}"\n').encode()
    assert d.plan(d.opened()).outcome == "pending"
    return d
