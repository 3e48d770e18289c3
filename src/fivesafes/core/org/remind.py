"""Nothing stuck: a reminder when a pull request waits on its deciders past ``remind-after``.

A pull request waits on its deciders when its validation passed and its phase's status is
pending; it has waited since the first pending status of that phase on its current head (a
new push restarts the clock, since approvals are per commit). A reminder is a NEW comment (an
edited comment notifies no one) whose first line says whose move it is, posted at most once
per ``remind-after`` days; where the policy names them, the same words go to a webhook and by
e-mail. Pure: what was read in, what to say out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from fivesafes.core.engine.comment import mentions
from fivesafes.models.phases import DecisionPhase
from fivesafes.models.policy import Policy

REMINDER_MARKER = "<!-- fivesafes:reminder -->"
Kind = Literal["request", "disclosure"]


@dataclass(frozen=True)
class OpenPull:
    """What the reminder needs of one open pull request."""

    repo: str
    number: int
    url: str
    kind: Kind
    validation: str | None  # state of `fivesafes / validation` on the head, None when absent
    decision: str | None  # state of the phase's status on the head
    waiting_since: str | None  # first pending status of the phase on the head
    last_reminder: str | None  # when the last reminder comment was posted


@dataclass(frozen=True)
class Reminder:
    repo: str
    number: int
    days: float
    who: tuple[str, ...]
    body: str  # the comment
    text: str  # the notification (webhook, e-mail)


def _instant(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _days(since: str, now: dt.datetime) -> float:
    return (now - _instant(since)).total_seconds() / 86400


def reminder(pull: OpenPull, policy: Policy, now: dt.datetime) -> Reminder | None:
    """The reminder due for ``pull`` at ``now``, or None."""
    if pull.validation != "success" or pull.decision != "pending" or not pull.waiting_since:
        return None
    after = policy.reminders.remind_after
    days = _days(pull.waiting_since, now)
    if days < after or (pull.last_reminder and _days(pull.last_reminder, now) < after):
        return None
    phase: DecisionPhase = "sign-off" if pull.kind == "request" else "disclosure"
    rule = policy.phases.rule(phase)
    label = (policy.labels.approve_sign_off if phase == "sign-off"
             else policy.labels.approve_disclosure)
    who = tuple(rule.approvers)
    waited = int(days)
    body = (f"{REMINDER_MARKER}\n**Your move, {mentions(who)}:** this {pull.kind} has waited "
            f"{waited} days for {phase} (the policy reminds after {after}); review it and "
            f"approve (label `{label}` or an approving review) or reject it. "
            f"{rule.required} distinct approval(s) are needed.\n")
    text = (f"{pull.repo}#{pull.number} has waited {waited} days for {phase}: "
            f"{', '.join(who)} to review {pull.url}")
    return Reminder(pull.repo, pull.number, round(days, 2), who, body, text)
