"""One line per project for the organisation: title, state, who must act, since when.

Built from the three files every project repository holds on its default branch (the project,
the action record and the policy), so the same summary comes from a local checkout and from the
API. The record is the source of truth: the state is the one ``fivesafes status`` shows, and
the time a request entered its current state is its record's latest entry. Nothing here
raises on a broken project: what cannot be read becomes a ``problems`` line and state
``unknown``, so one broken repository never hides the other two hundred.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tomllib
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from fivesafes.core.ledger.queries import current_entries
from fivesafes.core.ledger.view import View, view
from fivesafes.core.lifecycle import phases
from fivesafes.models.ledger import ActionEntry, ActionRecord
from fivesafes.models.policy import Policy

UNKNOWN = "unknown"
# states in which a request waits for people: the ones that can be stuck
WAITING = (phases.SIGN_OFF_PENDING, phases.DISCLOSURE_PENDING, phases.DISCLOSED,
           phases.EXECUTION, phases.HELD, phases.DISCLOSURE_HELD)
DEFAULT_REMIND_AFTER = 7


@dataclass(frozen=True)
class ProjectFiles:
    """What the organisation view reads of one project repository."""

    repo: str  # ORG/NAME, or the folder's name for a local checkout
    url: str = ""  # the repository's web page ("" offline)
    project: bytes | None = None
    record: bytes | None = None
    policy: Policy | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Summary:
    repo: str
    title: str
    request_id: str
    state: str
    phase: str
    waiting_on: tuple[str, ...]
    next_step: str
    since: str | None
    days_in_state: float | None
    stuck: bool
    last_decision: dict[str, Any] | None
    links: dict[str, str]
    entries: int
    chain: str
    phase_days: dict[str, float] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    phase_status: dict[str, str] = field(default_factory=dict)  # phase -> latest status


def _instant(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _when(entry: ActionEntry) -> str:
    return entry.end or entry.start


def phase_days(record: ActionRecord) -> dict[str, float]:
    """Days spent reaching each phase's entry from the entry before it, summed per phase."""
    out: dict[str, float] = {}
    entries = [e for e in record.action if e.status != "refused"]
    for before, entry in itertools.pairwise(entries):
        days = (_instant(_when(entry)) - _instant(_when(before))).total_seconds() / 86400
        out[entry.phase] = round(out.get(entry.phase, 0.0) + max(days, 0.0), 3)
    return out


def _project(data: bytes | None, problems: list[str]) -> tuple[str, str]:
    if data is None:
        problems.append("resources/governance/project.toml is missing")
        return "", ""
    try:
        table = tomllib.loads(data.decode("utf-8")).get("project", {})
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problems.append(f"resources/governance/project.toml is not readable TOML: {exc}")
        return "", ""
    table = table if isinstance(table, dict) else {}
    return str(table.get("title", "")), str(table.get("id", ""))


def _record(data: bytes | None, problems: list[str]) -> ActionRecord | None:
    if data is None:
        return ActionRecord()
    try:
        return ActionRecord.from_toml(data)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
        problems.append(f"resources/governance/actions.toml is unreadable: "
                        f"{str(exc).splitlines()[0]}")
        return None


def _last_decision(v: View, url: str) -> dict[str, Any] | None:
    if not v.decisions:
        return None
    e = v.decisions[-1]
    out: dict[str, Any] = {"phase": e.phase, "status": e.status, "time": _when(e),
                           "by": [a.login for a in e.agents if a.kind == "person"]}
    if e.evidence.pr and url:
        out["pr"] = f"{url}/pull/{e.evidence.pr}"
    return out


def summarise(files: ProjectFiles, now: dt.datetime) -> Summary:
    """The organisation's line for one project at ``now``."""
    problems = list(files.problems)
    title, request_id = _project(files.project, problems)
    record = _record(files.record, problems)
    links = {"repository": files.url} if files.url else {}
    if record is None:
        return Summary(files.repo, title or files.repo, request_id, UNKNOWN, UNKNOWN, (),
                       "repair the action record", None, None, False, None, links, 0,
                       "unreadable", {}, tuple(problems))
    v = view(record, files.policy)
    entries = [e for e in record.action if e.status != "refused"]
    since = _when(entries[-1]) if entries else None
    days = None if since is None else round(
        max((now - _instant(since)).total_seconds(), 0.0) / 86400, 2)
    remind = files.policy.reminders.remind_after if files.policy else DEFAULT_REMIND_AFTER
    pending = v.pending
    waiting = tuple(pending.approvers) if pending and pending.approvers else (
        ("the automation (TRE runner)",) if pending else ())
    next_step = pending.what if pending else ("done" if v.state == phases.PUBLISHED else
                                              "nothing is pending")
    if not entries:
        next_step = "open or update the request pull request; checks have not passed yet"
    return Summary(
        repo=files.repo, title=title or files.repo, request_id=request_id, state=v.state,
        phase=v.phase, waiting_on=waiting, next_step=next_step, since=since,
        days_in_state=days, stuck=bool(v.state in WAITING and days is not None
                                       and days > remind),
        last_decision=_last_decision(v, files.url), links=links, entries=v.entries,
        chain="intact" if not v.breaks else "broken", phase_days=phase_days(record),
        problems=tuple(problems),
        phase_status={str(k): e.status for k, e in current_entries(record).items()})


def summary_to_json(s: Summary) -> dict[str, Any]:
    return {"repository": s.repo, "title": s.title, "request_id": s.request_id,
            "state": s.state, "phase": s.phase, "waiting_on": list(s.waiting_on),
            "next": s.next_step, "since": s.since, "days_in_state": s.days_in_state,
            "stuck": s.stuck, "last_decision": s.last_decision, "links": s.links,
            "entries": s.entries, "chain": s.chain, "phase_days": s.phase_days,
            "problems": list(s.problems)}


def median_phase_days(summaries: list[Summary]) -> dict[str, float]:
    """The median over projects of the days each phase took (projects that reached it)."""
    by_phase: dict[str, list[float]] = {}
    for s in summaries:
        for phase, days in s.phase_days.items():
            by_phase.setdefault(phase, []).append(days)
    out = {}
    for phase, values in by_phase.items():
        ordered = sorted(values)
        mid = len(ordered) // 2
        out[phase] = round(ordered[mid] if len(ordered) % 2 else
                           (ordered[mid - 1] + ordered[mid]) / 2, 3)
    return out
