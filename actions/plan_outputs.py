"""Turn the JSON a fivesafes command printed into step outputs (``GITHUB_OUTPUT``).

Shared by the launchers: the plan's ``phase``, ``outcome``, ``state`` and ``reason`` become
outputs, and so does the path of the JSON file itself (``plan``). Output that is not JSON (the
command failed before it could decide) leaves those outputs empty; the step's exit code tells.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

KEYS = ("phase", "outcome", "state", "reason")


def outputs(path: Path) -> dict[str, str]:
    found = {"plan": str(path)}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return found
    if isinstance(data, dict):
        for key in KEYS:
            value = data.get(key)
            if isinstance(value, str):
                found[key] = value
    return found


def write(found: dict[str, str]) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    lines = []
    for key, value in found.items():
        if "\n" in value:
            fence = f"EOF_{uuid.uuid4().hex}"
            lines.append(f"{key}<<{fence}\n{value}\n{fence}\n")
        else:
            lines.append(f"{key}={value}\n")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.writelines(lines)
    else:
        sys.stdout.writelines(lines)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: plan_outputs.py PLAN.json")
    write(outputs(Path(sys.argv[1])))
