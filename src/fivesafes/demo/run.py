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

This module plays the opening phases and the whole run; the stage every phase stands on is
:mod:`fivesafes.demo.stage`, and the output checkers' revise loop :mod:`fivesafes.demo.disclosure`.
"""

from __future__ import annotations

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
from fivesafes.adapters.git.process import run
from fivesafes.adapters.ledger.append import refresh_crate
from fivesafes.adapters.runner import clock
from fivesafes.core.admin.init_plan import InitOptions
from fivesafes.core.crate.spec import Software
from fivesafes.core.findings import errors
from fivesafes.core.ledger.queries import latest
from fivesafes.demo import github as demo_github
from fivesafes.demo import synthetic_source
from fivesafes.demo.disclosure import disclose
from fivesafes.demo.people import register_people
from fivesafes.demo.sandbox import choose_sandbox
from fivesafes.demo.stage import (
    DEMO_PROJECT_ID,
    DemoError,
    DemoLayout,
    Say,
    apply_records,
    as_person,
    commit_recorded,
    expect,
    merge,
    pinned_environment,
)
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import execute
from fivesafes.services.publish import PublishOptions, publish


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


def run_demo(base: Path, say: Say, software: Software) -> Path:
    """Run every phase into ``base`` (absent or empty); the path of the release zip."""
    lay = DemoLayout(base.absolute())
    with pinned_environment() as env:
        _start(lay, say)
        _request(lay, say, software)
        _execute(lay, say, software, env)
        disclose(lay, say, software, env)
        result = publish(lay.project, PublishOptions(
            software=software, run=RunOptions(staging_root=lay.staging, env=env),
            directory=lay.release, env=env))
        commit_recorded(lay.project, f"fivesafes: publication {result.tag} recorded")
        say("publication", f"{result.tag} published to the TRE folder; zip sha-512 "
            f"{result.sha512[:16]}...; withheld: notes.txt (rejected by the checkers)")
    return Path(result.locations[0])
