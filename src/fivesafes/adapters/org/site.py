"""The dashboard written to a folder: ``index.html`` and ``projects.json`` beside it.

Written to temporary names first and then renamed, so a published site is never half new.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fivesafes.adapters.files import atomic
from fivesafes.core.org.dashboard import render_dashboard
from fivesafes.core.org.summary import Summary, summary_to_json


def write_site(out: Path, org: str, rows: list[Summary], now: dt.datetime) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    pages = {
        "index.html": render_dashboard(org, rows, now),
        "projects.json": json.dumps({"organisation": org,
                                     "projects": [summary_to_json(s) for s in rows]},
                                    indent=2) + "\n",
    }
    for name, text in pages.items():
        atomic.write_text(out / name, text)
    return out / "index.html"
