"""The template's workflow is given by URL, so it carries the sha-512 of its zip; that digest
is the bundled demo analysis as the demo's TRE mirror holds it, so the demo runs the template
unchanged and a change to the bundled crate must update the template."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from tests.foundation.conftest import TEMPLATE

from fivesafes.adapters.executors.bundle import COUNTS_BY_REGION, bundled_workflow, zip_crate
from fivesafes.core.request.examples import TEMPLATE_WORKFLOW_SHA512

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "project"


def test_template_and_fixture_carry_the_digest_of_the_bundled_crate(tmp_path: Path) -> None:
    zipped = zip_crate(bundled_workflow(COUNTS_BY_REGION), tmp_path / "crate.zip")
    assert hashlib.sha512(zipped.read_bytes()).hexdigest() == TEMPLATE_WORKFLOW_SHA512
    for root in (TEMPLATE, FIXTURE):
        workflow = tomllib.loads((root / "resources" / "workflow.toml").read_text("utf-8"))
        assert workflow["workflow"]["sha512"] == TEMPLATE_WORKFLOW_SHA512, root
