"""The webhook payload GitHub hands a workflow run, read from its file.

Actions writes the event's payload to ``GITHUB_EVENT_PATH``; ``fivesafes handle --event`` reads
it here, so a missing file or bytes that are not a JSON object fail as the usage error they
are (exit 2, naming the file and the fix) before the engine sees anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fivesafes.errors import UsageError


class PayloadFileError(UsageError):
    """The payload file is missing or is not a JSON object."""


def read_payload(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PayloadFileError(f"{path}: cannot read the event payload ({exc.strerror}); fix: "
                               "give --event PAYLOAD.json or set GITHUB_EVENT_PATH") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadFileError(f"{path}: the event payload is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise PayloadFileError(f"{path}: the event payload must be a JSON object")
    return data
