"""The demo's disclosure phase: the output checkers' revise loop, and what they write.

It is the longest act of the demo and the only one with a script of its own (the checkers'
review comments), so it lives apart from the opening phases in :mod:`fivesafes.demo.run`:
a small cell is flagged, a checker asks for changes, the same signed-off request runs again
with suppression, two checkers approve, and one output stays withheld.
"""

from __future__ import annotations

from fivesafes.adapters.git.process import run
from fivesafes.adapters.ledger.append import refresh_crate
from fivesafes.adapters.runner import clock
from fivesafes.core.crate.spec import Software
from fivesafes.core.engine.plan import AddLabel
from fivesafes.demo import github as demo_github
from fivesafes.demo.stage import (
    DemoError,
    DemoLayout,
    Say,
    apply_records,
    as_person,
    commit_recorded,
    expect,
    merge,
)
from fivesafes.services.attempt import RunOptions
from fivesafes.services.disclose import Disclosed, commit_on_branch, prepare, revision_branch
from fivesafes.services.execute import execute

FIRST_LOOK = """Thanks: two outputs are fine, two need work.

```fivesafes
changes counts_by_region.csv: a count under 10; suppress it and a second cell of its region
reject notes.txt: it names the analyst's e-mail address; identifiers never leave the TRE
approve summary.json
```
"""
SECOND_LOOK = """The revised table has the small cell and a second one suppressed.

```fivesafes
approve counts_by_region.csv
approve summary.json
reject notes.txt: direct identifier (e-mail address)
```
"""
OLU_AGAIN = "```fivesafes\napprove counts_by_region.csv\n```\nSecondary suppression is right."


def _show_findings(say: Say, result: Disclosed) -> None:
    for finding in result.report.findings:
        where = f"{finding.file}:{finding.line}" if finding.line else finding.file
        say("disclosure check", f"{finding.severity}: {where}: {finding.message} "
            f"[{finding.id}]")
    if not result.report.findings:
        say("disclosure check", "no findings")


def disclose(lay: DemoLayout, say: Say, software: Software, env: dict[str, str]) -> None:
    """The revise loop: a small cell is flagged, a checker asks for changes, the same signed-off
    request runs again with suppression, two checkers approve, one output stays withheld."""
    root = lay.project
    result = prepare(root, RunOptions(staging_root=lay.staging))
    _show_findings(say, result)
    as_person("automation")
    branch = commit_on_branch(root, result, push=True)
    base = run(root, "rev-parse", demo_github.DEFAULT_BRANCH).strip()
    pr = demo_github.DemoPullRequest(2, branch, demo_github.AUTOMATION, base)
    plan = pr.opened(root, clock.stamp())
    pr.labels += [e.label for e in plan.effects if isinstance(e, AddLabel)]
    expect(plan, "pending", say, "pull request #2")
    first, second = demo_github.CHECKERS
    plan = pr.review(root, first, "CHANGES_REQUESTED", clock.stamp(), FIRST_LOOK)
    expect(plan, "pending", say, "disclosure")
    say("record", f"{apply_records(root, plan, software)} entry recorded on main: changes "
        "requested, so the signed-off request may run again")
    entry = execute(root, RunOptions(staging_root=lay.staging, data_dir=lay.data, env=env,
                                     workflow_mirror=lay.mirror))
    if entry.status != "completed":
        raise DemoError(f"re-run: {entry.reason}")
    refresh_crate(root, software)
    commit_recorded(root, f"fivesafes: execution attempt {entry.attempt} recorded")
    say("execution", f"attempt {entry.attempt} (a re-run of the same signed-off request, no "
        "new sign-off) completed with the small cell suppressed")
    result = prepare(root, RunOptions(staging_root=lay.staging))
    _show_findings(say, result)
    as_person("automation")
    if revision_branch(root) != branch:
        raise DemoError(f"re-run: the new outputs do not go onto {branch}")
    commit_on_branch(root, result, push=True, onto=branch)
    expect(pr.pushed(root, clock.stamp()), "pending", say, "pull request #2")
    expect(pr.approve(root, second, clock.stamp(), SECOND_LOOK), "pending", say, "disclosure")
    expect(pr.approve(root, first, clock.stamp(), OLU_AGAIN), "completed", say, "disclosure")
    plan = pr.merged(root, second, clock.stamp(), merge(root, pr, "maintainer"))
    expect(plan, "completed", say, "merge #2")
    say("record", f"{apply_records(root, plan, software)} entries recorded on main")
