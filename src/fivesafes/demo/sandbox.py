"""The demo TRE's sandbox: the demo's workflow runs isolated wherever this machine can.

The demo's policy keeps the template's ``sandbox = "auto"`` when bubblewrap or unshare works
here, so the demo analysis runs as a TRE runs researcher code. On a machine with neither (no
user namespaces: macOS, a locked-down container) the demo's maintainer sets ``sandbox =
"none"`` and commits it, as a TRE would have to decide openly; every execution entry then
records it. The demo says which.
"""

from __future__ import annotations

from pathlib import Path

from fivesafes.adapters.executors.sandbox.probe import ORDER, working
from fivesafes.adapters.files.toml_edit import edit_file
from fivesafes.adapters.git import lifecycle as lifecycle_git
from fivesafes.core import layout


def choose_sandbox(project: Path) -> str:
    """Keep auto where a sandbox works, else set and commit sandbox = "none"; what was done."""
    for kind in ORDER:
        if working(kind)[0] is not None:
            return f"the workflow will run sandboxed ({kind}): it sees only the approved " \
                   "inputs and its staging folder"
    edit_file(project / layout.POLICY, [(("executor", "sandbox"), "none")])
    lifecycle_git.commit_paths(project, [layout.POLICY], "Run workflows without a sandbox: "
                               "this machine has none", automation=False)
    return "no sandbox works on this machine (bubblewrap or unshare): the demo's policy says " \
           "sandbox = \"none\", and the record will say so"
