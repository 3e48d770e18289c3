"""A hostile researcher's workflow: it hunts for the token and the key of the job that runs it.

:func:`hunt_script` writes the script a signed-off request carries. Run by the ``local``
executor (``python hunt.py OUTPUTS``) or as a CWL tool (``python hunt.py .``), it looks where
a researcher who knows the runner would: its own environment; ``environ`` and ``cmdline`` of
its parent and of every process ``/proc`` shows, and the parent's files through
``/proc/<pid>/root``; the runner's home, work and temporary folders, the checkout and the
staging root, at the paths the test names; and every small file of the visible file system
outside the system folders. It writes ``hunt.json``: the places it looked at, and where it
found the token or the key (never the secret itself), so the run's outputs say what leaked.
"""

from __future__ import annotations

import json
from pathlib import Path

TOKEN = "ghs_huntedtoken0123456789abcdefABCDEF"
KEY_LINE = "MIIEhuntedFAKEappKEY0123456789abcdefFAKE"
KEY = f"-----BEGIN RSA PRIVATE KEY-----\n{KEY_LINE}\n-----END RSA PRIVATE KEY-----\n"

SCRIPT = r'''
import json, os, sys

SECRETS = {"token": bytes.fromhex(TOKEN_HEX), "key": bytes.fromhex(KEY_HEX)}
SKIP = ("/proc", "/sys", "/dev", "/usr", "/etc", sys.prefix, sys.base_prefix)
found, looked = [], {"proc": 0, "files": 0, "paths": {}}


def check(where, data):
    for what, secret in SECRETS.items():
        if secret in data:
            found.append({"what": what, "where": where})


def read(path, limit=1 << 20):
    try:
        with open(path, "rb") as handle:
            return handle.read(limit)
    except OSError:
        return None


check("env", "\n".join(f"{k}={v}" for k, v in os.environ.items()).encode())
pids = [p for p in os.listdir("/proc") if p.isdigit()]
for pid in sorted(set(pids) | {str(os.getppid())}):
    looked["proc"] += 1
    for part in ("environ", "cmdline"):
        data = read(f"/proc/{pid}/{part}")
        if data:
            check(f"/proc/{pid}/{part}" if pid != str(os.getppid()) else f"parent {part}", data)
for path in PATHS:
    for shown in (path, f"/proc/{os.getppid()}/root{path}"):
        looked["paths"][shown] = sorted(os.listdir(shown)) if os.path.isdir(shown) else (
            os.path.exists(shown))
        for folder, _, files in os.walk(shown):
            for name in files:
                data = read(os.path.join(folder, name))
                if data:
                    check(os.path.join(folder, name), data)
        data = read(shown) if os.path.isfile(shown) else None
        if data:
            check(shown, data)
for folder, dirs, files in os.walk("/"):
    dirs[:] = [d for d in dirs if not os.path.join(folder, d).startswith(SKIP)]
    for name in files:
        if looked["files"] >= 3000:
            break
        looked["files"] += 1
        data = read(os.path.join(folder, name), 1 << 13)
        if data:
            check(os.path.join(folder, name), data)
out = sys.argv[1]
with open(os.path.join(out, "hunt.json"), "w") as handle:
    json.dump({"found": found, "looked": looked, "root": sorted(os.listdir("/"))}, handle)
'''


def hunt_script(paths: list[Path]) -> str:
    """The hunt, looking at ``paths`` (files or folders of the runner) besides its own search."""
    # in hex: the script itself must not hold what it looks for
    head = (f"TOKEN_HEX = {TOKEN.encode().hex()!r}\nKEY_HEX = {KEY_LINE.encode().hex()!r}\n"
            f"PATHS = {json.dumps([str(p) for p in paths])}\n")
    return head + SCRIPT


def plant(paths: dict[Path, str]) -> None:
    """Write each secret file of the runner the hunt must not find."""
    for path, text in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
