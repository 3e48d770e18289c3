"""The sandbox by bubblewrap (``bwrap``): the mount plan as its arguments.

New user, PID, mount, IPC, UTS and cgroup namespaces (``--unshare-all``), the network's too
unless the view has the runner's network; every capability dropped (``--cap-drop ALL``: a
``bwrap`` started by root would otherwise keep them inside); the workflow dies with its parent
and runs in a new session (no terminal to inject keystrokes into). The environment is not
set on the command line (``--setenv`` would put a source URL where every local user can read
it, and into ``/proc/1/cmdline`` inside): ``bwrap`` is started with the workflow's cleared
environment, which it passes on.
"""

from __future__ import annotations

from collections.abc import Sequence

from fivesafes.adapters.executors.sandbox.view import Mount, View

OPTIONS = {"ro": "--ro-bind", "rw": "--bind", "symlink": "--symlink"}
FRESH = {"tmpfs": "--tmpfs", "proc": "--proc", "dev": "--dev", "remount-ro": "--remount-ro"}


def arguments(binary: str, plan: Sequence[Mount], view: View, argv: Sequence[str]) -> list[str]:
    args = [binary, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if view.network:
        args.append("--share-net")
    for mount in plan:
        if mount.kind in OPTIONS:
            args += [OPTIONS[mount.kind], mount.source, mount.path]
        else:
            args += [FRESH[mount.kind], mount.path]
    return [*args, "--chdir", str(view.cwd), "--", *argv]
