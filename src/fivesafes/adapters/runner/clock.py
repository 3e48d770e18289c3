"""Wall-clock time, pinned by ``SOURCE_DATE_EPOCH`` so every written byte can be reproduced."""

from __future__ import annotations

import datetime as dt
import os


def now() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


def rfc3339(moment: dt.datetime) -> str:
    """``2026-11-21T10:00:00Z`` (UTC, second precision, always with a zone)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stamp() -> str:
    return rfc3339(now())
