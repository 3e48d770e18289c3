"""The workflow's environment: cleared, then only what it needs to run and what it is granted.

Nothing of ``fivesafes execute``'s own environment passes by default: not ``GITHUB_TOKEN``, the
App's key, a source URL under its secret's name, nor any other variable of the job. Passed on:
``PATH``, the locale and time zone, ``SOURCE_DATE_EPOCH`` when set, and for the Python that
runs it ``VIRTUAL_ENV`` and ``PYTHONPATH``; ``HOME`` and ``TMPDIR`` point into the attempt's
work folder, so nothing is read from or left in the runner's home. The executor adds the
variables of its contract (``FIVESAFES_SOURCE_URL`` when the policy's command is granted the
source, ``FIVESAFES_DISCLOSURE_FEEDBACK`` in the revise loop).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PASSED = ("PATH", "LANG", "LC_ALL", "TZ", "SOURCE_DATE_EPOCH", "VIRTUAL_ENV", "PYTHONPATH",
          "SYSTEMROOT")
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"


def workflow_environment(work: Path, granted: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment of the workflow whose working folder is ``work``."""
    env = {name: os.environ[name] for name in PASSED if name in os.environ}
    env.setdefault("PATH", DEFAULT_PATH)
    tmp = work / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    env.update({"HOME": str(work), "TMPDIR": str(tmp)})
    return env | dict(granted or {})
