"""`fivesafes demo`: the whole lifecycle of a request, locally, in seconds.

It plays every part on one machine with no network: a maintainer starts a project (real git,
a local bare remote standing in for GitHub), a researcher opens a request pull request, an
approver signs it off, the TRE retrieves the approved Workflow RO-Crate from its workflow
mirror and runs the bundled analysis on a synthetic SQLite source, two output checkers approve
the outputs, and the release is published to a folder. Decisions go through the real phase
engine with the same facts GitHub would give it (:mod:`fivesafes.demo.github`), whose people
are registered by ORCID (:mod:`fivesafes.demo.people`); retrieval, execution, disclosure and
publication are the real commands' code. Times and git identities are pinned, and the
mirror's crate is zipped the same way every time, so that two runs write identical zips.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fivesafes.adapters.catalogue.run import check_catalogue
from fivesafes.adapters.executors.bundle import (
    COUNTS_BY_REGION,
    COUNTS_BY_REGION_URL,
    add_to_mirror,
    bundled_workflow,
)
from fivesafes.adapters.files.project import load_project
from fivesafes.adapters.files.template import init_project
from fivesafes.adapters.files.toml_edit import edit_file
from fivesafes.adapters.git import lifecycle as lifecycle_git
from fivesafes.adapters.git.local import commit_env, identity_args
from fivesafes.adapters.git.process import run
from fivesafes.adapters.ledger.append import append_entry, refresh_crate
from fivesafes.adapters.runner import clock
from fivesafes.core import layout
from fivesafes.core.admin.init_plan import InitOptions
from fivesafes.core.crate.spec import Software
from fivesafes.core.engine.plan import AddLabel, Commit, Plan, Record
from fivesafes.core.findings import errors
from fivesafes.core.ledger.queries import latest
from fivesafes.demo import github as demo_github
from fivesafes.demo import synthetic_source
from fivesafes.demo.people import register_people
from fivesafes.demo.sandbox import choose_sandbox
from fivesafes.errors import ExternalError
from fivesafes.services.disclose import Disclosed, commit_on_branch, prepare, revision_branch
from fivesafes.services.execute import RunOptions, execute
from fivesafes.services.publish import PublishOptions, publish

DEMO_PROJECT_ID = "urn:uuid:5afe0000-0000-4000-8000-00000000de70"
DEMO_EPOCH = "1767268800"  # 2026-01-01T12:00:00Z, inside the template project's dates
PEOPLE = {"maintainer": ("Mo Maintainer", "mo-maintainer@example.org"),
          "researcher": ("Alex Researcher", "alex.researcher@example.org"),
          "automation": ("fivesafes", "fivesafes@users.noreply.github.com")}
Say = Callable[[str, str], None]


class DemoError(ExternalError):
    """The demo could not run (a non-empty folder, or a step that did not go as planned)."""


@dataclass(frozen=True)
class DemoLayout:
    base: Path

    @property
    def project(self) -> Path:
        return self.base / "project"

    @property
    def remote(self) -> Path:
        return self.base / "remote.git"

    @property
    def data(self) -> Path:
        return self.base / "tre" / "data"

    @property
    def staging(self) -> Path:
        return self.base / "tre" / "staging"

    @property
    def mirror(self) -> Path:
        return self.base / "tre" / "workflows"

    @property
    def release(self) -> Path:
        return self.base / "release"


@contextmanager
def pinned_environment() -> Iterator[dict[str, str]]:
    """SOURCE_DATE_EPOCH (the caller's, else the demo's), no GitHub variables; restored after."""
    saved = dict(os.environ)
    os.environ.setdefault("SOURCE_DATE_EPOCH", DEMO_EPOCH)
    for name in [n for n in os.environ if n.startswith(("GITHUB_", "RUNNER_"))]:
        del os.environ[name]
    try:
        yield dict(os.environ)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def as_person(who: str) -> None:
    """Commits from now on are authored and committed by ``who`` (a demo identity)."""
    name, email = PEOPLE[who]
    for role in ("AUTHOR", "COMMITTER"):
        os.environ[f"GIT_{role}_NAME"] = name
        os.environ[f"GIT_{role}_EMAIL"] = email


def apply_records(root: Path, plan: Plan, software: Software, push: bool = True) -> int:
    """Apply the plan's ``record`` effects as the automation would, and commit them."""
    records = [e for e in plan.effects if isinstance(e, Record)]
    for effect in records:
        append_entry(root, dict(effect.entry))
    if records:
        refresh_crate(root, software)
        message = next((e.message for e in plan.effects if isinstance(e, Commit)),
                       "fivesafes: record updated")
        commit_recorded(root, message, push)
    return len(records)


def commit_recorded(root: Path, message: str, push: bool = True) -> None:
    as_person("automation")
    lifecycle_git.commit_paths(root, [layout.ACTIONS, layout.CRATE_DIR], message)
    if push:
        lifecycle_git.push(root, demo_github.DEFAULT_BRANCH)


def merge(root: Path, pr: demo_github.DemoPullRequest, merger: str) -> str:
    as_person(merger)
    run(root, "switch", "-q", demo_github.DEFAULT_BRANCH)
    run(root, *identity_args(root), "merge", "-q", "--no-ff", "-m",
        f"Merge pull request #{pr.number} from {pr.branch}", pr.branch, env=commit_env())
    lifecycle_git.push(root, demo_github.DEFAULT_BRANCH)
    return run(root, "rev-parse", "HEAD").strip()


