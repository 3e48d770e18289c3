"""``fivesafes doctor``'s look at the sandbox: researcher code run unisolated, or a machine
where ``execute`` would refuse because no isolation works.

Only for the executors that run researcher code on the runner (``local``, ``cwl``). Both are
warnings: ``sandbox = "none"`` is a decision the policy may make (every execution entry then
records it), and doctor often runs on a maintainer's machine rather than the TRE runner, so
"no isolation here" says what ``execute`` would do on this machine, not on the runner.
"""

from __future__ import annotations

from fivesafes.adapters.executors.sandbox import RUNS_RESEARCHER_CODE
from fivesafes.adapters.executors.sandbox.probe import INSTALL, SandboxUnavailable, choose
from fivesafes.core import layout
from fivesafes.core.findings import Finding
from fivesafes.models.policy import Policy


def sandbox_findings(policy: Policy) -> list[Finding]:
    executor = policy.executor
    if executor.kind not in RUNS_RESEARCHER_CODE:
        return []
    if executor.sandbox == "none":
        return [Finding(layout.POLICY, None, None, "executor-sandbox-none",
                        f"executor.sandbox = \"none\": the {executor.kind} executor runs "
                        "researcher code unisolated, where it can read the job's token and "
                        "key (from /proc) and the runner's files",
                        "remove the key (auto: bubblewrap, else unshare) after installing "
                        "bubblewrap on the TRE runner", "warning")]
    try:
        choose(executor.sandbox)
    except SandboxUnavailable as exc:
        return [Finding(layout.POLICY, None, None, "executor-sandbox-unavailable",
                        "no sandbox for researcher code works on this machine, so `fivesafes "
                        f"execute` would refuse to run the workflow here ({exc.why})",
                        INSTALL, "warning")]
    return []
