"""A JSON object read from a file the user named, failing as the usage error it is.

``fivesafes handle`` reads two such files: the webhook payload (``--event``, or
``GITHUB_EVENT_PATH`` in Actions) and saved facts (``--facts``). A missing file, bytes that
are not JSON, or JSON that is not an object each fail with the file's name and the fix
(exit 2), before anything reads what is inside.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fivesafes.errors import UsageError


def read_json_object(path: Path, *, what: str, missing_fix: str, format_hint: str,
                     error: type[UsageError]) -> dict[str, Any]:
    """The object in ``path``; ``what`` names the file in messages (``the event payload``),
    ``missing_fix`` says what to give instead, ``format_hint`` where its format is told."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror}); fix: {missing_fix}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"{path}: {what} is not JSON: {exc}; fix: {format_hint}") from exc
    if not isinstance(data, dict):
        raise error(f"{path}: {what} must be a JSON object; fix: {format_hint}")
    return data


class PayloadFileError(UsageError):
    """The webhook payload file is missing or is not a JSON object."""


def read_payload(path: Path) -> dict[str, Any]:
    """The event's payload as Actions wrote it to ``GITHUB_EVENT_PATH`` (or ``--event``)."""
    return read_json_object(path, what="the event payload", error=PayloadFileError,
                            missing_fix="give --event PAYLOAD.json or set GITHUB_EVENT_PATH",
                            format_hint="give the payload as GitHub sends it")
