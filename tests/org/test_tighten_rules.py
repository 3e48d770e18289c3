"""Each tightening rule both ways: what a project may set, and what is refused as looser."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.org.test_org_policy import SOURCE
from tests.support.org_projects import EXECUTED, PUBLISHED, VALID, record

from fivesafes.core.org.summary import ProjectFiles, median_phase_days, summarise
from fivesafes.core.request.validate import validate_policy

HEAD = b'extends = "acme/policy"\n\n'


@pytest.mark.parametrize(("table", "ok", "loose"), [
    ("[phases.disclosure]", "distinct-from = [\"sign-off\"]", "distinct-from = []"),
    ("[disclosure]", "max-file-bytes = 1000", "max-file-bytes = 999999999999"),
    ("[disclosure]", 'allowed-types = ["text/csv"]', 'allowed-types = ["application/zip"]'),
    ("[publication]", 'targets = ["directory"]', 'targets = ["github-release"]'),
    ("[publication]", "releasable-results = false", "releasable-results = true"),
    ("[executor]", "timeout = 60", "timeout = 6000"),
    ("[reminders]", "remind-after = 2", "remind-after = 30"),
    ("[automation]", 'repository = "fivesafes/fivesafes-gitops"',
     'repository = "mallory/fork"'),
])
def test_tighter_passes_looser_is_refused(table: str, ok: str, loose: str) -> None:
    policy, found = validate_policy(HEAD + f"{table}\n{ok}\n".encode(), SOURCE)
    assert policy is not None, [f.render() for f in found]
    policy, found = validate_policy(HEAD + f"{table}\n{loose}\n".encode(), SOURCE)
    assert policy is None
    (refused,) = [f for f in found if f.rule == "policy.loosens"]
    assert refused.line == 4
    assert "acme/policy:fivesafes.toml:" in refused.message


def test_labels_and_maintainers_are_the_projects_own() -> None:
    policy, found = validate_policy(HEAD + b'[labels]\nhold = "on-hold"\n\n[maintainers]\n'
                                    b'owners = ["@acme/ops"]\n', SOURCE)
    assert policy is not None, [f.render() for f in found]
    assert policy.labels.hold == "on-hold"


def test_a_malformed_reference_is_named() -> None:
    _, found = validate_policy(b'extends = "not a repo"\n', SOURCE)
    assert found[0].rule == "policy.extends"
    assert found[0].line == 1


def test_median_days_per_phase() -> None:
    now = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    rows = [summarise(ProjectFiles(name, record=record(steps)), now)
            for name, steps in (("a", VALID), ("b", EXECUTED), ("c", PUBLISHED))]
    medians = median_phase_days(rows)
    assert medians["sign-off"] == 2.0  # b and c both took two days
    assert medians["disclosure"] == 2.0  # only c got there
    assert "disclosure" not in rows[1].phase_days