def expect(plan: Plan, outcome: str, say: Say, phase: str) -> None:
    say(phase, f"{plan.outcome}: {plan.reason}")
    if plan.outcome != outcome:
        raise DemoError(f"{phase}: expected the engine to answer {outcome}, got "
                        f"{plan.outcome}: {plan.reason}")


def _start(lay: DemoLayout, say: Say) -> None:
    lay.base.mkdir(parents=True, exist_ok=True)
    if any(lay.base.iterdir()):
        raise DemoError(f"{lay.base} is not empty; give a new or empty folder")
    counts = synthetic_source.generate(lay.data / "synthetic_cohort.sqlite")
    say("source", f"synthetic SQLite source with {counts['patients']} patients and "
        f"{counts['admissions']} admissions in the TRE data folder")
    add_to_mirror(lay.mirror, COUNTS_BY_REGION_URL, bundled_workflow(COUNTS_BY_REGION))
    say("workflow mirror", f"TRE staff placed the approved Workflow RO-Crate of "
        f"{COUNTS_BY_REGION_URL} in the TRE's workflow mirror (no internet needed)")
    run(lay.base, "init", "-q", "--bare", "-b", demo_github.DEFAULT_BRANCH, str(lay.remote))
    as_person("maintainer")
    init_project(lay.project, InitOptions(project_id=DEMO_PROJECT_ID))
    registered = register_people(lay.project)
    sandbox = choose_sandbox(lay.project)
    run(lay.project, "remote", "add", "origin", str(lay.remote))
    lifecycle_git.push(lay.project, demo_github.DEFAULT_BRANCH)
    say("init", f"project {DEMO_PROJECT_ID} started by @mo-maintainer, pushed to a local "
        "bare remote")
    say("people", registered)
    say("sandbox", sandbox)


def _request(lay: DemoLayout, say: Say, software: Software) -> None:
    root = lay.project
    as_person("researcher")
    run(root, "switch", "-q", "-c", "request/cohort-study")
    dataset = "resources/metadata/dataset_patients.toml"
    edit_file(root / dataset, [(("dataset", "justification"),
                                "Year of birth and region define the study population and the "
                                "grouping of the counts; sex is needed to check that the counts "
                                "are balanced.")])
    lifecycle_git.commit_paths(root, [dataset], "Request access for the cohort study",
                               automation=False)
    lifecycle_git.push(root, "request/cohort-study")
    found = load_project(root).findings + check_catalogue(root, data_dir=lay.data)
    if errors(found):
        raise DemoError("validation: " + errors(found)[0].render())
    say("validation", f"request valid; every requested table and column is in the source "
        f"({len(found)} warning(s))")
    base = run(root, "rev-parse", demo_github.DEFAULT_BRANCH).strip()
    pr = demo_github.DemoPullRequest(1, "request/cohort-study", demo_github.REQUESTER, base)
    expect(pr.opened(root, clock.stamp()), "pending", say, "pull request #1")
    plan = pr.label(root, demo_github.APPROVER, "5s:approve-sign-off", clock.stamp())
    expect(plan, "completed", say, "sign-off")
    plan = pr.merged(root, demo_github.APPROVER, clock.stamp(), merge(root, pr, "maintainer"))
    expect(plan, "completed", say, "merge #1")
    say("record", f"{apply_records(root, plan, software)} entries recorded on main")


def _execute(lay: DemoLayout, say: Say, software: Software, env: dict[str, str]) -> None:
    entry = execute(lay.project, RunOptions(staging_root=lay.staging, data_dir=lay.data,
                                            env=env, workflow_mirror=lay.mirror))
    retrieval = latest(load_project(lay.project).record, "workflow-retrieval")
    if retrieval is not None:
        say("workflow retrieval", f"{retrieval.status}: {retrieval.reason}; sha-512 "
            f"{str(retrieval.evidence.digest).removeprefix('sha512:')[:16]}...")
    if entry.status != "completed":
        raise DemoError(f"execution: {entry.reason}")
    refresh_crate(lay.project, software)
    commit_recorded(lay.project, f"fivesafes: execution attempt {entry.attempt} recorded")
    files = ", ".join(f"{r.path} ({r.size} bytes)" for r in entry.results)
    say("execution", f"attempt {entry.attempt} completed (sandbox: {entry.evidence.sandbox}) "
        f"in a staging folder outside git: {files}")


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


def _disclose(lay: DemoLayout, say: Say, software: Software, env: dict[str, str]) -> None:
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


def run_demo(base: Path, say: Say, software: Software) -> Path:
    """Run every phase into ``base`` (absent or empty); the path of the release zip."""
    lay = DemoLayout(base.absolute())
    with pinned_environment() as env:
        _start(lay, say)
        _request(lay, say, software)
        _execute(lay, say, software, env)
        _disclose(lay, say, software, env)
        result = publish(lay.project, PublishOptions(
            software=software, run=RunOptions(staging_root=lay.staging, env=env),
            directory=lay.release, env=env))
        commit_recorded(lay.project, f"fivesafes: publication {result.tag} recorded")
        say("publication", f"{result.tag} published to the TRE folder; zip sha-512 "
            f"{result.sha512[:16]}...; withheld: notes.txt (rejected by the checkers)")
    return Path(result.locations[0])
