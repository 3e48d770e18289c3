"""Which sandbox works on this runner, found by running it, and the choice the policy makes.

A backend counts as working only when it runs a real sandbox: the same plan of mounts a
workflow gets, around this interpreter (``python -I -S -c pass``), within a few seconds. An
installed ``bwrap`` that the kernel or a security module stops from making a user namespace
does not count, and neither does an ``unshare`` that cannot pivot. Results are kept for the
life of the process: probing costs a few tens of milliseconds.

:data:`BINARIES` is the one seam: tests point a backend at a program that does not exist to
see the refusal of a runner without isolation.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fivesafes.adapters.executors.sandbox import NONE, Sandbox
from fivesafes.adapters.executors.sandbox.view import View
from fivesafes.errors import FindingsError

BINARIES = {"bubblewrap": "bwrap", "unshare": "unshare"}
ORDER = ("bubblewrap", "unshare")
PROBE_SECONDS = 20
INSTALL = ("install bubblewrap on the runner (`apt-get install bubblewrap`, `dnf install "
           "bubblewrap`) and allow unprivileged user namespaces (on Ubuntu 24.04 and later "
           "AppArmor restricts them: `sysctl kernel.apparmor_restrict_unprivileged_userns=0`, "
           "or an AppArmor profile for bwrap)")


class SandboxUnavailable(FindingsError):
    """The policy asks for isolation this runner cannot give; nothing was run. ``why`` says
    what each backend answered."""

    def __init__(self, message: str, why: str) -> None:
        super().__init__(message)
        self.why = why


@functools.cache
def _works(kind: str, binary: str) -> str | None:
    """None when ``binary`` runs a sandbox of ``kind`` here, else why not (one line)."""
    found = shutil.which(binary)
    if found is None:
        return f"{binary} is not installed"
    sandbox = Sandbox(kind, found)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory(prefix="fivesafes-probe-") as folder:
        view = View(cwd=Path(folder), writable=(Path(folder),))
        with sandbox.command([sys.executable, "-I", "-S", "-c", "pass"], view) as argv:
            try:
                done = subprocess.run(argv, capture_output=True, text=True, env={},
                                      timeout=PROBE_SECONDS, check=False,
                                      stdin=subprocess.DEVNULL)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return f"{binary} did not run ({type(exc).__name__})"
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return f"{binary}: {lines[-1] if lines else f'exit status {done.returncode}'}"[:300]
    return None


def working(kind: str) -> tuple[Sandbox | None, str | None]:
    """(the backend, None) when ``kind`` works here, else (None, why not)."""
    binary = BINARIES[kind]
    why = _works(kind, binary)
    if why is not None:
        return None, why
    return Sandbox(kind, shutil.which(binary) or binary), None  # type: ignore[arg-type]


def choose(setting: str) -> Sandbox:
    """The sandbox the policy's ``executor.sandbox`` asks for, or SandboxUnavailable."""
    if setting == "none":
        return NONE
    kinds = ORDER if setting == "auto" else (setting,)
    reasons = []
    for kind in kinds:
        sandbox, why = working(kind)
        if sandbox is not None:
            return sandbox
        reasons.append(why)
    asked = ("no sandbox works on this runner" if setting == "auto"
             else f"the policy's executor.sandbox = {setting!r} does not work on this runner")
    why = "; ".join(r for r in reasons if r)
    raise SandboxUnavailable(
        f"{asked} ({why}), so the workflow was not run: {INSTALL}; or, to run researcher "
        "code unisolated beside the job's secrets, set sandbox = \"none\" under [executor] in "
        ".github/fivesafes.toml (recorded in the execution entry)", why)
