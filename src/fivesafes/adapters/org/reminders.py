"""Reminders carried out: open pull requests read through the API, reminder comments posted,
and notifications sent to a webhook or by e-mail through the TRE's SMTP server.

Secrets are named by the policy and read from the environment of the run (the workflow maps
each named secret to the variable of the same name), never written anywhere. A notification
that fails is reported and the next repository is still reminded.
"""

from __future__ import annotations

import json
import os
import smtplib
import urllib.request
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from fivesafes.adapters.github.api import GitHubApi
from fivesafes.adapters.github.errors import Need
from fivesafes.core.engine.plan import status_context
from fivesafes.core.engine.pr_phases import DISCLOSURE_LABEL
from fivesafes.core.org.remind import REMINDER_MARKER, Kind, OpenPull, Reminder
from fivesafes.models.policy import Policy


def _first_pending(statuses: list[dict[str, Any]], context: str) -> tuple[str | None, str | None]:
    """(latest state, time of the first pending in the latest unbroken pending run)."""
    mine = [s for s in statuses if s.get("context") == context]  # newest first
    if not mine:
        return None, None
    since = None
    for status in mine:
        if status.get("state") != "pending":
            break
        since = str(status.get("created_at") or "") or since
    return str(mine[0].get("state")), since


def open_pulls(api: GitHubApi, repo: str) -> list[OpenPull]:
    """The open pull requests of ``repo`` with their phase's status and the last reminder."""
    need = Need("reading open pull requests, statuses and comments", "pull-requests: read",
                repo)
    out = []
    for pull in api.paginate(f"/repos/{repo}/pulls", need, {"state": "open"}):
        labels = {str(label.get("name")) for label in pull.get("labels") or []}
        kind: Kind = "disclosure" if DISCLOSURE_LABEL in labels else "request"
        sha = str(pull["head"]["sha"])
        statuses = api.paginate(f"/repos/{repo}/commits/{sha}/statuses", need)
        validation, _ = _first_pending(statuses, status_context("validation"))
        phase = "sign-off" if kind == "request" else "disclosure"
        decision, since = _first_pending(statuses, status_context(phase))
        comments = api.paginate(f"/repos/{repo}/issues/{pull['number']}/comments", need)
        reminders = [str(c.get("created_at")) for c in comments
                     if REMINDER_MARKER in str(c.get("body") or "")
                     and (c.get("user") or {}).get("type") == "Bot"]
        out.append(OpenPull(repo, int(pull["number"]), str(pull.get("html_url") or ""),
                            kind, validation, decision, since, max(reminders, default=None)))
    return out


def post_reminder(api: GitHubApi, reminder: Reminder) -> None:
    need = Need(f"posting a reminder on #{reminder.number}", "pull-requests: write",
                reminder.repo)
    api.request("POST", f"/repos/{reminder.repo}/issues/{reminder.number}/comments", need,
                {"body": reminder.body}, retry=False)


def notify(reminder: Reminder, policy: Policy, env: Mapping[str, str] | None = None,
           send_mail: Callable[[str, EmailMessage], None] | None = None) -> list[str]:
    """Send the notifications the policy names; what went wrong, one line each."""
    values = os.environ if env is None else env
    problems: list[str] = []
    settings = policy.reminders
    if settings.webhook_secret:
        url = values.get(settings.webhook_secret, "")
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            problems.append(f"webhook: {settings.webhook_secret} is not set to an https URL")
        else:
            body = json.dumps({"text": reminder.text, "repository": reminder.repo,
                               "pull_request": reminder.number, "days": reminder.days,
                               "waiting_on": list(reminder.who)}).encode()
            request = urllib.request.Request(  # noqa: S310 (https or loopback, checked above)
                url, body, {"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                    answer.read()
            except OSError as exc:
                problems.append(f"webhook: {type(exc).__name__}")
    if settings.smtp_secret and settings.email_to:
        smtp = values.get(settings.smtp_secret, "")
        message = EmailMessage()
        message["Subject"] = reminder.text.split(":")[0]
        message["To"] = ", ".join(settings.email_to)
        message.set_content(reminder.text + "\n")
        try:
            (send_mail or _smtp)(smtp, message)
        except (OSError, smtplib.SMTPException, ValueError) as exc:
            problems.append(f"e-mail: {type(exc).__name__}")
    return problems


def _smtp(url: str, message: EmailMessage) -> None:
    """Send through ``smtp://[user:password@]host[:port]`` (``smtps://`` for TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("the SMTP secret is not an smtp:// URL")
    sender = message.get("From") or f"fivesafes@{parts.hostname}"
    if "From" not in message:
        message["From"] = sender
    kind = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with kind(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25),
              timeout=30) as client:
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)

