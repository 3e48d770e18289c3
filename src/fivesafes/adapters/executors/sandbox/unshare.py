"""The sandbox by util-linux ``unshare``, where bubblewrap is not installed.

``unshare`` makes the namespaces (user, mount, PID with a fork, IPC, UTS, cgroup, and network
unless the view has the runner's network) and kills its child when it dies; everything else
is done by :mod:`.init`, which builds the same plan of mounts that ``bwrap`` gets, pivots into
it and runs the workflow without capabilities. So both backends show the workflow the same
view, and ``unshare`` is used only where that whole build works (the probe runs it).

The new root is a tmpfs mounted, inside the namespace only, on an empty folder made for the
run and removed after it; on the runner the folder stays empty.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from fivesafes.adapters.executors.sandbox.view import Mount, View

INIT = Path(__file__).with_name("init.py")
NAMESPACES = ("--user", "--map-root-user", "--mount", "--propagation", "private", "--pid",
              "--fork", "--kill-child", "--ipc", "--uts", "--cgroup")


def arguments(binary: str, plan: Sequence[Mount], view: View, argv: Sequence[str],
              root: Path) -> list[str]:
    spec = {"root": str(root), "mounts": [asdict(m) for m in plan], "cwd": str(view.cwd),
            "argv": list(argv)}
    network = () if view.network else ("--net",)
    return [binary, *NAMESPACES, *network, "--", sys.executable, "-I", "-S", str(INIT),
            json.dumps(spec, separators=(",", ":"))]
